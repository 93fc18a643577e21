"""A source's health from its latest crawl runs: never crawled, broken, silent or ok (Nguồn page, sources status)."""

from __future__ import annotations

from dataclasses import dataclass

from config.cms import GENERIC
from search import CrawlRun, crawlstats

SILENT_RUNS = 3
# More than this share of a run's articles read by the generic extractor: the source's layout has changed.
GENERIC_SHARE = 0.5


@dataclass(frozen=True)
class Health:
    status: str  # never | broken | silent | ok
    label: str
    detail: str


def _errors(run: CrawlRun) -> int:
    return crawlstats.errors(run.stats)


def _extracted(run: CrawlRun) -> tuple[int, int]:
    """(articles read by a layout rule or the generic path, of them by the generic path)."""
    counts = crawlstats.by_prefix(run.stats, crawlstats.EXTRACTED)
    return sum(counts.values()), counts.get(GENERIC, 0)


def source_health(runs: list[CrawlRun]) -> Health:
    """never crawled; broken (the run failed, errored, found pages but no article, or its layout changed);
    silent (no new article in recent runs); or ok."""
    if not runs:
        return Health("never", "chưa thu thập", "Nguồn chưa được thu thập lần nào.")
    last = runs[0]
    if last.status != "finished" or _errors(last) or last.stats.get("log_count/ERROR"):
        return Health("broken", "lỗi", f"Lần thu thập gần nhất kết thúc '{last.status}' với {_errors(last)} lỗi.")
    read, generic = _extracted(last)
    stored = crawlstats.total(last.stats, crawlstats.STORED)
    if read and generic / read > GENERIC_SHARE:
        return Health(
            "broken", "lỗi", f"Bố cục trang có thể đã đổi: {generic}/{read} bài không khớp quy tắc trích xuất."
        )
    if read and not stored:
        return Health("broken", "lỗi", f"Tải {read} trang bài nhưng không lưu được bài nào.")
    if len(runs) >= SILENT_RUNS and not any(r.stats.get(crawlstats.STORED_NEW) for r in runs[:SILENT_RUNS]):
        return Health("silent", "im lặng", f"{SILENT_RUNS} lần thu thập gần nhất không có bài mới.")
    return Health("ok", "hoạt động", f"{crawlstats.count(last.stats, crawlstats.STORED_NEW)} bài mới ở lần gần nhất.")
