"""Route requests for a real source's host to its local mirror, keeping the real URL on the response."""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from config.models import strip_host_prefix
from search import crawlstats

REAL_URL_KEY = "cchc_real_url"


class MirrorMiddleware:
    """Downloader middleware: `CCHC_MIRRORS` maps a host to the base URL that serves its copy."""

    def __init__(self, mirrors: dict[str, str], stats) -> None:
        self.mirrors = {strip_host_prefix(host): base.rstrip("/") for host, base in mirrors.items()}
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> MirrorMiddleware:
        mirrors = crawler.settings.getdict("CCHC_MIRRORS")
        if not mirrors:
            raise NotConfigured("no mirrors configured")
        return cls(mirrors, crawler.stats)

    def process_request(self, request: Request) -> Request | None:
        if REAL_URL_KEY in request.meta:
            return None
        parts = urlsplit(request.url)
        base = self.mirrors.get(strip_host_prefix(parts.hostname or ""))
        if base is None:
            return None
        local = base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.stats.inc_value(crawlstats.MIRROR_REWRITTEN)
        meta = {**request.meta, REAL_URL_KEY: request.url, "dont_obey_robotstxt": True}
        return request.replace(url=local, meta=meta, dont_filter=True)

    def process_response(self, request: Request, response: Response) -> Response:
        real = request.meta.get(REAL_URL_KEY)
        return response.replace(url=real) if real else response
