"""`cchc coverage`: what the plan expects against what the channels published, and where the gaps are."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from cchc.options import DATE, echo_json, store_option
from cchc.reports import tabular
from cchc.reports.headlines import headlines
from cchc.reports.names import Names, number, period_name
from config import get_settings, load_places, load_plan, load_sources, load_taxonomy
from coverage.periods import month_in
from coverage.report import CoverageReport, build_coverage
from search import VN_TZ, CountQuery, open_store

FORMATS = ("table", "csv", "xlsx", "html", "docx", "json")
PERIODS = ("month", "quarter")
GROUPS = ("area", "topic", "channel", "source", "unit", "place", "stance")
TABLE_GAPS = 15
BOM = "\ufeff"


def default_range(today: date) -> tuple[date, date]:
    """This calendar month and the eleven before it: from the first day of the month eleven months back, to today
    (the current month has not ended: its cells are open)."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), today


def parse_by(value: str) -> tuple[tuple[str, ...], str]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    periods = [p for p in parts if p in PERIODS]
    groups = tuple(p for p in parts if p in GROUPS)
    unknown = [p for p in parts if p not in PERIODS + GROUPS]
    if unknown or len(periods) != 1 or not groups:
        raise click.BadParameter(
            f"{value!r}: hãy nêu một hoặc nhiều chiều trong {', '.join(GROUPS)} và một kỳ ({', '.join(PERIODS)})",
            param_hint="--by",
        )
    return groups, periods[0]


def build_report(
    store_url: str, date_from: date, date_to: date, period: str, today: date
) -> tuple[CoverageReport, Names]:
    taxonomy, plan, sources = load_taxonomy(), load_plan(), load_sources().sources  # all valid before any write
    with open_store(store_url, create=False) as store:
        report = build_coverage(store, sources, plan, [a.id for a in taxonomy.areas], date_from, date_to, period, today)
    return report, Names.of(taxonomy, plan, sources)


FORMATS_WRITTEN = ("html", "xlsx", "docx")  # the report files, side by side


def _writer(fmt: str) -> Callable[[CoverageReport, Names, Path], None]:
    """The HTML, XLSX or DOCX writer, imported when a report is written: openpyxl alone takes a quarter of a
    second to import, which `cchc coverage --help` and the table need not pay."""
    if fmt == "html":
        from cchc.reports.html import write_html

        return write_html
    if fmt == "docx":
        from cchc.reports.word import write_docx

        return write_docx
    from cchc.reports.xlsx import write_xlsx

    return write_xlsx


def write_report_files(report: CoverageReport, names: Names, stem: Path) -> list[Path]:
    """The HTML, XLSX and DOCX reports side by side; returns their paths in that order."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for suffix in FORMATS_WRITTEN:
        paths.append(stem.with_suffix(f".{suffix}"))
        _writer(suffix)(report, names, paths[-1])
    return paths


def _grouped_counts(store_url: str, groups: tuple[str, ...], period: str, date_from: date, date_to: date) -> list[dict]:
    with open_store(store_url, create=False) as store:
        raw = store.count_by((*groups, "month"), CountQuery(date_from=date_from, date_to=date_to))
    totals: dict[tuple[str, ...], int] = {}
    for key, n in raw.items():
        grouped = (*key[:-1], month_in(period, key[-1]))
        totals[grouped] = totals.get(grouped, 0) + n
    return [{**dict(zip((*groups, period), key, strict=True)), "count": n} for key, n in sorted(totals.items())]


def _csv(header: list[str], rows: list[list[object]]) -> str:
    """CSV text starting with a UTF-8 byte order mark, so that Excel reads the Vietnamese letters right."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _aligned(header: list[str], rows: list[list[object]]) -> str:
    """A plain text table for the terminal: columns padded to their widest cell, counts on the right."""
    cells = [header, *([number(c) if isinstance(c, int) else str(c) for c in row] for row in rows)]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)) + "  " + row[-1].rjust(widths[-1])
             for row in cells]  # fmt: skip
    return "\n".join(lines) + "\n"


def _table(report: CoverageReport, names: Names) -> None:
    counts = report.to_json()["summary"]
    statuses = ", ".join(f"{number(counts[s])} ô {names.status(s)}" for s in ("ok", "gap", "open", "none", "unknown"))
    click.echo(f"Độ phủ {report.date_from:%d/%m/%Y} – {report.date_to:%d/%m/%Y}: {statuses}.")
    for group in headlines(report, names).values():
        click.echo("")
        for h in group:
            click.echo(f"  {h.text}")
    rows = tabular.gap_rows(report, names)
    click.echo(f"\nKhoảng trống lớn nhất (tổng {len(rows)}):")
    for row in rows[:TABLE_GAPS]:
        rank, kind, subject, channel, start, end, n, target, count, shortfall = row
        where = f" · {channel}" if channel else ""
        click.echo(f"  {rank:>2}. {subject}{where}: {start} – {end} ({n} kỳ), {number(count)} bài, "
                   f"chỉ tiêu {target}/kỳ")  # fmt: skip
    if len(rows) > TABLE_GAPS:
        click.echo(f"  … và {len(rows) - TABLE_GAPS} khoảng trống khác (--format xlsx hoặc csv để xem hết)")
    if not rows:
        click.echo("  (không có)")
    last = max((u.period for u in report.units), default=None)
    click.echo(f"\nĐơn vị chưa đạt, chưa hết kỳ hoặc chưa thu thập trong {period_name(last or '')}:")
    for u in report.units:
        if u.period == last and u.status in ("gap", "open", "unknown"):
            click.echo(f"  {names.unit(u.unit)}: {u.count}/{u.target} bài ({names.status(u.status)})")
    click.echo("\nBài về CCHC theo quan điểm (" + ", ".join(tabular.STANCE_HEADER[2:-1]) + "):")
    for row in tabular.stance_rows(report, names):
        click.echo(f"  {row[0]}: " + " / ".join(str(n) for n in row[2:-1]) + f" (tổng {row[-1]})")


@click.command()
@click.option("--from", "date_from", type=DATE,
              help="Ngày đầu (YYYY-MM-DD); mặc định: ngày 1 của tháng cách đây 11 tháng.")  # fmt: skip
@click.option("--to", "date_to", type=DATE, help="Ngày cuối (YYYY-MM-DD); mặc định: hôm nay.")
@click.option(
    "--by", "by", default="area,channel,month", show_default=True,
    help="Các chiều nhóm (area, topic, channel, source, unit, place, stance) và một kỳ (month, quarter).",
)  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Dạng kết quả: bảng trên màn hình, CSV, XLSX, HTML, DOCX (Word) hoặc JSON.")  # fmt: skip
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp ghi ra (xlsx, html và docx mặc định vào data/reports/).")  # fmt: skip
@store_option
def coverage(
    date_from: date | None, date_to: date | None, by: str, fmt: str, output: Path | None, store_url: str
) -> None:
    """Độ phủ các lĩnh vực của kế hoạch theo kênh và kỳ: số bài, chỉ tiêu, khoảng trống, bảng điểm đơn vị.

    Một ô là "chưa thu thập" khi không nguồn nào của kênh được đọc trong cả kỳ; "chưa hết kỳ" khi kỳ chưa kết
    thúc; "không có chỉ tiêu" khi kế hoạch không đặt chỉ tiêu cho ô đó.

    \b
    Ví dụ:
      cchc coverage --store sqlite:///data/demo.db
      cchc coverage --from 2025-01-01 --to 2025-12-31 --format html --output bao-cao.html
      cchc coverage --by area,channel,quarter --format json
      cchc coverage --by unit,quarter --format csv
      cchc coverage --by channel,stance,quarter --format json   # khen ngợi và phản ánh theo kênh
    """
    today = datetime.now(VN_TZ).date()
    start, end = default_range(today)
    date_from, date_to = date_from or start, date_to or end
    if date_from > date_to:
        raise click.BadParameter("ngày --from sau ngày --to")
    groups, period = parse_by(by)
    if set(groups) != {"area", "channel"}:
        if fmt in FORMATS_WRITTEN:
            raise click.BadParameter(
                "báo cáo xlsx, html và docx chỉ theo area,channel và một kỳ", param_hint="--format"
            )
        rows = _grouped_counts(store_url, groups, period, date_from, date_to)
        if fmt == "json":
            echo_json(
                {"by": [*groups, period], "from": date_from.isoformat(), "to": date_to.isoformat(), "counts": rows}
            )
        else:
            names = Names.of(load_taxonomy(), load_plan(), load_sources().sources, load_places())
            dims, with_ids = (*groups, period), fmt == "csv"  # the terminal table shows names only
            header, body = tabular.grouped_header(dims, with_ids), tabular.grouped_rows(rows, dims, names, with_ids)
            click.echo(_csv(header, body) if with_ids else _aligned(header, body), nl=False)
        return
    report, names = build_report(store_url, date_from, date_to, period, today)
    if fmt == "json":
        echo_json(report.to_json())
    elif fmt == "csv":
        text = _csv(tabular.CELL_HEADER, tabular.cell_rows(report, names))
        if output:
            output.write_text(text, encoding="utf-8")
            click.echo(f"Đã ghi {output}")
        else:
            click.echo(text, nl=False)
    elif fmt == "table":
        _table(report, names)
    else:
        path = output or get_settings().under_data("reports") / f"do-phu-{date_from}-{date_to}.{fmt}"
        path.parent.mkdir(parents=True, exist_ok=True)
        _writer(fmt)(report, names, path)
        click.echo(f"Đã ghi báo cáo {path.resolve()}")
