"""The files in deploy/ that run the monitor for an office: every cchc command they start exists with those options,
and systemd accepts the units."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from cchc import PROJECT_DIR
from tests.conftest import run_cchc

DEPLOY = PROJECT_DIR / "deploy"
UNITS = sorted(DEPLOY.glob("*.service")) + sorted(DEPLOY.glob("*.timer"))
VENV_CCHC = "/srv/cchc/.venv/bin/cchc"


def _commands() -> list[list[str]]:
    """Every `cchc ...` command line the units and the cron line start, without the program itself."""
    lines = []
    for unit in DEPLOY.glob("*.service"):
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        parser.read(unit, encoding="utf-8")
        for key in ("ExecStartPre", "ExecStart"):
            if parser.has_option("Service", key):
                lines.append(parser.get("Service", key))
    cron = [line for line in (DEPLOY / "cchc.cron").read_text().splitlines() if line and line[0].isdigit()]
    for line in cron:
        lines += [part.split(">>")[0] for part in line.split("&&") if "bin/cchc" in part]
    commands = []
    for line in lines:
        words = shlex.split(line)
        at = next(i for i, w in enumerate(words) if w.endswith("bin/cchc"))
        commands.append(words[at + 1 :])
    return commands


def test_the_units_and_cron_start_commands_that_exist() -> None:
    commands = _commands()
    assert ["daily"] in commands and ["store", "backup", "--keep", "14"] in commands
    assert any(c[0] == "serve" for c in commands)
    for command in commands:
        result = run_cchc(*command, "--help")
        assert result.returncode == 0, (command, result.stderr)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    # The units name /srv/cchc/.venv/bin/cchc: verify them against a copy that names this checkout's program.
    cchc = shutil.which("cchc", path=str(Path(PROJECT_DIR / ".venv" / "bin"))) or shutil.which("cchc")
    assert cchc, "the cchc program is installed"
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8").replace(VENV_CCHC, cchc).replace("User=cchc", "User=root")
        (tmp_path / unit.name).write_text(text.replace("Group=cchc", "Group=root"), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / u.name) for u in UNITS)],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    problems = [line for line in result.stderr.splitlines() if tmp_path.name in line or "cchc" in line]
    assert not problems, result.stderr
