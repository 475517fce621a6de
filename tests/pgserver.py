"""A real PostgreSQL server for the gradebook's tests.

``AUTOGRADER_TEST_PG_URL`` names a server to use; otherwise one is started from Debian's
postgresql package (``initdb`` + ``pg_ctl``, as the ``postgres`` user when run as root) in a
temporary folder on a free port, and stopped at the end. Where it cannot start, the tests fail
under CI (``AUTOGRADER_REQUIRE_PG=1``, which ``.ci/run`` sets) and skip with the reason elsewhere.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest


def unavailable(reason: str) -> None:
    """Fail under CI, skip loudly elsewhere."""
    message = f"PostgreSQL tests cannot run: {reason}"
    if os.environ.get("AUTOGRADER_REQUIRE_PG") == "1":
        pytest.fail(message + " (AUTOGRADER_REQUIRE_PG=1: .ci/run installs and needs it)")
    print(f"\n*** SKIPPING {message} ***")
    pytest.skip(message)


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server() -> Iterator[str]:
    """The URL of a running server's ``postgres`` database (superuser, trust auth on 127.0.0.1)."""
    given = os.environ.get("AUTOGRADER_TEST_PG_URL")
    if given:
        yield given
        return
    bindir = _bindir()
    if bindir is None:
        unavailable("initdb not found (apt-get install postgresql)")
    root = Path(tempfile.mkdtemp(prefix="autograder-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        try:
            import pwd

            entry = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root, ignore_errors=True)
            unavailable("running as root and there is no postgres user to run the server as")
        os.chown(root, entry.pw_uid, entry.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = root / "data", _free_port()
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-sync"], check=True, capture_output=True, timeout=120)
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w",
                        "-t", "60", "-o", options, "start"], check=True, capture_output=True, timeout=90)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as err:
        log = (root / "server.log").read_text() if (root / "server.log").is_file() else ""
        detail = getattr(err, "stderr", b"") or b""
        shutil.rmtree(root, ignore_errors=True)
        unavailable(f"the server did not start: {err}; {detail.decode(errors='replace')[-500:]} {log[-500:]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server (dropped afterwards): its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from autograder.gradebook import db

    name = f"gradebook_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(db.normalise_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(db.normalise_url(server_url)).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        db.dispose(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """One server for the whole test session (import this fixture into a test module)."""
    with server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:  # noqa: ANN001
    """The same test on an SQLite file and on a fresh database of the real PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gradebook.db'}"
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        yield url
