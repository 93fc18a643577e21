"""The CLI as a user meets it: demo, stats, search, extract, help and one-line errors."""

from __future__ import annotations

import ast
import dataclasses
import gzip
import json
import shutil
import sqlite3
import string
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from cchc import MIRRORS_DIR, i18n
from cchc import cli as cli_module
from cchc.cli import cli
from cchc.commands.classify import _human_examples
from cchc.commands.coverage import default_range
from cchc.errors import user_errors
from classifier import DEFAULT_MODEL_DIR, ModelError
from classifier.modelfile import relevance_threshold
from config import ConfigError, load_sources, load_taxonomy
from crawler.extraction.page import PageError
from search import VN_TZ, StoreError, open_store
from search.folding import fold
from search.sqlite import SQLiteStore
from tests.conftest import holding_phrase, run_cchc
from tests.extraction_cases import article_pages
from tests.liveserver import free_port  # a port nobody listens on

COMMANDS = ["demo", "crawl", "extract", "search", "stats", "sources", "sources status", "classify", "train",
            "evaluate", "reclassify", "label"]  # fmt: skip
VIETNAMESE_LETTERS = set("ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")


@pytest.fixture(scope="module")
def demo_dir(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder where `cchc demo` has run once: a copy of the session's demo (these tests write to it)."""
    cwd = tmp_path_factory.mktemp("demo-cli")
    shutil.copytree(demo_archive.parent.parent, cwd, dirs_exist_ok=True)
    return cwd


def test_demo_stores_the_mirror_and_reports_sections(demo_dir: Path) -> None:
    out = (demo_dir / "first-run.txt").read_text(encoding="utf-8")
    assert (demo_dir / "data" / "demo.db").exists()
    assert "bài mới" in out and "Thời sự" in out and "Kinh tế" in out
    assert 'cchc search "cai cach hanh chinh" --store sqlite:///data/demo.db' in out
    # The report's period is printed as it is, never as "12 tháng gần nhất" (issue 13).
    start, end = default_range(datetime.now(VN_TZ).date())
    assert f"Báo cáo độ phủ từ {start:%d/%m/%Y} đến {end:%d/%m/%Y}:" in out and "12 tháng" not in out


def test_evidence_of_a_demo_article_is_the_page_the_mirror_served(demo_dir: Path) -> None:
    assert "cchc evidence MA_BAI --store sqlite:///data/demo.db" in (demo_dir / "first-run.txt").read_text("utf-8")
    url, path = article_pages(load_sources().get("baonghean"))[0]
    result = run_cchc("evidence", url, "--store", "sqlite:///data/demo.db", "--output", "bai.html", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert (demo_dir / "bai.html").read_bytes() == path.read_bytes()


def test_demo_second_run_says_nothing_new(demo_dir: Path) -> None:
    result = run_cchc("demo", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert "không có bài mới" in result.stdout


def test_stats_json_reports_the_demo_archive(demo_dir: Path) -> None:
    result = run_cchc("stats", "--json", "--store", "sqlite:///data/demo.db", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["total"] >= 30
    mirrored = {s.id for s in load_sources().sources if (MIRRORS_DIR / s.id).is_dir()}
    assert set(stats["by_source"]) == mirrored and sum(stats["by_source"].values()) == stats["total"]
    assert stats["by_channel"]["newspaper"] == stats["by_source"]["baonghean"]
    assert sum(stats["by_month"].values()) == stats["total"]


def test_search_without_accents_finds_cchc_articles_with_highlights(demo_dir: Path) -> None:
    result = run_cchc("search", "cai cach hanh chinh", "--store", "sqlite:///data/demo.db", "--json", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert found["total"] >= 5
    for hit in found["hits"]:
        assert "<mark>" in hit["title_html"] + hit["snippet_html"]
    phrase_hits = [h for h in found["hits"] if "cai cach hanh chinh" in fold(h["title"]).lower()]
    assert phrase_hits, "an article titled with the phrase must be found"
    assert found["hits"][0]["published_at"].endswith("+07:00")


def test_search_ranks_the_words_as_typed_first(demo_dir: Path) -> None:
    result = run_cchc("search", "một cửa", "--store", "sqlite:///data/demo.db", "--json", "--limit", "1000",
                      cwd=demo_dir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    found = [hit["id"] for hit in json.loads(result.stdout)["hits"]]
    holders = holding_phrase(demo_dir / "data" / "demo.db", "một cửa")
    assert len(found) > len(holders) >= 20
    assert set(found[: len(holders)]) == holders  # every article holding "một cửa" before any other


def test_search_filters_and_human_output(demo_dir: Path) -> None:
    store = ["--store", "sqlite:///data/demo.db"]
    result = run_cchc("search", '"dich vu cong"', "--from", "2025-01-01", *store, cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert 'kết quả cho «"dich vu cong"»' in result.stdout
    none = run_cchc("search", "cai cach", "--source", "no_such_source", "--json", *store, cwd=demo_dir)
    assert json.loads(none.stdout)["total"] == 0


@pytest.mark.parametrize("query", ['"', "NEAR(", "(((", "-", "OR", "*", "cai -", "'; DROP TABLE articles;--"])
def test_odd_queries_on_the_cli(demo_dir: Path, query: str) -> None:
    result = run_cchc("search", query, "--store", "sqlite:///data/demo.db", "--json", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout)["hits"], list)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "x", "--from", "2025-13-01"], "không phải ngày"),
        (["search", "x", "--from", "2025-02-01", "--to", "2025-01-01"], "ngày bắt đầu sau ngày kết thúc"),
        (["search", "x", "--store", "mysql://h/db"], "unsupported backend 'mysql'"),
        (["stats", "--store", "sqlite:///"], "write sqlite:///relative/path.db"),
        (["extract", "missing.html", "--url", "https://baonghean.vn/x-10000000.html"], "'missing.html' không tồn tại"),
        (["crawl", "baonghean", "--mirror", "nonsense"], "HOST=http://127.0.0.1:PORT/prefix"),
    ],
)
def test_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cchc(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [["search", "x"], ["stats"], ["coverage"], ["coverage", "--by", "source,month"], ["sources", "status"], ["serve"],
     ["store", "check"]],
)  # fmt: skip
def test_read_only_commands_refuse_a_missing_archive(tmp_path: Path, args: list[str]) -> None:
    """A mistyped --store never becomes an empty archive that answers "nothing" (issue 13)."""
    result = run_cchc(*args, "--store", "sqlite:///data/typo.db", cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("lỗi: kho lưu trữ data/typo.db không tồn tại")
    assert "cchc demo" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists()


def test_a_missing_archive_points_at_the_demo_archive(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with SQLiteStore(tmp_path / "data" / "demo.db"):
        pass
    result = run_cchc("stats", cwd=tmp_path)  # the default store, data/cchc.db, was never made
    assert result.returncode == 2
    assert "data/cchc.db không tồn tại" in result.stderr and "--store sqlite:///data/demo.db" in result.stderr
    assert not (tmp_path / "data" / "cchc.db").exists()


def test_not_a_database(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"not a database" * 1000)
    result = run_cchc("stats", "--store", "sqlite:///junk.db", cwd=tmp_path)
    assert result.returncode == 2  # a damaged or foreign file is exit 2, like bad config (issue 18)
    assert result.stderr.startswith("lỗi: junk.db: không mở được kho SQLite")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (gzip.compress(b"<html><body><p>x</p></body></html>"), "gzip-compressed"),
        (bytes(range(256)) * 8, "binary"),
    ],
    ids=["empty", "gzip", "binary"],
)
def test_extract_refuses_bad_input_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(content)
    result = run_cchc("extract", str(page), "--url", "https://example.vn/a-123456.html")
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_extract_prints_the_contract_fields() -> None:
    page = next(MIRRORS_DIR.joinpath("baonghean").glob("*-10*.html"))
    result = run_cchc("extract", str(page), "--url", f"https://baonghean.vn/{page.name}?utm_source=zalo")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    for key in ("url", "canonical_url", "title", "lead", "text", "author", "published_at", "section", "tags"):
        assert key in record
    assert record["canonical_url"] == f"https://baonghean.vn/{page.name}"
    assert record["published_at"].endswith("+07:00")


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_an_example(command: str) -> None:
    result = run_cchc(*command.split(), "--help")
    assert result.returncode == 0
    assert "Ví dụ:" in result.stdout


def _vietnamese(text: str | None) -> bool:
    """Whether a help text is Vietnamese: it has a letter only Vietnamese writes (English help has none)."""
    return bool(text) and any(ch in VIETNAMESE_LETTERS for ch in text.lower())


def _commands(group: click.Group, path: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((f"{path}{name}", command))
        if isinstance(command, click.Group):
            found += _commands(command, f"{path}{name} ")
    return found


def _in_process(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), prog_name="cchc")


def test_every_help_text_is_vietnamese() -> None:
    """Each command's help and each of its options' help (the group's, --version's, shared ones') is Vietnamese."""
    english = []
    for name, command in [("cchc", cli), *_commands(cli)]:
        english += [name] if not _vietnamese(command.help) else []
        english += [
            f"{name} {p.opts[0]}" for p in command.params if isinstance(p, click.Option) and not _vietnamese(p.help)
        ]
    assert not english, f"help still not in Vietnamese: {english}"


def test_top_help_is_vietnamese_down_to_clicks_own_words() -> None:
    result = _in_process("--help")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Cách dùng: cchc [OPTIONS] COMMAND [ARGS]...")
    assert "\nTùy chọn:\n" in out and "\nLệnh:\n" in out
    assert "Hiện hướng dẫn này rồi thoát." in out and "Hiện phiên bản rồi thoát." in out
    for summary in ("Tìm kiếm trong kho lưu trữ", "Huấn luyện bộ phân loại", "Khởi tạo và bảo trì kho lưu trữ",
                    "Các tài khoản được sửa nhãn", "Liệt kê các nguồn được theo dõi"):  # fmt: skip
        assert summary in out
    for english in ("Usage:", "Options:", "Commands:", "Show this message", "Show the version", "Examples:"):
        assert english not in out
    assert _in_process("--version").stdout.startswith("cchc, phiên bản ")


def test_the_top_help_lists_each_commands_own_summary() -> None:
    """`cchc --help` lists the commands from the table in cchc/cli.py, not importing them: each line must be what
    click would write from the command's own help, and every command must be there."""
    assert set(cli_module.COMMANDS) == set(cli.commands)
    for name, command in cli.commands.items():
        assert cli_module.COMMANDS[name][2] == command.get_short_help_str(limit=1000), name
    for width in (60, 80, 200):  # cut to the width as click cuts a command's own help
        plain = click.Group(commands=dict(cli.commands))
        expected, lazy = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
        plain.format_commands(click.Context(plain), expected)
        cli.format_commands(click.Context(cli), lazy)
        assert lazy.getvalue() == expected.getvalue()
    assert "\n  search      Tìm kiếm trong kho lưu trữ;" in lazy.getvalue()


HEAVY = ("scrapy", "twisted", "sklearn", "underthesea", "numpy", "fastapi", "uvicorn", "openpyxl", "elasticsearch",
         "opensearchpy", "classifier", "crawler")  # fmt: skip
SETTINGS = ("pydantic", "config")


@pytest.mark.parametrize(
    ("code", "unwanted"),
    [
        ("import cchc.cli", (*HEAVY, *SETTINGS, "rich")),
        ("from cchc.cli import cli; cli(['--help'])", (*HEAVY, *SETTINGS, "rich")),
        ("from cchc.cli import cli; cli(['serach'])", (*HEAVY, *SETTINGS, "rich")),
        # A command's help loads its module, but the settings and config models only when the command runs.
        ("from cchc.cli import cli; cli(['search', '--help'])", (*HEAVY, *SETTINGS)),
        ("from cchc.cli import cli; cli(['search', 'x', '--store', 'sqlite:///missing.db'])", HEAVY),
        ("from cchc.cli import cli; cli(['coverage', '--help'])", HEAVY),
        ("from cchc.cli import cli; cli(['classify', '--help'])", tuple(n for n in HEAVY if n != "classifier")),
        ("from cchc.cli import cli; cli(['label', '--help'])", tuple(n for n in HEAVY if n != "classifier")),
        ("from cchc.cli import cli; cli(['crawl', '--help'])", ("scrapy", "twisted", "sklearn", "underthesea")),
        ("from cchc.cli import cli; cli(['demo', '--help'])", ("scrapy", "twisted", "sklearn", "openpyxl")),
    ],
    ids=[
        "import",
        "help",
        "typo",
        "search-help",
        "search",
        "coverage-help",
        "classify-help",
        "label-help",
        "crawl-help",
        "demo-help",
    ],
)
def test_the_cli_starts_without_the_heavy_libraries(tmp_path: Path, code: str, unwanted: tuple[str, ...]) -> None:
    """Start-up time is imports: help or a search must not load the crawler, the model or the web app."""
    probe = f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    loaded = {name.split(".")[0] for name in result.stdout.split()}
    assert loaded.isdisjoint(unwanted), sorted(loaded & set(unwanted))


@pytest.mark.parametrize(
    ("error", "line", "code"),
    [
        (sqlite3.DatabaseError("file is not a database"),
         "kho SQLite bị hỏng hoặc không phải cơ sở dữ liệu (file is not a database); hãy chạy `cchc store check`", 2),
        (ConfigError("sources.yaml: sources[0].id: Field required"), "sources.yaml: sources[0].id: Field required", 2),
        (PageError("the file is empty"), "the file is empty", 1),
        (ModelError("no model in m/"), "no model in m/", 1),
        (StoreError("disk full"), "disk full", 1),
    ],
)  # fmt: skip
def test_known_errors_are_one_vietnamese_line(capsys: pytest.CaptureFixture[str], error: Exception, line: str,
                                              code: int) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as stopped, user_errors():
        raise error
    assert stopped.value.code == code
    assert capsys.readouterr().err == f"lỗi: {line}\n"
    with pytest.raises(ValueError), user_errors():  # an unknown error is a bug: it keeps its traceback
        raise ValueError("x")


def test_a_usage_error_shows_the_usage_and_the_help_hint_in_vietnamese() -> None:
    result = _in_process("classify")
    assert result.stderr == (
        "Cách dùng: cchc classify [OPTIONS]\nGõ 'cchc classify --help' để xem hướng dẫn.\n\n"
        "Lỗi: Thiếu tùy chọn '--input'.\n"
    )


def test_a_commands_help_is_vietnamese() -> None:
    out = _in_process("search", "--help").stdout
    assert out.startswith("Cách dùng: cchc search [OPTIONS] QUERY")
    assert "gõ dấu hay không đều được" in out and "\nTùy chọn:\n" in out and "\n  Ví dụ:\n" in out
    flat = " ".join(out.split())  # the help is wrapped to the terminal's width
    assert "[mặc định: 20; 1<=x<=1000]" in flat and "biến môi trường CCHC_STORE" in flat
    assert "[bắt buộc]" in _in_process("classify", "--help").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["classify"], "Lỗi: Thiếu tùy chọn '--input'."),
        (["search"], "Lỗi: Thiếu đối số 'QUERY'."),
        (["search", "x", "--sourc", "y"], "Lỗi: Không có tùy chọn '--sourc'. (Có phải ý bạn là một trong: "),
        (["search", "x", "--nope"], "Lỗi: Không có tùy chọn '--nope'."),
        (["serach"], "Lỗi: Không có lệnh 'serach'. (Có phải ý bạn là một trong: 'extract', 'search'?)"),
        (["users", "ad"], "Lỗi: Không có lệnh 'ad'. Có phải ý bạn là 'add'?"),
        (
            ["search", "x", "--stance", "khen"],
            "Lỗi: Giá trị không hợp lệ cho '--stance': 'khen' không thuộc các giá trị",
        ),
        (["search", "x", "--limit", "0"], "Lỗi: Giá trị không hợp lệ cho '--limit': 0 nằm ngoài khoảng 1<=x<=1000."),
        (["search", "x", "--limit", "ba"], "'ba' không phải số hợp lệ."),
        (["search", "x", "--json=1"], "Lỗi: Tùy chọn '--json' không nhận giá trị."),
        (["search", "x", "--store"], "Lỗi: Tùy chọn '--store' cần một giá trị."),
        (["stats", "x"], "Lỗi: Thừa đối số (x)"),
        (["extract", "thieu.html", "--url", "https://baonghean.vn/a.html"], "'thieu.html' không tồn tại."),
        (["extract", ".", "--url", "https://baonghean.vn/a.html"], "'.' là một thư mục, không phải tệp."),
    ],
)
def test_usage_errors_are_vietnamese_and_exit_2(args: list[str], message: str) -> None:
    result = _in_process(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Lỗi: ")
    for english in ("Usage:", "Error:", "Try '", "No such", "Missing", "Invalid value", "Did you mean"):
        assert english not in result.stderr


def test_an_aborted_prompt_says_so_in_vietnamese(tmp_path: Path) -> None:
    result = _in_process("users", "add", "nguyenvana", "--accounts", str(tmp_path / "u.json"))  # no password typed
    assert result.exit_code == 1
    assert "Mật khẩu:" in result.stdout and "Đã hủy!" in result.stderr
    assert not (tmp_path / "u.json").exists()


def test_the_catalog_holds_only_texts_click_asks_to_translate() -> None:
    """A click upgrade that rewords a text shows here, not as English slipping back into the CLI unseen."""
    asked: set[object] = set()
    for module in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                texts = tuple(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
                asked.add(texts[0] if node.func.id == "_" and texts else texts)
    asked.add("required")  # click.core passes it through a variable: _(extra["required"])
    assert set(i18n.MESSAGES) - asked == set()
    assert set(i18n.PLURAL_MESSAGES) - asked == set()
    pairs = [
        *i18n.MESSAGES.items(),
        *(p for key, vi in i18n.PLURAL_MESSAGES.items() for p in zip(key, vi, strict=True)),
    ]
    for english, vietnamese in pairs:
        # A placeholder click does not fill would raise KeyError when the message is shown.
        assert _fields(vietnamese) <= _fields(english) and ("%(" in vietnamese) == ("%(" in english), vietnamese


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_reclassify_keeps_human_corrections(demo_dir: Path) -> None:
    db = demo_dir / "data" / "demo.db"
    with open_store(f"sqlite:///{db}") as store:
        first = next(store.iter_articles())
        store.set_labels(dataclasses.replace(first, relevant=True, areas=("the_che",), label_source="human"))
    result = run_cchc("reclassify", "--store", "sqlite:///data/demo.db", cwd=demo_dir)
    assert result.returncode == 0, result.stderr
    assert "1 bài giữ nhãn do người sửa" in result.stdout
    with open_store(f"sqlite:///{db}") as store:
        assert store.get(first.id).areas == ("the_che",)
        assert all(a.label_source in ("model", "human") for a in store.iter_articles())


def test_label_on_the_command_line_records_human_labels_with_history(demo_dir: Path) -> None:
    store_url = "sqlite:///data/demo.db"
    with open_store(f"sqlite:///{demo_dir / 'data' / 'demo.db'}") as store:
        queued = store.label_queue(relevance_threshold(DEFAULT_MODEL_DIR), limit=2)
    assert len(queued) == 2
    taxonomy = load_taxonomy()
    areas, topics = [a.id for a in taxonomy.areas], [t.id for t in taxonomy.topics]
    # First article: about CCHC, areas 2 and 6, topic 1, "Phản ánh hạn chế"; second: not about CCHC.
    answers = "x\nc\n2, 6\n1\n2\nk\n"
    result = run_cchc("label", "--store", store_url, "--limit", "2", "--user", "bientap", cwd=demo_dir, input=answers)
    assert result.returncode == 0, result.stderr
    assert "Trả lời c (có), k (không)" in result.stdout and queued[0].title in result.stdout
    assert "Đã gán nhãn 2 bài, bỏ qua 0 bài." in result.stdout
    with open_store(f"sqlite:///{demo_dir / 'data' / 'demo.db'}") as store:
        first, second = store.get(queued[0].id), store.get(queued[1].id)
        assert (first.relevant, first.areas, first.topics, first.stance) == (
            True, (areas[1], areas[5]), (topics[0],), "criticism")  # fmt: skip
        assert (second.relevant, second.areas, second.stance) == (False, (), None)
        assert {first.label_source, second.label_source, first.labeled_by, second.labeled_by} == {"human", "bientap"}
        change = store.label_history(first.id)[-1]
        assert (change.user, change.action, change.before["relevant"], change.after["stance"]) == (
            "bientap", "correct", queued[0].relevant, "criticism")  # fmt: skip
        assert not {a.id for a in store.label_queue(relevance_threshold(DEFAULT_MODEL_DIR), limit=50)} & {
            first.id, second.id}  # fmt: skip
    learned = {e.id: e.stance for e in _human_examples(f"sqlite:///{demo_dir / 'data' / 'demo.db'}")}
    assert (learned[f"human:{first.id}"], learned[f"human:{second.id}"]) == ("criticism", None)  # for the next model
    found = json.loads(run_cchc("search", "", "--stance", "criticism", "--json", "--store", store_url,
                                cwd=demo_dir).stdout)  # fmt: skip
    assert first.id in {h["id"] for h in found["hits"]} and {h["stance"] for h in found["hits"]} == {"criticism"}
    # Input that ends early stops the session without recording anything; a bad user is one line, exit 2.
    ended = run_cchc("label", "--store", store_url, "--limit", "1", "--user", "bientap", cwd=demo_dir, input="c\n")
    assert ended.returncode == 0 and "Hết dữ liệu vào: dừng." in ended.stdout and "Đã gán nhãn 0 bài" in ended.stdout
    bad = run_cchc("label", "--store", store_url, "--user", "Ai Đó", cwd=demo_dir)
    assert bad.returncode == 2 and "--user" in bad.stderr and "Traceback" not in bad.stderr
    wrong = run_cchc("search", "", "--stance", "khen", "--store", store_url, cwd=demo_dir)
    assert wrong.returncode == 2 and "--stance" in wrong.stderr


def test_a_source_that_cannot_be_read_fails_the_crawl_in_one_line(tmp_path: Path) -> None:
    """Its host refuses every connection (no mirror, no network): exit 1, one Vietnamese line naming the source
    and the cause, no traceback, and the run is recorded as broken for Nguồn and `sources status`."""
    mirror = f"yte.nghean.gov.vn=http://127.0.0.1:{free_port()}/so_y_te"
    result = run_cchc("crawl", "so_y_te", "--store", "sqlite:///c.db", "--mirror", mirror, "--set", "RETRY_TIMES=0",
                      cwd=tmp_path, timeout=120)  # fmt: skip
    assert result.returncode == 1, result.stderr
    failures = [line for line in result.stderr.splitlines() if line.startswith("lỗi:")]
    assert failures == [failures[0]] and failures[0].startswith("lỗi: Sở Y tế Nghệ An (so_y_te): máy chủ từ chối")
    assert "Traceback" not in result.stderr and "ERROR" not in result.stderr
    status = json.loads(run_cchc("sources", "status", "--json", "--store", "sqlite:///c.db", cwd=tmp_path).stdout)
    (so_y_te,) = [s for s in status if s["source"] == "so_y_te"]
    assert so_y_te["health"] == "broken" and "từ chối kết nối" in so_y_te["health_detail"]


def test_a_damaged_model_stops_the_crawl_before_fetching(tmp_path: Path, mirror_server) -> None:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    data = bytearray((model / "model.joblib").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (model / "model.joblib").write_bytes(bytes(data))
    result = run_cchc("crawl", "baonghean", "--store", "sqlite:///c.db", "--set", f"CCHC_MODEL={model}",
                      "--mirror", f"baonghean.vn={mirror_server.base_url}/baonghean", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("lỗi: không nạp được mô hình phân loại, chưa thu thập gì")
    assert len(result.stderr.strip().splitlines()) == 1
    with SQLiteStore(tmp_path / "c.db") as store:
        assert store.runs("baonghean") == [] and store.stats().total == 0
