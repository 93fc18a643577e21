"""The province's sources: the unit-portal entries generated from the unit registry, and the whole file at scale."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from config import CONFIG_DIR, load_places, load_plan, load_sources
from config.generate_sources import GENERATED_MARKER, host_slug, regenerate, split
from tests.conftest import run_cchc

SOURCES = load_sources().sources
PLACES = {p.id: p for p in load_places().places}
UNITS = {u.unit: u for u in load_plan().units}


def generate(config_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONIOENCODING": "utf-8", "CCHC_CONFIG_DIR": str(config_dir), "PATH": ""}
    return subprocess.run([sys.executable, "-m", "config.generate_sources", *args], cwd=CONFIG_DIR.parent, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(CONFIG_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return folder


def test_the_province_has_more_than_a_hundred_sources() -> None:
    assert len(SOURCES) >= 100 and len({s.id for s in SOURCES}) == len(SOURCES)
    channels = Counter(s.channel for s in SOURCES)
    assert channels["unit_portal"] >= 150 and channels["central_press"] >= 10
    communes = [s for s in SOURCES if s.unit in PLACES and PLACES[s.unit].kind in ("xa", "phuong")]
    assert all(s.every_hours == 72 for s in communes)
    # Each of the 130 communes and wards has a portal; Quang Châu's is the hand-written entry (the plan's unit id).
    unread = {p for p, place in PLACES.items() if place.kind in ("xa", "phuong")} - {s.unit for s in communes}
    assert unread == {"quang_chau_xa"} and "quangchau.nghean.gov.vn" in load_sources().get("quang_chau").all_hosts


def test_every_unit_is_known_and_exists_while_its_portal_is_read() -> None:
    outside = {s.id for s in SOURCES if s.unit and s.unit not in PLACES and s.unit not in UNITS}
    assert outside == {"dcs"}, "only the Party committee's site names a unit the plan gives no duty"
    for s in SOURCES:
        unit = PLACES.get(s.unit) or UNITS.get(s.unit)
        if unit is None:
            continue
        assert unit.valid_from is None or (s.valid_from and s.valid_from >= unit.valid_from), s.id
        assert unit.valid_to is None or (s.valid_to and s.valid_to <= unit.valid_to), s.id


def test_a_host_is_shared_only_by_portals_of_different_periods() -> None:
    """A district's portal host reused by the commune of the same name: the two never overlap in time."""
    by_host: dict[str, list] = {}
    for s in SOURCES:
        for host in s.all_hosts:
            by_host.setdefault(host, []).append(s)
    for host, sharing in by_host.items():
        for i, a in enumerate(sharing):
            for b in sharing[i + 1 :]:
                together = a.valid_during(b.valid_from or date.min, b.valid_to or date.max)
                assert not together, f"{host}: {a.id} and {b.id} are read during the same days"
    assert {s.id for s in by_host["dienchau.nghean.gov.vn"]} == {"dien_chau_huyen", "dien_chau_xa"}


def test_districts_end_and_communes_start_on_the_reform() -> None:
    get = {s.id: s for s in SOURCES}
    assert str(get["do_luong_huyen"].valid_to) == "2025-06-30" and get["do_luong_huyen"].valid_from is None
    assert str(get["do_luong_xa"].valid_from) == "2025-07-01" and get["do_luong_xa"].valid_to is None
    assert get["do_luong_xa"].base_url == "https://doluong.nghean.gov.vn/" and not get["do_luong_xa"].verified
    assert str(get["cua_lo_tx"].valid_to) == "2024-11-30"
    # Hand-written entries claim their units: Vinh and Quang Châu are not generated a second time.
    assert "vinh_tp" not in get and "quang_chau_xa" not in get and get["vinh"].unit == "vinh"
    assert get["so_khdt"].base_url == "https://skhdt.nghean.gov.vn/" and str(get["so_khdt"].valid_to) == "2025-02-28"


def test_central_press_reads_only_its_nghe_an_page() -> None:
    press = [s for s in SOURCES if s.channel == "central_press"]
    assert press and all(len(s.listings) == 1 and not s.feeds and not s.sitemaps and not s.verified for s in press)


def test_host_slug() -> None:
    assert [host_slug(n) for n in ("Đô Lương", "Quỳnh Lưu", "Cửa Lò", "Vinh")] == [
        "doluong", "quynhluu", "cualo", "vinh"]  # fmt: skip


def test_the_committed_file_is_what_the_generator_writes(config_dir: Path) -> None:
    committed = (CONFIG_DIR / "sources.yaml").read_text(encoding="utf-8")
    assert regenerate(CONFIG_DIR / "sources.yaml", load_plan(), load_places()) == committed
    result = generate(config_dir, "--check")
    assert result.returncode == 0, result.stderr
    result = generate(config_dir)  # running it again changes nothing
    assert result.returncode == 0 and (config_dir / "sources.yaml").read_text(encoding="utf-8") == committed


def test_a_moved_entry_is_kept_and_an_edited_generated_one_is_restored(config_dir: Path) -> None:
    path = config_dir / "sources.yaml"
    hand, generated = split(path.read_text(encoding="utf-8"))
    entry = generated[generated.index("  - id: do_luong_xa") :].split("\n\n")[0]
    mine = entry.replace("[/tin-tuc-su-kien, /tin-noi-bat]", "[/tin-xa]").replace("do_luong_xa\n", "doluong\n", 1)
    path.write_text(hand + "\n" + mine + "\n\n" + generated.replace("/tin-noi-bat]", "/sai]", 1), encoding="utf-8")
    check = generate(config_dir, "--check")
    assert check.returncode == 1 and check.stderr.startswith("lỗi:"), check.stderr
    assert generate(config_dir).returncode == 0
    hand_after, generated_after = split(path.read_text(encoding="utf-8"))
    assert hand_after == hand + "\n" + mine + "\n"  # the user's entry, untouched
    assert "id: do_luong_xa" not in generated_after and "/sai]" not in generated_after
    assert generated_after.count("  - id: ") == generated.count("  - id: ") - 1
    assert generate(config_dir, "--check").returncode == 0


def test_a_broken_hand_written_part_is_one_line(config_dir: Path) -> None:
    path = config_dir / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: nghean24h", "  - id: dcs", 1), encoding="utf-8")
    result = generate(config_dir)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("lỗi:") and "duplicate source id 'dcs'" in result.stderr
    assert GENERATED_MARKER in path.read_text(encoding="utf-8")  # nothing written


def test_cchc_sources_lists_them_by_channel() -> None:
    listing = run_cchc("sources").stdout.splitlines()
    headings = [line for line in listing if not line.startswith("  ")]
    assert headings[3] == f"Cổng/Trang TTĐT đơn vị ({sum(s.channel == 'unit_portal' for s in SOURCES)} nguồn):"
    assert headings[-1].startswith(f"Tổng: {len(SOURCES)} nguồn, ")
    line = next(line for line in listing if line.split()[0] == "dien_chau_huyen")
    assert "https://dienchau.nghean.gov.vn/" in line and "(đến 30/06/2025)  (URL chưa xác minh)" in line
    press = run_cchc("sources", "--channel", "central_press").stdout.splitlines()
    assert press[0] == "Báo chí trung ương (tin Nghệ An) (12 nguồn):" and len(press) == 1 + 12 + 1
    assert len({line.index("generic") for line in press[1:-1]}) == 1  # one column, whatever the id's length
