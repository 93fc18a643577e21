"""The plan's acronyms in search: typed either way, on a crafted archive, from the CLI and the web page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cchc.web.app import create_app
from config import load_taxonomy
from search import VN_TZ, Article, SearchQuery, article_id
from search.query import parse_query
from search.sqlite import SQLiteStore
from tests.conftest import run_cchc

SYNONYMS = load_taxonomy().synonyms
TEXTS = {
    "acronym": "Tỉnh đẩy mạnh CCHC và số hóa TTHC tại BPMC các xã.",
    "phrase": "Tỉnh đẩy mạnh cải cách hành chính, công khai thủ tục hành chính.",
    "scattered": "Cải cách lề lối làm việc, hành động vì nền hành chính chính quy.",
    "index": "Chỉ số cải cách hành chính của tỉnh tăng 5 bậc.",
    "other": "Tỉnh tổ chức lễ hội văn hóa truyền thống.",
}


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    with SQLiteStore(db) as store:
        for i, (key, text) in enumerate(TEXTS.items()):
            url = f"https://baonghean.vn/{key}-10{i:06d}.html"
            store.upsert(Article(id=article_id(url), url=url, canonical_url=url, source="baonghean",
                                 channel="newspaper", title=key, text=text,
                                 published_at=datetime(2025, 3, i + 1, 9, tzinfo=VN_TZ)))  # fmt: skip
    return db


def found(db: Path, text: str, synonyms=SYNONYMS) -> set[str]:
    with SQLiteStore(db) as store:
        return {h.article.title for h in store.search(SearchQuery(text=text, synonyms=synonyms)).hits}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("CCHC", {"acronym", "phrase", "index"}),  # the acronym stands for the phrase
        ("cchc", {"acronym", "phrase", "index"}),
        ('"cải cách hành chính"', {"acronym", "phrase", "index"}),  # a quoted phrase stays a phrase
        ("cải cách hành chính", {"acronym", "phrase", "scattered", "index"}),  # typed words still match anywhere
        ("cai cach hanh chinh", {"acronym", "phrase", "scattered", "index"}),
        ("TTHC", {"acronym", "phrase"}),
        ('"thủ tục hành chính"', {"acronym", "phrase"}),
        ("PAR INDEX", {"index"}),
        ("bộ phận một cửa", {"acronym"}),
        ("CCHC -BPMC", {"phrase", "index"}),
    ],
)
def test_acronyms_expand_both_ways(archive: Path, query: str, titles: set[str]) -> None:
    assert found(archive, query) == titles


def test_without_synonyms_an_acronym_finds_only_itself(archive: Path) -> None:
    assert found(archive, "CCHC", synonyms=()) == {"acronym"}
    assert found(archive, "TTHC", synonyms=()) == {"acronym"}


def test_expansion_keeps_the_query_language() -> None:
    parsed = parse_query("CCHC OR lễ hội -TTHC", SYNONYMS)
    assert [[t.words for t in g] for g in parsed.groups] == [[("CCHC",), ("lễ",), ("cải", "cách", "hành", "chính")],
                                                             [("hội",)]]  # fmt: skip
    assert [t.words for t in parsed.excluded] == [("TTHC",)]  # an excluded acronym is not widened
    assert parse_query("cchc*", SYNONYMS).groups == parse_query("cchc*").groups  # a prefix is not a form


def test_users_add_acronyms_in_their_taxonomy(archive: Path, tmp_path: Path) -> None:
    """The CLI reads the acronyms from the taxonomy file, so a user's own list works without code."""
    import shutil

    from config import CONFIG_DIR

    config = tmp_path / "cfg"
    shutil.copytree(CONFIG_DIR, config, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    taxonomy = (config / "taxonomy.yaml").read_text(encoding="utf-8")
    (config / "taxonomy.yaml").write_text(taxonomy + '  - {short: LHVH, long: ["lễ hội văn hóa"]}\n', encoding="utf-8")
    store = ["--store", f"sqlite:///{archive}", "--json"]
    assert '"total": 0' in run_cchc("search", "LHVH", *store).stdout
    mine = run_cchc("search", "LHVH", *store, env={"CCHC_CONFIG_DIR": str(config)})
    assert mine.returncode == 0, mine.stderr
    assert '"total": 1' in mine.stdout


def test_the_search_page_expands_acronyms(archive: Path, tmp_path: Path) -> None:
    client = TestClient(create_app(f"sqlite:///{archive}", tmp_path / "u.json", tmp_path / "s.key"))
    page = client.get("/tim-kiem", params={"q": "TTHC"}).text
    assert 'id="total">2 kết quả' in page


def test_acronyms_need_no_retraining() -> None:
    from classifier.modelfile import taxonomy_hash

    taxonomy = load_taxonomy()
    assert taxonomy.acronyms, "the plan's acronyms ship in config/taxonomy.yaml"
    assert taxonomy_hash(taxonomy) == taxonomy_hash(taxonomy.model_copy(update={"acronyms": []}))
