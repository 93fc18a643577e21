"""Which sources a daily run reads: those valid today whose last run is older than their interval (every_hours)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from config import Source
from search import CrawlRun

# A source is due this share of its interval early, so that a timer firing a few minutes earlier than yesterday
# (systemd's RandomizedDelaySec, a slow previous run) never skips a day.
EARLY = 0.1


@dataclass(frozen=True)
class Due:
    source: Source
    reason: str  # in Vietnamese: why it is read now


def due_sources(
    sources: list[Source], last_run: Callable[[str], CrawlRun | None], now: datetime, everything: bool = False
) -> tuple[list[Due], list[tuple[Source, datetime]]]:
    """(the sources to read now and why; the others with the time each falls due). Sources that are disabled or not
    valid today are neither. A source whose last run did not finish is due again at once; `everything` reads every
    valid source whatever its last run."""
    due: list[Due] = []
    waiting: list[tuple[Source, datetime]] = []
    for source in sources:
        if not source.enabled or not source.valid_on(now.date()):
            continue
        run = last_run(source.id)
        if everything:
            due.append(Due(source, "đọc mọi nguồn (--all)"))
        elif run is None:
            due.append(Due(source, "chưa thu thập lần nào"))
        elif run.status != "finished":
            due.append(Due(source, f"lần trước kết thúc '{run.status}'"))
        else:
            interval = timedelta(hours=source.every_hours)
            next_at = run.finished_at + interval * (1 - EARLY)
            if now >= next_at:
                due.append(Due(source, f"lần trước lúc {run.finished_at:%d/%m/%Y %H:%M}"))
            else:
                waiting.append((source, next_at))
    return due, waiting
