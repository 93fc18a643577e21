"""Articles as Elasticsearch documents and bulk actions: NFC text, keywords cut to Lucene's term limit."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from search import neardup
from search.article import VN_TZ, Article, fresher, keep_human_labels, keep_revision
from search.store import UpsertOutcome

LUCENE_TERM_BYTES = 32_766
KEYWORD_FIELDS = ("url", "canonical_url", "author", "section")
TEXT_FIELDS = ("title", "lead", "text")
DERIVED = ("published_month", "published_day", "simhash_bands")


def cut_to_bytes(value: str, limit: int = LUCENE_TERM_BYTES) -> str:
    """`value` shortened, on a character boundary, to at most `limit` UTF-8 bytes."""
    encoded = value.encode("utf-8")
    return value if len(encoded) <= limit else encoded[:limit].decode("utf-8", errors="ignore")


def to_doc(article: Article) -> dict[str, Any]:
    doc = article.to_dict()
    for field in TEXT_FIELDS:
        doc[field] = unicodedata.normalize("NFC", doc[field])
    for field in KEYWORD_FIELDS:
        if doc[field]:
            doc[field] = cut_to_bytes(doc[field])
    doc["tags"] = [cut_to_bytes(t) for t in doc["tags"]]
    local = article.published_at.astimezone(VN_TZ) if article.published_at else None
    doc["published_month"] = f"{local:%Y-%m}" if local else None
    doc["published_day"] = f"{local:%Y-%m-%d}" if local else None
    doc["simhash_bands"] = neardup.bands(article.simhash) if article.simhash else []
    return doc


def from_doc(source: Mapping[str, Any]) -> Article:
    return Article.from_dict({k: v for k, v in source.items() if k not in DERIVED})


def plan_writes(
    articles: Iterable[Article], existing: Mapping[str, Mapping[str, Any]], index: str
) -> tuple[list[dict[str, Any]], dict[str, UpsertOutcome]]:
    """Bulk index actions for what changed, and each article's outcome.

    `existing` maps ids already stored to their content_hash, warc, removed_at, duration_s and label fields, and
    for changed ones also their REVISION_FIELDS and revisions. Unchanged articles are skipped (only a newer WARC
    pointer, the end of a removed mark or a player length the stored copy lacks is written); a person's labels
    survive a re-crawl and a changed page keeps its earlier version, as in the SQLite store.
    """
    actions: list[dict[str, Any]] = []
    outcomes: dict[str, UpsertOutcome] = {}
    for article in articles:
        old = existing.get(article.id)
        if old is not None and old.get("content_hash") == article.content_hash:
            outcomes[article.id] = UpsertOutcome.UNCHANGED
            if fresher(article, old):
                # The same words fetched again: point at the newest copy (the one retention keeps longest); a page
                # marked removed is back; a player that now says its length gives the airtime.
                fresh = {"warc": article.warc or old.get("warc"), "removed_at": None}
                if article.duration_s is not None:
                    fresh["duration_s"] = article.duration_s
                actions.append({"_op_type": "update", "_index": index, "_id": article.id, "doc": fresh})
            continue
        doc = to_doc(article)
        keep_human_labels(doc, old)
        if old is not None:
            keep_revision(doc, old)
        # require_alias: never let a write auto-create an unmapped index when `store init` was not run.
        actions.append({"_op_type": "index", "_index": index, "_id": article.id, "require_alias": True, "_source": doc})
        outcomes[article.id] = UpsertOutcome.NEW if old is None else UpsertOutcome.UPDATED
    return actions, outcomes
