"""Extract one article from a page: layout rules of the source's CMS, then trafilatura."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura

from crawler.dates import parse_date
from crawler.extraction import blocks, cleanup
from crawler.extraction.datefmt import parse_with_format
from crawler.extraction.page import HeadMeta, parse_html, read_head
from crawler.extraction.rules import COMMON_DROP, LayoutRule, rules_for
from crawler.urls import canonicalize

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    """What a page says about its article; `rule` names the layout rule used, or "generic"."""

    url: str
    canonical_url: str
    title: str
    lead: str
    text: str
    author: str | None
    published_at: datetime | None
    section: str | None
    tags: tuple[str, ...] = ()
    language: str | None = None
    media: str = "text"
    rule: str = "generic"
    credit: str | None = None  # the source a reprint names ("Nguồn tin: vinh.nghean.gov.vn")
    warnings: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The `cchc extract` record: DESIGN.md's fields, dates as ISO 8601 with offset."""
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["tags"] = list(self.tags)
        data["warnings"] = list(self.warnings)
        return data


def _text_of(doc: lxml.html.HtmlElement, selector: str | None) -> str | None:
    if not selector:
        return None
    nodes = doc.cssselect(selector)
    return cleanup.normalize_space(nodes[0].text_content()) if nodes else None


def _matching_rule(doc: lxml.html.HtmlElement, cms: str | None, own: LayoutRule | None = None) -> LayoutRule | None:
    for rule in ((own,) if own else ()) + rules_for(cms):
        if doc.cssselect(rule.title) and doc.cssselect(rule.body):
            return rule
    return None


def _canonical(url: str, declared: str | None, article_url: Any) -> str:
    """The page's declared canonical URL when it is a plausible article URL of the same site."""
    if declared:
        candidate = urljoin(url, declared)
        same_site = canonicalize(candidate).split("/")[2:3] == canonicalize(url).split("/")[2:3]
        path = urlsplit(candidate).path
        if same_site and path not in ("", "/") and (article_url is None or article_url.search(path)):
            return canonicalize(candidate)
    return canonicalize(url)


def _media(doc: lxml.html.HtmlElement, rule: LayoutRule | None) -> str:
    """video or audio when the article is a broadcast report (a player in the article), else text."""
    scope = doc.cssselect(rule.title)[0].getparent() if rule else doc
    if scope.cssselect("video, .video-player, iframe[src*='youtube']"):
        return "video"
    if scope.cssselect("audio, .audio-player"):
        return "audio"
    return "text"


def _date(doc: lxml.html.HtmlElement, rule: LayoutRule | None, head: HeadMeta) -> datetime | None:
    if rule:
        for selector in (rule.date, rule.byline):
            nodes = doc.cssselect(selector) if selector else []
            text = nodes[0].text_content() if nodes else None
            if nodes and (found := parse_with_format(text or nodes[0].get("datetime"), rule.date_format)):
                return found
    return parse_date(head.published)


def extract_article(
    html: str, url: str, cms: str | None = None, article_url: Any = None, rule: LayoutRule | None = None
) -> Extracted:
    """Extract the article at `url` from its HTML; `cms` picks layout rules, `article_url` is a compiled regex.

    `rule` is the site's own layout rule (a source's `layout:` or a learned rule file), tried first.
    """
    doc = parse_html(html)
    head = read_head(doc)
    rule = _matching_rule(doc, cms, rule)
    warnings: list[str] = []

    text_paragraphs: list[str] = []
    if rule:
        body = doc.cssselect(rule.body)[0]
        text_paragraphs = cleanup.clean_paragraphs(blocks.paragraphs(body, COMMON_DROP + rule.drop))
    generic = None
    if not text_paragraphs:
        generic = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
        )
        if generic is not None and generic.text:
            text_paragraphs = cleanup.clean_paragraphs(generic.text.split("\n"))
        if rule:
            warnings.append(f"rule {rule.cms}/{rule.version} found no body text; used trafilatura")

    text_paragraphs, signed_author, credit = cleanup.split_signature(text_paragraphs)
    title = _text_of(doc, rule.title if rule else None) or (generic.title if generic else None) or head.title or ""
    lead = cleanup.clean_lead(_text_of(doc, rule.lead if rule else None) or "")
    if not rule and head.description:
        lead = cleanup.clean_lead(head.description)
    if text_paragraphs and lead and cleanup.clean_lead(text_paragraphs[0]) == lead:
        text_paragraphs = text_paragraphs[1:]
    author = cleanup.clean_author(_text_of(doc, rule.author if rule else None)) or signed_author
    if rule and rule.byline and not author and (byline := _text_of(doc, rule.byline)):
        author = cleanup.clean_author(byline.split("•")[0])
    if not author and generic is not None:
        author = cleanup.clean_author(generic.author)
    published = _date(doc, rule, head)
    if published is None and generic is not None and generic.date:
        published = parse_date(generic.date)
    section = _text_of(doc, rule.section if rule else None) or head.section
    tags = (
        tuple(cleanup.normalize_space(a.text_content()) for a in doc.cssselect(rule.tags)) if rule and rule.tags else ()
    )

    return Extracted(
        url=url,
        canonical_url=_canonical(url, head.canonical, article_url),
        title=cleanup.normalize_space(title),
        lead=lead,
        text="\n\n".join(text_paragraphs),
        author=author,
        published_at=published,
        section=section,
        tags=tags or head.tags,
        language=(head.language or "").split("-")[0].lower() or None,
        media=_media(doc, rule),
        credit=credit,
        rule=f"{rule.cms}/{rule.version}" if rule else "generic",
        warnings=tuple(warnings),
    )
