"""Serve the bundled copies of real sites on loopback, one URL prefix per source id."""

from __future__ import annotations

import logging
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Self
from urllib.parse import unquote, urlsplit

from config import Source
from crawler.discovery import UrlRules

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css",
    ".json": "application/json",
}


def resolve(root: Path, url_path: str) -> Path | None:
    """The file serving `url_path` under `root`: the file itself, else its folder's index.html."""
    relative = unquote(url_path).lstrip("/")
    candidate = (root / relative).resolve()
    if root.resolve() not in (candidate, *candidate.parents):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def content_type(path: Path, head: bytes) -> str:
    """By extension; an extensionless feed is recognised by its XML start."""
    if path.suffix in CONTENT_TYPES:
        return CONTENT_TYPES[path.suffix]
    return "application/rss+xml" if head.lstrip().startswith((b"<?xml", b"<rss", b"<feed")) else "text/html"


def host_map(base_url: str, sources: list[Source]) -> dict[str, str]:
    """CCHC_MIRRORS for sources served under `base_url`, each in a folder named by its id: host -> prefix."""
    return {host: f"{base_url}/{s.id}" for s in sources for host in s.all_hosts}


def article_pages(root: Path, source: Source) -> list[tuple[str, Path]]:
    """(real URL, file) of each page in the source's mirror under `root` whose URL is an article URL."""
    site = root / source.id
    rules = UrlRules.of(source)
    pages = []
    for path in sorted(site.rglob("*")):
        if path.is_file():
            relative = path.relative_to(site).as_posix()
            # A folder's index.html is the page at the folder's URL, with or without the slash
            # (`/section/202605/slug-1a2b3c4/`, `/category/slug-672345`): whichever the source's rule names.
            folder = relative.removesuffix("index.html")
            forms = [folder, folder.rstrip("/")] if folder != relative else [relative]
            url = next((u for u in map(source.absolute, forms) if rules.is_article(u)), None)
            if url is not None:
                pages.append((url, path))
    return pages


class _Handler(BaseHTTPRequestHandler):
    server: MirrorServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        self.server.requested.append(self.path)
        found = resolve(self.server.root, path)
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        body = found.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type(found, body[:64]))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        logger.debug("mirror: " + format, *args)


class LoopbackServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 that serves from a thread inside `with` (port 0: any free port)."""

    daemon_threads = True

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), handler)
        self._thread: threading.Thread | None = None

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a crawler's timeout) is routine here, not a traceback."""
        logger.debug("%s: client %s went away", type(self).__name__, client_address)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread = threading.Thread(target=self.serve_forever, name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


class MirrorServer(LoopbackServer):
    """A static server of `root` (cchc/sites) on 127.0.0.1; `requested` logs each path asked for."""

    def __init__(self, root: Path, port: int = 0) -> None:
        super().__init__(_Handler, port)
        self.root = root
        self.requested: list[str] = []

    def mirrored(self, sources: list[Source]) -> list[Source]:
        """The sources that have a copy under root (a folder named by the source id)."""
        return [s for s in sources if (self.root / s.id).is_dir()]

    def host_map(self, sources: list[Source]) -> dict[str, str]:
        """CCHC_MIRRORS for these sources: each of their hosts -> this server's prefix for them."""
        return host_map(self.base_url, self.mirrored(sources))
