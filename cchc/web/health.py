"""A source's health from its latest crawl runs, in the words the Nguồn page shows."""

from __future__ import annotations

from dataclasses import dataclass

from search import CrawlRun

SILENT_RUNS = 3


@dataclass(frozen=True)
class Health:
    status: str  # never | broken | silent | ok
    label: str
    detail: str


def _errors(run: CrawlRun) -> int:
    return sum(int(v) for k, v in run.stats.items() if k.startswith(("cchc/errors/", "spider_exceptions/")))


def source_health(runs: list[CrawlRun]) -> Health:
    """never crawled, broken (last run failed or errored), silent (no new article in recent runs), or ok."""
    if not runs:
        return Health("never", "chưa thu thập", "Nguồn chưa được thu thập lần nào.")
    last = runs[0]
    if last.status != "finished" or _errors(last) or last.stats.get("log_count/ERROR"):
        return Health("broken", "lỗi", f"Lần thu thập gần nhất kết thúc '{last.status}' với {_errors(last)} lỗi.")
    if len(runs) >= SILENT_RUNS and not any(r.stats.get("cchc/stored/new") for r in runs[:SILENT_RUNS]):
        return Health("silent", "im lặng", f"{SILENT_RUNS} lần thu thập gần nhất không có bài mới.")
    return Health("ok", "hoạt động", f"{int(last.stats.get('cchc/stored/new', 0))} bài mới ở lần gần nhất.")
