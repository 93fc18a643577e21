"""The application shell: the `cchc` command line, local mirrors for the demo, reports."""

from __future__ import annotations

from pathlib import Path

# The checkout this package runs from (the project installs in editable mode).
PROJECT_DIR = Path(__file__).resolve().parent.parent
MIRRORS_DIR = PROJECT_DIR / "tests" / "fixtures" / "sites"
# Real labeled-news corpora beside the checkout (read at run time, never copied in).
SHARED_DATA_DIR = PROJECT_DIR.parent / "shared" / "data"
