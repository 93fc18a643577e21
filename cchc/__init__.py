"""The application shell: the `cchc` command line, local mirrors for the demo, reports."""

from __future__ import annotations

from pathlib import Path

# The checkout this package runs from (the project installs in editable mode).
PROJECT_DIR = Path(__file__).resolve().parent.parent
MIRRORS_DIR = PROJECT_DIR / "tests" / "fixtures" / "sites"
