"""Model files: a directory with model.joblib and metadata.json (versions, hashes, metrics).

Loading unpickles code: never load a model directory from an untrusted place.
"""

from __future__ import annotations

import hashlib
import json
import logging
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib

from classifier.model import CchcModel
from config import Taxonomy

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
DEFAULT_MODEL_DIR = Path(__file__).resolve().parent / "models" / "default"
LIBRARIES = ("scikit-learn", "numpy", "scipy", "underthesea", "joblib")


class ModelError(Exception):
    """A model directory is missing, unreadable or does not fit the taxonomy; the message is one line."""


@dataclass(frozen=True)
class LoadedModel:
    model: CchcModel
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unknown"))


def taxonomy_hash(taxonomy: Taxonomy) -> str:
    """A hash of everything in the taxonomy a model depends on (ids, descriptions, seed phrases)."""
    canonical = json.dumps(taxonomy.model_dump(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def save(model: CchcModel, directory: Path, taxonomy: Taxonomy, extra: dict[str, Any]) -> dict[str, Any]:
    """Write model.joblib and metadata.json; return the metadata."""
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, directory / MODEL_FILE, compress=("xz", 6))
    digest = hashlib.sha256((directory / MODEL_FILE).read_bytes()).hexdigest()[:12]
    meta = {
        "version": f"{datetime.now(UTC):%Y%m%d}-{digest}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "taxonomy_hash": taxonomy_hash(taxonomy),
        "libraries": library_versions(),
        "thresholds": model.thresholds_,
        "labels_learned": sorted(model.label_models_),
        **extra,
    }
    (directory / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def load(directory: Path, taxonomy: Taxonomy) -> LoadedModel:
    """Load a model directory; refuse it when it was trained on another taxonomy."""
    meta_path, model_path = directory / METADATA_FILE, directory / MODEL_FILE
    if not meta_path.exists() or not model_path.exists():
        raise ModelError(f"{directory}: not a model directory (needs {MODEL_FILE} and {METADATA_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path}: unreadable metadata: {exc}") from None
    expected = taxonomy_hash(taxonomy)
    if meta.get("taxonomy_hash") != expected:
        raise ModelError(
            f"{directory}: trained for taxonomy {meta.get('taxonomy_hash')}, but config/taxonomy.yaml is {expected};"
            " retrain with `make model`"
        )
    try:
        model = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail in many ways; report it in one line
        raise ModelError(f"{model_path}: cannot load the model: {exc}") from None
    if not isinstance(model, CchcModel):
        raise ModelError(f"{model_path}: not a CCHC model")
    return LoadedModel(model, meta)
