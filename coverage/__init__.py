"""What the plan expects against what was published and collected: cells, gaps, unit scorecards,
calendar periods and source health.

Backend-independent: it asks the store for counts. It imports only `search` and `config`.
"""

from __future__ import annotations

from coverage.health import Health, failure_cause, source_health, unread_cause
from coverage.periods import Period, month_in, period_by_key, period_of, periods
from coverage.report import CoverageReport, ReadWindow, build_coverage, merge_windows, read_windows

__all__ = [
    "CoverageReport",
    "Health",
    "Period",
    "ReadWindow",
    "build_coverage",
    "failure_cause",
    "merge_windows",
    "month_in",
    "period_by_key",
    "period_of",
    "periods",
    "read_windows",
    "source_health",
    "unread_cause",
]
