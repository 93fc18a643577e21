"""Canonical URLs: one article, one id, whatever decorates the link."""

from __future__ import annotations

import pytest

from crawler.urls import canonicalize
from search import article_id


@pytest.mark.parametrize(
    "url",
    [
        "https://baonghean.vn/nghe-an-10293456.html",
        "https://www.baonghean.vn/nghe-an-10293456.html",
        "https://m.baonghean.vn/nghe-an-10293456.html",
        "https://baonghean.vn/nghe-an-10293456.html?utm_source=zalo&utm_medium=share",
        "https://baonghean.vn/nghe-an-10293456.html?fbclid=IwAR0abc#comments",
        "https://BAONGHEAN.vn:443/nghe-an-10293456.html/",
    ],
)
def test_variants_share_one_canonical_url(url: str) -> None:
    assert canonicalize(url) == "https://baonghean.vn/nghe-an-10293456.html"
    assert article_id(canonicalize(url)) == article_id("https://baonghean.vn/nghe-an-10293456.html")


def test_portal_pageindex_is_tracking() -> None:
    assert canonicalize("https://yte.nghean.gov.vn/tin-tuc/abc-123456?pageindex=0") == (
        "https://yte.nghean.gov.vn/tin-tuc/abc-123456"
    )


def test_meaningful_query_kept_and_sorted() -> None:
    assert canonicalize("https://x.vn/a?b=2&a=1&utm_campaign=z") == "https://x.vn/a?a=1&b=2"
