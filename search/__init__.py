"""The archive: the article record, the Store contract and its backends, full-text query.

This package never imports `crawler` or `classifier`.
"""

from __future__ import annotations

from search.article import VN_TZ, Article, article_id, content_hash, word_count
from search.backends import open_store
from search.store import (
    COUNT_DIMENSIONS,
    FACET_DIMENSIONS,
    MEASURES,
    STANCES,
    CountQuery,
    CrawlRun,
    Grouping,
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
    Total,
    UpsertOutcome,
)

__all__ = [
    "COUNT_DIMENSIONS",
    "FACET_DIMENSIONS",
    "MEASURES",
    "STANCES",
    "CountQuery",
    "Grouping",
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
    "Total",
    "UpsertOutcome",
    "article_id",
    "content_hash",
    "open_store",
    "word_count",
]
