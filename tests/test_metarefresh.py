"""The meta refresh middleware: Scrapy's answer on every page, without decoding the pages that have no tag."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.downloadermiddlewares import redirect
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from cchc import MIRRORS_DIR
from crawler.metarefresh import HEAD_BYTES, MetaRefreshMiddleware

URL = "https://nghean.gov.vn/trang-cu.html"


def ours_and_scrapys() -> tuple[MetaRefreshMiddleware, redirect.MetaRefreshMiddleware]:
    crawler = get_crawler()
    return MetaRefreshMiddleware.from_crawler(crawler), redirect.MetaRefreshMiddleware.from_crawler(crawler)


def outcome(middleware: redirect.MetaRefreshMiddleware, body: bytes, encoding: str = "utf-8") -> str | None:
    """Where the middleware sends the request for a page with `body`, or None when it keeps the response."""
    request = Request(URL)
    response = HtmlResponse(URL, body=body, encoding=encoding, request=request)
    result = middleware.process_response(request, response)
    return result.url if isinstance(result, Request) else None


def page(head: str, body: str = "<p>Nội dung bài viết.</p>") -> str:
    return f'<html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


@pytest.mark.parametrize(
    ("html", "encoding", "target"),
    [
        (page('<meta http-equiv="refresh" content="0; url=/trang-moi.html">'), "utf-8", "/trang-moi.html"),
        (page('<META HTTP-EQUIV="Refresh" CONTENT="5;URL=https://nghean.gov.vn/moi">'), "utf-8", "/moi"),
        (page('<meta http-equiv="refresh" content="0; url=/trang-moi.html">'), "utf-16-le", "/trang-moi.html"),
        (
            page('<meta http-equiv="refresh" content="0; url=/trang-moi.html">', "<p>Noi dung</p>"),
            "windows-1258",
            "/trang-moi.html",
        ),
        # Past Scrapy's delay limit, or inside <noscript>: kept, as Scrapy keeps them.
        (page('<meta http-equiv="refresh" content="900; url=/cham.html">'), "utf-8", None),
        (page("", '<noscript><meta http-equiv="refresh" content="0; url=/js.html"></noscript>'), "utf-8", None),
        (page("<title>Làm mới (refresh) dữ liệu</title>"), "utf-8", None),
        (page("<title>Cải cách hành chính</title>"), "utf-8", None),
    ],
)
def test_a_page_goes_where_scrapy_would_send_it(html: str, encoding: str, target: str | None) -> None:
    ours, scrapys = ours_and_scrapys()
    body = html.encode(encoding)
    expected = outcome(scrapys, body, encoding)
    assert outcome(ours, body, encoding) == expected
    assert expected == (None if target is None else f"https://nghean.gov.vn{target}")


def test_every_bundled_page_gets_scrapys_answer() -> None:
    ours, scrapys = ours_and_scrapys()
    pages = sorted(MIRRORS_DIR.rglob("*.htm*"))
    assert len(pages) >= 100
    for path in pages:
        body = path.read_bytes()
        assert outcome(ours, body) == outcome(scrapys, body), path


def test_a_tag_deep_in_a_long_head_is_still_found() -> None:
    ours, _ = ours_and_scrapys()
    head = "<!-- " + "ư" * 3000 + " -->" + '<meta http-equiv="refresh" content="0; url=/xa.html">'
    assert len(head) < 4096 < len(head.encode()) < HEAD_BYTES  # within Scrapy's 4,096 characters, past 4,096 bytes
    assert outcome(ours, page(head).encode()) == "https://nghean.gov.vn/xa.html"
