"""Article extraction: per-CMS layout rules first, trafilatura for whatever they miss."""

from __future__ import annotations

from crawler.extraction.extract import Extracted, extract_article
from crawler.extraction.page import decode_html

__all__ = ["Extracted", "decode_html", "extract_article"]
