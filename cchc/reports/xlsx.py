"""The coverage workbook: a cover sheet, then one sheet per view with frozen headers, filters and fitting
column widths, a colored area x period heatmap per channel, and a chart of CCHC articles per period."""

from __future__ import annotations

import getpass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from cchc.reports import tabular
from cchc.reports.headlines import HEADLINE_NOTE, headlines
from cchc.reports.names import PERIOD_WORDS, STATUS_HELP, STATUS_NAMES, Names, period_name
from config.channels import CHANNELS
from coverage.report import STATUSES, CoverageReport

FILLS = {
    "ok": PatternFill("solid", fgColor="C6EFCE"),
    "gap": PatternFill("solid", fgColor="FFC7CE"),
    "unknown": PatternFill("solid", fgColor="D9D9D9"),
    "open": PatternFill("solid", fgColor="FFF2CC"),
    "none": PatternFill("solid", fgColor="F2F2F2"),
}
BOLD = Font(bold=True)
TITLE = "Báo cáo độ phủ tuyên truyền cải cách hành chính"
MIN_WIDTH, MAX_WIDTH = 8, 60
# Number formats of the columns that need one, by header.
FORMATS = {"Tỷ lệ CCHC": "0.0%", "Mức thiếu": "0.00"}


def author() -> str:
    """Who made the report: the system user, or "cchc" when there is none (a service, a container)."""
    try:
        return getpass.getuser() or "cchc"
    except (KeyError, OSError):
        return "cchc"


def _fit(ws: Worksheet, first_column: int = 1) -> None:
    """Each column from `first_column` as wide as its longest value (within MIN_WIDTH..MAX_WIDTH)."""
    for column in ws.iter_cols(min_col=first_column):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=0)
        ws.column_dimensions[get_column_letter(column[0].column)].width = max(MIN_WIDTH, min(MAX_WIDTH, longest + 2))


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    for i, name in enumerate(header, start=1):
        if name in FORMATS:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = FORMATS[name]
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _fit(ws)
    return ws


def _cover(wb: Workbook, report: CoverageReport, names: Names) -> None:
    ws = wb.create_sheet("Trang bìa")
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    chosen = "tất cả" if len(report.channels) == len(CHANNELS) else ", ".join(map(names.channel, report.channels))
    for label, value in [
        ("Kế hoạch", f"Kế hoạch {names.plan} của UBND tỉnh Nghệ An"),
        ("Kỳ báo cáo", f"{report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}"),
        ("Chia theo", PERIOD_WORDS.get(report.period_kind, report.period_kind)),
        ("Kênh", chosen),
        ("Lập lúc", f"{report.generated_at:%H:%M %d/%m/%Y} (giờ Việt Nam)"),
        ("Người lập", author()),
    ]:
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = BOLD
    for heading, lines in (("Tóm tắt theo kênh", "channels"), ("Thời lượng, dung lượng và chuyên mục", "measures"),
                           ("Tóm tắt theo đơn vị (chỉ tiêu theo quý)", "units")):  # fmt: skip
        ws.append([])
        ws.append([heading])
        ws.cell(ws.max_row, 1).font = BOLD
        for line in headlines(report, names)[lines]:
            ws.append(["", line.text])
            if line.tone in FILLS:
                ws.cell(ws.max_row, 2).fill = FILLS[line.tone]
    ws.append(["", HEADLINE_NOTE])
    ws.append([])
    ws.append(["Chú giải màu ô"])
    ws.cell(ws.max_row, 1).font = BOLD
    for status in STATUSES:
        ws.append([STATUS_NAMES[status], STATUS_HELP[status]])
        ws.cell(ws.max_row, 1).fill = FILLS[status]
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 110


def _heatmap(wb: Workbook, report: CoverageReport, names: Names) -> None:
    ws = wb.create_sheet("Bản đồ nhiệt")
    periods = sorted({c.period for c in report.cells})
    ws.append(["Kênh", "Lĩnh vực", *map(period_name, periods)])
    for cell in ws[1]:
        cell.font = BOLD
    by_key = {(c.channel, c.area, c.period): c for c in report.cells}
    for channel in CHANNELS:
        for area in names.areas:
            row = [names.channel(channel), names.areas[area]]
            cells = [by_key.get((channel, area, p)) for p in periods]
            ws.append(row + [c.count if c and c.status != "unknown" else "?" for c in cells])
            for column, c in enumerate(cells, start=3):
                if c is not None:
                    ws.cell(ws.max_row, column).fill = FILLS[c.status]
                    ws.cell(ws.max_row, column).alignment = Alignment(horizontal="center")
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = ws.dimensions
    _fit(ws)


def _attention(wb: Workbook, report: CoverageReport) -> None:
    """The attention sheet, with a bar chart of CCHC articles per period next to it."""
    ws = _sheet(wb, "Mức quan tâm", tabular.ATTENTION_HEADER, tabular.attention_rows(report))
    if ws.max_row < 2:
        return
    chart = BarChart()
    chart.title = f"Bài về CCHC theo {PERIOD_WORDS.get(report.period_kind, report.period_kind)}"
    chart.y_axis.title = "Số bài"
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=ws.max_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=ws.max_row))
    chart.width, chart.height = 24, 10
    ws.add_chart(chart, "F2")


def write_xlsx(report: CoverageReport, names: Names, path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = author()
    wb.properties.title = TITLE
    _cover(wb, report, names)
    _heatmap(wb, report, names)
    _sheet(wb, "Khoảng trống", tabular.GAP_HEADER, tabular.gap_rows(report, names))
    _sheet(wb, "Đơn vị", tabular.UNIT_HEADER, tabular.unit_rows(report, names))
    _sheet(wb, "Ô độ phủ", tabular.CELL_HEADER, tabular.cell_rows(report, names))
    _attention(wb, report)
    _sheet(wb, "Tỷ trọng kênh", tabular.VOICE_HEADER, tabular.voice_rows(report, names))
    _sheet(wb, "Khen - phản ánh", tabular.STANCE_HEADER, tabular.stance_rows(report, names))
    _sheet(wb, "Thời lượng - dung lượng", tabular.MEASURE_HEADER, tabular.measure_rows(report, names))
    _sheet(wb, "Độ mới chuyên mục", tabular.FRESHNESS_HEADER, tabular.freshness_rows(report, names))
    wb.save(path)
