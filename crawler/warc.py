"""Every fetched page kept as WARC: written as it arrives, found again by an article's pointer, pruned by age and size.

A pointer is "<file relative to the WARC folder>#<offset of the response record>". Each record is its own gzip
member, so a reader seeks to the offset and reads one record; a crawl killed mid-write tears at most its last one.
"""

from __future__ import annotations

import logging
import os
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.middlewares import REAL_URL_KEY
from search import crawlstats

logger = logging.getLogger(__name__)

WARC_KEY = "cchc_warc"  # request meta: the pointer of the response record written for it
SUFFIX = ".warc.gz"
# The loopback mirror a page was read from, when it was not read from its real host (an extension field).
MIRROR_HEADER = "CCHC-Mirror-URI"
# Headers describing a transfer the body no longer has (Twisted already joined the chunks): renamed, as
# archiving proxies do, so a reader does not try to undo it again.
TRANSFER_HEADERS = ("Transfer-Encoding",)
# The files this process is writing: never pruned under a running crawl.
_OPEN: set[Path] = set()
# The zlib level of each record's gzip member. warcio's own gzip writing uses 9: on the bundled article pages,
# level 1 takes half the time for files 8 % larger.
GZIP_LEVEL = 1


class WarcError(Exception):
    """A page's WARC record cannot be read: the file is missing or damaged, or the pointer is wrong."""


@dataclass(frozen=True)
class Pointer:
    """Where one response record starts: a file under the WARC folder and a byte offset in it."""

    file: str
    offset: int

    def __str__(self) -> str:
        return f"{self.file}#{self.offset}"

    @classmethod
    def parse(cls, value: str) -> Pointer:
        file, sep, offset = value.rpartition("#")
        if not sep or not file or not offset.isdigit():
            raise WarcError(f"{value!r} không phải vị trí bản ghi WARC (tệp#vị-trí)")
        return cls(file, int(offset))


class _GzipMembers:
    """What a WARC writer told not to compress writes into: each record (which the writer ends with a flush)
    becomes its own gzip member of `out`, as in warcio's gzip writing, compressed at GZIP_LEVEL."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.member = self._member()

    @staticmethod
    def _member() -> zlib._Compress:
        return zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> int:
        self.out.write(self.member.compress(data))
        return len(data)

    def flush(self) -> None:
        self.out.write(self.member.flush())
        self.out.flush()
        self.member = self._member()


class WarcFiles:
    """Writes one crawl's records into `<root>/<prefix>/<prefix>-<start>-<pid>-<serial>.warc.gz`, starting a new
    file past max_bytes. One writer per crawler (per source): spiders sharing a process never share a file.
    """

    def __init__(self, root: Path, prefix: str, max_bytes: int) -> None:
        self.root = root
        self.directory = root / prefix
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.started = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.serial = 0
        self.path: Path | None = None
        self.out: BinaryIO | None = None
        self.writer: WARCWriter | None = None

    def _next_file(self) -> None:
        self.close()
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            self.serial += 1
            path = self.directory / f"{self.prefix}-{self.started}-{os.getpid()}-{self.serial:05d}{SUFFIX}"
            try:
                self.out = path.open("xb")
                break
            except FileExistsError:
                continue
        self.path = path
        _OPEN.add(path.resolve())
        self.writer = WARCWriter(_GzipMembers(self.out), gzip=False, warc_version="1.1")
        info = {"software": "cchc media monitor (Scrapy)", "format": "WARC File Format 1.1", "robots": "obey"}
        self.writer.write_record(self.writer.create_warcinfo_record(path.name, info))
        logger.info("writing fetched pages to %s", path)

    def write(self, url: str, request: Request, response: Response, mirror: str | None) -> Pointer:
        """Write the response record, then its request record; return where the response record starts."""
        if self.out is None or self.out.tell() >= self.max_bytes:
            self._next_file()
        assert self.writer is not None and self.out is not None and self.path is not None
        status = f"{response.status} {_reason(response.status)}"
        headers = [(f"X-Archive-Orig-{k}" if k in TRANSFER_HEADERS else k, v) for k, v in _pairs(response.headers)]
        protocol = response.protocol or "HTTP/1.1"
        extra = {MIRROR_HEADER: mirror} if mirror else None
        record = self.writer.create_warc_record(
            url, "response", payload=BytesIO(response.body), length=len(response.body),
            http_headers=StatusAndHeaders(status, headers, protocol=protocol), warc_headers_dict=extra,
        )  # fmt: skip
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        sent = [("Host", parts.netloc), *_pairs(request.headers)]
        asked = self.writer.create_warc_record(
            url, "request", payload=BytesIO(request.body), length=len(request.body),
            http_headers=StatusAndHeaders(f"{request.method} {target} HTTP/1.1", sent, is_http_request=True),
            warc_headers_dict={"WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")},
        )  # fmt: skip
        offset = self.out.tell()
        self.writer.write_record(record)
        self.writer.write_record(asked)
        return Pointer(self.path.relative_to(self.root).as_posix(), offset)

    def close(self) -> None:
        if self.out is not None:
            self.out.close()
            _OPEN.discard(self.path.resolve())  # type: ignore[union-attr]
            self.out = None


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy's headers as the (name, value) text pairs warcio writes, a repeated header once per value."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, values in headers.items() for value in values]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


class WarcMiddleware:
    """Downloader middleware: every response, as it came off the wire, goes into the crawl's WARC files.

    Sits next to the network (after the cache, before decompression and redirects) so the record holds the
    bytes the server sent, under the page's real URL even when a mirror served it.
    """

    def __init__(self, crawler: Crawler, directory: Path, max_bytes: int) -> None:
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = max_bytes
        self.files: WarcFiles | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcMiddleware:
        directory = crawler.settings.get("CCHC_WARC_DIR")
        if not directory:
            raise NotConfigured("CCHC_WARC_DIR is empty: fetched pages are not kept")
        middleware = cls(crawler, Path(directory), crawler.settings.getint("CCHC_WARC_MAX_BYTES"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        source = getattr(getattr(spider, "source", None), "id", spider.name)
        settings = self.crawler.settings
        pruned = prune(self.directory, settings.getint("CCHC_WARC_KEEP_DAYS"), settings.getint("CCHC_WARC_KEEP_BYTES"))
        if pruned:
            logger.info("pruned %d WARC files past the retention limits", len(pruned))
        self.files = WarcFiles(self.directory, source, self.max_bytes)

    def spider_closed(self, spider: Spider) -> None:
        if self.files is not None:
            self.files.close()

    def process_response(self, request: Request, response: Response) -> Response:
        if self.files is None or "cached" in response.flags:
            return response  # a page from the HTTP cache (--cache) was kept when it was really fetched
        mirror = request.url if REAL_URL_KEY in request.meta else None
        try:
            pointer = self.files.write(request.meta.get(REAL_URL_KEY, request.url), request, response, mirror)
        except OSError as exc:
            # The page itself is still read and stored: a full disk must not stop the crawl.
            self.crawler.stats.inc_value(crawlstats.WARC_ERRORS)
            logger.error("cannot keep %s as WARC: %s", response.url, exc)
            return response
        self.crawler.stats.inc_value(crawlstats.WARC_RECORDS)
        request.meta[WARC_KEY] = str(pointer)
        return response


def read_page(directory: Path, pointer: str) -> bytes:
    """The page's body as it was fetched (transfer and content encodings undone) from the record at `pointer`."""
    where = Pointer.parse(pointer)
    path = directory / where.file
    try:
        with path.open("rb") as stream:
            stream.seek(where.offset)
            for record in ArchiveIterator(stream, check_digests="raise"):
                if record.rec_type != "response":
                    raise WarcError(f"{path}: bản ghi ở vị trí {where.offset} không phải một trang đã tải")
                # Every response this crawler writes says its length and digests: damage that garbles the record's
                # headers would otherwise read as an empty page, with no digest left to check.
                if not all(record.rec_headers.get_header(h) for h in ("Content-Length", "WARC-Block-Digest")):
                    raise ValueError("the record's headers are damaged (no length or digest)")
                return record.content_stream().read()
    except FileNotFoundError:
        raise WarcError(f"không tìm thấy tệp WARC {path}") from None
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        raise WarcError(f"tệp WARC {path} bị hỏng ở vị trí {where.offset}: {exc}") from None
    raise WarcError(f"tệp WARC {path} không có bản ghi ở vị trí {where.offset}")


def prune(directory: Path, keep_days: int | None, keep_bytes: int | None, now: float | None = None) -> list[Path]:
    """Delete WARC files older than `keep_days`, then the oldest until the rest fit in `keep_bytes`; 0 or None
    keeps all. Files being written in this process are kept. Returns what was deleted."""
    if not keep_days and not keep_bytes:
        return []
    files = sorted(_warc_files(directory), key=lambda p: p.stat().st_mtime)
    now = time.time() if now is None else now
    doomed = [p for p in files if keep_days and now - p.stat().st_mtime > keep_days * 86_400]
    kept = [p for p in files if p not in doomed]
    size = sum(p.stat().st_size for p in kept)
    for path in kept:
        if not keep_bytes or size <= keep_bytes:
            break
        doomed.append(path)
        size -= path.stat().st_size
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed


def _warc_files(directory: Path) -> Iterable[Path]:
    return (p for p in directory.rglob(f"*{SUFFIX}") if p.is_file() and p.resolve() not in _OPEN)
