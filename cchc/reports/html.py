"""The printable HTML coverage report (Vietnamese), rendered with Jinja2."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from cchc.reports import charts, tabular
from cchc.reports.headlines import HEADLINE_NOTE, headlines
from cchc.reports.names import (
    CHANNEL_NAMES,
    FRESHNESS_HELP,
    GAP_KINDS,
    STATUS_HELP,
    STATUS_NAMES,
    Names,
    number,
    percent,
    period_name,
)
from coverage.report import CoverageReport

TEMPLATES = Path(__file__).parent / "templates"
MAX_GAPS = 40


def add_filters(env: Environment) -> None:
    """The filters every report template uses: period names, numbers and percentages as Vietnamese write them."""
    env.filters.update(period=period_name, num=number, pct=percent)


def report_context(report: CoverageReport, names: Names) -> dict[str, object]:
    """What the report templates (and the web app's coverage page) show: every figure from `report`, so a
    report built for some channels only counts those channels everywhere."""
    periods = sorted({c.period for c in report.cells})
    by_key = {(c.channel, c.area, c.period): c for c in report.cells}
    heatmaps = [
        {
            "channel": names.channel(channel),
            "rows": [
                {"area": names.areas[area], "cells": [by_key[channel, area, p] for p in periods]}
                for area in names.areas
            ],
        }
        for channel in report.channels
    ]
    freshness = tabular.freshness_rows(report, names)
    units: dict[str, dict] = {}
    for u in report.units:
        row = units.setdefault(u.unit, {"name": names.unit(u.unit), "sources": set(), "cells": {}})
        row["cells"][u.period] = u
        row["sources"].update(names.source(s) for s in u.sources)
    return {
        "report": report,
        "summary": Counter(c.status for c in report.cells),
        "total_relevant": sum(a.relevant for a in report.attention),
        "total_articles": sum(a.total for a in report.attention),
        "periods": periods,
        "heatmaps": heatmaps,
        "gap_count": len(report.gaps),
        "quarters": sorted({u.period for u in report.units}),
        "units": units,
        "status_names": STATUS_NAMES,
        "status_help": STATUS_HELP,
        "statuses": ("ok", "gap", "open", "none", "unknown"),
        "channel_filter": [names.channel(c) for c in report.channels if len(report.channels) < len(CHANNEL_NAMES)],
        "gap_kinds": GAP_KINDS,
        "windows": report.read_windows,
        "stance_header": tabular.STANCE_HEADER,
        "stance_rows": tabular.stance_rows(report, names),
        "headlines": headlines(report, names),
        "headline_note": HEADLINE_NOTE,
        "source_name": names.source,
        "measure_grid": tabular.measure_grid(report, names),
        # The columns the system could judge; those it could not are named apart (a province has many).
        "freshness_rows": [r for r, f in zip(freshness, report.freshness, strict=True) if f.status != "unknown"],
        "freshness_status": [f.status for f in report.freshness if f.status != "unknown"],
        "freshness_unknown": [names.source(f.source) for f in report.freshness if f.status == "unknown"],
        "freshness_help": FRESHNESS_HELP,
    }


def render_html(report: CoverageReport, names: Names) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    add_filters(env)
    attention = report.attention
    trend = charts.trend_svg(
        [period_name(a.period) for a in attention], [a.relevant for a in attention], [a.share for a in attention]
    )
    voice = charts.bars_svg([(CHANNEL_NAMES[c], n) for c, n in report.share_of_voice.items()])
    return env.get_template("coverage.html.j2").render(
        **report_context(report, names),
        gaps=tabular.gap_rows(report, names)[:MAX_GAPS],
        trend=Markup(trend),
        voice=Markup(voice),
    )


def write_html(report: CoverageReport, names: Names, path: Path) -> None:
    path.write_text(render_html(report, names), encoding="utf-8")
