"""Query parameters of the search page, validated: anything else is a 400 with a clear message."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from fastapi import Query

from search import STANCES, SearchQuery

PAGE_SIZE = 20
MAX_PAGE = 500
ID = r"^[a-z0-9_]{1,60}$"


class BadRequest(Exception):
    """A request the pages cannot answer; shown as a 400 page with this (Vietnamese) message."""


@dataclass(frozen=True)
class SearchParams:
    q: str
    source: list[str]
    channel: list[str]
    area: list[str]
    topic: list[str]
    unit: list[str]
    place: list[str]
    date_from: date | None
    date_to: date | None
    relevant: bool | None
    sort: str
    page: int
    stance: list[str]

    def query(
        self, synonyms: tuple[tuple[str, ...], ...] = (), limit: int = PAGE_SIZE, offset: int | None = None
    ) -> SearchQuery:
        """The store's query; `synonyms` (the taxonomy's acronyms) match either way."""
        return SearchQuery(
            text=self.q, sources=tuple(self.source), channels=tuple(self.channel), areas=tuple(self.area),
            topics=tuple(self.topic), units=tuple(self.unit), places=tuple(self.place), date_from=self.date_from,
            date_to=self.date_to, relevant=self.relevant, stances=tuple(self.stance), fold_reprints=True,
            sort="date" if self.sort == "date" or not self.q.strip() else "relevance", limit=limit,
            offset=(self.page - 1) * PAGE_SIZE if offset is None else offset, synonyms=synonyms,
        )  # fmt: skip

    def pairs(self) -> list[tuple[str, str]]:
        """The parameters as they appear in the URL (to build links that keep them)."""
        pairs = [("q", self.q)] if self.q else []
        for name in ("source", "channel", "area", "topic", "unit", "place", "stance"):
            pairs += [(name, v) for v in getattr(self, name)]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        if self.relevant is not None:
            pairs.append(("relevant", "1" if self.relevant else "0"))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        return pairs


def search_params(
    q: Annotated[str, Query(max_length=500)] = "",
    source: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006 (FastAPI copies defaults)
    channel: Annotated[list[str], Query(max_length=5)] = [],  # noqa: B006
    area: Annotated[list[str], Query(max_length=6)] = [],  # noqa: B006
    topic: Annotated[list[str], Query(max_length=5)] = [],  # noqa: B006
    unit: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    place: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    relevant: Annotated[Literal["", "0", "1"], Query()] = "",
    sort: Annotated[Literal["relevance", "date"], Query()] = "relevance",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    stance: Annotated[list[str], Query(max_length=3)] = [],  # noqa: B006
) -> SearchParams:
    for name, values in (("source", source), ("channel", channel), ("area", area), ("topic", topic),
                         ("unit", unit), ("place", place)):  # fmt: skip
        for value in values:
            if not re.match(ID, value):
                raise BadRequest(f"Bộ lọc {name} không hợp lệ: {value!r}")
    for value in stance:
        if value not in STANCES:
            raise BadRequest(f"Bộ lọc quan điểm không hợp lệ: {value!r}")
    if date_from and date_to and date_from > date_to:
        raise BadRequest("Ngày bắt đầu sau ngày kết thúc.")
    return SearchParams(q, source, channel, area, topic, unit, place, date_from, date_to,
                        None if relevant == "" else relevant == "1", sort, page, stance)  # fmt: skip
