"""`cchc sources learn`: a rule learned from 4 pages of an unseen site reads that site's other pages.

The sites are generated (tests/sitegen.py) around real Dân trí articles read from ../shared/data
at run time: random class names, nesting, lead, date line and author placements, and furniture.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cchc.cli import cli
from config import LayoutFile, SourcesFile
from crawler.extraction import extract_article
from crawler.extraction.datefmt import infer_format, parse_with_format
from crawler.extraction.learn import learn
from crawler.extraction.rules import rule_from_layout
from tests import sitegen

needs_data = pytest.mark.skipif(not sitegen.have_data(), reason="../shared/data (Dân trí texts) is absent")
SEEDS = range(8)
LEARN_PAGES = 4
CHECK_PAGES = 6


@pytest.fixture(scope="module")
def pool() -> list[sitegen.Article]:
    return sitegen.articles()


def _write(folder: Path, pages: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        (folder / f"bai-{i}.html").write_text(page, encoding="utf-8")
    return folder


@needs_data
def test_rules_learned_on_four_pages_read_the_sites_other_pages(pool: list[sitegen.Article]) -> None:
    passed: Counter[str] = Counter()
    checked: Counter[str] = Counter()
    for seed in SEEDS:
        pages = list(sitegen.site(seed, pool, LEARN_PAGES + CHECK_PAGES))
        learned = learn([(f"p{i}.html", html) for i, (html, _) in enumerate(pages[:LEARN_PAGES])])
        for html, truth in pages[LEARN_PAGES:]:
            got = extract_article(html, "https://unseen.example.vn/bai.html", rule=learned.rule)
            assert "Tin liên quan" not in got.text and "Đọc nhiều" not in got.text
            for field, ok in sitegen.checks(got, truth).items():
                passed[field] += ok
                checked[field] += 1
    rates = {field: passed[field] / checked[field] for field in checked}
    assert sum(passed.values()) / sum(checked.values()) >= 0.9, rates
    assert all(rate >= 0.9 for rate in rates.values()), rates


@needs_data
def test_learn_then_extract_on_the_command_line(tmp_path: Path, pool: list[sitegen.Article]) -> None:
    pages = list(sitegen.site(101, pool, 5))
    folder = _write(tmp_path / "saved", [html for html, _ in pages[:4]])
    (tmp_path / "other.html").write_text(pages[4][0], encoding="utf-8")
    rule = tmp_path / "rule.yaml"
    runner = CliRunner()

    result = runner.invoke(cli, ["sources", "learn", str(folder), "--output", str(rule)])
    assert result.exit_code == 0, result.output
    assert "tiêu đề: 4/4 trang" in result.output
    assert "nội dung: 4/4 trang" in result.output

    layout = yaml.safe_load(rule.read_text(encoding="utf-8"))
    LayoutFile.model_validate(layout)
    # The `layout:` block pastes into a source's entry in config/sources.yaml.
    source = {"id": "moi", "name": "Báo mới", "channel": "newspaper", "base_url": "https://moi.example.vn/",
              "article_url": r"\.html$", **layout}  # fmt: skip
    assert SourcesFile.model_validate({"version": 1, "sources": [source]}).sources[0].layout is not None

    url = "https://any-host.example.org/bai-viet.html"
    result = runner.invoke(cli, ["extract", str(tmp_path / "other.html"), "--url", url, "--rules", str(rule)])
    assert result.exit_code == 0, result.output
    record = yaml.safe_load(result.output)
    truth = pages[4][1]
    assert record["title"] == truth.title
    assert record["author"] == truth.author
    assert record["published_at"] == truth.published_at.isoformat()
    assert record["rule"] == "rule/layout"


def _refused(args: list[str]) -> str:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def test_fewer_than_three_pages_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "two", ["<html><body><h1>Một</h1><p>Nội dung</p></body></html>"] * 2)
    line = _refused(["sources", "learn", str(folder), "--output", str(tmp_path / "r.yaml")])
    assert "cần ít nhất 3 trang" in line
    assert not (tmp_path / "r.yaml").exists()


def test_a_file_that_is_not_html_is_refused(tmp_path: Path) -> None:
    folder = _write(tmp_path / "mixed", ["<html><body><h1>Một</h1><p>Nội dung</p></body></html>"] * 3)
    (folder / "anh.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    line = _refused(["sources", "learn", str(folder), "--output", str(tmp_path / "r.yaml")])
    assert "anh.jpg" in line and "không phải trang HTML" in line


@needs_data
def test_pages_of_two_sites_are_refused(tmp_path: Path, pool: list[sitegen.Article]) -> None:
    first = [html for html, _ in sitegen.site(1, pool, 3)]
    second = [html for html, _ in sitegen.site(2, pool, 1)]
    folder = _write(tmp_path / "two-sites", first + second)
    line = _refused(["sources", "learn", str(folder), "--output", str(tmp_path / "r.yaml")])
    assert "không cùng một trang web" in line and "bai-3.html" in line


@pytest.mark.parametrize(
    ("line", "fmt", "iso"),
    [
        ("Thứ ba, 12/3/2024 - 08:15", "%d/%m/%Y - %H:%M", "2024-03-12T08:15:00+07:00"),
        ("12/03/2024 08:15", "%d/%m/%Y %H:%M", "2024-03-12T08:15:00+07:00"),
        ("Cập nhật: 08h15, 12/03/2024", "%Hh%M, %d/%m/%Y", "2024-03-12T08:15:00+07:00"),
        ("20:25, 25/05/2022", "%H:%M, %d/%m/%Y", "2022-05-25T20:25:00+07:00"),
    ],
)
def test_date_formats_are_inferred_and_read(line: str, fmt: str, iso: str) -> None:
    assert infer_format(line) == fmt
    assert parse_with_format(line, fmt).isoformat() == iso


def test_a_month_first_format_reads_us_dates() -> None:
    assert parse_with_format("9/5/2026 10:17:01 PM", "%m/%d/%Y %H:%M:%S %p").isoformat() == "2026-09-05T22:17:01+07:00"
    assert infer_format("9/25/2026 10:17", month_first=True) == "%m/%d/%Y %H:%M"


def test_a_source_layout_is_optional_and_checked() -> None:
    base = {"id": "x", "name": "X", "channel": "newspaper", "base_url": "https://x.vn/", "article_url": "x"}
    assert SourcesFile.model_validate({"version": 1, "sources": [base]}).sources[0].layout is None
    with pytest.raises(ValueError, match="CSS selector"):
        SourcesFile.model_validate({"version": 1, "sources": [{**base, "layout": {"title": "h1[", "body": "div"}}]})
    layout = (
        SourcesFile.model_validate(
            {"version": 1, "sources": [{**base, "layout": {"title": "h1.t", "body": "div.b", "drop": [".ads"]}}]}
        )
        .sources[0]
        .layout
    )
    assert rule_from_layout(layout).drop == (".ads",)
