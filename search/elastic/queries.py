"""The query DSL the Elasticsearch store sends, built from the same requests the SQLite store answers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from search.article import VN_TZ
from search.query import ParsedQuery, Term, parse_query
from search.store import CountQuery, SearchQuery

FOLDED = ["title.folded^3", "lead.folded^2", "text.folded"]
EXACT = ["title^3", "lead^2", "text"]
# Flat score bonuses, each tier above the one below it plus any bm25 score of a search (see text_query).
PHRASE_BONUS = 1_000
ACCENT_BONUS = 10_000
FIELDS = {
    "area": "areas", "topic": "topics", "place": "places", "channel": "channel", "source": "source",
    "unit": "unit", "section": "section", "stance": "stance", "month": "published_month", "day": "published_day",
    "label_source": "label_source", "model_version": "model_version",
}  # fmt: skip
# An article without any value of a list field is not counted for it (as SQLite's join over the list);
# one without a scalar value counts as "unknown".
LIST_DIMENSIONS = ("area", "topic", "place")
HIGHLIGHT = {
    "pre_tags": ["<mark>"],
    "post_tags": ["</mark>"],
    "encoder": "html",
    "fields": {
        "title.folded": {"number_of_fragments": 0},
        "text.folded": {"fragment_size": 220, "number_of_fragments": 1, "no_match_size": 0},
        "lead.folded": {"fragment_size": 220, "number_of_fragments": 1, "no_match_size": 0},
    },
}


def _day_start(day: date) -> str:
    return datetime.combine(day, time.min, VN_TZ).isoformat()


def _term_query(term: Term, fields: list[str]) -> dict[str, Any]:
    text = " ".join(term.words)
    if term.prefix:
        return {"multi_match": {"query": text, "fields": fields, "type": "phrase_prefix"}}
    if len(term.words) > 1 and not term.phrase:
        return {"multi_match": {"query": text, "fields": fields, "type": "cross_fields", "operator": "and"}}
    if len(term.words) > 1:
        return {"multi_match": {"query": text, "fields": fields, "type": "phrase"}}
    return {"multi_match": {"query": text, "fields": fields}}


def _every_group(groups: tuple[tuple[Term, ...], ...], fields: list[str]) -> dict[str, Any]:
    return {
        "bool": {
            "must": [
                {"bool": {"should": [_term_query(t, fields) for t in group], "minimum_should_match": 1}}
                for group in groups
            ]
        }
    }


def _bonus(query: dict[str, Any], boost: int) -> dict[str, Any]:
    return {"constant_score": {"filter": query, "boost": boost}}


def text_query(parsed: ParsedQuery) -> dict[str, Any]:
    """All groups must match on the folded fields, scored by bm25; flat bonuses above any bm25 score rank as the
    SQLite store does: an accented query's exact accents first (ACCENT_BONUS), then words typed one by one found
    side by side (PHRASE_BONUS, once with the exact accents, once folded)."""
    should = []
    if parsed.has_diacritics:
        should.append(_bonus(_every_group(parsed.groups, EXACT), ACCENT_BONUS))
    adjacent = parsed.adjacent()
    if adjacent is not None:
        should.append(_bonus(_every_group(adjacent.groups, FOLDED), PHRASE_BONUS))
        if parsed.has_diacritics:
            should.append(_bonus(_every_group(adjacent.groups, EXACT), PHRASE_BONUS))
    return {"bool": {
        "must": _every_group(parsed.groups, FOLDED)["bool"]["must"], "should": should,
        "must_not": [_term_query(t, FOLDED) for t in parsed.excluded],
    }}  # fmt: skip


def filters(query: SearchQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for field, values in (("source", query.sources), ("channel", query.channels), ("areas", query.areas),
                          ("topics", query.topics), ("unit", query.units), ("places", query.places),
                          ("stance", query.stances)):  # fmt: skip
        if values:
            clauses.append({"terms": {field: list(values)}})
    span: dict[str, str] = {}
    if query.date_from:
        span["gte"] = _day_start(query.date_from)
    if query.date_to:
        span["lt"] = _day_start(query.date_to + timedelta(days=1))
    if span:
        clauses.append({"range": {"published_at": span}})
    return clauses


def _scope(query: SearchQuery) -> dict[str, Any] | None:
    """The bool query selecting what `query` selects; None when its text can match nothing."""
    parsed = parse_query(query.text, query.synonyms)
    if parsed.empty and query.text.strip():
        return None
    bool_query: dict[str, Any] = {"filter": filters(query)}
    if query.relevant is not None:
        bool_query["filter"].append({"term": {"relevant": query.relevant}})
    if query.fold_reprints:
        bool_query["must_not"] = [{"exists": {"field": "duplicate_of"}}]
    if not parsed.empty:
        bool_query["must"] = [text_query(parsed)]
    return {"bool": bool_query}


def search_body(query: SearchQuery) -> dict[str, Any] | None:
    scope = _scope(query)
    if scope is None:
        return None
    browse = not parse_query(query.text).groups
    by_date = [{"published_at": {"order": "desc", "missing": "_last"}}, {"id": "asc"}]
    return {
        "query": scope,
        "sort": by_date if browse or query.sort == "date" else ["_score", *by_date],
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        **({} if browse else {"highlight": HIGHLIGHT}),
    }


def facets_body(query: SearchQuery, dims: tuple[str, ...], limit: int) -> dict[str, Any] | None:
    scope = _scope(query)
    if scope is None:
        return None
    return {"query": scope, "size": 0,
            "aggs": {dim: {"terms": {"field": FIELDS[dim], "size": limit}} for dim in dims}}  # fmt: skip


def label_queue_bodies(threshold: float, limit: int) -> list[dict[str, Any]]:
    """The nearest `limit` unlabeled originals at or above `threshold`, and below it (see store.nearest_first)."""
    not_wanted = [{"term": {"label_source": "human"}}, {"exists": {"field": "duplicate_of"}}]
    return [
        {"query": {"bool": {"filter": [{"range": {"relevance": {op: threshold}}}], "must_not": not_wanted}},
         "sort": [{"relevance": {"order": order}}, {"id": "asc"}], "size": limit}
        for op, order in (("gte", "asc"), ("lt", "desc"))
    ]  # fmt: skip


# Groups per page of a composite aggregation: a shorter page is the last one.
COMPOSITE_PAGE = 1000


def count_body(dims: tuple[str, ...], query: CountQuery, after: dict[str, Any] | None = None) -> dict[str, Any]:
    """A composite aggregation over `dims`; page through it with `after`."""
    return _composite(dims, query, after, [])


def sum_body(
    dims: tuple[str, ...], measure: str, query: CountQuery, after: dict[str, Any] | None = None
) -> dict[str, Any]:
    """count_body over the articles that carry `measure`, each group with the sum of it (as `total`)."""
    body = _composite(dims, query, after, [{"exists": {"field": measure}}])
    body["aggs"]["cells"]["aggs"] = {"total": {"sum": {"field": measure}}}
    return body


def _composite(
    dims: tuple[str, ...], query: CountQuery, after: dict[str, Any] | None, conditions: list[dict[str, Any]]
) -> dict[str, Any]:
    """The articles `query` and `conditions` select, in a composite aggregation `cells` over `dims`."""
    # The same filters as a search over the count's sources and dates, as the SQLite store does.
    clauses = filters(SearchQuery(sources=query.sources, date_from=query.date_from, date_to=query.date_to))
    clauses += conditions
    if query.relevant_only:
        clauses.append({"term": {"relevant": True}})
    if query.section is not None:
        clauses.append({"term": {"section": query.section}})
    must_not = [{"exists": {"field": "duplicate_of"}}] if query.exclude_reprints else []
    composite: dict[str, Any] = {
        "size": COMPOSITE_PAGE,
        "sources": [
            {dim: {"terms": {"field": FIELDS[dim], "missing_bucket": dim not in LIST_DIMENSIONS}}} for dim in dims
        ],
    }
    if after:
        composite["after"] = after
    return {"query": {"bool": {"filter": clauses, "must_not": must_not}}, "size": 0,
            "aggs": {"cells": {"composite": composite}}}  # fmt: skip
