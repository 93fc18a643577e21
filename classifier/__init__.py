"""Tags articles with the plan's content areas: relevance first, then areas and topics.

The only package that calls underthesea; it never imports `crawler` or `search`.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

# The model shipped with the package (classifier.modelfile reads and writes model folders).
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"

# Public names and the module that defines each, imported when first used: importing the package stays light
# (scikit-learn alone takes a second), so `cchc classify --help` and the package's light modules start fast.
_EXPORTS = {"CchcModel": "classifier.model", "Prediction": "classifier.model", "LoadedModel": "classifier.modelfile",
            "ModelError": "classifier.modelfile", "load": "classifier.modelfile"}  # fmt: skip

__all__ = ["DEFAULT_MODEL_DIR", "CchcModel", "LoadedModel", "ModelError", "Prediction", "load"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'classifier' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
