"""Coverage on a constructed archive with known counts: every view, reprints, unknown vs zero,
+07:00 month edges, the 1 July 2025 gazetteer switch, gap ranking, and the report files."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import lzma
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc.reports import tabular
from cchc.reports.names import Names
from cchc.reports.xlsx import write_xlsx
from classifier.places import PlaceMatcher
from classifier.text import joined, normalize
from config import load_places, load_plan, load_sources, load_taxonomy
from config.channels import CHANNELS
from config.models import ChannelTarget, Plan
from coverage.health import SILENT_RUNS, source_health
from coverage.report import build_coverage, read_windows
from search import VN_TZ, Article, CountQuery, CrawlRun, article_id
from search.sqlite import SQLiteStore
from tests.conftest import SHARED_DIR, run_cchc

TAXONOMY = load_taxonomy()
AREAS = [a.id for a in TAXONOMY.areas]
SOURCES = load_sources().sources
TODAY = date(2025, 4, 15)
PLAN = Plan.model_validate(
    {
        "version": 1,
        "plan": "test",
        "channel_targets": [
            {"channel": "newspaper", "per": "month", "min": 2},
            {"channel": "unit_portal", "per": "quarter", "min": 1},
        ],
        "units": [
            {"unit": "so_y_te", "name": "Sở Y tế", "min_per_quarter": 2},
            {"unit": "so_noi_vu", "name": "Sở Nội vụ", "min_per_quarter": 1},
        ],
        "qa_column": {"source": "nghean_gov", "section": "Dân hỏi", "per": "week", "min": 1},
    }
)
_n = 0


def article(source: str, when: datetime, areas=("thu_tuc",), relevant=True, duplicate_of=None, section=None) -> Article:
    global _n
    _n += 1
    src = next(s for s in SOURCES if s.id == source)
    url = f"{src.base_url}bai-{_n}"
    return Article(
        id=article_id(url), url=url, canonical_url=url, source=source, channel=src.channel, unit=src.unit,
        title=f"Bài {_n}", text="Nội dung", published_at=when, relevant=relevant,
        areas=areas if relevant else (), duplicate_of=duplicate_of, section=section, label_source="model",
    )  # fmt: skip


def run(source: str, oldest: date, finished: date, status: str = "finished") -> CrawlRun:
    stats = {"cchc/published/oldest": datetime.combine(oldest, datetime.min.time(), VN_TZ).isoformat()}
    end = datetime.combine(finished, datetime.min.time(), VN_TZ) + timedelta(hours=12)
    return CrawlRun(source, end - timedelta(minutes=5), end, status, stats)


@pytest.fixture
def archive(tmp_path: Path) -> SQLiteStore:
    """baonghean read since 2024-12-01; so_y_te read since 2025-01-01; so_noi_vu's only run failed."""
    store = SQLiteStore(tmp_path / "cov.db")
    t = lambda y, m, d, h=9, mi=0: datetime(y, m, d, h, mi, tzinfo=VN_TZ)  # noqa: E731
    original = article("baonghean", t(2025, 1, 10))
    items = [
        original,
        article("baonghean", t(2025, 1, 31, 23, 30)),  # still January in +07:00
        article("baonghean", datetime(2025, 1, 31, 17, 30, tzinfo=UTC)),  # 1 Feb 00:30 +07:00
        article("baonghean", t(2025, 1, 12), areas=("thu_tuc", "chinh_quyen_so")),
        article("baonghean", t(2025, 1, 15), relevant=False),
        article("baonghean", t(2025, 1, 20), duplicate_of=original.id),  # a reprint: counted once
        article("baonghean", t(2025, 3, 3), areas=("cong_vu",)),
        article("so_y_te", t(2025, 2, 5)),
        article("so_y_te", t(2025, 2, 6), areas=("cong_vu",)),
        article("so_noi_vu", t(2025, 3, 1)),
    ]
    for a in items:
        store.upsert(a)
    store.record_run(run("baonghean", date(2024, 12, 1), TODAY))
    store.record_run(run("so_y_te", date(2025, 1, 1), TODAY))
    store.record_run(run("so_noi_vu", date(2024, 1, 1), TODAY, status="shutdown"))
    yield store
    store.close()


@pytest.fixture
def report(archive: SQLiteStore):
    return build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY)


def cell(report, area: str, channel: str, period: str):
    return next(c for c in report.cells if (c.area, c.channel, c.period) == (area, channel, period))


def test_grid_covers_every_area_channel_month(report) -> None:
    assert len(report.cells) == len(AREAS) * len(CHANNELS) * 4
    assert {c.period for c in report.cells} == {"2025-01", "2025-02", "2025-03", "2025-04"}


def test_counts_month_edges_and_reprints(report) -> None:
    january = cell(report, "thu_tuc", "newspaper", "2025-01")
    assert (january.count, january.target, january.status) == (3, 2, "ok")  # reprint and non-relevant left out
    february = cell(report, "thu_tuc", "newspaper", "2025-02")
    assert (february.count, february.status) == (1, "gap")
    assert cell(report, "chinh_quyen_so", "newspaper", "2025-01").count == 1


def test_unknown_is_not_zero(report) -> None:
    # Nobody read a broadcaster: unknown, never a gap.
    assert {c.status for c in report.cells if c.channel == "broadcaster"} == {"unknown"}
    # Unit portals were read (so_y_te since January): zero there is a real zero, but the plan sets no monthly
    # target for them: "none", never "ok" (issue 13: 0 articles without a target used to paint green).
    assert cell(report, "the_che", "unit_portal", "2025-02").status == "none"
    # The crawl window started 2024-12-01 and the month is fully read.
    assert cell(report, "the_che", "newspaper", "2025-03").status == "gap"


def test_failed_runs_do_not_count_as_reading(archive: SQLiteStore) -> None:
    assert [w.source for w in read_windows(archive.runs("so_noi_vu"))] == []
    assert read_windows(archive.runs("baonghean"))[0].start == date(2024, 12, 1)


def test_unit_scorecard(report) -> None:
    scores = {(u.unit, u.period): u for u in report.units}
    assert (scores["so_y_te", "2025-Q1"].count, scores["so_y_te", "2025-Q1"].status) == (2, "ok")
    # Q2 has not ended on TODAY (15 April): its progress is open, never a gap (issue 13).
    assert (scores["so_y_te", "2025-Q2"].count, scores["so_y_te", "2025-Q2"].status) == (0, "open")
    # so_noi_vu published, but its only run failed: we cannot say.
    assert {scores["so_noi_vu", q].status for q in ("2025-Q1", "2025-Q2")} == {"unknown"}


def test_gaps_are_ranked_by_shortfall_and_length(report) -> None:
    shortfalls = [g.shortfall for g in report.gaps]
    assert shortfalls == sorted(shortfalls, reverse=True)
    top = report.gaps[0]
    # April has not ended on TODAY: gaps run January to March, never into the open month (issue 13).
    assert top.kind == "area" and top.channel == "newspaper" and top.periods == 3 and top.count == 0
    thu_tuc = [g for g in report.gaps if g.subject == "thu_tuc" and g.channel == "newspaper"]
    assert [(g.start, g.end, g.count) for g in thu_tuc] == [("2025-02", "2025-03", 1)]
    assert not any(g.channel == "broadcaster" for g in report.gaps)
    assert not any(g.end in ("2025-04", "2025-Q2") for g in report.gaps)


def test_quarterly_targets_are_checked_on_quarters(report) -> None:
    unit_gaps = [g for g in report.gaps if g.channel == "unit_portal"]
    assert {(g.subject, g.start) for g in unit_gaps} >= {("the_che", "2025-Q1")}
    assert not any(g.subject in ("thu_tuc", "cong_vu") and g.start == "2025-Q1" for g in unit_gaps)
    assert not any(g.start == "2025-Q2" for g in unit_gaps), "Q2 has not ended: open, not a gap"


def test_qa_column_is_unknown_when_the_portal_was_never_read(report) -> None:
    assert not any(g.kind == "qa_column" for g in report.gaps)


def test_attention_and_share_of_voice(report) -> None:
    january = next(a for a in report.attention if a.period == "2025-01")
    # Reprints are left out of both counts: 3 CCHC articles among 4 collected in January (+07:00).
    assert (january.relevant, january.total) == (3, 4)
    assert report.share_of_voice == {"newspaper": 5, "broadcaster": 0, "provincial_portal": 0, "unit_portal": 3,
                                     "aggregator": 0, "central_press": 0}  # fmt: skip


def test_gazetteer_switch_on_1_july_2025() -> None:
    matcher = PlaceMatcher(load_places())
    text = "Lãnh đạo huyện Diễn Châu làm việc tại Diễn Châu."
    assert matcher.find(text, date(2025, 6, 30)) == ("dien_chau_huyen",)
    assert matcher.find("Người dân Diễn Châu làm thủ tục", date(2025, 7, 1)) == ("dien_chau_xa",)
    assert matcher.find("thị xã Cửa Lò", date(2024, 11, 30)) == ("cua_lo_tx",)
    assert matcher.find("phường Cửa Lò", date(2024, 11, 30)) == ()
    assert matcher.find("phường Cửa Lò đón khách", date(2025, 7, 2)) == ("cua_lo_phuong",)
    assert matcher.find("Thái Hoà", date(2024, 1, 1)) == ("thai_hoa_tx",)  # old tone-mark placement


def test_places_are_whole_words_spelled_as_listed() -> None:
    matcher = PlaceMatcher(load_places())
    on = date(2024, 1, 1)
    assert matcher.find("TP. Vinh và H. Diễn Châu", on) == ("vinh_tp", "dien_chau_huyen")
    assert matcher.find("Khu đô thị Vinhomes", on) == ()
    assert matcher.find("Cửa-Lò", on) == ()  # the listed spelling has a space
    assert matcher.find("tx. Cửa Lò, Vinh", on) == ("cua_lo_tx", "vinh_tp")  # the longer name wins


def test_places_are_counted(archive: SQLiteStore) -> None:
    archive.upsert(dataclasses.replace(article("baonghean", datetime(2025, 1, 6, tzinfo=VN_TZ)), places=("vinh_tp",)))
    assert archive.count_by(("place",), CountQuery()) == {("vinh_tp",): 1}


def test_csv_and_xlsx_read_back(report, tmp_path: Path) -> None:
    names = Names.of(TAXONOMY, PLAN)
    path = tmp_path / "r.xlsx"
    write_xlsx(report, names, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Trang bìa", "Bản đồ nhiệt", "Khoảng trống", "Đơn vị", "Ô độ phủ", "Mức quan tâm",
                             "Tỷ trọng kênh", "Khen - phản ánh", "Thời lượng - dung lượng",
                             "Độ mới chuyên mục"]  # fmt: skip
    cells = wb["Ô độ phủ"]
    assert cells.freeze_panes == "A2"

    def as_stored(rows: list[list[object]]) -> list[list[object]]:
        return [[None if v == "" else v for v in row] for row in rows]  # a spreadsheet keeps no empty strings

    assert [list(r) for r in cells.iter_rows(min_row=2, values_only=True)] == as_stored(
        tabular.cell_rows(report, names)
    )
    gaps = [list(r) for r in wb["Khoảng trống"].iter_rows(min_row=2, values_only=True)]
    assert gaps == as_stored(tabular.gap_rows(report, names))
    heat = wb["Bản đồ nhiệt"]
    assert heat.freeze_panes == "C2" and heat.max_row == 1 + len(CHANNELS) * len(AREAS)
    assert [c.value for c in heat[1]][2:] == ["Tháng 1/2025", "Tháng 2/2025", "Tháng 3/2025", "Tháng 4/2025"]


def test_xlsx_cover_filters_formats_and_chart(report, tmp_path: Path) -> None:
    from cchc.reports.headlines import headlines
    from cchc.reports.xlsx import author

    names = Names.of(TAXONOMY, load_plan(), SOURCES)
    path = tmp_path / "r.xlsx"
    write_xlsx(report, names, path)
    wb = load_workbook(path)
    cover = {r[0]: r[1] for r in wb["Trang bìa"].iter_rows(values_only=True) if r and r[0]}
    assert cover["Kế hoạch"] == "Kế hoạch 47/KH-UBND ngày 09/01/2024 của UBND tỉnh Nghệ An"
    assert cover["Kỳ báo cáo"] == "01/01/2025 – 15/04/2025" and cover["Chia theo"] == "tháng"
    assert cover["Người lập"] == author() != "" and cover["Lập lúc"].endswith("(giờ Việt Nam)")
    assert wb.properties.creator == author()
    texts = [r[1] for r in wb["Trang bìa"].iter_rows(values_only=True)]
    assert all(h.text in texts for group in headlines(report, names).values() for h in group)
    for title in wb.sheetnames[1:]:
        ws = wb[title]
        assert ws.freeze_panes in ("A2", "C2") and ws.auto_filter.ref == ws.dimensions, title
    gaps = wb["Khoảng trống"]
    subject = max(len(str(c.value)) for (c,) in gaps.iter_rows(min_row=2, min_col=3, max_col=3))
    assert gaps.column_dimensions["C"].width >= min(subject, 58)  # the longest subject fits
    assert gaps["J2"].number_format == "0.00"
    attention = wb["Mức quan tâm"]
    assert attention["A2"].value == "Tháng 1/2025" and attention["D2"].number_format == "0.0%"
    assert isinstance(attention["D2"].value, float)  # a number Excel shows as a percentage, not a text
    (chart,) = attention._charts
    assert chart.tagname == "barChart" and len(chart.series) == 1
    assert chart.series[0].val.numRef.f == f"'Mức quan tâm'!$B$2:$B${attention.max_row}"


def test_cli_formats(tmp_path: Path) -> None:
    """`cchc coverage` on a small archive in every format."""
    db = tmp_path / "a.db"
    with SQLiteStore(db) as store:
        store.upsert(article("baonghean", datetime(2025, 1, 10, tzinfo=VN_TZ)))
        store.record_run(run("baonghean", date(2024, 12, 1), date(2025, 2, 28)))
    common = ["coverage", "--store", f"sqlite:///{db}", "--from", "2025-01-01", "--to", "2025-02-28"]
    as_json = json.loads(run_cchc(*common, "--format", "json").stdout)
    assert len(as_json["cells"]) == len(AREAS) * len(CHANNELS) * 2
    assert set(as_json["cells"][0]) == {"area", "channel", "period", "count", "target", "status"}
    assert {c["status"] for c in as_json["cells"]} <= {"ok", "gap", "unknown"}
    assert isinstance(as_json["gaps"], list) and as_json["gaps"][0]["shortfall"] >= as_json["gaps"][-1]["shortfall"]
    as_csv = list(csv.reader(io.StringIO(run_cchc(*common, "--format", "csv").stdout)))
    assert as_csv[0][0].startswith("\ufeff")  # a byte order mark for Excel
    as_csv[0][0] = as_csv[0][0].removeprefix("\ufeff")
    assert as_csv[0] == tabular.CELL_HEADER and len(as_csv) == 1 + len(AREAS) * len(CHANNELS) * 2
    table = run_cchc(*common).stdout
    assert "ô thiếu" in table and "Khoảng trống lớn nhất" in table
    assert "Báo in, báo điện tử: đạt chỉ tiêu 0/2 tháng" in table and "Tháng 1/2025 – Tháng 2/2025" in table
    assert run_cchc(*common, "--format", "csv", "--output", str(tmp_path / "o.csv")).returncode == 0
    raw = (tmp_path / "o.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "Tháng 2/2025".encode() in raw and b"2025-02" not in raw
    for fmt in ("xlsx", "html"):
        result = run_cchc(*common, "--format", fmt, "--output", str(tmp_path / f"r.{fmt}"))
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"r.{fmt}").stat().st_size > 1000
    quarters = json.loads(run_cchc(*common, "--by", "area,channel,quarter", "--format", "json").stdout)
    assert {c["period"] for c in quarters["cells"]} == {"2025-Q1"}
    grouped = json.loads(run_cchc(*common, "--by", "source,month", "--format", "json").stdout)
    assert grouped["counts"] == [{"source": "baonghean", "month": "2025-01", "count": 1}]
    by_stance = json.loads(run_cchc(*common, "--by", "channel,stance,quarter", "--format", "json").stdout)
    assert by_stance["counts"] == [{"channel": "newspaper", "stance": "unknown", "quarter": "2025-Q1", "count": 1}]
    assert as_json["stance_by_channel"]["newspaper"] == {"praise": 0, "criticism": 0, "neutral": 0, "unknown": 1}
    assert "Bài về CCHC theo quan điểm (Khen ngợi, Phản ánh hạn chế, Trung lập, Chưa xác định)" in table
    # The terminal and CSV show names (Vietnamese headers, periods as read); the CSV keeps the ids beside them.
    by_unit = run_cchc(*common, "--by", "source,channel,quarter").stdout.splitlines()
    assert by_unit[0].split() == ["Nguồn", "Kênh", "Quý", "Số", "bài"]
    assert by_unit[1].startswith("Báo Nghệ An") and "Báo in, báo điện tử" in by_unit[1] and "Quý I/2025" in by_unit[1]
    assert "baonghean" not in by_unit[1] and by_unit[1].endswith(" 1")
    grouped_csv = run_cchc(*common, "--by", "stance,month", "--format", "csv").stdout.removeprefix("\ufeff")
    assert grouped_csv.splitlines() == ["Tính chất,Mã tính chất,Tháng,Mã tháng,Số bài",
                                        "(chưa xác định),unknown,Tháng 1/2025,2025-01,1"]  # fmt: skip
    bad = run_cchc(*common, "--by", "area,weekday")
    assert bad.returncode == 2 and "--by" in bad.stderr


def test_praise_and_criticism_are_counted_per_channel(archive: SQLiteStore, tmp_path: Path) -> None:
    t = datetime(2025, 2, 10, 9, tzinfo=VN_TZ)
    praised = dataclasses.replace(article("baonghean", t), stance="praise")
    stances = [
        praised,
        dataclasses.replace(article("baonghean", t), stance="criticism"),
        dataclasses.replace(article("baonghean", t), stance="criticism"),
        dataclasses.replace(article("so_y_te", t), stance="criticism"),
        dataclasses.replace(article("so_y_te", t), stance="neutral"),
        dataclasses.replace(article("baonghean", t, duplicate_of=praised.id), stance="praise"),  # a reprint
        dataclasses.replace(article("baonghean", t, relevant=False), stance="criticism"),  # not about CCHC
        dataclasses.replace(article("baonghean", datetime(2025, 6, 1, tzinfo=VN_TZ)), stance="praise"),  # later
    ]
    archive.upsert_many(stances)
    report = build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY)
    # The fixture's own relevant articles have no stance: 5 on the newspaper, 3 on unit portals.
    assert report.stance_by_channel["newspaper"] == {"praise": 1, "criticism": 2, "neutral": 0, "unknown": 5}
    assert report.stance_by_channel["unit_portal"] == {"praise": 0, "criticism": 1, "neutral": 1, "unknown": 3}
    assert report.stance_by_channel["broadcaster"] == {"praise": 0, "criticism": 0, "neutral": 0, "unknown": 0}
    as_json = report.to_json()
    assert as_json["stance_by_channel"] == report.stance_by_channel and "share_of_voice" in as_json
    names = Names.of(TAXONOMY, PLAN)
    write_xlsx(report, names, tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx")["Khen - phản ánh"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Kênh", "Mã kênh", "Khen ngợi", "Phản ánh hạn chế", "Trung lập", "Chưa xác định", "Bài về CCHC"]
    assert ["Báo in, báo điện tử", "newspaper", 1, 2, 0, 5, 8] in rows
    from cchc.reports.html import render_html

    html = render_html(report, names)
    assert "Khen ngợi và phản ánh hạn chế" in html and '<td class="n">2</td>' in html


def test_plan_file_is_valid() -> None:
    plan = load_plan()
    assert {u.unit for u in plan.units} >= {"so_noi_vu", "so_tttt"}
    assert plan.qa_column is not None and plan.qa_column.per == "week"


def test_html_report_renders_in_chromium(report, tmp_path: Path) -> None:
    from cchc.reports.html import write_html
    from tests.browser import ink, screenshot

    page = tmp_path / "report.html"
    write_html(report, Names.of(TAXONOMY, PLAN), page)
    html = page.read_text(encoding="utf-8")
    assert "Báo cáo độ phủ tuyên truyền cải cách hành chính" in html and "<svg" in html
    share, colours = ink(screenshot(page.as_uri(), "coverage-report"))
    assert share > 0.05, "the report rendered blank"
    assert colours > 20, "the heatmap's colours are missing"
    phone_share, _ = ink(screenshot(page.as_uri(), "coverage-report-dien-thoai", width=390, height=2400))
    assert phone_share > 0.05, "the report rendered blank at phone width"


def test_read_windows_merge_per_source() -> None:
    from coverage.report import ReadWindow, merge_windows

    windows = [ReadWindow("a", date(2025, 1, 1), date(2025, 3, 1)), ReadWindow("a", date(2025, 3, 2), date(2025, 4, 1)),
               ReadWindow("a", date(2025, 4, 1), date(2025, 4, 1)), ReadWindow("b", date(2025, 2, 1), date(2025, 2, 5)),
               ReadWindow("a", date(2025, 6, 1), date(2025, 6, 2))]  # fmt: skip
    assert merge_windows(windows) == [
        ReadWindow("a", date(2025, 1, 1), date(2025, 4, 1)), ReadWindow("a", date(2025, 6, 1), date(2025, 6, 2)),
        ReadWindow("b", date(2025, 2, 1), date(2025, 2, 5)),
    ]  # fmt: skip


def test_qa_column_gap_when_the_portal_was_read_but_the_column_skipped_weeks(archive: SQLiteStore) -> None:
    """Read since December; Dân hỏi answered in the weeks of 6 and 13 January only."""
    for day in (7, 14):
        archive.upsert(
            article("nghean_gov", datetime(2025, 1, day, 9, tzinfo=VN_TZ), relevant=False, section="Dân hỏi")
        )
    archive.upsert(article("nghean_gov", datetime(2025, 1, 21, 9, tzinfo=VN_TZ), section="Tin tức"))  # not the column
    archive.record_run(run("nghean_gov", date(2024, 12, 1), date(2025, 2, 3)))
    report = build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 6), date(2025, 2, 2), "month", TODAY)
    (gap,) = [g for g in report.gaps if g.kind == "qa_column"]
    assert (gap.subject, gap.start, gap.end, gap.periods, gap.count) == ("nghean_gov", "2025-W04", "2025-W05", 2, 0)


def test_a_source_with_no_new_article_in_its_last_runs_is_silent() -> None:
    t = datetime(2025, 4, 1, 9, tzinfo=VN_TZ)
    quiet = [CrawlRun("hcc", t, t, "finished", {"cchc/stored/unchanged": 3}) for _ in range(SILENT_RUNS)]
    assert source_health(quiet).status == "silent"
    assert source_health(quiet[:-1]).status == "ok", "fewer runs than the window cannot say silent"
    fresh = [CrawlRun("hcc", t, t, "finished", {"cchc/stored/new": 1}), *quiet[1:]]
    assert source_health(fresh).status == "ok"


ENDED = Plan.model_validate(
    {
        "version": 1,
        "plan": "test",
        "channel_targets": [{"channel": "newspaper", "per": "month", "min": 1}],
        "units": [
            {"unit": "vinh", "name": "UBND thành phố Vinh", "min_per_quarter": 1, "valid_to": "2025-06-30"},
            {"unit": "so_tttt", "name": "Sở TT&TT", "min_per_quarter": 1, "valid_to": "2025-02-28",
             "successors": ["so_y_te"]},
            {"unit": "so_y_te", "name": "Sở Y tế", "min_per_quarter": 1},
        ],
    }
)  # fmt: skip


def test_a_unit_that_ended_is_scored_only_while_it_existed(tmp_path: Path) -> None:
    """Vinh's portal was read all of 2025 and published nothing: gaps in Q1-Q2, nothing after 30/6/2025;
    Sở TT&TT ended on 28/2: its first quarter is not whole, so it is not scored at all."""
    with SQLiteStore(tmp_path / "u.db") as store:
        for source in ("vinh", "so_tttt", "so_y_te"):
            store.record_run(run(source, date(2024, 12, 1), date(2026, 1, 5)))
        store.upsert(article("so_y_te", datetime(2025, 8, 1, 9, tzinfo=VN_TZ)))
        report = build_coverage(store, SOURCES, ENDED, AREAS, date(2025, 1, 1), date(2025, 12, 31), "month",
                                date(2026, 1, 5))  # fmt: skip
    scores = {(u.unit, u.period): u for u in report.units}
    assert [scores["vinh", q].status for q in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")] == [
        "gap", "gap", "none", "none"
    ]  # fmt: skip
    assert scores["vinh", "2025-Q3"].target is None and scores["vinh", "2025-Q3"].sources == ()
    assert {scores["so_tttt", q].status for q in ("2025-Q1", "2025-Q2")} == {"none"}
    unit_gaps = [(g.subject, g.start, g.end) for g in report.gaps if g.kind == "unit"]
    assert ("vinh", "2025-Q1", "2025-Q2") in unit_gaps
    assert not any(s == "so_tttt" for s, _, _ in unit_gaps)
    assert scores["so_y_te", "2025-Q3"].status == "ok"
    names = Names.of(TAXONOMY, ENDED)
    assert names.unit("vinh") == "UBND thành phố Vinh (đến 30/6/2025)"
    assert names.unit("so_tttt") == "Sở TT&TT (đến 28/2/2025; nhiệm vụ chuyển sang Sở Y tế)"


def test_a_source_that_ended_reads_nothing_after_its_end(tmp_path: Path) -> None:
    """Only the Vinh portal (ended 30/6/2025) was read: unit-portal cells after its end are unknown, not zero."""
    with SQLiteStore(tmp_path / "s.db") as store:
        store.record_run(run("vinh", date(2024, 12, 1), date(2026, 1, 5)))
        report = build_coverage(store, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 12, 31), "quarter",
                                date(2026, 1, 5))  # fmt: skip
    statuses = [cell(report, "the_che", "unit_portal", q).status for q in ("2025-Q2", "2025-Q3")]
    assert statuses == ["gap", "unknown"]


def test_plan_successors_must_be_units_of_the_plan() -> None:
    bad = {
        "version": 1,
        "plan": "t",
        "channel_targets": [{"channel": "newspaper", "per": "month", "min": 1}],
        "units": [{"unit": "a", "name": "A", "min_per_quarter": 1, "valid_to": "2025-02-28", "successors": ["b"]}],
    }
    with pytest.raises(ValueError, match="successors"):
        Plan.model_validate(bad)
    assert load_plan().unit("so_tttt").successors == ["so_khcn", "so_vhttdl"]


def test_an_unfinished_month_is_open_not_a_gap(archive: SQLiteStore) -> None:
    """On 15 April, April's newspaper cells show progress: 1 of 2 is open, 2 of 2 already ok; weeks still to
    come in the Q&A column are open too, never counted short."""
    t = datetime(2025, 4, 2, 9, tzinfo=VN_TZ)
    archive.upsert(article("baonghean", t, areas=("the_che",)))
    archive.upsert(article("baonghean", t, areas=("the_che", "cong_vu")))
    archive.upsert(article("baonghean", t, areas=("cong_vu",)))
    archive.upsert(article("baonghean", t, areas=("thu_tuc",)))
    archive.record_run(run("nghean_gov", date(2024, 12, 1), TODAY))
    report = build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 6, 30), "month", TODAY)
    assert (
        cell(report, "the_che", "newspaper", "2025-04").count,
        cell(report, "the_che", "newspaper", "2025-04").status,
    ) == (2, "ok")  # noqa: E501
    assert (
        cell(report, "thu_tuc", "newspaper", "2025-04").count,
        cell(report, "thu_tuc", "newspaper", "2025-04").status,
    ) == (1, "open")  # noqa: E501
    assert cell(report, "thu_tuc", "newspaper", "2025-03").status == "gap"
    assert {cell(report, a, "newspaper", m).status for a in AREAS for m in ("2025-05", "2025-06")} == {"open"}
    qa = [g for g in report.gaps if g.kind == "qa_column"]
    assert qa and all(g.end <= "2025-W15" for g in qa), "the week of 14 April and later have not ended"
    assert report.to_json()["summary"]["open"] == len(AREAS) * 3 - 2  # the_che and cong_vu met April already


def test_the_channel_filter_limits_every_figure(report, archive: SQLiteStore) -> None:
    portals = build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY,
                             ["unit_portal"])  # fmt: skip
    assert {c.channel for c in portals.cells} == {"unit_portal"} and portals.channels == ("unit_portal",)
    assert {g.channel for g in portals.gaps} <= {"unit_portal", None} and portals.gaps
    assert all(g.kind != "qa_column" for g in portals.gaps)
    # 3 unit-portal articles, against 8 CCHC articles on all channels.
    assert sum(a.relevant for a in portals.attention) == 3 < sum(a.relevant for a in report.attention) == 8
    assert portals.share_of_voice == {"unit_portal": 3}
    assert {u.unit for u in portals.units} == {"so_y_te", "so_noi_vu"}
    newspaper = build_coverage(archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY,
                               ["newspaper"])  # fmt: skip
    assert newspaper.units == () and len(newspaper.cells) == len(AREAS) * 4
    assert sum(a.total for a in newspaper.attention) == 6
    # A unit on two channels (Báo và Đài: newspaper and broadcaster) has no target for one channel alone.
    both = PLAN.model_copy(update={"units": [*PLAN.units, PLAN.units[0].model_copy(
        update={"unit": "bao_va_dai_nghe_an", "name": "Báo và Đài", "min_per_quarter": 12})]})  # fmt: skip
    alone = build_coverage(archive, SOURCES, both, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY,
                           ["newspaper"])  # fmt: skip
    assert {(u.period, u.count, u.target, u.status) for u in alone.units} == {("2025-Q1", 5, None, "none"),
                                                                              ("2025-Q2", 0, None, "none")}  # fmt: skip
    assert not any(g.kind == "unit" for g in alone.gaps)
    together = build_coverage(archive, SOURCES, both, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY)
    scored = {u.period: u for u in together.units if u.unit == "bao_va_dai_nghe_an"}
    assert scored["2025-Q1"].target == 12 and scored["2025-Q1"].status in ("gap", "unknown")


def test_cells_without_target_are_grey_and_say_so(report, tmp_path: Path) -> None:
    from cchc.reports.html import render_html

    html = render_html(report, Names.of(TAXONOMY, PLAN))
    assert 'class="n none"' in html and "không có chỉ tiêu" in html
    assert 'class="n open"' in html and ">0/2<" in html  # April on 15 April: progress against the target
    assert f"{report.to_json()['summary']['none']} ô không có chỉ tiêu" in html


@pytest.mark.parametrize(
    ("stats", "phrase"),
    [
        ({"downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 3, "log_count/ERROR": 2},
         "không phân giải được tên miền (DNS), 3 lần"),
        ({"downloader/exception_type_count/twisted.internet.error.ConnectionRefusedError": 2, "log_count/ERROR": 1},
         "máy chủ từ chối kết nối, 2 lần"),
        ({"cchc/errors/fetch/DownloadTimeoutError": 1}, "hết thời gian chờ"),
        ({"downloader/response_status_count/503": 3, "cchc/errors/fetch/HttpError": 1}, "HTTP 5xx, 3 lần"),
        ({"robotstxt/forbidden": 4}, "robots.txt không cho phép thu thập (4 trang)"),
        ({"cchc/extracted/generic": 5, "cchc/stored/new": 5}, "bố cục trang có thể đã đổi: 5/5 bài"),
    ],
)  # fmt: skip
def test_a_run_that_could_not_read_its_source_says_why(stats: dict, phrase: str) -> None:
    from coverage.health import failure_cause, unread_cause

    assert phrase in (unread_cause(stats) or "")
    assert unread_cause(stats) == failure_cause(stats)
    t = datetime(2025, 4, 1, 9, tzinfo=VN_TZ)
    assert source_health([CrawlRun("hcc", t, t, "finished", stats)]).status == "broken"


def test_a_run_that_read_its_source_despite_some_failed_pages_is_not_a_failed_crawl() -> None:
    from coverage.health import failure_cause, unread_cause

    partial = {"cchc/errors/fetch/HttpError": 1, "downloader/response_status_count/500": 3, "cchc/stored/new": 40,
               "cchc/extracted/epi/2023": 40}  # fmt: skip
    assert unread_cause(partial) is None and "HTTP 5xx" in (failure_cause(partial) or "")
    retried = {"downloader/response_status_count/503": 2, "cchc/stored/new": 3, "cchc/extracted/epi/2023": 3}
    assert failure_cause(retried) is None, "a retry that succeeded is no failure"
    assert "kết thúc 'shutdown'" in (unread_cause({"cchc/stored/new": 3}, "shutdown") or "")
    # A source that has ended: every page read is older or newer than the run wants. Read well, nothing failed.
    ended = {"cchc/extracted/vnportal": 6, "cchc/dropped/after_until": 4, "cchc/dropped/before_since": 2}
    assert failure_cause(ended) is None
    assert "không lưu được bài nào" in (unread_cause({"cchc/extracted/vnportal": 6}) or "")
    # A source without layout rules (cms: generic, no layout) is read by the generic path by design.
    generic = {"cchc/extracted/generic": 8, "cchc/stored/new": 8}
    assert "bố cục" in (unread_cause(generic) or "")
    assert failure_cause({**generic, "cchc/rules/none": 1}) is None


def test_period_names_and_numbers_as_officials_write_them() -> None:
    from cchc.reports.names import number, percent, period_name

    assert [period_name(k) for k in ("2026-01", "2026-12", "2026-Q1", "2026-Q4", "2026-W41", "2026-W05")] == [
        "Tháng 1/2026", "Tháng 12/2026", "Quý I/2026", "Quý IV/2026", "Tuần 41/2026", "Tuần 5/2026"]  # fmt: skip
    assert period_name("không phải kỳ") == "không phải kỳ"
    assert [number(2833), number(1234567), number(7), number(2.833), number(2.5), number(3.0), number(1234.5)] == [
        "2.833", "1.234.567", "7", "2,83", "2,5", "3", "1.234,5"]  # fmt: skip
    assert (percent(0.125), percent(0.4), percent(None)) == ("12,5 %", "40 %", "")


@pytest.fixture
def year_archive(tmp_path: Path) -> SQLiteStore:
    """baonghean read all of 2025 and up to 15/1/2026: every area gets its 2 articles in March and July only, and
    one a month elsewhere except public finance (never covered outside those two months); Sở Y tế has its 2
    articles in Q1 2025 only."""
    store = SQLiteStore(tmp_path / "year.db")
    t = lambda m, d: datetime(2025, m, d, 9, tzinfo=VN_TZ)  # noqa: E731
    others = tuple(a for a in AREAS if a != "tai_chinh_cong")
    items = [article("baonghean", t(m, d), areas=tuple(AREAS)) for m in (3, 7) for d in (5, 6)]
    items += [article("baonghean", t(m, 10), areas=others) for m in range(1, 13) if m not in (3, 7)]
    items += [article("so_y_te", t(2, 5)), article("so_y_te", t(2, 6))]
    store.upsert_many(items)
    store.record_run(run("baonghean", date(2024, 12, 1), date(2026, 1, 15)))
    store.record_run(run("so_y_te", date(2024, 12, 1), date(2026, 1, 15)))
    yield store
    store.close()


def test_headlines_count_only_ended_read_periods(year_archive: SQLiteStore) -> None:
    """A channel meeting its target in 2 of 12 ended months; January 2026 is under way (open, not a failure)."""
    from cchc.reports.headlines import headlines
    from cchc.reports.html import render_html

    today = date(2026, 1, 15)
    # Radio-TV has a target here but was never read: every month "chưa thu thập", none a failure.
    radio_tv = ChannelTarget(channel="broadcaster", per="month", min=1)
    plan = PLAN.model_copy(update={"channel_targets": [*PLAN.channel_targets, radio_tv]})
    report = build_coverage(year_archive, SOURCES, plan, AREAS, date(2025, 1, 1), today, "month", today)
    names = Names.of(TAXONOMY, plan, SOURCES)
    lines = headlines(report, names)
    by_channel = {h.subject: h for h in lines["channels"]}
    newspaper = by_channel["newspaper"]
    assert newspaper.text == ("Báo in, báo điện tử: đạt chỉ tiêu 2/12 tháng; 1 tháng chưa hết kỳ; "
                              "thiếu nhiều nhất: Cải cách tài chính công")  # fmt: skip
    assert newspaper.tone == "gap"
    assert by_channel["broadcaster"].text == (
        "Phát thanh - Truyền hình: chưa có tháng nào đã kết thúc và đã thu thập; 13 tháng chưa thu thập"
    )
    assert by_channel["unit_portal"].text == "Cổng/Trang TTĐT đơn vị: không có chỉ tiêu theo tháng; 2 bài về CCHC"
    # Nobody read the aggregators, and the plan sets them no target: nothing to judge, not "chưa thu thập".
    assert by_channel["aggregator"].text == "Trang tổng hợp tin: không có chỉ tiêu theo tháng; 0 bài về CCHC"
    units = {h.subject: h.text for h in lines["units"]}
    assert units["so_y_te"] == ("Sở Y tế: đạt chỉ tiêu 1/4 quý; 1 quý chưa hết kỳ; "
                                "chưa đạt: Quý II/2025, Quý III/2025, Quý IV/2025")  # fmt: skip
    assert units["so_noi_vu"] == "Sở Nội vụ: chưa có quý nào đã kết thúc và đã thu thập; 5 quý chưa thu thập"
    html = render_html(report, names)
    assert html.index(newspaper.text) < html.index('id="ban-do-nhiet"'), "the headlines open the report"
    assert "<th>Tháng 1/2026</th>" in html and "<th>Quý I/2025</th>" in html and "2026-01" not in html
    assert "Sở Y tế Nghệ An" in html  # source names, not ids, in the unit table
    assert "<title>Tháng 3/2025: 2 bài</title>" in html and ">Tháng 3</tspan>" in html  # chart: two-line labels


def test_docx_report_for_a_letter(year_archive: SQLiteStore, tmp_path: Path) -> None:
    """The Word version: headlines first, Vietnamese periods, the unit scorecard coloured by status."""
    from docx import Document

    from cchc.reports.headlines import headlines
    from cchc.reports.word import write_docx

    today = date(2026, 1, 15)
    report = build_coverage(year_archive, SOURCES, PLAN, AREAS, date(2025, 1, 1), today, "month", today)
    names = Names.of(TAXONOMY, load_plan(), SOURCES)
    path = tmp_path / "r.docx"
    write_docx(report, names, path)
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Báo cáo độ phủ tuyên truyền cải cách hành chính"
    assert "Kế hoạch 47/KH-UBND ngày 09/01/2024" in texts[1] and "01/01/2025 – 15/01/2026" in texts[1]
    lines = headlines(report, names)
    first_heading = texts.index("2. Thiếu nhiều nhất, xếp theo mức thiếu")
    assert all(texts.index(h.text) < first_heading for group in lines.values() for h in group)
    gaps, units = doc.tables[0], doc.tables[1]
    assert gaps.rows[1].cells[1].text == "Cải cách tài chính công"
    assert [c.text for c in gaps.rows[1].cells[3:5]] == ["Tháng 8/2025", "Tháng 12/2025"]
    assert [c.text for c in units.rows[0].cells][1:] == ["Quý I/2025", "Quý II/2025", "Quý III/2025", "Quý IV/2025",
                                                        "Quý I/2026"]  # fmt: skip
    y_te = next(r for r in units.rows if r.cells[0].text == "Sở Y tế")
    assert [c.text for c in y_te.cells][1:] == ["2/2", "0/2", "0/2", "0/2", "0/2"]
    fills = [c._tc.tcPr.xpath("./w:shd/@w:fill") for c in y_te.cells[1:]]
    assert fills == [["C6EFCE"], ["FFC7CE"], ["FFC7CE"], ["FFC7CE"], ["FFF2CC"]]  # ok, gap x3, open
    result = run_cchc("coverage", "--store", f"sqlite:///{tmp_path / 'year.db'}", "--from", "2025-01-01", "--to",
                      "2025-12-31", "--format", "docx", "--output", str(tmp_path / "cli.docx"))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert Document(str(tmp_path / "cli.docx")).paragraphs[0].text.startswith("Báo cáo độ phủ")


def test_headline_names_the_worst_areas_honestly_when_they_tie() -> None:
    from cchc.reports.headlines import _worst

    names = Names.of(TAXONOMY, PLAN)
    every = set(AREAS)
    assert _worst({"cong_vu": 3.0, "the_che": 1.5}, every, names) == "thiếu nhiều nhất: Cải cách chế độ công vụ"
    assert _worst({"cong_vu": 3.0, "the_che": 1.0 + 2.0000000001}, every, names) == (
        "thiếu nhiều nhất: Cải cách thể chế, Cải cách chế độ công vụ"
    )
    assert _worst({a: 2.0 for a in AREAS[:4]}, every, names) == (
        f"thiếu nhiều nhất: {names.areas[AREAS[0]]} và 3 lĩnh vực khác (ngang nhau)"
    )
    assert _worst({a: 2.0 for a in AREAS}, every, names) == "thiếu như nhau ở mọi lĩnh vực"


@pytest.mark.skipif(not (SHARED_DIR / "data" / "vn-provincial-news").is_dir(), reason="../shared/data is absent")
def test_places_in_real_articles_are_those_one_regex_of_every_alias_finds() -> None:
    matcher = PlaceMatcher(load_places())
    # The plain reading of "whole words, left to right, the longer where two overlap": slow, but plainly right.
    aliases = sorted(matcher.by_alias, key=len, reverse=True)
    every_alias = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, aliases)) + r")(?!\w)")
    path = SHARED_DIR / "data" / "vn-provincial-news" / "trends_provincial_gov.jsonl.xz"
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line, _ in zip(lines, range(400), strict=False)]
    found = 0
    for article in articles:
        text = joined(article["title"], article.get("lead", ""), article["text"])
        mentions = matcher.mentions(text)
        assert mentions == every_alias.findall(normalize(text).lower()), article["id"]
        found += bool(mentions)
    assert found >= 40
