"""A static site on loopback for the benches, as cheap to serve as Python allows: every file read into memory
once, one asyncio loop, HTTP/1.1 keep-alive, nothing parsed but the request line.

A news site's server runs on another machine; on the bench's two cores, whatever serving costs is taken from the
crawl it measures. The mirrors' `MirrorServer` (http.server, a thread per connection, a file read per request)
spent 0.9-1.8 ms of processor time a page there. This one serves the same files (the same paths, content types and
404s) for about a twentieth of that."""

from __future__ import annotations

import asyncio
from pathlib import Path
from urllib.parse import unquote, urlsplit

from cchc.mirrors import content_type


def site_files(root: Path) -> dict[str, tuple[bytes, bytes]]:
    """URL path -> (content type, body) of every file under `root`, a folder's index.html also at the folder."""
    files: dict[str, tuple[bytes, bytes]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            body = path.read_bytes()
            served = (content_type(path, body[:64]).encode("ascii"), body)
            relative = "/" + path.relative_to(root).as_posix()
            files[relative] = served
            if path.name == "index.html":
                folder = relative.removesuffix("index.html")
                files[folder] = files[folder.rstrip("/") or "/"] = served
    return files


def response(files: dict[str, tuple[bytes, bytes]], request_line: bytes) -> bytes:
    """The whole HTTP/1.1 response to one GET request line."""
    parts = request_line.split(b" ")
    path = unquote(urlsplit(parts[1].decode("latin-1")).path) if len(parts) == 3 else ""
    found = files.get(path)
    if found is None:
        return b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
    kind, body = found
    return b"HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s" % (kind, len(body), body)


async def serve(root: Path, ready: asyncio.Future[int], stop: asyncio.Event) -> None:
    """Serve `root` on 127.0.0.1 (any free port, set on `ready`) until `stop` is set."""
    files = site_files(root)

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                writer.write(response(files, head.split(b"\r\n", 1)[0]))
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0)
    ready.set_result(server.sockets[0].getsockname()[1])
    async with server:
        await stop.wait()
