"""The coverage report as a Word document (DOCX) to attach to an official letter: the headlines first, then the
largest gaps, the unit scorecard, praise and criticism, and the legend. A4 landscape."""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from cchc.reports import tabular
from cchc.reports.headlines import HEADLINE_NOTE, headlines
from cchc.reports.names import FRESHNESS_HELP, STATUS_HELP, STATUS_NAMES, Names, number, period_name
from cchc.reports.xlsx import FILLS, TITLE, author
from coverage.report import STATUSES, CoverageReport, UnitScore

MAX_GAPS = 40
GAP_COLUMNS = ("#", "Đối tượng", "Kênh", "Từ", "Đến", "Số kỳ", "Số bài", "Chỉ tiêu/kỳ")


def _shade(cell: _Cell, status: str) -> None:
    """Fill a table cell with the colour of a status (the same as the workbook's)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), FILLS[status].fgColor.rgb[-6:])
    cell._tc.get_or_add_tcPr().append(shading)


def _table(doc: WordDocument, header: list[str], rows: list[list[str]]) -> list[list[_Cell]]:
    """A bordered table with a bold header row; returns its body cells, row by row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    body = []
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
        body.append(cells)
    return body


def build_docx(report: CoverageReport, names: Names) -> WordDocument:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(12)
    doc.core_properties.author = author()
    doc.core_properties.title = TITLE

    doc.add_heading(TITLE, level=0)
    doc.add_paragraph(f"Theo Kế hoạch {names.plan} của UBND tỉnh Nghệ An · kỳ báo cáo "
                      f"{report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}")  # fmt: skip
    doc.add_paragraph(f"Lập lúc {report.generated_at:%H:%M %d/%m/%Y} (giờ Việt Nam) · người lập: {author()}")

    doc.add_heading("1. Tóm tắt", level=1)
    lines = headlines(report, names)
    for heading, group in (("Theo kênh", "channels"), ("Thời lượng, dung lượng và chuyên mục", "measures"),
                           ("Theo đơn vị (chỉ tiêu theo quý)", "units")):  # fmt: skip
        if lines[group]:
            doc.add_paragraph(heading).runs[0].bold = True
            for line in lines[group]:
                doc.add_paragraph(line.text, style="List Bullet")
    doc.add_paragraph(HEADLINE_NOTE)

    doc.add_heading("2. Thiếu nhiều nhất, xếp theo mức thiếu", level=1)
    gaps = tabular.gap_rows(report, names)
    if gaps:
        # rank, kind, subject, channel, from, to, periods, target, count, shortfall
        _table(doc, list(GAP_COLUMNS), [
            [str(g[0]), str(g[2]), str(g[3] or ""), str(g[4]), str(g[5]), number(g[6]), number(g[8]), number(g[7])]
            for g in gaps[:MAX_GAPS]
        ])  # fmt: skip
        if len(gaps) > MAX_GAPS:
            doc.add_paragraph(f"… và {number(len(gaps) - MAX_GAPS)} khoảng trống khác (xem bản XLSX).")
    else:
        doc.add_paragraph("Không có kỳ nào thiếu bài trong các kỳ đã thu thập.")

    doc.add_heading("3. Đơn vị: số bài CCHC theo quý", level=1)
    quarters = sorted({u.period for u in report.units})
    by_unit: dict[str, dict[str, UnitScore]] = {}
    for u in report.units:
        by_unit.setdefault(u.unit, {})[u.period] = u
    rows, statuses = [], []
    for unit, scores in by_unit.items():
        row = [names.unit(unit)]
        for q in quarters:
            s = scores[q]
            row.append("?" if s.status == "unknown" else number(s.count) if s.target is None
                       else f"{number(s.count)}/{number(s.target)}")  # fmt: skip
        rows.append(row)
        statuses.append([scores[q].status for q in quarters])
    for cells, row_statuses in zip(_table(doc, ["Đơn vị", *map(period_name, quarters)], rows), statuses, strict=True):
        for cell, status in zip(cells[1:], row_statuses, strict=True):
            _shade(cell, status)

    doc.add_heading("4. Khen ngợi và phản ánh hạn chế, theo kênh (số bài về CCHC)", level=1)
    header = [h for h in tabular.STANCE_HEADER if h != "Mã kênh"]
    _table(doc, header, [[str(r[0]), *(number(n) for n in r[2:])] for r in tabular.stance_rows(report, names)])

    doc.add_heading("5. Thời lượng phát sóng, dung lượng đăng tải và độ mới chuyên mục", level=1)
    grid = tabular.measure_grid(report, names)
    if grid:
        header = ["Kênh", "Đơn vị", *map(period_name, sorted({m.period for m in report.measures})), "Cả kỳ"]
        body = [[str(r["name"]), str(r["unit"]), *(str(c["text"]) for c in r["cells"]), str(r["whole"])] for r in grid]
        _table(doc, header, body)
    judged = [(r, f) for r, f in zip(tabular.freshness_rows(report, names), report.freshness, strict=True)
              if f.status != "unknown"]  # fmt: skip
    if judged:
        # source, id, channel, column, last, days, limit, status
        body = [[str(r[0]), str(r[3]), str(r[4]), number(r[5]), number(r[6])] for r, _ in judged]
        cells = _table(doc, ["Nguồn", "Chuyên mục", "Bài gần nhất", "Số ngày chưa có bài mới", "Hạn (ngày)"], body)
        for row, (_, freshness) in zip(cells, judged, strict=True):
            _shade(row[3], freshness.status)
    doc.add_paragraph(FRESHNESS_HELP)

    doc.add_heading("Chú giải", level=1)
    for cells, status in zip(
        _table(doc, ["Ô", "Ý nghĩa"], [[STATUS_NAMES[s], STATUS_HELP[s]] for s in STATUSES]), STATUSES, strict=True
    ):
        _shade(cells[0], status)
    return doc


def write_docx(report: CoverageReport, names: Names, path: Path) -> None:
    build_docx(report, names).save(str(path))
