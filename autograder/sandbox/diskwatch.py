"""A trusted cap on what a sandboxed stage writes to disk: total bytes and number of files.

RLIMIT_FSIZE caps one file; this caps the writable paths as a whole, by
measuring them while the stage runs and stopping it once it is over.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from autograder.sandbox.base import MiB

CHECK_EVERY_S = 0.5


def usage(paths: list[Path], stop_after_files: int) -> tuple[int, int]:
    """Bytes allocated on disk and entries found under ``paths``, not following links."""
    total, count = 0, 0
    pending = [str(p) for p in paths]
    while pending and count <= stop_after_files:
        top = pending.pop()
        try:
            info = os.lstat(top)
        except OSError:
            continue
        total += info.st_blocks * 512
        if not os.path.isdir(top) or os.path.islink(top):
            continue
        try:
            with os.scandir(top) as entries:
                for entry in entries:
                    count += 1
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    else:
                        try:
                            total += entry.stat(follow_symlinks=False).st_blocks * 512
                        except OSError:
                            continue
        except OSError:
            continue
    return total, count


class DiskWatch:
    """Calls ``stop(reason)`` once the watched paths exceed ``max_bytes`` or ``max_files``."""

    def __init__(self, paths: list[Path], max_bytes: int, max_files: int, stop: Callable[[str], None]) -> None:
        self._paths = [p for p in paths if p.is_dir()]
        self._max_bytes = max_bytes
        self._max_files = max_files
        self._stop = stop
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        if self._paths:
            self._thread.start()

    def _watch(self) -> None:
        while not self._done.wait(CHECK_EVERY_S):
            size, count = usage(self._paths, self._max_files)
            if size > self._max_bytes:
                self._stop(f"it wrote more than {self._max_bytes // MiB} MB to disk")
                return
            if count > self._max_files:
                self._stop(f"it created more than {self._max_files} files")
                return

    def close(self) -> None:
        self._done.set()
