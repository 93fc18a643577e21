"""Per-CMS layout rules, as data. A layout change adds a new version; old pages keep theirs.

A rule applies to a page when its `title` and `body` selectors both match.
Versions are tried newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class LayoutRule:
    cms: str
    version: str
    title: str
    body: str
    lead: str | None = None
    date: str | None = None
    author: str | None = None
    byline: str | None = None
    section: str | None = None
    tags: str | None = None
    drop: tuple[str, ...] = ()
    date_format: str | None = None  # "%d/%m/%Y - %H:%M": how the date line writes it (crawler.extraction.datefmt)


# Removed from every body before its text is read.
COMMON_DROP = ("script", "style", "noscript", "iframe", "form", "figure", "figcaption", "button")

RULES: dict[str, tuple[LayoutRule, ...]] = {
    "nukeviet": (
        # hcc.nghean.gov.vn: NukeViet 4.5 news detail template.
        LayoutRule(
            cms="nukeviet",
            version="4.5",
            title="h1.title",
            body="#news-bodyhtml",
            lead="div.hometext",
            date="span.h5",
            author="p.h5.text-right",
            section=".breadcrumbs a:last-child",
            drop=('p[style*="center"]', "ul.related"),
        ),
    ),
    "vnportal": (
        # *.nghean.gov.vn: VNPT vnPortal article detail.
        LayoutRule(
            cms="vnportal",
            version="2023",
            title="h1.ArticleTitle",
            body=".ArticleContent",
            lead=".ArticleSummary",
            date=".PostDate",
            author='.ArticleContent p[style*="right"]',
            section=".breadcrumb a:last-child",
            drop=('p[style*="center"]', 'p[style*="right"]', ".RelatedArticles"),
        ),
    ),
    "dcs": (
        # nghean.dcs.vn: the Provincial Party Committee's portal (title in an h2, date without time).
        LayoutRule(
            cms="dcs",
            version="2023",
            title=".news-detail-content h2.news-title",
            body=".news-content",
            lead=".news-summary",
            date=".news-date",
            author='.news-content p[style*="right"]',
            section=".category-name a",
            drop=('p[style*="right"]', ".other-news"),
        ),
    ),
    "nghean24h": (
        # nghean24h.vn: an aggregator; "Tác giả: …" and "Nguồn tin: …" close the body.
        LayoutRule(
            cms="nghean24h",
            version="2024",
            title="h1.post-title",
            body=".post-content",
            lead=".post-sapo",
            date=".post-date",
            drop=(".related", ".ads"),
        ),
    ),
    "thnghean": (
        # truyenhinhnghean.vn: articles, video and radio reports.
        LayoutRule(
            cms="thnghean",
            version="2022",
            title="h1.title-detail",
            body=".content-detail",
            lead=".sapo-detail",
            date=".time-detail",
            author=".author-detail",
            section=".cate a",
            drop=(".box-related", ".box-more"),
        ),
    ),
    "epi": (
        # baonghean.vn since late 2023 (-10xxxxxx.html), English edition included.
        LayoutRule(
            cms="epi",
            version="2023",
            title="h1.article-title",
            body="div.article-body",
            lead="div.article-sapo",
            date="time.article-time",
            author="div.article-author",
            byline="div.article-meta .byline",
            section=".breadcrumbs a.cate",
            tags=".article-tags a",
            drop=(".related-inline", ".tts-player"),
        ),
        # baonghean.vn until 2023 (-{6 digits}.html and -post{6 digits}.html).
        LayoutRule(
            cms="epi",
            version="2019",
            title=".news-detail h1.title",
            body=".news-detail #content",
            lead=".news-detail .sapo",
            date=".news-detail .info .time",
            author="#content p.author",
            section=".cate-name a",
            drop=("table.image", "p.author", ".box-tinlienquan"),
        ),
    ),
}


def rules_for(cms: str | None) -> tuple[LayoutRule, ...]:
    """The layout rules of a CMS family, newest first (none for unknown or generic)."""
    return RULES.get(cms or "generic", ())


def rule_from_layout(layout: Any, name: str = "learned") -> LayoutRule:
    """A LayoutRule from a config `Layout` (a source's `layout:` entry or a `sources learn` file)."""
    return LayoutRule(
        cms=name,
        version="layout",
        title=layout.title,
        body=layout.body,
        lead=layout.lead,
        date=layout.date,
        author=layout.author,
        byline=layout.byline,
        section=layout.section,
        tags=layout.tags,
        drop=tuple(layout.drop),
        date_format=layout.date_format,
    )
