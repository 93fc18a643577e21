"""The Store contract every backend fulfils (search.backends picks one by URL)."""

from __future__ import annotations

import dataclasses
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from search.article import Article
from search.batching import batched

logger = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be opened, read or written; the message is one line."""


class StoreMissing(StoreError):
    """A command that only reads named an archive that does not exist (it is never created empty)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: the archive does not exist")
        self.path = path


class StoreDamaged(StoreError):
    """The archive's file or index is damaged (e.g. a malformed SQLite database): reads cannot be trusted."""


class UpsertOutcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DEFERRED = "deferred"  # the backend could not take it now: it waits in the dead-letter file


@dataclass(frozen=True)
class SearchQuery:
    """A search request: free text (may be empty) and filters; dates are local (+07:00), inclusive."""

    text: str = ""
    sources: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    relevant: bool | None = None
    stances: tuple[str, ...] = ()
    fold_reprints: bool = False
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    synonyms: tuple[tuple[str, ...], ...] = ()  # forms that mean the same (the plan's acronyms), matched either way

    def __post_init__(self) -> None:
        if self.sort not in ("relevance", "date"):
            raise StoreError(f"cách sắp xếp {self.sort!r} không có (unknown sort): dùng relevance hoặc date")
        if not 0 < self.limit <= MAX_LIMIT:
            raise StoreError(f"số kết quả (limit) phải từ 1 đến {MAX_LIMIT}")
        if self.offset < 0:
            raise StoreError("vị trí bắt đầu (offset) không được âm")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise StoreError("ngày bắt đầu sau ngày kết thúc")
        if set(self.stances) - set(STANCES):
            unknown = sorted(set(self.stances) - set(STANCES))
            raise StoreError(f"quan điểm {unknown} không có (unknown stance): dùng {', '.join(STANCES)}")


MAX_LIMIT = 5000
# What a relevant article does for the plan: praises a good model, reports a shortcoming, or neither.
STANCES = ("praise", "criticism", "neutral")
COUNT_DIMENSIONS = (
    "area", "topic", "place", "channel", "source", "unit", "section", "stance", "month", "day", "label_source",
    "model_version",
)  # fmt: skip
# What sum_by adds up: print space (words) and airtime (duration_s, seconds).
MEASURES = ("words", "duration_s")
FACET_DIMENSIONS = ("area", "topic", "place", "channel", "source", "unit", "stance")


@dataclass(frozen=True)
class CountQuery:
    """Which articles a count covers: a local date range, relevance, reprints, sources."""

    date_from: date | None = None
    date_to: date | None = None
    relevant_only: bool = True
    exclude_reprints: bool = True
    sources: tuple[str, ...] = ()
    section: str | None = None


@dataclass(frozen=True)
class Grouping:
    """One figure of a tally: article counts by `dims` (as count_by), or with `measure` its totals (as sum_by)."""

    dims: tuple[str, ...]
    query: CountQuery = CountQuery()
    measure: str | None = None


@dataclass(frozen=True)
class Total:
    """A measure summed over a group's articles that carry it; `measured` says how many do (an article whose
    page gave no duration adds nothing and is not counted here)."""

    total: int
    measured: int


@dataclass(frozen=True)
class SearchHit:
    """One result: the article, its rank score (higher is better) and HTML-escaped highlights."""

    article: Article
    score: float
    title_html: str
    snippet_html: str


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]


@dataclass(frozen=True)
class StoreStats:
    total: int
    relevant: int
    by_source: dict[str, int]
    by_channel: dict[str, int]
    by_month: dict[str, int]
    by_area: dict[str, int]
    by_section: dict[str, dict[str, int]]
    date_range_by_source: dict[str, tuple[str | None, str | None]]
    size_bytes: int


@dataclass(frozen=True)
class CrawlRun:
    """What one crawl of one source did: Scrapy stats and the store's counts."""

    source: str
    started_at: datetime
    finished_at: datetime
    status: str
    stats: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class LabelChange:
    """One entry of an article's label history: who changed what, when (action: correct | resolve)."""

    article_id: str
    user: str
    at: datetime
    action: str
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass(frozen=True)
class LabelCorrection:
    """What a correction led to: `conflict` when the article's labels are now disputed (awaiting review)."""

    conflict: bool


def label_values(article: Article) -> dict[str, Any]:
    """The labels people correct, as kept in the history."""
    return {"relevant": article.relevant, "areas": list(article.areas), "topics": list(article.topics),
            "stance": article.stance}  # fmt: skip


def human_labels(
    article: Article,
    relevant: bool,
    areas: Iterable[str],
    topics: Iterable[str],
    stance: str | None,
    user: str,
    at: datetime,
) -> Article:
    """`article` with a person's labels: areas, topics and stance only when it is relevant."""
    if stance is not None and stance not in STANCES:
        raise StoreError(f"quan điểm {stance!r} không có (unknown stance): dùng {', '.join(STANCES)}")
    return dataclasses.replace(
        article, relevant=relevant, areas=tuple(areas) if relevant else (), topics=tuple(topics) if relevant else (),
        stance=stance if relevant else None, label_source="human", labeled_by=user, labeled_at=at,
    )  # fmt: skip


def nearest_first(above: Iterable[Article], below: Iterable[Article], threshold: float, limit: int) -> list[Article]:
    """The label queue's order: the articles whose relevance is nearest `threshold` first (ties by id).

    Backends pass the nearest `limit` articles on each side of the threshold (those at or above it, those below).
    """
    merged = [*above, *below]
    merged.sort(key=lambda a: (abs((a.relevance or 0.0) - threshold), a.id))
    return merged[:limit]


class Store(ABC):
    """An archive of articles, keyed by the canonical-URL id."""

    url: str

    @abstractmethod
    def upsert_batch(self, articles: Sequence[Article]) -> list[UpsertOutcome]:
        """Insert or replace each article (by id) in one write; what happened to each, in order.

        StoreError when the write failed as a whole: none of the batch is stored."""

    def upsert(self, article: Article) -> UpsertOutcome:
        """Insert or replace the article with the same id; say what happened."""
        return self.upsert_batch([article])[0]

    def upsert_many(self, articles: Iterable[Article], batch_size: int = 500) -> dict[UpsertOutcome, int]:
        """Upsert in batches (one write per batch); count the outcomes."""
        counts = dict.fromkeys(UpsertOutcome, 0)
        for batch in batched(articles, batch_size):
            for outcome in self.upsert_batch(batch):
                counts[outcome] += 1
        return counts

    @abstractmethod
    def mark_removed(self, article_id: str, at: datetime) -> bool:
        """Mark a stored article whose page a recheck found gone (404/410) as removed at `at`, never deleting it;
        False when there is no such article or it was already marked. Storing the page again clears the mark."""

    @abstractmethod
    def set_labels(self, article: Article) -> None:
        """Replace the stored labels (relevant ... model_version) of `article.id` with the given ones."""

    @abstractmethod
    def iter_articles(self, label_source: str | None = None, batch_size: int = 500) -> Iterator[Article]:
        """Every stored article (only those labeled by `label_source` when given), oldest id first."""

    @abstractmethod
    def exists(self, article_id: str) -> bool: ...

    @abstractmethod
    def get(self, article_id: str) -> Article | None: ...

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abstractmethod
    def facets(self, query: SearchQuery, dims: tuple[str, ...], limit: int = 50) -> dict[str, dict[str, int]]:
        """For each of `dims` (FACET_DIMENSIONS), the counts of the articles `query` selects, largest first."""

    @abstractmethod
    def reprints(self, article_ids: tuple[str, ...]) -> dict[str, list[Article]]:
        """The stored reprints (duplicate_of) of each of the given originals."""

    @abstractmethod
    def stats(self) -> StoreStats: ...

    @abstractmethod
    def count_by(self, dims: tuple[str, ...], query: CountQuery) -> dict[tuple[str, ...], int]:
        """Article counts grouped by `dims` (see COUNT_DIMENSIONS); list fields count once per value."""

    @abstractmethod
    def sum_by(self, dims: tuple[str, ...], measure: str, query: CountQuery) -> dict[tuple[str, ...], Total]:
        """`measure` (MEASURES) summed over the articles `query` selects, grouped by `dims` as in count_by; a
        group whose articles all lack the measure is left out."""

    def tally(self, groupings: Sequence[Grouping]) -> list[dict[tuple[str, ...], Any]]:
        """Each grouping's count_by (or sum_by, when it has a measure), in order: a report's figures in one
        request where the backend can answer them so."""
        return [
            self.count_by(g.dims, g.query) if g.measure is None else self.sum_by(g.dims, g.measure, g.query)
            for g in groupings
        ]

    def latest(self, dims: tuple[str, ...], query: CountQuery) -> dict[tuple[str, ...], str]:
        """The newest local day ("YYYY-MM-DD") of the articles `query` selects, per group of `dims` (as count_by)."""
        newest: dict[tuple[str, ...], str] = {}
        for *group, day in self.count_by((*dims, "day"), query):
            if day != "unknown":
                newest[tuple(group)] = max(newest.get(tuple(group), day), day)
        return newest

    @abstractmethod
    def record_run(self, run: CrawlRun) -> None: ...

    @abstractmethod
    def runs(self, source: str | None = None, limit: int = 50) -> list[CrawlRun]:
        """Crawl runs, newest first."""

    @abstractmethod
    def runs_of(self, sources: Sequence[str], limit: int = 50) -> dict[str, list[CrawlRun]]:
        """The crawl runs of each of `sources` (at most `limit` each, newest first), read at once: a coverage
        report reads every source's."""

    @abstractmethod
    def close(self) -> None: ...

    # -- label review: backends that keep a label history override these -----------------------

    def correct_labels(self, before: Article, after: Article) -> LabelCorrection:
        """Store a person's labels (`after`, replacing `before`) with a history entry; say whether disputed."""
        self.set_labels(after)
        logger.warning("label correction on %s by %s: %s -> %s (this backend keeps no label history)",
                       after.id, after.labeled_by, label_values(before), label_values(after))  # fmt: skip
        return LabelCorrection(conflict=False)

    def label_history(self, article_id: str) -> list[LabelChange]:
        """The label corrections of an article, oldest first."""
        return []

    def label_conflicts(self) -> list[str]:
        """Ids of articles whose corrections disagree and await review."""
        return []

    def resolve_conflict(self, article_id: str, user: str) -> None:
        """Accept an article's current labels as final; it joins the training data again."""
        raise StoreError(f"{self.url}: this backend keeps no label conflicts")

    @abstractmethod
    def label_queue(self, threshold: float, limit: int = 20) -> list[Article]:
        """The articles most worth a person's label next: classified, not labeled by a person yet, not reprints,
        relevance nearest `threshold` (the model's decision boundary) first; see `nearest_first`."""

    def save_explanations(self, article: Article) -> None:  # noqa: B027 - optional: a cache where supported
        """Keep explanations computed after classification (a no-op where the backend has no place for them)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
