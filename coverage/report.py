"""Coverage against the plan, for any store: counts per cell, "unknown" where the crawler did not read,
gaps ranked by how far below target and for how long, the unit scorecard, attention and share of voice.

"We collected nothing" must never look like "they published nothing": a cell is unknown unless a
successful crawl of one of its sources covered the whole period. A period that has not ended is open (its
progress is shown, never a gap); a cell the plan sets no target for is none; a unit is scored only for
periods wholly inside its validity, and a source counts as read only while it existed.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from config import Plan, Source, UnitDuty
from config.channels import CHANNELS
from coverage.measures import MEASURED, ChannelMeasure, Freshness, channel_measures, column_freshness
from coverage.periods import Period, month_in, period_by_key, periods
from search import crawlstats
from search.article import VN_TZ
from search.store import STANCES, CountQuery, CrawlRun, Grouping, Store

OK, GAP, UNKNOWN, OPEN, NONE = "ok", "gap", "unknown", "open", "none"
STATUSES = (OK, GAP, UNKNOWN, OPEN, NONE)
# Relevant articles whose stance nobody (model or person) has given.
NO_STANCE = "unknown"
GOOD_FINISH = ("finished",)


@dataclass(frozen=True)
class ReadWindow:
    """The days a successful crawl of a source covered: from the oldest article it reached to its end."""

    source: str
    start: date
    end: date


@dataclass(frozen=True)
class Cell:
    area: str
    channel: str
    period: str
    count: int
    target: int | None
    status: str


@dataclass(frozen=True)
class Gap:
    """An expectation not met over consecutive periods; `shortfall` sums (target - count) / target."""

    kind: str  # area | unit | qa_column
    subject: str
    channel: str | None
    start: str
    end: str
    periods: int
    target: int
    count: int
    shortfall: float


@dataclass(frozen=True)
class UnitScore:
    """A unit's CCHC articles in one quarter; target None (status none) when it did not hold its duty all quarter."""

    unit: str
    name: str
    period: str
    count: int
    target: int | None
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Attention:
    period: str
    relevant: int
    total: int
    share: float | None


@dataclass(frozen=True)
class CoverageReport:
    date_from: date
    date_to: date
    period_kind: str
    generated_at: datetime
    cells: tuple[Cell, ...]
    gaps: tuple[Gap, ...]
    units: tuple[UnitScore, ...]
    attention: tuple[Attention, ...]
    share_of_voice: dict[str, int] = field(hash=False)
    read_windows: tuple[ReadWindow, ...] = ()
    # Per channel, its relevant articles by stance (praise, criticism, neutral, unknown): the plan asks for both
    # the praise of good models and reports of shortcomings.
    stance_by_channel: dict[str, dict[str, int]] = field(default_factory=dict, hash=False)
    channels: tuple[str, ...] = CHANNELS
    today: date | None = None
    # Airtime (broadcaster) and print space (newspaper) of CCHC articles per period; each CCHC column's freshness.
    measures: tuple[ChannelMeasure, ...] = ()
    freshness: tuple[Freshness, ...] = ()

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("date_from", "date_to", "generated_at"):
            data[key] = getattr(self, key).isoformat()
        data["read_windows"] = [
            {"source": w.source, "start": w.start.isoformat(), "end": w.end.isoformat()} for w in self.read_windows
        ]
        data["today"] = self.today.isoformat() if self.today else None
        data["freshness"] = [
            {**asdict(f), "last": f.last.isoformat() if f.last else None} for f in self.freshness
        ]  # fmt: skip
        data["summary"] = {s: sum(c.status == s for c in self.cells) for s in STATUSES}
        return data


def read_windows(runs: Iterable[CrawlRun]) -> list[ReadWindow]:
    """One window per successful run; a run that reached no article covers only its own days."""
    windows = []
    for run in runs:
        if run.status not in GOOD_FINISH or run.stats.get("log_count/ERROR"):
            continue
        oldest = run.stats.get(crawlstats.PUBLISHED_OLDEST)
        start = datetime.fromisoformat(oldest).astimezone(VN_TZ).date() if oldest else run.started_at.date()
        windows.append(ReadWindow(run.source, start, run.finished_at.astimezone(VN_TZ).date()))
    return windows


def merge_windows(windows: Iterable[ReadWindow]) -> list[ReadWindow]:
    """Each source's windows as few as possible: overlapping or back-to-back days joined."""
    merged: list[ReadWindow] = []
    for w in sorted(windows, key=lambda w: (w.source, w.start, w.end)):
        last = merged[-1] if merged else None
        if last and last.source == w.source and w.start <= last.end + timedelta(days=1):
            merged[-1] = ReadWindow(w.source, last.start, max(last.end, w.end))
        else:
            merged.append(w)
    return merged


class _Reading:
    """Answers "was this source read for this whole period?" from the read windows."""

    def __init__(self, windows: Sequence[ReadWindow], today: date) -> None:
        self.today = today
        self.by_source: dict[str, list[ReadWindow]] = defaultdict(list)
        for w in windows:
            self.by_source[w.source].append(w)

    def read(self, sources: Iterable[Source], period: Period) -> bool:
        """Whether a source that existed during the period was read for all of it (up to today)."""
        last = min(period.end, self.today)
        return any(
            w.start <= period.start and w.end >= last
            for s in sources
            if s.valid_during(period.start, period.end)
            for w in self.by_source.get(s.id, ())
        )

    def status(self, sources: Iterable[Source], period: Period, count: int, target: int | None) -> str:
        """unknown unless read (a count nobody collected is no count); then none without a target; open before
        the period ends (unless already met)."""
        if period.start > self.today:
            return OPEN if target is not None else NONE
        if not self.read(sources, period):
            return UNKNOWN
        if target is None:
            return NONE
        if count >= target:
            return OK
        return OPEN if period.end >= self.today else GAP


def _group_gaps(kind: str, subject: str, channel: str | None, rows: list[tuple[Period, int, int, str]]) -> list[Gap]:
    """Consecutive gap periods of one subject as one Gap each."""
    gaps: list[Gap] = []
    run: list[tuple[Period, int, int]] = []
    for period, count, target, status in [*rows, (None, 0, 0, OK)]:
        if status == GAP:
            run.append((period, count, target))
            continue
        if run:
            gaps.append(
                Gap(kind, subject, channel, run[0][0].key, run[-1][0].key, len(run), run[0][2],
                    sum(c for _, c, _ in run), round(sum((t - c) / t for _, c, t in run), 3))
            )  # fmt: skip
            run = []
    return gaps


def build_coverage(
    store: Store,
    sources: Sequence[Source],
    plan: Plan,
    area_ids: Sequence[str],
    date_from: date,
    date_to: date,
    period_kind: str = "month",
    today: date | None = None,
    channels: Sequence[str] | None = None,
) -> CoverageReport:
    """The coverage of [date_from, date_to] (local dates, inclusive) against `plan`, on `channels` (default:
    all); every figure (cells, gaps, units, attention, share of voice) counts only those channels' sources."""
    today = today or datetime.now(VN_TZ).date()
    chosen = tuple(c for c in CHANNELS if channels is None or c in channels)
    # A unit publishing on channels left out has no target for the chosen ones alone: counted, not scored.
    partial = {s.unit for s in sources if s.enabled and s.channel not in chosen}
    if channels is not None:
        sources = [s for s in sources if s.channel in chosen]
    runs = store.runs_of([s.id for s in sources], limit=10_000)
    windows = merge_windows(w for s in sources for w in read_windows(runs[s.id]))
    reading = _Reading(windows, today)
    only = tuple(s.id for s in sources) if channels is not None else ()
    window = CountQuery(date_from=date_from, date_to=date_to, sources=only)
    by_channel = {c: [s for s in sources if s.channel == c and s.enabled] for c in chosen}
    grid = periods(period_kind, date_from, date_to)

    figures = _period_figures(store, plan, window, date_from, date_to, only)
    monthly = figures["cells"]
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for (area, channel, month), n in monthly.items():
        counts[area, channel, month_in(period_kind, month)] += n

    cells, gaps = [], []
    for area in area_ids:
        for channel in chosen:
            target = plan.target(channel, area, period_kind)
            rows = []
            for period in grid:
                count = counts.get((area, channel, period.key), 0)
                status = reading.status(by_channel[channel], period, count, target)
                cells.append(Cell(area, channel, period.key, count, target, status))
                rows.append((period, count, target or 0, status))
            gaps += _group_gaps("area", area, channel, rows)
            gaps += _coarser_gaps(
                plan, area, channel, monthly, reading, by_channel[channel], date_from, date_to, period_kind
            )

    duties = [u for u in plan.units if channels is None or any(s.unit == u.unit for s in sources)]
    units = _unit_scores(figures["units"], sources, duties, partial, reading, date_from, date_to)
    by_unit: dict[str, list[tuple[Period, int, int | None, str]]] = defaultdict(list)
    for s in units:
        by_unit[s.unit].append((period_by_key(s.period), s.count, s.target, s.status))
    for unit in duties:
        gaps += _group_gaps("unit", unit.unit, None, by_unit[unit.unit])
    if "provincial_portal" in chosen:
        gaps += _qa_gaps(figures.get("qa", {}), plan, sources, reading, date_from, date_to)
    gaps.sort(key=lambda g: (-g.shortfall, -g.periods, g.kind, g.subject, g.channel or "", g.start))

    all_counts, relevant_counts = figures["all_months"], figures["months"]
    attention = []
    for period in grid:
        total = sum(n for (m,), n in all_counts.items() if month_in(period_kind, m) == period.key)
        relevant = sum(n for (m,), n in relevant_counts.items() if month_in(period_kind, m) == period.key)
        attention.append(Attention(period.key, relevant, total, round(relevant / total, 4) if total else None))
    voice = {c: figures["channels"].get((c,), 0) for c in chosen}
    sums = {measure: figures[measure] for measure in MEASURED.values()}
    measures = channel_measures(figures["channel_months"], sums, chosen, period_kind, grid)
    freshness = column_freshness(store, plan, sources, min(date_to, today),
                                 lambda s, first, last: reading.read([s], Period(first, last, "")))  # fmt: skip
    return CoverageReport(date_from, date_to, period_kind, datetime.now(VN_TZ), tuple(cells), tuple(gaps),
                          tuple(units), tuple(attention), voice, tuple(windows),
                          stance_by_channel(figures["stances"], chosen), chosen, today, tuple(measures),
                          tuple(freshness))  # fmt: skip


def _period_figures(
    store: Store, plan: Plan, window: CountQuery, date_from: date, date_to: date, only: tuple[str, ...]
) -> dict[str, dict[tuple[str, ...], Any]]:
    """Every count the report takes from the period's articles, asked of the store at once (one tally)."""
    everything = dataclasses.replace(window, relevant_only=False)
    groupings = {
        "cells": Grouping(("area", "channel", "month"), window),
        "units": Grouping(("unit", "month"), window),
        "all_months": Grouping(("month",), everything),
        "months": Grouping(("month",), window),
        "channels": Grouping(("channel",), window),
        "stances": Grouping(("channel", "stance"), window),
        "channel_months": Grouping(("channel", "month"), window),
        **{measure: Grouping(("channel", "month"), window, measure) for measure in MEASURED.values()},
    }
    if plan.qa_column is not None:
        qa = plan.qa_column
        groupings["qa"] = Grouping(("day",), CountQuery(date_from=date_from, date_to=date_to, relevant_only=False,
                                                        sources=(qa.source,), section=qa.section))  # fmt: skip
    return dict(zip(groupings, store.tally(list(groupings.values())), strict=True))


def stance_by_channel(counts: dict[tuple[str, ...], int], channels: tuple[str, ...]) -> dict[str, dict[str, int]]:
    """Each channel's relevant articles, by stance, from their (channel, stance) `counts`; those without one
    count as unknown."""
    return {c: {s: counts.get((c, s), 0) for s in (*STANCES, NO_STANCE)} for c in channels}


def _coarser_gaps(
    plan: Plan,
    area: str,
    channel: str,
    monthly: dict[tuple[str, ...], int],
    reading: _Reading,
    channel_sources: list[Source],
    date_from: date,
    date_to: date,
    period_kind: str,
) -> list[Gap]:
    """Gaps against a target set per quarter when the cells are months (unit portals)."""
    if period_kind != "month" or plan.target(channel, area, "quarter") is None:
        return []
    target = plan.target(channel, area, "quarter")
    rows = []
    for period in periods("quarter", date_from, date_to):
        count = sum(
            n for (a, c, m), n in monthly.items() if a == area and c == channel and month_in("quarter", m) == period.key
        )
        rows.append((period, count, target, reading.status(channel_sources, period, count, target)))
    return _group_gaps("area", area, channel, rows)


def _unit_scores(
    unit_months: dict[tuple[str, ...], int],
    sources: Sequence[Source],
    units: Sequence[UnitDuty],
    partial: set[str | None],
    reading: _Reading,
    date_from: date,
    date_to: date,
) -> list[UnitScore]:
    """Each unit's quarters, from the (unit, month) counts; a quarter the unit did not hold its duty for in full,
    or a unit in `partial` (some of its channels filtered out), is not scored (none)."""
    per_unit: dict[tuple[str, str], int] = defaultdict(int)
    for (unit_id, month), n in unit_months.items():
        per_unit[unit_id, month_in("quarter", month)] += n
    by_unit: dict[str | None, list[Source]] = defaultdict(list)
    for source in sources:
        if source.enabled:
            by_unit[source.unit].append(source)
    scores = []
    for unit in units:
        for period in periods("quarter", date_from, date_to):
            unit_sources = [s for s in by_unit[unit.unit] if s.valid_during(period.start, period.end)]
            count = per_unit.get((unit.unit, period.key), 0)
            whole = unit.valid_through(period.start, period.end) and unit.unit not in partial
            target = unit.min_per_quarter if whole else None
            status = reading.status(unit_sources, period, count, target) if target is not None else NONE
            ids = tuple(s.id for s in unit_sources)
            scores.append(UnitScore(unit.unit, unit.name, period.key, count, target, status, ids))
    return scores


def _qa_gaps(
    days: dict[tuple[str, ...], int],
    plan: Plan,
    sources: Sequence[Source],
    reading: _Reading,
    date_from: date,
    date_to: date,
) -> list[Gap]:
    """The Q&A column's periods below the plan's minimum, from the column's items per `days`."""
    qa = plan.qa_column
    if qa is None:
        return []
    portal = [s for s in sources if s.id == qa.source]
    rows = []
    for period in periods(qa.per, date_from, date_to):
        count = sum(n for (d,), n in days.items() if period.start.isoformat() <= d <= period.end.isoformat())
        status = reading.status(portal, period, count, qa.min)
        rows.append((period, count, qa.min, status))
    return _group_gaps("qa_column", qa.source, "provincial_portal", rows)
