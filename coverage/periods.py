"""Calendar periods in Vietnam's time zone: weeks (ISO), months and quarters."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta

KINDS = ("week", "month", "quarter")


@dataclass(frozen=True, order=True)
class Period:
    """One period: its key ("2025-03", "2025-Q1", "2025-W09") and its first and last day."""

    start: date
    end: date
    key: str


def _month(year: int, month: int) -> Period:
    nxt = date(year + month // 12, month % 12 + 1, 1)
    return Period(date(year, month, 1), nxt - timedelta(days=1), f"{year}-{month:02d}")


def _quarter(year: int, quarter: int) -> Period:
    first = _month(year, 3 * quarter - 2)
    last = _month(year, 3 * quarter)
    return Period(first.start, last.end, f"{year}-Q{quarter}")


def _week(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return Period(monday, monday + timedelta(days=6), f"{year}-W{week:02d}")


def period_of(kind: str, day: date) -> Period:
    if kind == "month":
        return _month(day.year, day.month)
    if kind == "quarter":
        return _quarter(day.year, (day.month - 1) // 3 + 1)
    if kind == "week":
        return _week(day)
    raise ValueError(f"unknown period kind {kind!r}: use {', '.join(KINDS)}")


@functools.cache  # a report asks for the same quarters once per unit and per cell row
def periods(kind: str, first: date, last: date) -> tuple[Period, ...]:
    """Every period of `kind` that overlaps [first, last], in order."""
    found = []
    day = first
    while day <= last:
        period = period_of(kind, day)
        found.append(period)
        day = period.end + timedelta(days=1)
    return tuple(found)


@functools.cache  # reports map thousands of counts' months onto a few dozen periods
def month_in(kind: str, month_key: str) -> str:
    """The key of the period of `kind` containing the month "YYYY-MM"."""
    year, month = (int(part) for part in month_key.split("-"))
    return period_of(kind, date(year, month, 1)).key


_KEY = re.compile(r"^(\d{4})-(?:(\d{2})|Q([1-4])|W(\d{2}))$")


def period_by_key(key: str) -> Period:
    """The period a key names ("2025-03", "2025-Q1", "2025-W09"); ValueError when it names none."""
    match = _KEY.match(key)
    if not match:
        raise ValueError(f"{key!r} is not a period key")
    year = int(match[1])
    if match[2]:
        return _month(year, int(match[2]))
    if match[3]:
        return _quarter(year, int(match[3]))
    return _week(date.fromisocalendar(year, int(match[4]), 1))
