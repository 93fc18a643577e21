"""Tags articles with the plan's content areas: relevance first, then areas and topics.

The only package that calls underthesea; it never imports `crawler` or `search`.
"""

from __future__ import annotations

from classifier.model import CchcModel, Prediction
from classifier.modelfile import DEFAULT_MODEL_DIR, LoadedModel, ModelError, load

__all__ = ["DEFAULT_MODEL_DIR", "CchcModel", "LoadedModel", "ModelError", "Prediction", "load"]
