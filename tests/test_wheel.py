"""The built wheel, installed into a new virtualenv outside the checkout, runs the demo and classifies.

Slow (one wheel build, one venv, one demo crawl); `make test` runs it, `pytest -m "not slow"` skips it.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from cchc import PROJECT_DIR

pytestmark = pytest.mark.slow


def _run(*args: str | Path, cwd: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    # No PYTHONPATH and a working folder outside the checkout: only the installed wheel can answer.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "CCHC_"))}
    env |= {"PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv holding the project's wheel; dependencies come from the project's environment."""
    root = tmp_path_factory.mktemp("wheel")
    # Built from a clean copy: setuptools' build/ folder in the checkout would keep modules since removed. Hypothesis'
    # example folder is left out too: another xdist worker may be rewriting it while this one copies.
    source = root / "src"
    junk = shutil.ignore_patterns(".git", ".venv", "build", "data", "*.egg-info", "__pycache__", ".*_cache",
                                  ".hypothesis")  # fmt: skip
    shutil.copytree(PROJECT_DIR, source, ignore=junk)
    built = _run(sys.executable, "-m", "pip", "wheel", source, "--no-deps", "--no-build-isolation",
                 "--quiet", "-w", root / "dist")  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("cchc_monitor-*.whl")
    made = _run(sys.executable, "-m", "venv", "--without-pip", root / "venv")
    assert made.returncode == 0, made.stderr
    python = root / "venv" / "bin" / "python"
    purelib = _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    # The project's installed dependencies, after the new venv's own packages (a .pth line adds a path;
    # it does not run the editable-install hook that points `cchc` at the checkout).
    Path(purelib, "project-deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    installed = _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--quiet", wheel)
    assert installed.returncode == 0, installed.stderr
    return root / "venv"


def test_the_wheel_runs_the_demo_in_an_empty_folder(venv: Path, tmp_path: Path) -> None:
    where = _run(venv / "bin" / "python", "-c", "import cchc, classifier; print(cchc.__file__, classifier.__file__)",
                 cwd=tmp_path)  # fmt: skip
    assert str(PROJECT_DIR) not in where.stdout and str(venv) in where.stdout, where.stdout + where.stderr
    result = _run(venv / "bin" / "cchc", "demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "demo.db").stat().st_size > 0
    assert list((tmp_path / "data" / "reports").glob("*.html")), "the demo writes its coverage report"


def test_the_wheel_classifies_with_its_bundled_model(venv: Path, tmp_path: Path) -> None:
    line = {"id": "a1", "title": "Đẩy mạnh cải cách thủ tục hành chính, dịch vụ công trực tuyến",
            "text": "Trung tâm Phục vụ hành chính công tỉnh tiếp nhận hồ sơ thủ tục hành chính một cửa."}  # fmt: skip
    (tmp_path / "in.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    result = _run(venv / "bin" / "cchc", "classify", "--input", "in.jsonl", "--output", "out.jsonl", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (out,) = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert out["id"] == "a1" and out["relevant"] is True and "thu_tuc" in out["areas"]
