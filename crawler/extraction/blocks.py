"""Read the text of an article body as paragraphs, in document order."""

from __future__ import annotations

import copy

import lxml.html

from crawler.extraction.selectors import select

BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "pre",
        "td",
        "th",
        "section",
        "article",
        "table",
    }
)


def drop_nodes(root: lxml.html.HtmlElement, selectors: tuple[str, ...]) -> None:
    """Remove every element matching one of the CSS selectors (tail text kept)."""
    for selector in selectors:
        for node in select(root, selector):
            if node is not root and node.getparent() is not None:
                node.drop_tree()


def _has_block_child(node: lxml.html.HtmlElement) -> bool:
    return any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in node.iterdescendants())


def paragraphs(body: lxml.html.HtmlElement, drop: tuple[str, ...] = ()) -> list[str]:
    """Text of the innermost block elements under `body`, after dropping `drop` selectors.

    Text loose between blocks (old CMSs separate paragraphs with <br>) counts as paragraphs too.
    """
    root = copy.deepcopy(body)
    drop_nodes(root, drop)
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    out: list[str] = []

    def walk(node: lxml.html.HtmlElement) -> None:
        if not _has_block_child(node):
            out.extend(node.text_content().split("\n"))
            return
        out.extend((node.text or "").split("\n"))
        for child in node:
            if isinstance(child.tag, str):
                if child.tag in BLOCK_TAGS:
                    walk(child)
                else:
                    out.extend(child.text_content().split("\n"))
            out.extend((child.tail or "").split("\n"))

    walk(root)
    return out
