"""Decode a page and read what its head declares (canonical URL, title, dates, section, tags)."""

from __future__ import annotations

import html
import logging
import unicodedata
from dataclasses import dataclass

import lxml.html
from lxml import etree
from w3lib.encoding import html_to_unicode

logger = logging.getLogger(__name__)


class PageError(Exception):
    """The bytes are not an HTML page we can parse."""


# Tried in order when the declared charset does not fit the bytes (a mislabeled legacy page).
FALLBACK_ENCODINGS = ("utf-8", "cp1258")


# Leading bytes of files that are not web pages, with what to call them in an error.
BINARY_SIGNATURES = {
    b"\x1f\x8b": "gzip-compressed (gunzip it first)",
    b"%PDF": "a PDF file",
    b"PK\x03\x04": "a ZIP archive (or an Office document)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
}


# Text pages hold almost no control characters; binary data holds about one in eight.
MAX_CONTROL_SHARE = 0.01


def check_html_bytes(body: bytes) -> None:
    """Raise PageError, with what the bytes are, when they cannot be a saved HTML page."""
    if not body.strip():
        raise PageError("the file is empty")
    for signature, what in BINARY_SIGNATURES.items():
        if body.startswith(signature):
            raise PageError(f"the file is {what}, not an HTML page")
    head = body[:4096]
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM: NUL bytes are expected
        return
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    if b"\x00" in head or controls > MAX_CONTROL_SHARE * len(head):
        raise PageError("the file is binary, not an HTML page")


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode page bytes by HTTP header, BOM, <meta charset> or detection, in that order, in NFC.

    When the declared charset leaves undecodable bytes, strict UTF-8 and then windows-1258 are tried:
    Vietnamese portals still serve windows-1258 pages labeled as UTF-8.
    """
    _, text = html_to_unicode(content_type, body)
    if "\ufffd" in text and b"\xef\xbf\xbd" not in body:
        for encoding in FALLBACK_ENCODINGS:
            try:
                text = body.decode(encoding)
            except UnicodeDecodeError:
                continue
            logger.info("declared charset did not fit; decoded as %s", encoding)
            break
    # windows-1258 writes tone marks as combining characters: compose them.
    return unicodedata.normalize("NFC", text)


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse HTML leniently; raise PageError when there is no document at all."""
    if not text.strip():
        raise PageError("the page is empty")
    try:
        # lxml refuses str input that carries an XML encoding declaration; bytes avoid that.
        return lxml.html.document_fromstring(text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise PageError(f"not parseable as HTML: {exc}") from None


@dataclass(frozen=True)
class HeadMeta:
    canonical: str | None
    title: str | None
    description: str | None
    published: str | None
    section: str | None
    tags: tuple[str, ...]
    language: str | None


def _first(doc: lxml.html.HtmlElement, *xpaths: str) -> str | None:
    for xpath in xpaths:
        for value in doc.xpath(xpath):
            value = " ".join(html.unescape(str(value)).split())
            if value:
                return value
    return None


def read_head(doc: lxml.html.HtmlElement) -> HeadMeta:
    """Metadata from <link rel=canonical>, OpenGraph, article:* and itemprop tags."""
    tags = doc.xpath("//meta[@property='article:tag']/@content")
    keywords = _first(doc, "//meta[@name='news_keywords']/@content", "//meta[@name='keywords']/@content")
    if not tags and keywords:
        tags = [k for k in keywords.split(",")]
    return HeadMeta(
        canonical=_first(doc, "//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content"),
        title=_first(doc, "//meta[@property='og:title']/@content", "//title/text()"),
        description=_first(doc, "//meta[@property='og:description']/@content", "//meta[@name='description']/@content"),
        published=_first(
            doc,
            "//meta[@property='article:published_time']/@content",
            "//meta[@itemprop='datePublished']/@content",
            "//meta[@name='pubdate']/@content",
            "//meta[@name='publishdate']/@content",
            "//time[@itemprop='datePublished']/@datetime",
        ),
        section=_first(doc, "//meta[@property='article:section']/@content"),
        tags=tuple(t for t in (" ".join(t.split()) for t in tags) if t),
        language=_first(doc, "/html/@lang", "//meta[@http-equiv='content-language']/@content"),
    )
