"""What the plan counts besides articles: airtime of the radio-TV station's CCHC reports (minutes), print space
of the newspaper's (words), and how fresh each CCHC column ("chuyên trang, chuyên mục") is.

Plan 47 asks the station and the newspaper to give CCHC "thời lượng phát sóng, diện tích đăng tải thích hợp".
Airtime sums the length each report's page states (`duration_s`); a report whose page does not say adds
nothing and is counted apart, never guessed. A column's freshness is the days from its newest item to the day the
report ends; "unknown" when the source was not read long enough to tell.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from config import Plan, Source
from config.models import Column
from coverage.periods import Period, month_in
from search.store import CountQuery, Store, Total

# The measure of each channel the plan counts it for: airtime for the broadcaster, print space for the newspaper.
MEASURED = {"broadcaster": "duration_s", "newspaper": "words"}
# The days a column may go without an item, by how often it should carry one.
PER_DAYS = {"week": 7, "month": 31, "quarter": 92}
OK, STALE, UNKNOWN = "ok", "gap", "unknown"


@dataclass(frozen=True)
class ChannelMeasure:
    """A channel's CCHC articles in one period and what they add up to: `total` seconds (duration_s) or words;
    `measured` of the `articles` carry the measure."""

    channel: str
    period: str
    measure: str
    total: int
    measured: int
    articles: int


@dataclass(frozen=True)
class Freshness:
    """A source's CCHC column (`column`: its section; None: all the source's CCHC articles): its newest item up to
    the report's end and the days since; `status` ok within `limit` days, gap past it, unknown when not read."""

    source: str
    channel: str
    column: str | None
    last: date | None
    days: int | None
    limit: int
    status: str


def channel_measures(
    counts: dict[tuple[str, ...], int],
    sums: dict[str, dict[tuple[str, ...], Total]],
    channels: Sequence[str],
    period_kind: str,
    grid: Sequence[Period],
) -> list[ChannelMeasure]:
    """Per measured channel (MEASURED) among `channels` and period of `grid`: its CCHC articles' total measure, from
    their (channel, month) `counts` and each measure's (channel, month) `sums`."""
    per_period = _by_period(counts, period_kind)
    found = []
    for channel, measure in MEASURED.items():
        if channel not in channels:
            continue
        totals = _by_period({k: t.total for k, t in sums[measure].items()}, period_kind)
        measured = _by_period({k: t.measured for k, t in sums[measure].items()}, period_kind)
        for p in grid:
            key = (channel, p.key)
            found.append(ChannelMeasure(channel, p.key, measure, totals[key], measured[key], per_period[key]))
    return found


def _by_period(monthly: dict[tuple[str, ...], int], period_kind: str) -> defaultdict[tuple[str, str], int]:
    """(channel, month) figures added up per (channel, period of `period_kind`)."""
    result: defaultdict[tuple[str, str], int] = defaultdict(int)
    for (channel, month), n in monthly.items():
        result[channel, month_in(period_kind, month)] += n
    return result


def column_freshness(
    store: Store,
    plan: Plan,
    sources: Sequence[Source],
    as_of: date,
    read: Callable[[Source, date, date], bool],
) -> list[Freshness]:
    """Each source's CCHC columns (plan.all_columns(), else the source's CCHC articles) as of `as_of`, stalest
    first; `read(source, first, last)` says whether the source was read for those days."""
    live = [s for s in sources if s.enabled and s.valid_on(as_of)]
    named: defaultdict[str, list[Column]] = defaultdict(list)
    for column in plan.all_columns():
        named[column.source].append(column)
    # Any of their items counts, reprints included: a column is kept alive by what it carries.
    column_sources = tuple(named)
    column_days = store.latest(("source", "section"), CountQuery(date_to=as_of, sources=column_sources,
                               relevant_only=False, exclude_reprints=False)) if column_sources else {}  # fmt: skip
    ids = tuple(s.id for s in live if s.id not in named)
    newest = store.latest(("source",), CountQuery(date_to=as_of, sources=ids, exclude_reprints=False)) if ids else {}
    rows = []
    for source in live:
        targets = [plan_target_per(plan, source.channel)] if source.id not in named else []
        for column in named.get(source.id, []):
            last = column_days.get((source.id, column.section))
            rows.append(_freshness(source, column.section, last, PER_DAYS[column.per], as_of, read))
        for per in targets:
            rows.append(_freshness(source, None, newest.get((source.id,)), PER_DAYS[per], as_of, read))
    order = {STALE: 0, UNKNOWN: 1, OK: 2}
    rows.sort(key=lambda f: (order[f.status], -(f.days if f.days is not None else 10**6), f.source, f.column or ""))
    return rows


def plan_target_per(plan: Plan, channel: str) -> str:
    """How often the plan wants CCHC articles on a channel (its targets' period), month when it sets none."""
    return next((t.per for t in plan.channel_targets if t.channel == channel), "month")


def _freshness(
    source: Source,
    column: str | None,
    last_day: str | None,
    limit: int,
    as_of: date,
    read: Callable[[Source, date, date], bool],
) -> Freshness:
    last = date.fromisoformat(last_day) if last_day and last_day != "unknown" else None
    days = (as_of - last).days if last else None
    if days is not None and days <= limit:
        status = OK
    else:
        # "Nothing for `limit` days" is a finding only when those days were read.
        status = STALE if read(source, as_of - timedelta(days=limit), as_of) else UNKNOWN
    return Freshness(source.id, source.channel, column, last, days, limit, status)
