"""The crawl-statistics keys ("cchc/…"): the crawler writes them to Scrapy's stats, a CrawlRun keeps them,
coverage, health and the CLI read them. Keys ending in "/" are prefixes completed by a name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

STORED = "cchc/stored/"  # + UpsertOutcome value: new | updated | unchanged | deferred
STORED_NEW = STORED + "new"
STORED_UPDATED = STORED + "updated"
STORED_UNCHANGED = STORED + "unchanged"
STORED_DEFERRED = STORED + "deferred"
SKIPPED_KNOWN = "cchc/skipped/already_stored"  # an article URL already archived: not fetched again
REMOVED = "cchc/removed"  # stored articles whose page a recheck found gone (404/410), marked removed
DROPPED = "cchc/dropped/"  # + reason
DISCOVERED = "cchc/discovered/"  # + feed | sitemap | listing
EXTRACTED = "cchc/extracted/"  # + the layout rule that read the page ("epi/2023") or "generic"
EXTRACTED_GENERIC = EXTRACTED + "generic"
NO_LAYOUT_RULES = "cchc/rules/none"  # 1 when the source has no layout rule: the generic path is its rule
CLASSIFIED = "cchc/classified/"  # + relevant | not_relevant
SECTION = "cchc/section/"  # + section / outcome
PUBLISHED_OLDEST = "cchc/published/oldest"  # how far back the run read (ISO datetime)
PUBLISHED_NEWEST = "cchc/published/newest"
LISTING_STOPPED_AT_SINCE = "cchc/listing/stopped_at_since"
NO_DATE = "cchc/warnings/no_date"
PLACES_MENTIONED = "cchc/places/with_mentions"
MIRROR_REWRITTEN = "cchc/mirror/rewritten"
WARC_RECORDS = "cchc/warc/records"  # responses kept as WARC
ERRORS = "cchc/errors/"
FETCH_ERRORS = ERRORS + "fetch/"  # + the failure's exception class
ARCHIVE_UNAVAILABLE = ERRORS + "archive_unavailable"
EMPTY_FEED = ERRORS + "empty_feed"
INVALID_SITEMAP = ERRORS + "invalid_sitemap"
LISTING_NOT_HTML = ERRORS + "listing_not_html"
NOT_HTML = ERRORS + "not_html"
EXTRACTION_FAILED = ERRORS + "extraction"
WARC_ERRORS = ERRORS + "warc"  # responses that could not be written to a WARC file
SPIDER_EXCEPTIONS = "spider_exceptions/"  # Scrapy's own


def count(stats: Mapping[str, Any], key: str) -> int:
    return int(stats.get(key) or 0)


def by_prefix(stats: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """The counts under `prefix`, keyed by the rest of their key."""
    return {k.removeprefix(prefix): int(v) for k, v in stats.items() if k.startswith(prefix)}


def total(stats: Mapping[str, Any], *prefixes: str) -> int:
    """The sum of the counts under any of `prefixes`."""
    return sum(int(v) for k, v in stats.items() if k.startswith(prefixes))


def errors(stats: Mapping[str, Any]) -> int:
    """Our counted errors and the spider's exceptions."""
    return total(stats, ERRORS, SPIDER_EXCEPTIONS)
