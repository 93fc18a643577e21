"""`cchc daily` over a small generated province (bench/province.py, the scale bench's generator): every CMS family
with rules, broken sources of each kind that fails fast (refused, layout changed, HTTP 500)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.province import SyntheticSource, province, stored_paths
from config.cms import CMS_FAMILIES, GENERIC
from tests.conftest import run_cchc

SOURCES, BROKEN, ARTICLES = 12, 3, 5


@pytest.fixture(scope="module")
def daily_run(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, list[SyntheticSource], subprocess.CompletedProcess]]:
    root = tmp_path_factory.mktemp("province")
    server, config, sources = province(root, SOURCES, BROKEN, ARTICLES)
    with server:
        result = run_cchc("--config-dir", str(config), "daily", "--store", f"sqlite:///{root / 'x.db'}", cwd=root)
    yield root, sources, result


def test_daily_names_every_broken_source_and_stores_every_healthy_article_once(daily_run) -> None:
    root, sources, result = daily_run
    broken = {s.id: s.broken for s in sources if s.broken}
    assert sorted(broken.values()) == ["http500", "layout", "refused"]
    assert {s.cms for s in sources} == set(CMS_FAMILIES) - {GENERIC}  # every family the extractor has rules for
    assert result.returncode == 1, result.stderr
    failing = [line for line in result.stderr.splitlines() if line.startswith("lỗi:")]
    for source_id in broken:
        assert any(f"({source_id})" in line for line in failing), (source_id, failing)
    assert f"{BROKEN} nguồn không đọc được" in result.stderr
    (run,) = [json.loads(line) for line in (root / "data" / "logs" / "daily.jsonl").read_text().splitlines()]
    assert sorted(run["failed"]) == sorted(broken) and run["exit_code"] == 1
    assert sorted(run["read"]) == sorted(s.id for s in sources if not s.broken)
    stored = stored_paths(root / "x.db")
    for source in sources:
        if not source.broken:
            assert {p: stored[p] for p in source.articles} == dict.fromkeys(source.articles, 1), source.id
