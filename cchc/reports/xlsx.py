"""The coverage workbook: one sheet per view, frozen headers, a colored area x period heatmap per channel."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.reports import tabular
from cchc.reports.names import Names
from config.channels import CHANNELS
from coverage.report import CoverageReport

FILLS = {
    "ok": PatternFill("solid", fgColor="C6EFCE"),
    "gap": PatternFill("solid", fgColor="FFC7CE"),
    "unknown": PatternFill("solid", fgColor="D9D9D9"),
    "open": PatternFill("solid", fgColor="FFF2CC"),
    "none": PatternFill("solid", fgColor="F2F2F2"),
}
BOLD = Font(bold=True)


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(48, len(name) + 6))


def _heatmap(wb: Workbook, report: CoverageReport, names: Names) -> None:
    ws = wb.create_sheet("Bản đồ nhiệt")
    periods = sorted({c.period for c in report.cells})
    ws.append(["Kênh", "Lĩnh vực", *periods])
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
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 48


def write_xlsx(report: CoverageReport, names: Names, path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    _heatmap(wb, report, names)
    _sheet(wb, "Khoảng trống", tabular.GAP_HEADER, tabular.gap_rows(report, names))
    _sheet(wb, "Đơn vị", tabular.UNIT_HEADER, tabular.unit_rows(report, names))
    _sheet(wb, "Ô độ phủ", tabular.CELL_HEADER, tabular.cell_rows(report, names))
    _sheet(wb, "Mức quan tâm", tabular.ATTENTION_HEADER, tabular.attention_rows(report))
    _sheet(wb, "Tỷ trọng kênh", tabular.VOICE_HEADER, tabular.voice_rows(report, names))
    _sheet(wb, "Khen - phản ánh", tabular.STANCE_HEADER, tabular.stance_rows(report, names))
    wb.save(path)
