"""One run at a time: an exclusive lock on a file, released by the kernel when the process ends, even on SIGKILL."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class Busy(Exception):
    """Another process holds the lock; the message names its process id when known."""


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created when missing) for the block; Busy when another process holds it.

    The file keeps the holder's process id for the message; a lock left by a killed process is free at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise Busy(f"tiến trình {holder}" if holder.isdigit() else "một tiến trình khác") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
