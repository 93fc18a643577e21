"""Property-based tests: whatever people type or put in a URL, no exception escapes and errors are one line."""

from __future__ import annotations

import re
from datetime import date

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.cli import cli
from cchc.web.app import create_app
from search import SearchQuery, StoreError
from search.query import parse_query
from search.sqlite import SQLiteStore
from tests.test_store import CCHC, OTHER, UNACCENTED

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)
QUERYISH = st.one_of(TEXT, st.lists(st.sampled_from(['"', "(", ")", "*", "-", "OR", "AND", "NOT", "NEAR(", "^", ":",
                                                     "cai", "cách", "đảng", "{", "}", "'", ";", "\\", "\x00"]),
                                    max_size=8).map(" ".join))  # fmt: skip
IDS = st.lists(st.text(max_size=12), max_size=3).map(tuple)
DATES = st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)))
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> SQLiteStore:
    store = SQLiteStore(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    store.upsert_many([CCHC, UNACCENTED, OTHER])
    return store


@given(text=QUERYISH)
@FUZZ
def test_parse_query_yields_only_quoted_terms(text: str) -> None:
    parsed = parse_query(text)
    expression = parsed.to_fts(folded=True)
    if not parsed.empty:
        # Outside the quoted terms, only FTS5 operators, brackets and prefix stars remain.
        outside = re.sub(r'"[^"]*"', " ", expression)
        assert set(outside.split()) <= {"AND", "OR", "NOT", "(", ")", "*"} | {
            t for t in outside.split() if set(t) <= set("()*")
        }
        assert all('"' not in w for term in parsed.words for w in term)


@given(
    text=QUERYISH, sources=IDS, areas=IDS, date_from=DATES, date_to=DATES,
    sort=st.sampled_from(["relevance", "date"]), limit=st.integers(1, 50), offset=st.integers(0, 100),
    relevant=st.sampled_from([None, True, False]), fold=st.booleans(),
)  # fmt: skip
@FUZZ
def test_store_search_never_raises(small_store, text, sources, areas, date_from, date_to, sort, limit, offset,
                                   relevant, fold) -> None:  # fmt: skip
    try:
        query = SearchQuery(text=text, sources=sources, areas=areas, date_from=date_from, date_to=date_to,
                            sort=sort, limit=limit, offset=offset, relevant=relevant, fold_reprints=fold)  # fmt: skip
    except StoreError as exc:  # a request that makes no sense is refused in one line
        assert "\n" not in str(exc)
        return
    result = small_store.search(query)
    assert result.total >= len(result.hits)
    facets = small_store.facets(query, ("source", "area", "place"))
    assert set(facets) == {"source", "area", "place"}


@given(text=QUERYISH, flags=st.lists(st.sampled_from(["--json", "--sort=date", "--limit=3", "--source=x",
                                                      "--from=2025-01-01", "--to=1999-01-01", "--offset=5"]),
                                     max_size=3))  # fmt: skip
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_cli_search_never_prints_a_traceback(small_store, text: str, flags: list[str]) -> None:
    result = CliRunner().invoke(cli, ["search", "--store", f"sqlite:///{small_store.path}", *flags, "--", text])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert len([line for line in result.output.strip().splitlines() if line.startswith(("Lỗi:", "lỗi:"))]) == 1


@pytest.fixture(scope="module")
def web(small_store, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    folder = tmp_path_factory.mktemp("fuzzweb")
    return TestClient(create_app(f"sqlite:///{small_store.path}", folder / "u.json", folder / "s.key"))


PARAM = st.sampled_from(["q", "source", "area", "topic", "channel", "unit", "place", "from", "to", "page", "sort",
                         "relevant", "x"])  # fmt: skip


@given(params=st.lists(st.tuples(PARAM, TEXT), max_size=5), page=st.sampled_from(["/tim-kiem", "/tim-kiem.csv",
                                                                                 "/do-phu", "/nguon"]))  # fmt: skip
@FUZZ
def test_web_pages_answer_200_or_400_never_500(web: TestClient, params: list[tuple[str, str]], page: str) -> None:
    response = web.get(page, params=params)
    assert response.status_code in (200, 400), (page, params, response.status_code)
