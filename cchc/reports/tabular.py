"""The report as rows: one list per view, shared by the CSV, XLSX and terminal outputs."""

from __future__ import annotations

from cchc.reports.headlines import amount, unread
from cchc.reports.names import (
    FRESHNESS_NAMES,
    GAP_KINDS,
    GROUP_NAMES,
    MEASURE_NAMES,
    STANCE_NAMES,
    Names,
    measure_value,
    number,
    period_name,
)
from coverage.measures import ChannelMeasure
from coverage.report import NO_STANCE, CoverageReport

CELL_HEADER = ["Lĩnh vực", "Mã lĩnh vực", "Kênh", "Mã kênh", "Kỳ", "Số bài", "Chỉ tiêu", "Trạng thái"]
GAP_HEADER = ["Hạng", "Loại", "Đối tượng", "Kênh", "Từ kỳ", "Đến kỳ", "Số kỳ", "Chỉ tiêu mỗi kỳ", "Số bài", "Mức thiếu"]
UNIT_HEADER = ["Đơn vị", "Mã đơn vị", "Quý", "Số bài CCHC", "Chỉ tiêu", "Trạng thái", "Nguồn theo dõi"]
ATTENTION_HEADER = ["Kỳ", "Bài về CCHC", "Tổng số bài", "Tỷ lệ CCHC"]
VOICE_HEADER = ["Kênh", "Mã kênh", "Bài về CCHC"]
MEASURE_HEADER = ["Kênh", "Mã kênh", "Kỳ", "Lượng", "Đơn vị", "Bài về CCHC", "Bài có số đo"]
FRESHNESS_HEADER = ["Nguồn", "Mã nguồn", "Kênh", "Chuyên mục", "Bài gần nhất", "Số ngày chưa có bài mới",
                    "Hạn (ngày)", "Trạng thái"]  # fmt: skip
STANCE_HEADER = ["Kênh", "Mã kênh", *STANCE_NAMES.values(), "Chưa xác định", "Bài về CCHC"]


def cell_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    return [
        [names.areas.get(c.area, c.area), c.area, names.channel(c.channel), c.channel, period_name(c.period), c.count,
         c.target if c.target is not None else "", names.status(c.status)]
        for c in report.cells
    ]  # fmt: skip


def gap_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    return [
        [rank, GAP_KINDS.get(g.kind, g.kind), names.subject(g.kind, g.subject), names.channel(g.channel),
         period_name(g.start), period_name(g.end), g.periods, g.target, g.count, g.shortfall]
        for rank, g in enumerate(report.gaps, start=1)
    ]  # fmt: skip


def unit_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    return [
        [
            names.unit(u.unit),
            u.unit,
            period_name(u.period),
            u.count,
            u.target if u.target is not None else "",
            names.status(u.status),
            ", ".join(names.source(s) for s in u.sources) or "không có nguồn",
        ]
        for u in report.units
    ]


def attention_rows(report: CoverageReport) -> list[list[object]]:
    return [
        [period_name(a.period), a.relevant, a.total, a.share if a.share is not None else ""] for a in report.attention
    ]


def voice_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    return [[names.channel(c), c, n] for c, n in report.share_of_voice.items()]


def stance_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    """Per channel: its relevant articles that praise, report shortcomings, neither, or have no stance yet."""
    return [
        [names.channel(c), c, *(counts.get(s, 0) for s in (*STANCE_NAMES, NO_STANCE)), sum(counts.values())]
        for c, counts in report.stance_by_channel.items()
    ]


def measure_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    """Per measured channel and period: its CCHC articles' airtime (minutes) or print space (words)."""
    return [
        [names.channel(m.channel), m.channel, period_name(m.period), measure_value(m.measure, m.total),
         MEASURE_NAMES[m.measure], m.articles, m.measured]
        for m in report.measures
    ]  # fmt: skip


def measure_grid(report: CoverageReport, names: Names) -> list[dict[str, object]]:
    """One row per measured channel: its name, the unit, and per period a cell ("4,2", what it sums, unread or
    not), then the whole report's total: the table the HTML report, the web page and the DOCX show."""
    grid = []
    for channel in dict.fromkeys(m.channel for m in report.measures):
        rows = [m for m in report.measures if m.channel == channel]
        cells = [
            {"text": "?" if unread(report, channel, m.period) else number(measure_value(m.measure, m.total)),
             "title": f"{period_name(m.period)}: {amount(m)}, {number(m.measured)}/{number(m.articles)} bài về CCHC"
                      " có số đo", "unknown": unread(report, channel, m.period)}
            for m in rows
        ]  # fmt: skip
        whole = ChannelMeasure(channel, "", rows[0].measure, sum(m.total for m in rows), 0, 0)
        grid.append({"name": names.channel(channel), "unit": MEASURE_NAMES[rows[0].measure], "cells": cells,
                     "whole": number(measure_value(whole.measure, whole.total)),
                     "measured": sum(m.measured for m in rows), "articles": sum(m.articles for m in rows)})  # fmt: skip
    return grid


def freshness_rows(report: CoverageReport, names: Names) -> list[list[object]]:
    """Each CCHC column, stalest first: its newest item and the days since."""
    return [
        [names.source(f.source), f.source, names.channel(f.channel), f.column or "(các bài về CCHC của nguồn)",
         f"{f.last:%d/%m/%Y}" if f.last else "chưa có", f.days if f.days is not None else "", f.limit,
         FRESHNESS_NAMES[f.status]]
        for f in report.freshness
    ]  # fmt: skip


def grouped_header(dims: tuple[str, ...], with_ids: bool) -> list[str]:
    """The header of `cchc coverage --by` counts: each dimension's name (and its id column), then the count."""
    columns = [c for d in dims for c in (GROUP_NAMES[d], f"Mã {GROUP_NAMES[d].lower()}")[: 2 if with_ids else 1]]
    return [*columns, "Số bài"]


def grouped_rows(rows: list[dict], dims: tuple[str, ...], names: Names, with_ids: bool) -> list[list[object]]:
    """`cchc coverage --by` counts as rows of names (and ids), in the order of grouped_header."""
    return [
        [*(c for d in dims for c in (names.value(d, r[d]), r[d])[: 2 if with_ids else 1]), r["count"]] for r in rows
    ]
