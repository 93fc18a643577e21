"""What the spider yields for one article page, before validation turns it into an Article."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from crawler.extraction import Extracted


@dataclass
class ArticleItem:
    """An extracted page plus what the source config says about its publisher."""

    extracted: Extracted
    source: str
    channel: str
    unit: str | None
    language: str
    fetched_at: datetime
    warc: str | None = None  # where the fetched page is kept (crawler/warc.py)
