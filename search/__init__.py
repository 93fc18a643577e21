"""The archive: the article record, the Store contract and its backends, full-text query.

This package never imports `crawler` or `classifier`.
"""

from __future__ import annotations

from search.article import VN_TZ, Article, article_id, content_hash
from search.backends import open_store
from search.store import (
    COUNT_DIMENSIONS,
    FACET_DIMENSIONS,
    STANCES,
    CountQuery,
    CrawlRun,
    LabelChange,
    LabelCorrection,
    SearchHit,
    SearchQuery,
    SearchResult,
    Store,
    StoreDamaged,
    StoreError,
    StoreMissing,
    StoreStats,
    UpsertOutcome,
)

__all__ = [
    "COUNT_DIMENSIONS",
    "FACET_DIMENSIONS",
    "STANCES",
    "CountQuery",
    "VN_TZ",
    "Article",
    "CrawlRun",
    "LabelChange",
    "LabelCorrection",
    "SearchHit",
    "SearchQuery",
    "SearchResult",
    "Store",
    "StoreDamaged",
    "StoreError",
    "StoreMissing",
    "StoreStats",
    "UpsertOutcome",
    "article_id",
    "content_hash",
    "open_store",
]
