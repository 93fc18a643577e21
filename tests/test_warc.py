"""Evidence: every fetched page kept as WARC, read back with warcio; an article's pointer, `cchc evidence`,
revisions of a changed page, retention."""

from __future__ import annotations

import gzip
import os
import shutil
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from warcio.archiveiterator import ArchiveIterator

from cchc import MIRRORS_DIR
from cchc.mirrors import MirrorServer, article_pages
from cchc.web.app import create_app
from config import load_sources
from config.settings import Settings
from crawler.warc import MIRROR_HEADER, Pointer, WarcError, prune, read_page
from search import Article, article_id, open_store
from search.sqlite import SQLiteStore
from tests.conftest import POLITENESS_OFF, run_cchc

SOURCE = load_sources().get("so_noi_vu")
MAX_BYTES = 20_000  # small files: a crawl of a dozen pages rotates through several


class Site:
    """A copy of one source's mirror that a test may change, served on loopback, and a data folder for it."""

    def __init__(self, root: Path) -> None:
        shutil.copytree(MIRRORS_DIR / SOURCE.id, root / "sites" / SOURCE.id)
        self.data = root / "data"
        self.warc = self.data / "warc"
        self.db = self.data / "cchc.db"
        self.server = MirrorServer(root / "sites").__enter__()
        self.pages = article_pages(root / "sites", SOURCE)

    def cchc(self, *args: str):
        return run_cchc(*args, "--store", f"sqlite:///{self.db}", env={"CCHC_DATA_DIR": str(self.data)})

    def crawl(self, *extra: str):
        mirrors = [f"--mirror={host}={base}" for host, base in self.server.host_map([SOURCE]).items()]
        result = self.cchc("crawl", SOURCE.id, *mirrors, *POLITENESS_OFF, "--set", f"CCHC_WARC_MAX_BYTES={MAX_BYTES}",
                           *extra)  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result

    def records(self) -> list:
        """(file, offset, type, target URI, mirror header, record id, concurrent-to) of every record."""
        found = []
        for path in sorted(self.warc.rglob("*.warc.gz")):
            with path.open("rb") as stream:
                iterator = ArchiveIterator(stream, check_digests="raise")
                for record in iterator:
                    record.content_stream().read()
                    h = record.rec_headers
                    found.append((path, iterator.offset, record.rec_type, h.get_header("WARC-Target-URI"),
                                  h.get_header(MIRROR_HEADER), h.get_header("WARC-Record-ID"),
                                  h.get_header("WARC-Concurrent-To")))  # fmt: skip
        return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    site = Site(tmp_path_factory.mktemp("warc"))
    site.crawl()
    yield site
    site.server.__exit__()


def test_every_fetched_response_is_kept_under_its_real_url(site: Site) -> None:
    files = sorted(site.warc.rglob("*.warc.gz"))
    assert len(files) > 1 and all(f.parent == site.warc / SOURCE.id for f in files), "files rotate per source"
    assert all(f.stat().st_size < MAX_BYTES * 3 for f in files)
    records = site.records()
    responses = [r for r in records if r[2] == "response"]
    requests = {r[6]: r for r in records if r[2] == "request"}
    assert [r[2] for r in records if r[1] == 0] == ["warcinfo"] * len(files)
    targets = {r[3] for r in responses}
    assert {url for url, _ in site.pages} <= targets
    assert SOURCE.absolute("robots.txt") in targets
    assert all(r[3].startswith(SOURCE.base_url) and r[4].startswith(site.server.base_url) for r in responses)
    # Each response has its request beside it, for the same URL.
    assert all(requests[r[5]][3] == r[3] for r in responses)


def test_an_articles_pointer_resolves_to_the_bytes_served(site: Site) -> None:
    with open_store(f"sqlite:///{site.db}") as store:
        for url, path in site.pages:
            article = store.get(article_id(url))
            assert article is not None and article.warc, url
            pointer = Pointer.parse(article.warc)
            assert pointer.file.startswith(f"{SOURCE.id}/") and pointer.file.endswith(".warc.gz")
            with (site.warc / pointer.file).open("rb") as stream:
                stream.seek(pointer.offset)
                record = next(iter(ArchiveIterator(stream)))
                assert record.rec_headers.get_header("WARC-Target-URI") == url
                assert record.http_headers.get_statuscode() == "200"
                assert record.content_stream().read() == path.read_bytes()
            assert read_page(site.warc, article.warc) == path.read_bytes()


def test_evidence_writes_the_page_as_fetched(site: Site, tmp_path: Path) -> None:
    url, path = site.pages[0]
    out = tmp_path / "bai.html"
    result = site.cchc("evidence", article_id(url), "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == path.read_bytes()
    by_url = site.cchc("evidence", url)
    assert by_url.returncode == 0 and by_url.stdout == path.read_text(encoding="utf-8")


def one_line_error(result, *words: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("lỗi: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert all(w in result.stderr for w in words), result.stderr


def test_a_damaged_or_missing_warc_file_is_one_line_and_exit_2(site: Site, tmp_path: Path) -> None:
    url, _ = site.pages[1]
    with open_store(f"sqlite:///{site.db}") as store:
        pointer = Pointer.parse(store.get(article_id(url)).warc)
    copy = tmp_path / "warc"
    shutil.copytree(site.warc, copy)
    damaged = bytearray((copy / pointer.file).read_bytes())
    damaged[pointer.offset + 200 : pointer.offset + 260] = b"\x00" * 60
    (copy / pointer.file).write_bytes(bytes(damaged))
    one_line_error(site.cchc("evidence", article_id(url), "--warc-dir", str(copy)), "bị hỏng", pointer.file)
    with pytest.raises(WarcError):
        read_page(copy, str(pointer))
    # Damage that garbles the record's own headers (here its length) reads as no page at all, not an empty one.
    intact = (site.warc / pointer.file).read_bytes()
    member = zlib.decompressobj(16 + zlib.MAX_WBITS)
    record = member.decompress(intact[pointer.offset :])
    garbled = gzip.compress(record.replace(b"\r\nContent-Length:", b"\r\nContent-L\x00ngth:", 1))
    (copy / pointer.file).write_bytes(intact[: pointer.offset] + garbled + member.unused_data)
    with pytest.raises(WarcError, match="bị hỏng"):
        read_page(copy, str(pointer))
    (copy / pointer.file).unlink()
    one_line_error(site.cchc("evidence", article_id(url), "--warc-dir", str(copy)), "không tìm thấy tệp WARC")
    one_line_error(site.cchc("evidence", "khong-co-bai-nay"), "không có bài khong-co-bai-nay")


MARKER = "Nội dung này đã được sửa sau khi đăng &lt;b&gt;bản mới&lt;/b&gt;."


@pytest.fixture(scope="module")
def revised(site: Site):
    """One page changed on the site after the first crawl, and all crawled again with --refresh: (url, its bytes
    before, its article before, an unchanged page's article before)."""
    url, path = site.pages[2]
    before = path.read_bytes()
    with open_store(f"sqlite:///{site.db}") as store:
        old, same = store.get(article_id(url)), store.get(article_id(site.pages[3][0]))
    path.write_bytes(before.replace(b"</p>", f" {MARKER}</p>".encode(), 1))
    site.crawl("--refresh")
    return url, before, old, same


def test_a_changed_page_keeps_its_earlier_version(site: Site, revised) -> None:
    url, before, old, same = revised
    with open_store(f"sqlite:///{site.db}") as store:
        new = store.get(article_id(url))
        assert store.runs(SOURCE.id, limit=1)[0].stats["cchc/stored/updated"] == 1
        unchanged = store.get(article_id(site.pages[3][0]))
    assert "<b>bản mới</b>" in new.text and new.content_hash != old.content_hash
    (revision,) = new.revisions
    assert revision["content_hash"] == old.content_hash and revision["text"] == old.text
    assert revision["title"] == old.title and revision["warc"] == old.warc and revision["warc"] != new.warc
    assert revision["fetched_at"] == old.fetched_at.isoformat()
    assert read_page(site.warc, new.warc) == site.pages[2][1].read_bytes()
    # An unchanged page points at its newest copy, the one retention keeps longest.
    assert unchanged.revisions == () and unchanged.warc != same.warc
    assert read_page(site.warc, unchanged.warc) == site.pages[3][1].read_bytes()
    earlier = site.cchc("evidence", new.id, "--revision", "1")
    assert earlier.returncode == 0 and earlier.stdout == before.decode("utf-8")
    one_line_error(site.cchc("evidence", new.id, "--revision", "2"), "có 1 phiên bản trước")


def test_the_article_page_shows_revisions_with_a_diff(site: Site, revised, tmp_path: Path, monkeypatch) -> None:
    url, before, _, _ = revised
    monkeypatch.setenv("CCHC_DATA_DIR", str(site.data))
    client = TestClient(create_app(f"sqlite:///{site.db}", tmp_path / "users.json", tmp_path / "secret.key"))
    page = client.get(f"/bai-viet/{article_id(url)}").text
    assert "Các phiên bản trước (1)" in page and 'id="phien-ban-1"' in page
    assert "<ins>Nội dung này đã được sửa sau khi đăng &lt;b&gt;bản mới&lt;/b&gt;.</ins>" in page
    assert "<b>bản mới</b>" not in page and 'class="same"' in page
    fetched = client.get(f"/bai-viet/{article_id(url)}/trang-da-tai", params={"phien-ban": 1})
    assert fetched.status_code == 200 and fetched.content == before
    assert (
        fetched.headers["content-type"].startswith("text/plain")
        and "attachment" in fetched.headers["content-disposition"]
    )
    assert client.get(f"/bai-viet/{article_id(url)}/trang-da-tai").content == site.pages[2][1].read_bytes()
    assert client.get(f"/bai-viet/{article_id(url)}/trang-da-tai", params={"phien-ban": 2}).status_code == 404


def test_a_page_gone_on_recheck_is_marked_removed_not_deleted(site: Site, revised, tmp_path: Path, monkeypatch) -> None:
    url, path = site.pages[4]
    served = path.read_bytes()
    path.unlink()
    stale = site.warc / SOURCE.id / "cu-400-ngay.warc.gz"  # past the retention the crawl is given
    stale.write_bytes(b"")
    os.utime(stale, (stale.stat().st_mtime - 400 * 86_400,) * 2)
    kept = set(site.warc.rglob("*.warc.gz")) - {stale}
    site.crawl("--refresh", "--set", "CCHC_WARC_KEEP_DAYS=365")
    assert not stale.exists() and kept < set(site.warc.rglob("*.warc.gz"))
    with open_store(f"sqlite:///{site.db}") as store:
        article = store.get(article_id(url))
        assert store.runs(SOURCE.id, limit=1)[0].stats["cchc/removed"] == 1
        assert store.get(article_id(site.pages[5][0])).removed_at is None
    assert article is not None and article.removed_at is not None and article.text
    assert read_page(site.warc, article.warc) == served  # the evidence outlives the page
    monkeypatch.setenv("CCHC_DATA_DIR", str(site.data))
    client = TestClient(create_app(f"sqlite:///{site.db}", tmp_path / "users.json", tmp_path / "secret.key"))
    assert "Trang gốc đã bị gỡ" in client.get(f"/bai-viet/{article.id}").text


def test_an_article_crawled_without_warc_has_no_evidence_and_says_so(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).warc_directory == tmp_path / "warc"
    assert Settings(warc_dir="").warc_directory is None and Settings(warc_dir="/x").warc_directory == Path("/x")
    url = SOURCE.absolute("tin-tuc-su-kien/bai-cu-123456")
    with SQLiteStore(tmp_path / "old.db") as store:
        store.upsert(Article(id=article_id(url), url=url, canonical_url=url, source=SOURCE.id, channel="unit_portal",
                             title="Bài thu thập trước khi lưu trang", text="Nội dung."))  # fmt: skip
    result = run_cchc("evidence", url, "--store", f"sqlite:///{tmp_path / 'old.db'}", cwd=tmp_path)
    one_line_error(result, "không có bản lưu trang (WARC)")
    with pytest.raises(WarcError, match="không phải vị trí"):
        read_page(tmp_path, "tep-khong-co-vi-tri.warc.gz")


def test_prune_removes_the_oldest_files_past_the_limits(tmp_path: Path) -> None:
    day = 86_400
    now = 1_800_000_000
    ages = {"a": 40, "b": 20, "c": 10, "d": 1}  # days
    for name, age in ages.items():
        path = tmp_path / "src" / f"{name}.warc.gz"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x" * 1000)
        os.utime(path, (now - age * day, now - age * day))
    (tmp_path / "notes.txt").write_text("kept")
    assert prune(tmp_path, None, None, now) == []
    assert [p.name for p in prune(tmp_path, 30, None, now)] == ["a.warc.gz"]
    assert [p.name for p in prune(tmp_path, None, 2500, now)] == ["b.warc.gz"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["c.warc.gz", "d.warc.gz", "notes.txt", "src"]
