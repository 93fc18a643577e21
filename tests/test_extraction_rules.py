"""Site layout rules against the markup the real sites print (../shared/SOURCES.md, "What real pages show"):
each era's rule reads its mirror page field by field, a breadcrumb gives its last item, a "Nguồn tin:"
line is never the author, and the URL rules take the real id and slug forms."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from cchc import MIRRORS_DIR
from config import load_sources
from crawler.discovery import UrlRules
from crawler.extraction import decode_html, extract_article
from crawler.extraction.rules import LayoutRule

SOURCES = {s.id: s for s in load_sources().sources}


@dataclass(frozen=True)
class Case:
    source: str
    path: str  # a pattern naming one page under the source's mirror folder
    rule: str
    title: str  # start
    published: str
    lead: str  # start
    author: str
    body_start: str
    body_end: str
    section: str
    credit: str | None = None


CASES = [
    Case("baonghean", "xa-phuong-moi-*-10292718.html",
         "epi/2023", "Xã, phường mới ở Nghệ An vận hành", "2025-07-08T18:00:00+07:00",
         "Sau một tuần chính quyền địa phương hai cấp", "Thành Cường - Hoài Thu",
         "Sáng 7/7, tại Trung tâm Phục vụ hành chính công phường Trường Vinh",
         "gây phiền hà cho người dân, doanh nghiệp.", "Thời sự"),
    Case("baonghean", "thao-go-vuong-mac-*-post634917.html",
         "epi/2022", "Tháo gỡ vướng mắc thủ tục đầu tư", "2023-09-14T15:50:00+07:00",
         "Đẩy mạnh cải cách hành chính trong lĩnh vực đầu tư", "Thu Huyền",
         "Theo Sở Kế hoạch và Đầu tư", "", "Kinh tế"),
    Case("baonghean", "thanh-pho-vinh-dua-*-238415.html",
         "epi/2019", "Thành phố Vinh đưa Bộ phận Một cửa hiện đại", "2019-05-16T09:40:00+07:00",
         "Nhằm đẩy mạnh cải cách hành chính, UBND thành phố Vinh", "Thành Duy",
         "Bộ phận Một cửa hiện đại của thành phố", "", "Thời sự"),
    Case("hcc", "tin-tong-hop/cong-doan-*-1406.html",
         "nukeviet/4.5", "Công đoàn Trung tâm tổ chức ngày hội thể thao", "2025-03-22T16:30:00+07:00",
         "Ngày 22/3, Công đoàn cơ sở Trung tâm", "Quỳnh Như", "Tham gia ngày hội có gần 100 vận động viên",
         "", "Tin tổng hợp", "Trung tâm Phục vụ hành chính công tỉnh"),
    Case("nghean24h", "mot-thang-*-a100873.html",
         "nghean24h/24h", "Một tháng chính quyền hai cấp", "2025-08-05T21:20:00+07:00",
         "Sau một tháng vận hành mô hình chính quyền địa phương hai cấp", "Thanh Hương",
         "Theo số liệu từ Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", "", "Tin tức", "www.nghean.gov.vn"),
]  # fmt: skip


def _page(source_id: str, pattern: str):
    (page,) = (MIRRORS_DIR / source_id).glob(pattern)
    return page


def _read(source_id: str, pattern: str, html: str | None = None):
    source = SOURCES[source_id]
    page = _page(source_id, pattern)
    url = source.absolute(page.relative_to(MIRRORS_DIR / source_id).as_posix())
    return extract_article(html or decode_html(page.read_bytes()), url, source.cms, UrlRules.of(source).article)


@pytest.mark.parametrize("case", CASES, ids=[c.rule for c in CASES])
def test_each_era_rule_reads_its_page(case: Case) -> None:
    article = _read(case.source, case.path)
    assert article.rule == case.rule
    assert article.title.startswith(case.title)
    assert article.published_at is not None and article.published_at.isoformat() == case.published
    assert article.lead.startswith(case.lead)
    assert article.author == case.author
    assert article.text.startswith(case.body_start)
    assert article.text.endswith(case.body_end or ".")
    assert article.section == case.section
    assert article.credit == case.credit
    # Nothing of the header block, the byline or the page furniture is left in the body.
    for leftover in (case.author, article.lead[:40], "Nghe bài viết", "Theo dõi", "Tác giả", "Nguồn tin", "Trang chủ"):
        assert leftover not in article.text


def test_the_eras_do_not_read_each_others_pages() -> None:
    """Each baonghean URL scheme's mirror page is read by its own era's rule, never by the fallback."""
    pages = [p for p in (MIRRORS_DIR / "baonghean").glob("*.html") if p.name[-6].isdigit()]
    rules = {_read("baonghean", p.name).rule for p in pages}
    assert rules == {"epi/2023", "epi/2022", "epi/2019"}


def test_a_source_line_alone_is_not_the_author() -> None:
    """NukeViet prints "Tác giả:" and "Nguồn tin:" alike; without the first, the second is the credit."""
    case = CASES[3]
    html = decode_html(_page(case.source, case.path).read_bytes())
    author_line = '<p class="h5 text-right"><strong>Tác giả: </strong>Quỳnh Như</p>'
    assert author_line in html
    article = _read(case.source, case.path, html.replace(author_line, ""))
    assert article.credit == "Trung tâm Phục vụ hành chính công tỉnh"
    assert article.author != "Trung tâm Phục vụ hành chính công tỉnh"


def test_a_breadcrumb_gives_its_last_item() -> None:
    html = (
        "<html><body><ol class='breadcrumb'><li class='breadcrumb-item'><a href='/'>Trang chủ</a></li>"
        "<li class='breadcrumb-item'><a href='/xa-hoi'>Xã hội</a></li></ol>"
        "<h1 class='t'>Người dân làm thủ tục ở phường mới</h1>"
        "<div class='b'><p>Sáng nay, trung tâm phục vụ hành chính công của phường tiếp nhận nhiều hồ sơ.</p></div>"
        "</body></html>"
    )
    rule = LayoutRule(cms="test", version="1", title="h1.t", body="div.b", section=".breadcrumb a")
    assert extract_article(html, "https://example.vn/a-123456.html", rule=rule).section == "Xã hội"


@pytest.mark.parametrize(
    ("source_id", "url", "article"),
    [
        ("quang_chau", "https://quangchau.nghean.gov.vn/tin-noi-bat/xa-quang-chau-tiep-dan-1000123?pageindex=0", True),
        ("so_y_te", "https://yte.nghean.gov.vn/tin-chuyen-nganh/kham-benh-mien-phi-606319", True),
        ("so_vhttdl", "https://vhttdl.nghean.gov.vn/tin-tuc-su-kien/le-hoi-lang-sen-933574", True),
        ("so_y_te", "https://yte.nghean.gov.vn/tin-chuyen-nganh/kham-benh-mien-phi-60631", False),
        ("dcs", "https://nghean.dcs.vn/vi-vn/tin/ve-%E2%80%9Cchuyen-doi-so%E2%80%9D/73410-203449-163366", True),
        ("dcs", "https://nghean.dcs.vn/vi-vn/chuyen-muc/tin-tuc-su-kien/156332-424736", False),
        ("nghean24h", "https://nghean24h.vn/mot-cua-lien-thong-a751962.html", True),
        ("baonghean", "https://baonghean.vn/nghe-an-day-manh-dich-vu-cong-post528146.html", True),
    ],
)
def test_url_rules_take_the_real_forms(source_id: str, url: str, article: bool) -> None:
    assert UrlRules.of(SOURCES[source_id]).is_article(url) is article


def test_per_site_listing_paths() -> None:
    assert SOURCES["quang_chau"].listings == ["/tin-noi-bat"]
    assert SOURCES["so_y_te"].listings == ["/tin-chuyen-nganh"]
    assert all(SOURCES[s].verified is False for s in ("quang_chau", "so_y_te", "so_vhttdl", "dcs", "nghean24h"))
