"""Memory of a process and the processes it forked (a crawl and its classifier processes), as PSS sampled while
they run: pages they share after the fork count once, as they do in the machine's memory (Linux)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

INTERVAL_S = 0.5


def pss_mb(pid: int) -> float:
    """A process's proportional set size: its own pages, and its share of those it shares; 0 once it has ended."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    return int(next(line.split()[1] for line in rollup.splitlines() if line.startswith("Pss:"))) / 1024


def forked_children(pid: int) -> list[int]:
    """The children of `pid` that run its program (forked from it), not those it started to run another (a mirror
    server, multiprocessing's helpers)."""
    try:
        program = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid and (stat.parent / "cmdline").read_bytes() == program:
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return found


@contextmanager
def peak_memory(pid: int) -> Iterator[list[float]]:
    """While the block runs, the largest PSS of process `pid` plus its forked children, in MB: `peak[0]` after it."""
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(INTERVAL_S):
            peak[0] = max(peak[0], pss_mb(pid) + sum(pss_mb(child) for child in forked_children(pid)))

    sampler = threading.Thread(target=sample, name="bench-memory", daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()
