"""Airtime, print space and column freshness: the player's length read from each form a page states it in, words
counted, both carried to the store, summed per channel and period, and shown in the report and the web page."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest
from docx import Document
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from cchc import MIRRORS_DIR
from cchc.reports import tabular
from cchc.reports.headlines import headlines
from cchc.reports.html import render_html
from cchc.reports.names import Names
from cchc.reports.word import build_docx
from cchc.reports.xlsx import write_xlsx
from cchc.web.app import create_app
from config import load_sources
from config.models import Plan
from coverage.report import build_coverage
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article
from crawler.extraction.metadata import parse_duration
from search import VN_TZ, word_count
from search.sqlite import SQLiteStore
from search.sqlite_schema import MIGRATIONS, SCHEMA_VERSION
from tests.test_coverage import AREAS, SOURCES, TAXONOMY, article, run

PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{head}</head>
<body><div class="detail"><h1 class="title-detail">{title}</h1><div class="time-detail">19:30, 04/03/2025</div>
<div class="sapo-detail">Bản tin thời sự tối nay đưa tin về việc tiếp nhận hồ sơ trực tuyến tại các xã, phường.</div>
{player}<div class="content-detail"><p>{body}</p></div><div class="author-detail">PV</div></div>
<div class="sidebar">{sidebar}</div></body></html>"""
TITLE = "Bộ phận một cửa cấp xã tiếp nhận hồ sơ trực tuyến"
BODY = "Phóng sự ghi nhận tại phường Trường Vinh, nơi người dân nộp hồ sơ trực tuyến ngay tại nhà. " * 4
URL = "https://truyenhinhnghean.vn/thoi-su-chinh-tri/202503/bo-phan-mot-cua-cap-xa-a1b2c3d/"
VIDEO = '<div class="video-player"><video src="/v.mp4" controls{attrs}></video>{extra}</div>'


def page(head: str = "", player: str = VIDEO.format(attrs="", extra=""), sidebar: str = "") -> str:
    return PAGE.format(title=TITLE, head=head, player=player, body=BODY, sidebar=sidebar)


def json_ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


FORMS = {
    "schema.org VideoObject in JSON-LD": (page(head=json_ld({"@type": "VideoObject", "duration": "PT4M12S"})), 252),
    "AudioObject inside an @graph": (
        page(head=json_ld({"@graph": [{"@type": "NewsArticle"}, {"@type": ["AudioObject"], "duration": "PT1H2M5S"}]})),
        3725,
    ),
    "microdata itemprop=duration": (
        page(
            player='<div itemscope itemtype="https://schema.org/VideoObject"><meta itemprop="duration" '
            'content="PT3M"><video src="/v.mp4"></video></div>'
        ),  # fmt: skip
        180,
    ),
    "og:video:duration (seconds)": (page(head='<meta property="og:video:duration" content="168">'), 168),
    "data-duration on the <video>": (page(player=VIDEO.format(attrs=' data-duration="185"', extra="")), 185),
    "data-duration on the player box": (
        page(player='<div class="audio-player" data-duration="05:30"><audio src="/a.mp3"></audio></div>'),
        330,
    ),
    "the player's printed total time": (
        page(
            player=VIDEO.format(
                attrs="", extra='<span class="current">00:00</span> / <span class="duration">1:02:05</span>'
            )
        ),  # fmt: skip
        3725,
    ),
    "no length stated": (page(), None),
    "a sidebar clip's length is not the article's": (
        page(sidebar=VIDEO.format(attrs=' data-duration="95"', extra='<span class="duration">01:35</span>')),
        None,
    ),
}


@pytest.mark.parametrize("form", list(FORMS))
def test_duration_is_read_from_each_form_a_page_states_it_in(form: str) -> None:
    html, seconds = FORMS[form]
    extracted = extract_article(html, URL, "thnghean")
    assert extracted.rule.startswith("thnghean/")
    assert extracted.duration_s == seconds
    assert extracted.to_json()["duration_s"] == seconds
    assert "1:02:05" not in extracted.text and "00:00" not in extracted.text


def test_generic_pages_read_the_declared_length_too() -> None:
    """A site without a rule: what the page declares about itself counts wherever its player sits."""
    html, seconds = FORMS["schema.org VideoObject in JSON-LD"]
    assert extract_article(html, "https://example.vn/tin/bai-123.html").duration_s == seconds


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("PT3M25S", 205), ("pt2m", 120), ("P0DT0H4M5.5S", 246), ("PT1,5M", 90), ("03:25", 205), ("1:02:05", 3725),
     ("205", 205), ("0", None), ("PT0S", None), ("PT", None), ("P2D", None), ("LIVE", None), ("", None),
     (None, None), (True, None), (12.4, 12)],
)  # fmt: skip
def test_parse_duration(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


def test_the_broadcaster_mirror_pages_give_their_airtime() -> None:
    """Each radio-TV page of the bundled mirror that plays a report states its length in one of the generic forms;
    text stories have none."""
    source = next(s for s in load_sources().sources if s.id == "truyenhinhnghean")
    found = {}
    for url, path in [(u, p) for u, p in _pages(source)]:
        extracted = extract_article(decode_html(path.read_bytes()), url, source.cms, UrlRules.of(source).article)
        found[url.rstrip("/").rsplit("-", 1)[-1]] = (extracted.media, extracted.duration_s)
        assert "02:48" not in extracted.text and "05:30" not in extracted.text
    players = {k: v for k, v in found.items() if v[0] != "text"}
    assert players == {"d6e2a90": ("video", 252), "cf9034b": ("video", 185), "da07c5d": ("video", 168),
                       "c41a7e2": ("audio", 330)}  # fmt: skip
    assert all(seconds is None for media, seconds in found.values() if media == "text")


def _pages(source):
    from cchc import mirrors

    return mirrors.article_pages(MIRRORS_DIR, source)


def test_words_are_syllables_with_a_letter_or_digit() -> None:
    assert word_count("Cải cách hành chính – một cửa") == 6
    assert word_count("1.126.000 hồ sơ, đạt 97% …", "\n\nTP. Vinh") == 7
    assert word_count("", " - ") == 0


def test_an_archive_from_before_the_measures_gets_its_words_counted(tmp_path: Path) -> None:
    path = tmp_path / "v6.db"
    conn = sqlite3.connect(path)
    for statements in MIGRATIONS[:6]:
        for statement in statements:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 6")
    conn.execute(
        "INSERT INTO articles (id, url, canonical_url, source, channel, title, lead, text, content_hash)"
        " VALUES ('x', 'u', 'u', 'baonghean', 'newspaper', 'Cải cách hành chính', 'Sa-pô ngắn.', 'Hai – ba bốn', 'h')"
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        old = store.get("x")
        assert (old.words, old.duration_s) == (9, None)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT words FROM articles").fetchone()[0] == 9  # stored, for the sums


TODAY = date(2025, 4, 15)
PLAN = Plan.model_validate({
    "version": 1, "plan": "test",
    "channel_targets": [{"channel": "newspaper", "per": "month", "min": 1},
                        {"channel": "broadcaster", "per": "month", "min": 1},
                        {"channel": "unit_portal", "per": "quarter", "min": 1}],
    "qa_column": {"source": "nghean_gov", "section": "Dân hỏi", "per": "week", "min": 1},
    "columns": [{"source": "hcc", "section": "Cải cách hành chính", "per": "month"}],
})  # fmt: skip


def _at(m: int, d: int) -> datetime:
    return datetime(2025, m, d, 19, tzinfo=VN_TZ)


@pytest.fixture
def measured(tmp_path: Path) -> SQLiteStore:
    """The station read all year with three CCHC reports in March (2 with a length) and one in January; the
    newspaper read all year; the portal's Q&A column read, last answer 1 April; hcc's column never read."""
    import dataclasses

    store = SQLiteStore(tmp_path / "m.db")
    tv = [dataclasses.replace(article("truyenhinhnghean", when), duration_s=s)
          for when, s in ((_at(3, 4), 252), (_at(3, 20), 185), (_at(3, 25), None), (_at(1, 9), 600))]  # fmt: skip
    paper = [
        dataclasses.replace(
            article("baonghean", _at(3, 5)), text="Một hai ba bốn năm sáu bảy tám chín mười.", words=None
        )
    ]  # counted again for the new text
    qa = article("nghean_gov", _at(4, 1), relevant=False, section="Dân hỏi")
    column = article("hcc", _at(2, 1), section="Cải cách hành chính")
    for item in [*tv, *paper, qa, column, article("so_y_te", _at(4, 10))]:
        store.upsert(item)
    for source in ("truyenhinhnghean", "baonghean", "nghean_gov", "so_y_te"):
        store.record_run(run(source, date(2024, 12, 1), TODAY))
    yield store
    store.close()


def _report(store: SQLiteStore, **kwargs):
    return build_coverage(store, SOURCES, PLAN, AREAS, date(2025, 1, 1), date(2025, 4, 15), "month", TODAY, **kwargs)


def test_airtime_words_and_freshness_per_channel(measured: SQLiteStore) -> None:
    report = _report(measured)
    by = {(m.channel, m.period): m for m in report.measures}
    march = by["broadcaster", "2025-03"]
    assert (march.measure, march.total, march.measured, march.articles) == ("duration_s", 437, 2, 3)
    assert (by["broadcaster", "2025-01"].total, by["broadcaster", "2025-02"].total) == (600, 0)
    assert by["newspaper", "2025-03"].measure == "words"
    assert by["newspaper", "2025-03"].total == word_count("Bài 5", "", "Một hai ba bốn năm sáu bảy tám chín mười.")
    assert {m.channel for m in report.measures} == {"broadcaster", "newspaper"}
    fresh = {(f.source, f.column): f for f in report.freshness}
    assert fresh["nghean_gov", "Dân hỏi"].last == date(2025, 4, 1)
    assert (fresh["nghean_gov", "Dân hỏi"].days, fresh["nghean_gov", "Dân hỏi"].status) == (14, "gap")  # weekly
    assert (fresh["truyenhinhnghean", None].days, fresh["truyenhinhnghean", None].status) == (21, "ok")
    assert (fresh["so_y_te", None].days, fresh["so_y_te", None].status) == (5, "ok")
    assert fresh["hcc", "Cải cách hành chính"].status == "unknown"  # never read: no finding
    assert ("nghean_gov", None) not in fresh and ("hcc", None) not in fresh  # judged by their named columns
    assert report.freshness[0].status == "gap"
    data = json.loads(json.dumps(report.to_json()))
    assert {"measures", "freshness", "cells", "summary"} <= set(data)
    assert {"channel": "broadcaster", "period": "2025-03", "measure": "duration_s", "total": 437, "measured": 2,
            "articles": 3} in data["measures"]  # fmt: skip
    qa = next(f for f in data["freshness"] if f["column"] == "Dân hỏi")
    assert (qa["last"], qa["days"], qa["limit"], qa["status"]) == ("2025-04-01", 14, 7, "gap")


def test_the_report_says_the_airtime_and_print_space(measured: SQLiteStore, tmp_path: Path) -> None:
    report = _report(measured)
    names = Names.of(TAXONOMY, PLAN, SOURCES)
    lines = [h.text for h in headlines(report, names)["measures"]]
    assert lines[0] == (
        "Phát thanh - Truyền hình: 7,3 phút phát sóng về CCHC trong Tháng 3/2025 (2/3 bài về CCHC có thời lượng); "
        "cả kỳ báo cáo: 17,3 phút phát sóng (3/4 bài về CCHC có thời lượng)"
    )
    assert lines[1].startswith("Báo in, báo điện tử: 12 chữ về CCHC trong Tháng 3/2025 (1 bài)")
    assert lines[2].startswith("Chuyên mục CCHC: 2 quá hạn chưa có bài mới (lâu nhất: Báo Nghệ An, 41 ngày); 2 còn mới")
    assert lines[2].endswith("chưa thu thập đủ để kết luận")
    html = render_html(report, names)
    assert "7,3 phút phát sóng về CCHC trong Tháng 3/2025" in html
    table = html.split('id="thoi-luong"')[1].split("</table>")[0]
    assert "<td>phút phát sóng</td>" in table and ">7,3</td>" in table and "<b>17,3</b>" in table
    assert "<td>chữ</td>" in table
    assert ">14</td>" in html.split('id="do-moi"')[1].split("</table>")[0]
    path = tmp_path / "r.xlsx"
    write_xlsx(report, names, path)
    sheet = load_workbook(path)["Thời lượng - dung lượng"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == tabular.MEASURE_HEADER
    assert ["Phát thanh - Truyền hình", "broadcaster", "Tháng 3/2025", 7.3, "phút phát sóng", 3, 2] in rows
    fresh = [list(r) for r in load_workbook(path)["Độ mới chuyên mục"].iter_rows(values_only=True)]
    assert fresh[0] == tabular.FRESHNESS_HEADER
    assert fresh[1] == ["Báo Nghệ An", "baonghean", "Báo in, báo điện tử", "(các bài về CCHC của nguồn)", "05/03/2025",
                        41, 31, "quá hạn"]  # fmt: skip
    assert fresh[2][3:] == ["Dân hỏi", "01/04/2025", 14, 7, "quá hạn"]
    cover = [c for r in load_workbook(path)["Trang bìa"].iter_rows(values_only=True) for c in r if c]
    assert lines[0] in cover
    out = io.BytesIO()
    build_docx(report, names).save(out)
    document = Document(io.BytesIO(out.getvalue()))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert lines[0] in text and "phút phát sóng" in cells and "7,3" in cells and "14" in cells


def test_an_unread_month_has_no_airtime_figure(measured: SQLiteStore) -> None:
    """Read only through February: March's airtime is "?", and the headline says why instead of a number."""
    with SQLiteStore(measured.path) as store:
        store._conn.execute("DELETE FROM crawl_runs WHERE source = 'truyenhinhnghean'")
        store.record_run(run("truyenhinhnghean", date(2024, 12, 1), date(2025, 2, 28)))
    report = _report(measured)
    names = Names.of(TAXONOMY, PLAN, SOURCES)
    line = headlines(report, names)["measures"][0].text
    assert line.startswith("Phát thanh - Truyền hình: chưa thu thập đủ Tháng 3/2025 để tính phút phát sóng")
    march = next(r for r in tabular.measure_grid(report, names) if r["unit"] == "phút phát sóng")["cells"][2]
    assert (march["text"], march["unknown"]) == ("?", True)


def test_the_web_coverage_page_shows_the_measures(measured: SQLiteStore, tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{measured.path}", tmp_path / "u.json", tmp_path / "s.key"))
    span = {"from": "2025-01-01", "to": "2025-03-31"}
    page = client.get("/do-phu", params=span).text
    assert "Thời lượng phát sóng, dung lượng đăng tải và độ mới chuyên mục" in page
    assert "7,3 phút phát sóng về CCHC trong Tháng 3/2025" in page and 'id="do-moi"' in page
    newspaper = client.get("/do-phu", params={**span, "channel": "newspaper"}).text
    assert "phút phát sóng" not in newspaper and "12 chữ về CCHC" in newspaper
