"""A local copy of baonghean.vn that misbehaves: 5xx bursts, timeouts, resets, truncated bodies, redirect
loops, a 20 MB page, binary under an article URL, broken HTML, windows-1258 pages (one mislabeled as UTF-8)
and a section robots.txt forbids. Everything else is served from the normal mirror."""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from http import HTTPStatus
from urllib.parse import urlsplit

from cchc import MIRRORS_DIR
from cchc.mirrors import MirrorServer, _Handler

BASE = "https://baonghean.vn"
TEMPLATE = (
    MIRRORS_DIR
    / "baonghean"
    / "nghe-an-rut-ngan-thoi-gian-giai-quyet-thu-tuc-dat-dai-cho-nguoi-dan-va-doanh-nghiep-10276541.html"
)
XML = '<?xml version="1.0" encoding="UTF-8"?>'
SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
TONES = "\u0300\u0301\u0303\u0309\u0323"
CP1258_TITLE = "Đà Nẵng học cách Nghệ An cải cách thủ tục một cửa"
BROKEN_TITLE = "Trang hỏng vẫn đọc được: Đảng ủy xã bàn việc cải cách"

FAULTS = {
    "loi-503-10900001.html": "503 twice, then the page",
    "loi-500-10900002.html": "500 always",
    "cham-10900003.html": "answers after the download timeout",
    "ngat-10900004.html": "connection reset, no answer",
    "cut-10900005.html": "body shorter than its Content-Length",
    "vong-a-10900006.html": "redirects to vong-b, which redirects back",
    "lon-10900007.html": "20 MB",
    "nhi-phan-10900008.html": "PNG bytes",
    "hong-10900009.html": "malformed HTML that still carries an article",
    "cp1258-10900010.html": "windows-1258, labeled so",
    "sai-charset-10900011.html": "windows-1258 bytes labeled UTF-8",
    "cam/bi-cam-10900012.html": "under a section robots.txt forbids",
}


def to_cp1258(text: str) -> bytes:
    """windows-1258 bytes: precomposed letters where the code page has them, tone marks combining."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
            out += (base + "".join(c for c in parts if c in TONES)).encode("cp1258")
    return bytes(out)


def article(name: str, title: str) -> str:
    """A valid article page at `name`, made from a mirror page."""
    html = TEMPLATE.read_text(encoding="utf-8")
    html = html.replace(
        "nghe-an-rut-ngan-thoi-gian-giai-quyet-thu-tuc-dat-dai-cho-nguoi-dan-va-doanh-nghiep-10276541.html", name
    )
    return re.sub(
        r"<h1 class=\"sc-longform-header-title\">.*?</h1>", f'<h1 class="sc-longform-header-title">{title}</h1>', html
    )


class FaultServer(MirrorServer):
    def __init__(self) -> None:
        super().__init__(MIRRORS_DIR)
        self.RequestHandlerClass = _FaultHandler
        self.hits: Counter[str] = Counter()


class _FaultHandler(_Handler):
    server: FaultServer

    def _send(self, status: int, body: bytes, content_type: str = "text/html", length: int | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.removeprefix("/baonghean/")
        self.server.hits[path] += 1
        if path == "robots.txt":
            self.server.requested.append(self.path)
            return self._send(
                200,
                f"User-agent: *\nDisallow: /tim-kiem\nDisallow: /cam/\nSitemap: {BASE}/sitemap.xml\n".encode(),
                "text/plain",
            )
        if path == "sitemap.xml":  # the real index, plus a sitemap of the faulty pages
            self.server.requested.append(self.path)
            maps = "".join(
                f"<sitemap><loc>{BASE}/sitemaps/{n}.xml</loc></sitemap>" for n in ("news", "archive", "faults")
            )
            return self._send(200, f"{XML}<sitemapindex {SITEMAP_NS}>{maps}</sitemapindex>".encode(), "application/xml")
        if path == "sitemaps/faults.xml":
            self.server.requested.append(self.path)
            urls = "".join(f"<url><loc>{BASE}/{name}</loc></url>" for name in FAULTS)
            return self._send(200, f"{XML}<urlset {SITEMAP_NS}>{urls}</urlset>".encode(), "application/xml")
        if path not in FAULTS and not path.startswith("vong-b"):
            return super().do_GET()
        self.server.requested.append(self.path)
        if path == "loi-503-10900001.html":
            if self.server.hits[path] <= 2:
                return self._send(503, b"busy")
            return self._send(
                200, article(path, "Sau hai lần lỗi 503, trang cải cách hành chính vẫn được lưu").encode()
            )
        if path == "loi-500-10900002.html":
            return self._send(500, b"error")
        if path == "cham-10900003.html":
            time.sleep(3)
            return self._send(200, article(path, "Trang quá chậm").encode())
        if path == "ngat-10900004.html":
            self.close_connection = True
            return self.connection.close()
        if path == "cut-10900005.html":
            return self._send(200, article(path, "Trang bị cắt").encode()[:2000], length=50_000)
        if path.startswith("vong-"):
            target = "vong-b-10900016.html" if path.startswith("vong-a") else "vong-a-10900006.html"
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", f"/baonghean/{target}")
            self.send_header("Content-Length", "0")
            return self.end_headers()
        if path == "lon-10900007.html":
            return self._send(200, b"<html><body>" + b"<p>x</p>" * (20 * 1024 * 1024 // 8) + b"</body></html>")
        if path == "nhi-phan-10900008.html":
            return self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "image/png")
        if path == "hong-10900009.html":
            html = article(path, BROKEN_TITLE).replace("</div>", "").replace("</p>", "").replace("</article>", "<<<>")
            return self._send(200, html.encode() + b"\x00\x00<div><table><tr><td>")
        if path == "cp1258-10900010.html":
            html = article(path, CP1258_TITLE).replace('<meta charset="utf-8">', '<meta charset="windows-1258">')
            return self._send(200, to_cp1258(html), "text/html; charset=windows-1258")
        if path == "sai-charset-10900011.html":
            return self._send(200, to_cp1258(article(path, CP1258_TITLE + " (nhãn sai)")), "text/html; charset=utf-8")
        return self._send(404, b"")  # cam/… never reaches here when robots.txt is obeyed
