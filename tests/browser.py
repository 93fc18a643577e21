"""Headless Chromium (Debian's package) for page tests: screenshots a page and says whether it is blank."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "artifacts"
# Without these, Chromium tries the network at start-up; this machine has none.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]  # fmt: skip


def chromium() -> str:
    """The browser's path; in CI a missing browser is a failure, elsewhere a skip with the reason."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("chromium is not installed: .ci/run installs Debian's chromium package")
    pytest.skip("chromium is not installed (apt-get install chromium); CI installs it")


def screenshot(url: str, name: str, width: int = 1400, height: int = 2000) -> Path:
    """A PNG of the page at `url`, kept under build/artifacts/ for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"{name}.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
             f"--screenshot={target}", url],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return target


def ink(png: Path) -> tuple[float, int]:
    """The share of pixels that are not background white, and the number of distinct colours."""
    pixels = np.asarray(Image.open(png).convert("RGB").resize((350, 500))).reshape(-1, 3).astype(int)
    inked = int((pixels.sum(axis=1) < 740).sum())
    return inked / len(pixels), len(np.unique(pixels, axis=0))
