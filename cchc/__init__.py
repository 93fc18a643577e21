"""The application shell: the `cchc` command line, local mirrors for the demo, reports."""

from __future__ import annotations

from pathlib import Path

# The local mirrors `cchc demo` serves: package data, so the demo runs from an installed wheel.
MIRRORS_DIR = Path(__file__).resolve().parent / "sites"
# The checkout (meaningful in editable installs only) and the real labeled-news corpora beside it
# (read at run time by training and the benchmarks, never copied in, never needed by the demo).
PROJECT_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA_DIR = PROJECT_DIR.parent / "shared" / "data"
