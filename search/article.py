"""The article record: one per canonical URL, as DESIGN.md defines it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import InitVar, dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from search.neardup import fingerprint

# Every timestamp the archive shows is in Vietnam's time zone (no daylight saving).
VN_TZ = timezone(timedelta(hours=7))
# What labeling writes (the model, or a person): every backend stores and rewrites exactly these fields.
LABEL_FIELDS = (
    "relevant", "relevance", "areas", "topics", "scores", "label_source", "model_version", "places", "stance",
    "labeled_by", "labeled_at", "explanations",
)  # fmt: skip


def keep_human_labels(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    """`new` (a backend's stored form of a fresh crawl) with `old`'s labels when a person gave them: a person's
    correction outlives a new crawl of the page. Both stores call this, on their own stored forms."""
    if old is not None and old.get("label_source") == "human":
        new.update({name: old.get(name) for name in LABEL_FIELDS})
    return new


# What a changed page's earlier version keeps: its words, when it was fetched and where that fetch is kept.
REVISION_FIELDS = ("title", "lead", "text", "fetched_at", "content_hash", "warc")


def keep_revision(new: dict[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """`new` (a stored form of a changed page) with `old`'s version appended to `old`'s revisions, oldest first:
    a page edited after publication keeps what it said before. Both stores call this, with revisions as a list."""
    new["revisions"] = [*(old.get("revisions") or ()), {name: old.get(name) for name in REVISION_FIELDS}]
    return new


def fresher(article: Article, stored: Mapping[str, Any]) -> bool:
    """Whether a page fetched again with the same words still has something to write over `stored` (a backend's
    stored form): a newer WARC copy, the end of a removed mark, or a player length the stored one lacks."""
    return bool(
        (article.warc and article.warc != stored.get("warc"))
        or stored.get("removed_at")
        or (article.duration_s is not None and article.duration_s != stored.get("duration_s"))
    )


_DATETIME_FIELDS = ("published_at", "fetched_at", "labeled_at", "removed_at")
_TUPLE_FIELDS = ("tags", "areas", "topics", "places")


# A word is a run of non-space characters holding a letter or a digit: Vietnamese writes each syllable apart, so
# this counts syllables ("cải cách hành chính" is 4), the unit a Vietnamese newsroom counts ("chữ"); a figure
# ("1.126.000", "97%") is one word, a dash or an ellipsis standing alone is none.
_WORD = re.compile(r"\S*[^\W_]\S*")


def word_count(*texts: str) -> int:
    """How many words the texts hold together (see _WORD): the measure of print space."""
    return sum(len(_WORD.findall(text)) for text in texts)


def article_id(canonical_url: str) -> str:
    """The record id: a short, stable hash of the canonical URL."""
    return hashlib.sha256(canonical_url.encode("utf-8")).hexdigest()[:20]


def content_hash(title: str, lead: str, text: str) -> str:
    """A hash of the article's words, blind to whitespace and Unicode composition."""
    words = " ".join(unicodedata.normalize("NFC", f"{title}\n{lead}\n{text}").split())
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Article:
    """One stored article; timestamps are timezone-aware."""

    id: str
    url: str
    canonical_url: str
    source: str
    channel: str
    title: str
    text: str
    lead: str = ""
    unit: str | None = None
    author: str | None = None
    section: str | None = None
    tags: tuple[str, ...] = ()
    media: str = "text"
    language: str = "vi"
    published_at: datetime | None = None
    fetched_at: datetime | None = None
    content_hash: str = ""
    duplicate_of: str | None = None
    relevant: bool | None = None
    relevance: float | None = None
    areas: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict, hash=False)
    label_source: str | None = None
    model_version: str | None = None
    places: tuple[str, ...] = ()
    stance: str | None = None
    labeled_by: str | None = None
    labeled_at: datetime | None = None
    simhash: str | None = None
    # Where the fetched page is kept: "<file under the WARC folder>#<offset of its response record>".
    warc: str | None = None
    # Earlier versions of a page that changed after it was first stored (REVISION_FIELDS each), oldest first.
    revisions: tuple[dict[str, Any], ...] = field(default=(), hash=False)
    # When a recheck found the page gone (404/410): the article stays in the archive, marked.
    removed_at: datetime | None = None
    # Label -> the terms behind it ([term, weight], strongest first), computed once when the article is classified
    # so the article page never re-reads the text through the model. Derived data: not part of equality.
    explanations: dict[str, list[list[Any]]] = field(default_factory=dict, hash=False, compare=False)
    # Print space: the words of the title, lead and text (word_count); derived from them when not given.
    words: int | None = None
    # Airtime: the length in seconds of the video or audio report the page plays, when the page says it.
    duration_s: int | None = None
    # Leave the fingerprint and the word count (simhash, words) to the record's first copy (dataclasses.replace,
    # which computes what is missing): a crawl's labels are put on in its classifier process, beside the crawl,
    # instead of on the thread that fetches and extracts.
    defer_derived: InitVar[bool] = False

    def __post_init__(self, defer_derived: bool) -> None:
        for name in _DATETIME_FIELDS:
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.title, self.lead, self.text))
        if defer_derived:
            return
        if self.simhash is None:
            object.__setattr__(self, "simhash", fingerprint(self.lead, self.text))
        if self.words is None:
            object.__setattr__(self, "words", word_count(self.title, self.lead, self.text))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 with offset, tuples as lists."""
        # Field by field, not dataclasses.asdict: its deep copy of every label's terms cost more than the rest of
        # a store write. The mutable values are copied here, so the dict shares nothing with the record.
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        data["scores"] = dict(self.scores)
        data["explanations"] = {label: [list(term) for term in terms] for label, terms in self.explanations.items()}
        for name in _DATETIME_FIELDS:
            data[name] = data[name].isoformat() if data[name] else None
        for name in _TUPLE_FIELDS:
            data[name] = list(data[name])
        data["revisions"] = [dict(r) for r in self.revisions]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """The inverse of `to_dict`; unknown keys are refused."""
        values = dict(data)
        for name in _DATETIME_FIELDS:
            if isinstance(values.get(name), str):
                values[name] = datetime.fromisoformat(values[name])
        for name in (*_TUPLE_FIELDS, "revisions"):
            if name in values:
                values[name] = tuple(values[name] or ())
        return cls(**values)
