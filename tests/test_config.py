"""Config files load and validate; each kind of breakage gives one clear line and exit code 2."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from config import CONFIG_DIR, ConfigError, load_sources, load_taxonomy, settings
from config.models import AREA_IDS, TOPIC_IDS
from tests.conftest import run_cchc


def test_shipped_config_is_valid() -> None:
    sources = load_sources()
    ids = {s.id for s in sources.sources}
    assert {"baonghean", "truyenhinhnghean", "nghean_gov", "hcc", "dcs", "nghean24h"} <= ids
    assert sum(s.channel == "unit_portal" and s.cms == "vnportal" for s in sources.sources) >= 6
    taxonomy = load_taxonomy()
    assert tuple(a.id for a in taxonomy.areas) == AREA_IDS
    assert tuple(t.id for t in taxonomy.topics) == TOPIC_IDS
    assert all(a.name and a.description and a.seeds for a in taxonomy.areas)


def _sources() -> dict:
    return yaml.safe_load((CONFIG_DIR / "sources.yaml").read_text(encoding="utf-8"))


def _write(tmp_path: Path, data: dict | str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _break_unknown_key(d: dict) -> None:
    d["sources"][0]["feed"] = ["/rss"]


def _break_missing(d: dict) -> None:
    del d["sources"][2]["article_url"]


def _break_channel(d: dict) -> None:
    d["sources"][1]["channel"] = "tv"


def _break_regex(d: dict) -> None:
    d["sources"][0]["article_url"] = "-(post\\d+"


def _break_url(d: dict) -> None:
    d["sources"][0]["base_url"] = "baonghean.vn"


def _break_duplicate(d: dict) -> None:
    d["sources"][1]["id"] = d["sources"][0]["id"]


def _break_portal_unit(d: dict) -> None:
    del d["sources"][2]["unit"]


def _break_press_feed(d: dict) -> None:
    """A national outlet's feed carries the whole country: only its Nghệ An page is read."""
    assert d["sources"][12]["channel"] == "central_press"
    d["sources"][12]["feeds"] = ["/rss/home.rss"]


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (_break_unknown_key, "sources[0].feed: Extra inputs are not permitted"),
        (_break_missing, "sources[2].article_url: Field required"),
        (_break_channel, "sources[1].channel: Input should be 'newspaper'"),
        (_break_regex, "sources[0].article_url: not a valid regular expression"),
        (_break_url, "sources[0].base_url: must be an absolute http(s) URL"),
        (_break_duplicate, "duplicate source id 'baonghean'"),
        (_break_portal_unit, "sources[2]: a portal needs the id of the unit"),
        (_break_press_feed, "sources[12]: a national outlet is read through one listing, its Nghệ An page"),
    ],
)
def test_invalid_sources_name_file_and_field(tmp_path: Path, breakage, expected: str) -> None:
    data = _sources()
    breakage(data)
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nsources: [\n", "line 3, column 1: invalid YAML"),
        ("version: 1\n  sources: x\n", "line 2, column 10: invalid YAML"),
        ("- just\n- a list\n", "expected a mapping at the top level"),
        ("", "expected a mapping at the top level"),
        ("version: 2\nsources: []\n", "version: Input should be 1"),
    ],
)
def test_unparseable_files(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(")):
        load_sources(_write(tmp_path, text))


def test_not_utf8_and_missing(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_bytes("version: 1\nname: Báo\n".encode("cp1258"))
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_sources(path)
    with pytest.raises(ConfigError, match="file not found"):
        load_sources(tmp_path / "absent.yaml")


def test_taxonomy_ids_are_fixed(tmp_path: Path) -> None:
    data = yaml.safe_load((CONFIG_DIR / "taxonomy.yaml").read_text(encoding="utf-8"))
    data["areas"][0]["id"] = "the_che_moi"
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError, match="areas must be exactly the_che"):
        load_taxonomy(path)


def test_cli_reports_broken_config_in_one_line_with_exit_2(tmp_path: Path) -> None:
    config_dir = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, config_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = _sources()
    _break_missing(data)
    _write(config_dir, data)
    result = run_cchc("sources", env={"CCHC_CONFIG_DIR": str(config_dir)})
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip() == (f"lỗi: {config_dir / 'sources.yaml'}: sources[2].article_url: Field required")


@pytest.mark.parametrize("breakage", [_break_unknown_key, _break_regex, _break_duplicate])
def test_broken_config_touches_no_data(tmp_path: Path, breakage) -> None:
    config_dir = tmp_path / "cfg"  # not "config": `python -m` puts the working folder on the import path
    shutil.copytree(CONFIG_DIR, config_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    data = _sources()
    breakage(data)
    _write(config_dir, data)
    for args in (["crawl", "baonghean"], ["demo"], ["coverage"], ["serve"], ["sources", "status"]):
        result = run_cchc(*args, cwd=tmp_path, env={"CCHC_CONFIG_DIR": str(config_dir)}, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("lỗi: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data").exists(), "nothing may be written before the configuration is valid"


def test_a_user_config_folder_overrides_file_by_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _sources()
    data["sources"][0]["name"] = "Báo Nghệ An (bản của tôi)"
    _write(tmp_path, data)  # only sources.yaml: the taxonomy, plan and places stay the bundled ones
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(tmp_path))
    assert load_sources().sources[0].name == "Báo Nghệ An (bản của tôi)"
    assert tuple(a.id for a in load_taxonomy().areas) == AREA_IDS
    monkeypatch.delenv("CCHC_CONFIG_DIR")
    result = run_cchc("--config-dir", str(tmp_path), "sources")
    assert result.returncode == 0 and "Báo Nghệ An (bản của tôi)" in result.stdout, result.stderr
    missing = run_cchc("sources", env={"CCHC_CONFIG_DIR": str(tmp_path / "absent")})
    assert missing.returncode == 2 and "config folder not found" in missing.stderr


def test_settings_come_from_the_command_line_then_the_environment_then_the_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "_overrides", {})
    monkeypatch.delenv("CCHC_DATA_DIR", raising=False)
    monkeypatch.delenv("CCHC_STORE", raising=False)
    assert settings.get_settings().store_url == "sqlite:///data/cchc.db"
    monkeypatch.setenv("CCHC_DATA_DIR", "/srv/cchc")
    monkeypatch.setenv("cchc_batch_size", "7")  # any case, as before
    monkeypatch.setenv("CCHC_NOT_A_SETTING", "x")  # ignored
    current = settings.get_settings()
    assert (current.data_dir, current.batch_size, current.store_url) == (
        Path("/srv/cchc"),
        7,
        "sqlite:////srv/cchc/cchc.db",
    )
    settings.override(data_dir=Path("elsewhere"), store=None)  # None leaves the environment's value alone
    assert settings.get_settings().data_dir == Path("elsewhere")
    monkeypatch.setenv("CCHC_BATCH_SIZE", "nhiều")
    monkeypatch.delenv("cchc_batch_size")
    with pytest.raises(ValidationError, match="batch_size"):
        settings.get_settings()
