"""Extract one article from a page: layout rules of the source's CMS, then trafilatura."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html

from crawler.dates import parse_date
from crawler.extraction import blocks, body, byline, cleanup, metadata
from crawler.extraction.datefmt import parse_with_format
from crawler.extraction.page import HeadMeta, parse_html, read_head
from crawler.extraction.rules import COMMON_DROP, LayoutRule, rules_for
from crawler.extraction.selectors import select
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
    duration_s: int | None = None  # the length of the video or audio report, when the page says it
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


def _text_of(doc: lxml.html.HtmlElement, selector: str | None, last: bool = False) -> str | None:
    """The text of the first (or `last`) element the selector matches."""
    if not selector:
        return None
    nodes = select(doc, selector)
    return cleanup.normalize_space(nodes[-1 if last else 0].text_content()) if nodes else None


def _signed(doc: lxml.html.HtmlElement, selector: str | None) -> tuple[str | None, str | None]:
    """(author, credited source) from every element an author selector matches.

    A "Nguồn tin: …" line is the source a story credits, never its author (NukeViet prints both
    lines with the same classes, and only the source line when no author was entered).
    """
    author = credit = None
    for node in select(doc, selector) if selector else []:
        line = cleanup.normalize_space(node.text_content())
        match = cleanup.SIGNATURE.match(line)
        if match and match[1].lower() != "tác giả":
            credit = credit or match[2].strip()
        else:
            author = author or cleanup.clean_author(line)
    return author, credit


def _matching_rule(doc: lxml.html.HtmlElement, cms: str | None, own: LayoutRule | None = None) -> LayoutRule | None:
    for rule in ((own,) if own else ()) + rules_for(cms):
        if select(doc, rule.title) and select(doc, rule.body):
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


def _article_scope(doc: lxml.html.HtmlElement, rule: LayoutRule | None) -> lxml.html.HtmlElement:
    """Where the article's own player sits: the block around the rule's title, else the whole page."""
    return select(doc, rule.title)[0].getparent() if rule else doc


def _media(scope: lxml.html.HtmlElement) -> str:
    """video or audio when the article is a broadcast report (a player in the article), else text."""
    if select(scope, "video, .video-player, iframe[src*='youtube']"):
        return "video"
    if select(scope, "audio, .audio-player"):
        return "audio"
    return "text"


def _date(doc: lxml.html.HtmlElement, rule: LayoutRule | None, head: HeadMeta) -> datetime | None:
    if rule:
        for selector in (rule.date, rule.byline):
            nodes = select(doc, selector) if selector else []
            text = cleanup.normalize_space(nodes[0].text_content()) if nodes else None
            value = text or (nodes[0].get("datetime") or nodes[0].get("content") if nodes else None)
            if nodes and (found := parse_with_format(value, rule.date_format)):
                return found
    return parse_date(head.published)


def _path(node: Any) -> str | None:
    return node.getroottree().getpath(node) if node is not None else None


def _generic_body(html: str, url: str, doc: lxml.html.HtmlElement, title: metadata.Headline,
                  lead_node: Any) -> list[str]:  # fmt: skip
    """Body paragraphs read by trafilatura once the headline, date line and lead are out of the page."""
    read = [title.node, lead_node]
    if title.node is not None:
        read += [n for n in doc.iter(*metadata.HEADINGS) if cleanup.normalize_space(n.text_content()) == title.text]
        read += [n for n in metadata.date_line_nodes(title)]
    paths = [p for p in dict.fromkeys(_path(n) for n in read) if p]
    end = metadata.byline_element(title, byline.parse_byline)
    return body.body_paragraphs(html, url, paths, _path(title.node), _path(end))


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
    headline = metadata.find_title(doc, head)

    text_paragraphs: list[str] = []
    lead_node = None
    lead = cleanup.clean_lead(_text_of(doc, rule.lead if rule else None) or "")
    if not lead:
        lead, lead_node = metadata.find_lead(doc, headline, head.description)
    if rule:
        node = select(doc, rule.body)[0]
        text_paragraphs = cleanup.clean_paragraphs(blocks.paragraphs(node, COMMON_DROP + rule.drop))
    if not text_paragraphs:
        text_paragraphs = cleanup.clean_paragraphs(_generic_body(html, url, doc, headline, lead_node))
        if rule:
            warnings.append(f"rule {rule.cms}/{rule.version} found no body text; used trafilatura")

    text_paragraphs, signed_author, credit = cleanup.split_signature(text_paragraphs)
    text_paragraphs = [p for p in text_paragraphs if not metadata.RELATED_LINK.match(p)]
    bylines: list[byline.Byline] = []
    if not rule:
        text_paragraphs, bylines = byline.split_byline(text_paragraphs)
        if not any(b.author for b in bylines):  # none at the end of the body: look beside it
            bylines += [b for b in map(byline.parse_byline, metadata.byline_lines(doc, headline)) if b]
    title = _text_of(doc, rule.title if rule else None) or headline.text
    while text_paragraphs and lead and cleanup.clean_lead(text_paragraphs[0]) in (lead, title):
        text_paragraphs = text_paragraphs[1:]
    found_author, found_credit = byline.choose(bylines)
    rule_author, rule_credit = _signed(doc, rule.author if rule else None)
    author = rule_author or signed_author or found_author
    credit = credit or rule_credit or found_credit
    if rule and rule.byline and not author and (line := _text_of(doc, rule.byline)):
        author = cleanup.clean_author(line.split("•")[0])
    published = _date(doc, rule, head) if rule else None
    if published is None:
        published = metadata.find_published(doc, headline)
    section = _text_of(doc, rule.section if rule else None, last=True) or head.section
    tags = (
        tuple(cleanup.normalize_space(a.text_content()) for a in select(doc, rule.tags)) if rule and rule.tags else ()
    )
    scope = _article_scope(doc, rule)

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
        media=_media(scope),
        duration_s=metadata.find_duration(doc, scope),
        credit=credit,
        rule=f"{rule.cms}/{rule.version}" if rule else "generic",
        warnings=tuple(warnings),
    )
