"""The unprivileged user sandboxed stages run as when the grader runs as root."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from autograder.sandbox.base import SandboxUnavailable

DEFAULT_USER = "autograder-sandbox"


@dataclass(frozen=True)
class SandboxUser:
    name: str
    uid: int
    gid: int


def sandbox_user_name() -> str:
    return os.environ.get("AUTOGRADER_SANDBOX_USER", DEFAULT_USER)


def ensure_user(name: str | None = None) -> SandboxUser:
    """Look the user up, creating it as a system user (no home, no shell) if missing."""
    name = name or sandbox_user_name()
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        entry = None
    if entry is None:
        _create_user(name)
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise SandboxUnavailable(f"the sandbox user {name!r} is root; it must be unprivileged")
    return SandboxUser(name, entry.pw_uid, entry.pw_gid)


def _create_user(name: str) -> None:
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    command = [
        useradd, "--system", "--user-group", "--no-create-home",
        "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except OSError as err:
        raise SandboxUnavailable(f"cannot create the sandbox user {name!r}: {err}") from None
    if done.returncode != 0:
        reason = done.stderr.strip() or f"useradd exit code {done.returncode}"
        raise SandboxUnavailable(f"cannot create the sandbox user {name!r}: {reason}")


def hand_over(paths: list[Path], user: SandboxUser) -> None:
    """Give ``user`` the writable paths (and what is already inside them), never following links."""
    for top in paths:
        if not top.exists():
            continue
        os.lchown(top, user.uid, user.gid)
        if top.is_dir() and not top.is_symlink():
            for folder, dirs, files in os.walk(top):
                for name in dirs + files:
                    os.lchown(os.path.join(folder, name), user.uid, user.gid)
