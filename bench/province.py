"""A synthetic province for scale tests: N sources of the CMS families the extractor has rules for, each a listing
page or an RSS feed linking its articles, some of them broken; all served by one threaded loopback server under
/s001/, /s002/, … (a refused source points at a closed port instead).

The articles are the bundled mirrors' pages (cchc/sites) of each family with their title, lead, text, date and
links replaced: each synthetic article has its own URL and canonical link and its own words, so none collapses
with another as a duplicate. `bench.bench_daily` and tests/test_province.py use it.
"""

from __future__ import annotations

import random
import re
import socket
import sqlite3
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import lxml.html
import yaml

from cchc import MIRRORS_DIR
from cchc.mirrors import LoopbackServer, article_pages, content_type, resolve
from config import load_sources
from crawler.extraction import decode_html, extract_article
from crawler.extraction.rules import rules_for
from search import VN_TZ

# Each family, the mirror whose pages show its current markup, and the channel its synthetic sources get.
FAMILIES = {
    "epi": ("baonghean", "newspaper"),
    "thnghean": ("truyenhinhnghean", "broadcaster"),
    "vnportal": ("so_noi_vu", "unit_portal"),
    "nukeviet": ("hcc", "unit_portal"),
    "dcs": ("dcs", "unit_portal"),
    "nghean24h": ("nghean24h", "aggregator"),
}
# How a broken source fails, in the order they are handed out: the server refuses connections, answers 500 or
# 503 to everything, serves pages without the family's markup (its layout changed), or never answers in time.
BREAKAGES = ("refused", "layout", "http500", "http503", "timeout")
# A hanging answer outlasts the crawler's DOWNLOAD_TIMEOUT (crawler/settings.py: 30 s).
HANG_SECONDS = 35.0
ROBOTS = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True)
class Template:
    cms: str
    html: str


@dataclass(frozen=True)
class SyntheticSource:
    id: str
    cms: str
    broken: str | None  # one of BREAKAGES, or None for a healthy source
    articles: tuple[str, ...]  # the URL path of each article (a healthy source's are all stored)


@cache
def templates() -> dict[str, Template]:
    """One mirror article page per family that the family's newest rule reads."""
    sources = load_sources()
    found = {}
    for cms, (mirror, _) in FAMILIES.items():
        source = sources.get(mirror)
        newest = rules_for(cms)[0]
        for url, path in article_pages(MIRRORS_DIR, source):
            html = decode_html(path.read_bytes())
            if extract_article(html, url, cms).rule == f"{cms}/{newest.version}":
                found[cms] = Template(cms, html)
                break
        else:
            raise LookupError(f"no mirror page of {mirror} matches the {cms} rule")
    return found


@cache
def paragraphs() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(titles, paragraphs of at least 80 characters) of every Vietnamese article page in the mirrors."""
    titles, texts = [], []
    for source in load_sources().sources:
        for url, path in article_pages(MIRRORS_DIR, source):
            if "/en/" in url:
                continue
            page = extract_article(decode_html(path.read_bytes()), url, source.cms)
            titles.append(page.title)
            texts += [p for p in page.text.split("\n") if len(p) >= 80]
    return tuple(dict.fromkeys(titles)), tuple(dict.fromkeys(texts))


def _write_date(html: str, when: datetime) -> str:
    """Every date of the page (dd/mm/yyyy, dd-mm-yyyy, ISO) moved to `when`, times kept."""
    html = re.sub(r"\b\d{4}-\d{2}-\d{2}(?=T|\b)", when.strftime("%Y-%m-%d"), html)
    html = re.sub(r"\b\d{1,2}/\d{1,2}/\d{4}\b", when.strftime("%d/%m/%Y"), html)
    return re.sub(r"\b\d{1,2}-\d{1,2}-\d{4}\b", when.strftime("%d-%m-%Y"), html)


def article_html(template: Template, url: str, title: str, lead: str, text: list[str], when: datetime) -> str:
    """The template page carrying this article: title, lead, body and date replaced, its own canonical link."""
    rule = rules_for(template.cms)[0]
    doc = lxml.html.document_fromstring(template.html)
    for element in doc.cssselect('link[rel=canonical], meta[property="og:url"], script[type="application/ld+json"]'):
        element.drop_tree()
    head = doc.find("head")
    head.append(lxml.html.fragment_fromstring(f'<link rel="canonical" href="{escape(url)}">'))
    for element in doc.cssselect("title, meta[property='og:title']"):
        if element.tag == "title":
            element.text = title
        else:
            element.set("content", title)
    for selector, value in ((rule.title, title), (rule.lead, lead)):
        for element in doc.cssselect(selector) if selector else ():
            for child in list(element):
                element.remove(child)
            element.text = value
    (body,) = doc.cssselect(rule.body)[:1]
    keep = [child for child in body if child.cssselect(rule.title) or (rule.lead and child.cssselect(rule.lead))]
    keep += [child for child in body if rule.date and child.cssselect(rule.date)]
    for child in list(body):
        if child not in keep:
            body.remove(child)
    body.text = None
    for paragraph in text:
        new = lxml.html.Element("p")
        new.text = paragraph
        body.append(new)
    return _write_date(lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>"), when)


def changed_layout_html(url: str, title: str, lead: str, text: list[str], when: datetime) -> str:
    """The same article after a redesign: none of the family's selectors match any more."""
    body = "".join(f"<p>{escape(p)}</p>" for p in text)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<link rel="canonical" href="{escape(url)}"></head><body><main class="v2-story">'
        f'<h1 class="v2-headline">{escape(title)}</h1><time>{when:%d/%m/%Y %H:%M}</time>'
        f'<p class="v2-sapo">{escape(lead)}</p><section class="v2-text">{body}</section></main></body></html>'
    )


def listing_html(name: str, links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{escape(path)}">{escape(title)}</a></li>' for path, title in links)
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{escape(name)}</title></head>'
        f'<body><h1>{escape(name)}</h1><ul class="news-list">{items}</ul></body></html>'
    )


def rss_xml(name: str, base: str, links: list[tuple[str, str]]) -> str:
    items = "".join(f"<item><title>{escape(t)}</title><link>{escape(base + p)}</link></item>" for p, t in links)
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(name)}</title>'
        f"<link>{escape(base)}/</link>{items}</channel></rss>"
    )


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def generate(
    root: Path, base_url: str, sources: int, broken: int, articles: int, seed: int = 16
) -> tuple[list[SyntheticSource], list[dict]]:
    """Write the province's pages under `root` (root/s001/…) for a server at `base_url`; returns the sources
    and their config/sources.yaml entries. Broken ones are spread evenly among the sources."""
    rng = random.Random(seed)
    families = list(FAMILIES)
    units = sorted({s.unit for s in load_sources().sources if s.unit and s.channel == "unit_portal"})
    titles, texts = paragraphs()
    every = sources / broken if broken else 0
    broken_at = {round(i * every): BREAKAGES[i % len(BREAKAGES)] for i in range(broken)}
    today = datetime.now(VN_TZ).replace(second=0, microsecond=0)
    result, entries = [], []
    refused_base = f"http://127.0.0.1:{closed_port()}"
    for index in range(sources):
        sid = f"s{index + 1:03d}"
        cms = families[index % len(families)]
        _, channel = FAMILIES[cms]
        breakage = broken_at.get(index)
        name = f"Nguồn thử {index + 1:03d} ({cms})"
        base = refused_base if breakage == "refused" else base_url
        site = root / sid
        site.mkdir(parents=True)
        links, paths = [], []
        for n in range(articles):
            title = f"{rng.choice(titles)} ({name}, bài {n + 1})"
            chosen = rng.sample(texts, k=min(len(texts), rng.randint(4, 9)))
            lead = f"{chosen[0]} Tin số {n + 1} của {name}."
            text = [*chosen[1:], f"Bài {n + 1} do {name} đăng, mã {sid}-{n + 1:04d}."]
            when = today - timedelta(days=rng.randint(0, 120), hours=rng.randint(0, 12))
            path = f"/{sid}/tin-tuc-{n + 1}-{(index + 1) * 100000 + n + 1}.html"
            url = base + path
            if breakage == "layout":
                html = changed_layout_html(url, title, lead, text, when)
            else:
                html = article_html(templates()[cms], url, title, lead, text, when)
            (site / path.rsplit("/", 1)[1]).write_text(html, encoding="utf-8")
            links.append((path, title))
            paths.append(path)
        feed = index % 3 == 2  # every third source is read from an RSS feed, the others from a listing
        (site / "tin-moi.html").write_text(listing_html(name, links), encoding="utf-8")
        (site / "rss.xml").write_text(rss_xml(name, base, links), encoding="utf-8")
        entry: dict = {
            "id": sid,
            "name": name,
            "channel": channel,
            "cms": cms,
            "base_url": f"{base}/{sid}/",
            **({"feeds": ["rss.xml"]} if feed else {"listings": ["tin-moi.html"]}),
            "article_url": rf"^/{sid}/tin-tuc-\d+-\d+\.html$",
        }
        if channel == "unit_portal":
            entry["unit"] = units[index % len(units)]
        entries.append(entry)
        result.append(SyntheticSource(sid, cms, breakage, tuple(paths)))
    return result, entries


def write_config(folder: Path, entries: list[dict]) -> Path:
    """A --config-dir holding only sources.yaml: the other files come from the bundled configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump({"version": 1, "sources": entries}, allow_unicode=True, sort_keys=False)
    (folder / "sources.yaml").write_text(text, encoding="utf-8")
    return folder


class _Handler(BaseHTTPRequestHandler):
    server: ProvinceServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = urlsplit(self.path).path
        if path == "/robots.txt":
            self._send(HTTPStatus.OK, ROBOTS, "text/plain")
            return
        breakage = self.server.breakages.get(path.split("/")[1])
        if breakage == "timeout":
            time.sleep(HANG_SECONDS)
            return
        if breakage in ("http500", "http503"):
            status = HTTPStatus.INTERNAL_SERVER_ERROR if breakage == "http500" else HTTPStatus.SERVICE_UNAVAILABLE
            self._send(status, b"<html><body>Server error</body></html>", "text/html")
            return
        found = resolve(self.server.root, path)
        if found is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found", "text/plain")
            return
        body = found.read_bytes()
        self._send(HTTPStatus.OK, body, content_type(found, body[:64]) + "; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


class ProvinceServer(LoopbackServer):
    """Serves `root` on 127.0.0.1; the sources named in `breakages` fail the way it says."""

    request_queue_size = 128

    def __init__(self, root: Path) -> None:
        super().__init__(_Handler)
        self.root = root
        self.breakages: dict[str, str] = {}


def province(
    root: Path, sources: int, broken: int, articles: int
) -> tuple[ProvinceServer, Path, list[SyntheticSource]]:
    """The province generated under root/sites with its server (not yet started: enter it), the --config-dir
    naming its sources (root/province-config: a folder named config in the daily run's working directory
    would hide the config package from `python -m cchc`), and the sources."""
    server = ProvinceServer(root / "sites")
    generated, entries = generate(root / "sites", server.base_url, sources, broken, articles)
    server.breakages = {s.id: s.broken for s in generated if s.broken}
    return server, write_config(root / "province-config", entries), generated


def stored_paths(db: Path) -> Counter[str]:
    """How many times each URL path is stored in the SQLite archive `db`."""
    with closing(sqlite3.connect(db)) as conn:
        return Counter(urlsplit(url).path for (url,) in conn.execute("SELECT url FROM articles"))
