"""A source's health from its latest crawl runs: never crawled, broken, silent or ok (Nguồn page, sources status),
and why a run could not read its source (DNS, refused, timeout, HTTP 5xx, robots.txt, layout), in Vietnamese."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from config.cms import GENERIC
from search import CrawlRun, crawlstats

SILENT_RUNS = 3
# More than this share of a run's articles read by the generic extractor: the source's layout has changed.
GENERIC_SHARE = 0.5
EXCEPTION_COUNTS = "downloader/exception_type_count/"
STATUS_COUNTS = "downloader/response_status_count/"
ROBOTS_FORBIDDEN = "robotstxt/forbidden"
# Parts of the exception class names Scrapy and Twisted raise, and what they mean to a reader.
NETWORK_CAUSES = (
    (("CannotResolveHost", "DNSLookup"), "không phân giải được tên miền (DNS)"),
    (("ConnectionRefused",), "máy chủ từ chối kết nối"),
    (("Timeout", "TimedOut"), "máy chủ không trả lời kịp (hết thời gian chờ)"),
    (("ConnectionLost", "ConnectionDone", "ResponseNeverReceived", "ConnectError", "SSL"), "kết nối bị ngắt"),
)


# A source's health: its Vietnamese label.
HEALTH_LABELS = {"ok": "hoạt động", "silent": "im lặng", "broken": "lỗi", "never": "chưa thu thập"}


@dataclass(frozen=True)
class Health:
    status: str  # never | broken | silent | ok
    label: str
    detail: str


def _extracted(stats: Mapping[str, Any]) -> tuple[int, int]:
    """(articles read by a layout rule or the generic path, of them by the generic path)."""
    counts = crawlstats.by_prefix(stats, crawlstats.EXTRACTED)
    return sum(counts.values()), counts.get(GENERIC, 0)


def _outside_dates(stats: Mapping[str, Any]) -> int:
    """Articles read but dropped for their date (before --since, after --until or the source's validity): read
    well, only not wanted in this run."""
    return sum(crawlstats.count(stats, crawlstats.DROPPED + reason) for reason in ("before_since", "after_until"))


def _network_causes(stats: Mapping[str, Any]) -> list[str]:
    failures = {**crawlstats.by_prefix(stats, EXCEPTION_COUNTS)}
    for name, n in crawlstats.by_prefix(stats, crawlstats.FETCH_ERRORS).items():
        failures[name] = max(failures.get(name, 0), n)
    causes = []
    for parts, label in NETWORK_CAUSES:
        n = sum(v for name, v in failures.items() if any(p in name for p in parts))
        if n:
            causes.append(f"{label}, {n} lần")
    server = sum(v for code, v in crawlstats.by_prefix(stats, STATUS_COUNTS).items() if code.startswith("5"))
    if server:
        causes.append(f"máy chủ trả lỗi HTTP 5xx, {server} lần")
    return causes


def _diagnose(stats: Mapping[str, Any], status: str) -> tuple[str | None, bool]:
    """(what went wrong in a run, in one Vietnamese phrase, or None; whether the source could not be read at all:
    the run did not finish, reached no article, or read pages its layout rules no longer fit)."""
    read, generic = _extracted(stats)
    stored = crawlstats.total(stats, crawlstats.STORED)
    reached = stored + crawlstats.count(stats, crawlstats.SKIPPED_KNOWN) + _outside_dates(stats)
    forbidden = crawlstats.count(stats, ROBOTS_FORBIDDEN)
    causes = _network_causes(stats)
    refused = bool(forbidden and not reached)
    if refused:
        causes.append(f"robots.txt không cho phép thu thập ({forbidden} trang)")
    layout = False
    if read and generic / read > GENERIC_SHARE and not crawlstats.count(stats, crawlstats.NO_LAYOUT_RULES):
        causes.append(f"bố cục trang có thể đã đổi: {generic}/{read} bài không khớp quy tắc trích xuất")
        layout = True
    elif read and not stored and not _outside_dates(stats):  # pages the rules read, yet none became an article
        causes.append(f"tải {read} trang bài nhưng không lưu được bài nào")
        layout = True
    errors = crawlstats.errors(stats) or int(stats.get("log_count/ERROR") or 0)
    if status != "finished":
        causes.append(f"lần chạy kết thúc '{status}'")
    elif not (errors or refused or layout):
        return None, False  # retries that succeeded in the end are no failure
    if not causes:
        causes.append(f"{errors} lỗi (chạy lại với -v để ghi nhật ký chi tiết)")
    unread = status != "finished" or layout or not reached
    return "; ".join(causes), unread


def failure_cause(stats: Mapping[str, Any], status: str = "finished") -> str | None:
    """What went wrong in a run (any error, even when most of the source was read); None when nothing did."""
    return _diagnose(stats, status)[0]


def unread_cause(stats: Mapping[str, Any], status: str = "finished") -> str | None:
    """Why a run could not read its source (it did not finish, reached no article, or its layout changed);
    None when it read it, even if some pages failed."""
    cause, unread = _diagnose(stats, status)
    return cause if unread else None


def source_health(runs: list[CrawlRun]) -> Health:
    """never crawled; broken (the last run could not read the source: see failure_cause); silent (no new article
    in recent runs); or ok."""
    if not runs:
        return Health("never", HEALTH_LABELS["never"], "Nguồn chưa được thu thập lần nào.")
    last = runs[0]
    cause = failure_cause(last.stats, last.status)
    if cause:
        return Health("broken", HEALTH_LABELS["broken"], f"{cause[0].upper()}{cause[1:]}.")
    if len(runs) >= SILENT_RUNS and not any(r.stats.get(crawlstats.STORED_NEW) for r in runs[:SILENT_RUNS]):
        return Health("silent", HEALTH_LABELS["silent"], f"{SILENT_RUNS} lần thu thập gần nhất không có bài mới.")
    new = crawlstats.count(last.stats, crawlstats.STORED_NEW)
    return Health("ok", HEALTH_LABELS["ok"], f"{new} bài mới ở lần gần nhất.")
