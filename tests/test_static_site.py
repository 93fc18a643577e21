"""The benches' static site serves what the mirrors' server serves: the same bytes, content types and 404s, over
one kept-open connection."""

from __future__ import annotations

import asyncio
import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.static_site import serve
from cchc.mirrors import MirrorServer

PATHS = ["/site/", "/site", "/site/index.html", "/site/bai-viet-123.html", "/site/sitemap.xml", "/site/feed",
         "/site/tin%20moi.html", "/site/missing.html", "/elsewhere", "/site/../../etc/passwd"]  # fmt: skip


@pytest.fixture
def root(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>Trang chủ</body></html>", encoding="utf-8")
    (site / "bai-viet-123.html").write_text("<html><h1>Cải cách hành chính</h1></html>", encoding="utf-8")
    (site / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>', encoding="utf-8")
    (site / "feed").write_text('<?xml version="1.0"?><rss></rss>', encoding="utf-8")
    (site / "tin moi.html").write_bytes("<p>Tin mới</p>".encode("windows-1258", errors="replace"))
    return tmp_path


@pytest.fixture
def static_port(root: Path) -> Iterator[int]:
    loop = asyncio.new_event_loop()
    ready: asyncio.Future[int] = loop.create_future()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete, args=(serve(root, ready, stop),), daemon=True)
    thread.start()
    port = asyncio.run_coroutine_threadsafe(asyncio.wait_for(asyncio.shield(ready), 10), loop).result(10)
    yield port
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    assert not thread.is_alive()


def fetch_all(port: int) -> list[tuple[int, str | None, bytes]]:
    """Every path of PATHS on one connection: (status, content type, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    answers = []
    for path in PATHS:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        answers.append((response.status, response.getheader("Content-Type") if response.status == 200 else None, body))
    connection.close()
    return answers


def test_the_static_site_serves_what_the_mirror_server_serves_on_one_connection(root: Path, static_port: int) -> None:
    with MirrorServer(root) as mirror:
        mirror.RequestHandlerClass = type("KeepAlive", (mirror.RequestHandlerClass,), {"protocol_version": "HTTP/1.1"})
        expected = fetch_all(mirror.server_address[1])
    served = fetch_all(static_port)
    assert [status for status, _, _ in served] == [200, 200, 200, 200, 200, 200, 200, 404, 404, 404]
    ok = [(status, kind, body) for status, kind, body in served if status == 200]
    assert ok == [answer for answer in expected if answer[0] == 200]
    assert [status for status, _, _ in expected] == [status for status, _, _ in served]
