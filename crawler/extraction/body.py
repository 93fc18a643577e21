"""The article body on the generic path: trafilatura on a copy of the page stripped of what is not body text.

Before trafilatura reads the page, this removes the headline, the date line and the lead (already read
by `metadata`), photo captions (figcaption, caption classes, the image-and-description tables of 2012
pages, short italic lines under an image) and related-article boxes. A photo story, whose text is its
captions, keeps them.
"""

from __future__ import annotations

import re

import lxml.html
import trafilatura

from crawler.extraction.cleanup import normalize_space
from crawler.extraction.metadata import RELATED_LINK
from crawler.extraction.page import parse_html

CAPTION_HINT = re.compile(
    r"caption|chu-?thich|chuthich|image-?desc|img-?desc|photo-?desc|desc-?img|^image$|imagecaption|pcaption",
    re.IGNORECASE,
)
RELATED_HINT = re.compile(
    r"relat(?:ed|ion)|lien-?quan|lienquan|other-?news|othernews|more-?news|same-?topic|VCObjectBoxRelated|tinkhac|tin-?khac",
    re.IGNORECASE,
)
MAX_CAPTION = 300
# An article whose captions hold at least this share of its text is a photo story: the captions are its text.
PHOTO_STORY_SHARE = 0.5
# A list whose text is at least this share of link text is a list of links.
LINK_SHARE = 0.6
# Inline tags that may wrap an image inside the block the image stands in.
IMAGE_WRAPPERS = ("a", "span", "strong", "b", "center", "font")


def _hint(node: lxml.html.HtmlElement) -> str:
    return f"{node.get('class', '')} {node.get('id', '')}".strip()


def _only_image(node: lxml.html.HtmlElement) -> bool:
    """A block whose content is an image and nothing else to read."""
    return bool(node.xpath(".//img")) and not normalize_space(node.text_content())


def _italic(node: lxml.html.HtmlElement) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    if "font-style:italic" in style or node.tag in ("em", "i"):
        return True
    children = [c for c in node if isinstance(c.tag, str)]
    text = normalize_space(node.text_content())
    return len(children) == 1 and children[0].tag in ("em", "i") and normalize_space(children[0].text_content()) == text


def captions(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Photo caption elements under `root`."""
    found: list[lxml.html.HtmlElement] = list(root.iter("figcaption"))
    for node in root.iter():
        if not isinstance(node.tag, str) or node.tag in ("html", "body"):
            continue
        text = normalize_space(node.text_content())
        if not text or len(text) > MAX_CAPTION:
            continue
        if CAPTION_HINT.search(_hint(node)):
            found.append(node)
            continue
        previous = node.getprevious()
        under_image = previous is not None and _only_image(previous) and node.tag in ("p", "div", "em", "i", "span")
        centered = node.get("align") == "center" or "center" in (node.get("style") or "")
        if under_image and (_italic(node) or centered):
            found.append(node)
    for table in root.iter("table"):
        # 2012 pages put a photo in one row and its description in the next.
        if table.xpath(".//img") and len(table.xpath(".//tr")) <= 4:
            for cell in table.xpath(".//td"):
                text = normalize_space(cell.text_content())
                if text and len(text) <= MAX_CAPTION and not cell.xpath(".//img"):
                    found.append(cell)
    return found


def related_boxes(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Related-article boxes and ">> other story" link lines."""
    found = [n for n in root.iter() if isinstance(n.tag, str) and RELATED_HINT.search(_hint(n))]
    for link in root.iter("a"):
        block = link.getparent()
        if RELATED_LINK.match(link.text_content()) and block is not None:
            found.append(block if normalize_space(block.text_content()) == normalize_space(link.text_content())
                         else link)  # fmt: skip
    return found


def link_lists(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Lists whose items are links (other stories, menus): navigation, never article text."""
    found = []
    for node in root.iter("ul", "ol"):
        items = node.findall("li")
        text = len(normalize_space(node.text_content()))
        linked = sum(len(normalize_space(a.text_content())) for a in node.iter("a"))
        if len(items) >= 2 and text and linked >= LINK_SHARE * text:
            found.append(node)
    return found


def _drop(nodes: list[lxml.html.HtmlElement]) -> None:
    for node in nodes:
        if node.getparent() is not None and node.tag not in ("html", "body"):
            node.drop_tree()


def _read(root: lxml.html.HtmlElement, url: str) -> list[str]:
    found = trafilatura.bare_extraction(
        root, url=url, with_metadata=False, include_comments=False, include_tables=False, include_images=False
    )
    return [line for line in (found.text.split("\n") if found is not None and found.text else []) if line.strip()]


def body_paragraphs(html: str, url: str, remove_paths: list[str], headline_path: str | None = None,
                    end_path: str | None = None) -> list[str]:  # fmt: skip
    """Paragraphs of the article body.

    `remove_paths` are XPaths of elements already read (title, date line, lead); nothing before the
    headline (`headline_path`) and nothing after the byline element (`end_path`) is body text.
    """

    def prepared(drop_captions: bool) -> lxml.html.HtmlElement:
        root = parse_html(html)
        read = [n for path in remove_paths for n in root.xpath(path)]  # before any removal moves them
        head = root.find("head")
        before = root.xpath(headline_path + "/preceding::*") if headline_path else []
        before += root.xpath(end_path + "/following::*") if end_path else []
        _drop([n for n in before if n is not head and n.getparent() is not head] + read)
        _drop(link_lists(root))
        _drop(related_boxes(root))
        if drop_captions:
            _drop(captions(root))
        return root

    root = prepared(drop_captions=False)
    caption_chars = sum(len(normalize_space(n.text_content())) for n in captions(root))
    if not caption_chars:
        return _read(root, url)
    with_captions = _read(root, url)
    # A photo story: its captions are most of its text.
    if caption_chars >= PHOTO_STORY_SHARE * sum(len(line) for line in with_captions):
        return with_captions
    return _read(prepared(drop_captions=True), url)
