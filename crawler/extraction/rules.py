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
    author: str | None = None  # every match is read: "Nguồn tin: …" lines give the credit, not the author
    byline: str | None = None
    section: str | None = None  # the LAST element it matches is read: a breadcrumb's last item
    tags: str | None = None
    drop: tuple[str, ...] = ()
    date_format: str | None = None  # "%d/%m/%Y - %H:%M": how the date line writes it (crawler.extraction.datefmt)


# Removed from every body before its text is read.
COMMON_DROP = ("script", "style", "noscript", "iframe", "form", "figure", "figcaption", "button")

RULES: dict[str, tuple[LayoutRule, ...]] = {
    "nukeviet": (
        # hcc.nghean.gov.vn: NukeViet 4.5's default news detail template as it renders. The byline block holds
        # up to two `p.h5.text-right` lines, "Tác giả:" and "Nguồn tin:" (the author reader tells them apart);
        # the breadcrumb is written server-side only into the hidden `ul.temp-breadcrumbs`.
        LayoutRule(
            cms="nukeviet",
            version="4.5",
            title="h1.title[itemprop=headline]",
            body="div#news-bodyhtml",
            lead="div.hometext[itemprop=description]",
            date="span.h5",
            author="p.h5.text-right",
            section="ul.temp-breadcrumbs li a",
            tags="div.h5 a[href*=tag]",
            drop=('p[style*="center"]', "ul.related"),
        ),
    ),
    "vnportal": (
        # *.nghean.gov.vn: VNPT vnPortal article detail (markup not yet checked on a stored real page).
        LayoutRule(
            cms="vnportal",
            version="2023",
            title="h1.ArticleTitle",
            body=".ArticleContent",
            lead=".ArticleSummary",
            date=".PostDate",
            author='.ArticleContent p[style*="right"]',
            section=".breadcrumb a",
            drop=('p[style*="center"]', 'p[style*="right"]', ".RelatedArticles"),
        ),
    ),
    "dcs": (
        # nghean.dcs.vn: the Provincial Party Committee's portal (title in an h2, date without time;
        # markup not yet checked on a stored real page).
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
        # nghean24h.vn: the "24h" network CMS. Right-aligned "Tác giả: …" / "Nguồn tin: …" lines close the body.
        LayoutRule(
            cms="nghean24h",
            version="24h",
            title="section.article_content header h1[itemprop=name]",
            body="div#news-bodyhtml[itemprop=articleBody]",
            lead="div.summary p[itemprop=description]",
            date="section.article_content header time[datetime]",
            author='div#news-bodyhtml p[style*="right"]',
            section="p.cate[itemprop=articleSection] a",
            tags="article div.h5 a",
            date_format="%H:%M %d-%m-%Y",
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
        # baonghean.vn since late 2023 (-10xxxxxx.html, English edition included): the OneCMS platform.
        # The header block holds section, title, author, date and sapo; the body is the rest of article.entry.
        LayoutRule(
            cms="epi",
            version="2023",
            title="article.entry h1.sc-longform-header-title",
            body="article.entry",
            lead="p.sc-longform-header-sapo",
            date="span.sc-longform-header-date",
            author="span.sc-longform-header-author",
            section="ol.breadcrumb li.breadcrumb-item a",
            tags="div.c-tags a",
            drop=("div.sc-longform-header", "div.c-tags", ".tts-player", ".related-inline", ".c-share", ".c-follow"),
            date_format="%d/%m/%Y - %H:%M",
        ),
        # baonghean.vn 2022-2023 (-post{id}.html): a newspaper CMS; the author closes the body (div.t1 > span.t2).
        LayoutRule(
            cms="epi",
            version="2022",
            title="h1.article__title.cms-title",
            body="div.article__body.cms-body[itemprop=articleBody]",
            lead="div.article__sapo.cms-desc",
            date="meta.cms-date[itemprop=datePublished]",
            author="div.article__body div.t1 > span.t2",
            section="div.breadcrumbs h2.main a",
            tags="div.article__tags a",
            drop=("div.t1", ".article__related"),
        ),
        # baonghean.vn until 2022 (-{6 digits}.html): the lead is the bold first paragraph of #content.
        # Date and author selectors are not yet confirmed on a stored real page.
        LayoutRule(
            cms="epi",
            version="2019",
            title=".article h1.title",
            body=".article #content",
            lead="#content > p:first-child > strong",
            date=".article .info .time",
            author="#content p.author",
            section="#nav > a",
            tags="#tags_list > a",
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
