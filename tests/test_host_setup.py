"""`make demo` / `make test` on a bare machine: scripts/host-setup.sh finds or installs bubblewrap."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "host-setup.sh"


def tools_without(tmp_path: Path, *hidden: str) -> Path:
    """A PATH folder with the tools the script uses, except ``hidden``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "python3").symlink_to(sys.executable)
    for tool in ("bash", "id", "apt-get", "sudo", "bwrap", "env"):
        found = shutil.which(tool)
        if found and tool not in hidden:
            (folder / tool).symlink_to(found)
    return folder


def run_script(path_dir: Path, user: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = ["env", "-i", f"PATH={path_dir}", "bash", "-s"]
    if user:
        argv = ["runuser", "-u", user, "--", *argv]
    return subprocess.run(argv, stdin=SCRIPT.open(), capture_output=True, text=True, timeout=60)


def test_nothing_to_do_when_everything_is_there(tmp_path: Path) -> None:
    if not shutil.which("bwrap"):
        pytest.skip("bubblewrap is not installed here")
    done = run_script(tools_without(tmp_path))
    assert done.returncode == 0 and done.stderr == ""


def test_without_bubblewrap_or_privileges_it_stops_with_the_command(tmp_path: Path) -> None:
    if os.geteuid() != 0 or not shutil.which("runuser"):
        pytest.skip("needs root to run the script as an unprivileged user")
    known = subprocess.run(["id", "autograder-sandbox"], capture_output=True).returncode == 0
    with tempfile.TemporaryDirectory(dir="/tmp") as shared:  # pytest's tmp_path is private to root
        Path(shared).chmod(0o755)
        done = run_script(tools_without(Path(shared), "bwrap", "sudo"), user="autograder-sandbox" if known else "nobody")
    assert done.returncode == 1
    command = next(line.strip() for line in done.stderr.splitlines() if line.strip().startswith("sudo apt-get"))
    assert command.startswith("sudo apt-get install -y ") and "bubblewrap" in command.split(), done.stderr
