"""Opening a gradebook by URL: an SQLite file by default, a PostgreSQL server for shared setups."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from autograder.gradebook.schema import Base

_engines: dict[str, Engine] = {}


def sqlite_url(path: Path) -> str:
    """The URL of an SQLite gradebook file (``OUT/gradebook.db``, ``<course>/gradebook.db``)."""
    return f"sqlite:///{path.resolve()}"


def normalise_url(url: str) -> str:
    """A bare path means an SQLite file; ``postgresql://`` uses psycopg (version 3)."""
    if "://" not in url:
        return sqlite_url(Path(url))
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def engine_for(url: str) -> Engine:
    """One engine per URL per process, with the tables created."""
    url = normalise_url(url)
    engine = _engines.get(url)
    if engine is None:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        Base.metadata.create_all(engine)
        _engines[url] = engine
    return engine


def sessions(url: str) -> sessionmaker[Session]:
    return sessionmaker(engine_for(url), expire_on_commit=False)


def dispose(url: str) -> None:
    """Close this process's connections to ``url`` (tests drop their databases afterwards)."""
    engine = _engines.pop(normalise_url(url), None)
    if engine is not None:
        engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:  # noqa: ANN001
    # WAL: readers (a report, a test polling progress) never block the batch's writes; a writer
    # killed mid-transaction leaves the file as of the last commit.
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
