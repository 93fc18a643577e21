"""Model files: a directory with model.joblib and metadata.json (versions, hashes, metrics).

Loading unpickles code: never load a model directory from an untrusted place.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import platform
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib

from classifier.model import DEFAULT_THRESHOLD, RELEVANCE, CchcModel
from config import Taxonomy

logger = logging.getLogger(__name__)

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
LIBRARIES = ("scikit-learn", "numpy", "scipy", "underthesea", "joblib", "gensim")


class ModelError(Exception):
    """A model directory is missing, unreadable or does not fit the taxonomy; the message is one line."""


class ModelIntegrityError(ModelError):
    """A model file's bytes do not match the hash in its metadata: it was changed, swapped or damaged."""


@dataclass(frozen=True)
class LoadedModel:
    model: CchcModel
    metadata: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unknown"))


def taxonomy_hash(taxonomy: Taxonomy) -> str:
    """A hash of everything in the taxonomy a model depends on (ids, descriptions, seed phrases); the acronyms
    only serve search, so users add them without retraining."""
    canonical = json.dumps(taxonomy.model_dump(exclude={"acronyms"}), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def library_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_file(model_path: Path, meta: dict[str, Any]) -> None:
    """Refuse a model file whose bytes are not the ones its metadata names (checked before unpickling).

    Metadata written before the full "sha256" field existed is checked against the short digest that ends its
    "version" (YYYYMMDD-<12 hex>), so the committed default model still loads.
    """
    actual = file_sha256(model_path)
    expected = meta.get("sha256")
    if isinstance(expected, str) and expected:
        if not hmac.compare_digest(actual, expected.lower()):
            raise ModelIntegrityError(f"{model_path}: SHA-256 {actual[:12]}… does not match metadata {expected[:12]}…;"
                             " the file was changed or damaged: refusing to load it")  # fmt: skip
        return
    short = str(meta.get("version", "")).rpartition("-")[2].lower()
    if not re.fullmatch(r"[0-9a-f]{12,64}", short):
        raise ModelIntegrityError(
            f"{model_path}: metadata has no model hash (sha256): refusing to load it; retrain with `make model`"
        )
    if not actual.startswith(short):
        raise ModelIntegrityError(f"{model_path}: SHA-256 {actual[:12]}… does not match version {meta.get('version')};"
                         " the file was changed or damaged: refusing to load it")  # fmt: skip


def save(model: CchcModel, directory: Path, taxonomy: Taxonomy, extra: dict[str, Any]) -> dict[str, Any]:
    """Write model.joblib and metadata.json; return the metadata."""
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, directory / MODEL_FILE, compress=("xz", 6))
    sha256 = file_sha256(directory / MODEL_FILE)
    meta = {
        "version": f"{datetime.now(UTC):%Y%m%d}-{sha256[:12]}",
        "sha256": sha256,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "taxonomy_hash": taxonomy_hash(taxonomy),
        "libraries": library_versions(),
        "thresholds": model.thresholds_,
        "labels_learned": sorted(model.label_models_),
        **extra,
    }
    (directory / METADATA_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return meta


def read_metadata(directory: Path) -> dict[str, Any]:
    """A model directory's metadata.json, read without unpickling anything."""
    meta_path, model_path = directory / METADATA_FILE, directory / MODEL_FILE
    if not meta_path.exists() or not model_path.exists():
        raise ModelError(f"{directory}: not a model directory (needs {MODEL_FILE} and {METADATA_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelError(f"{meta_path}: unreadable metadata: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelError(f"{meta_path}: metadata is not a JSON object")
    return meta


def relevance_threshold(directory: Path) -> float:
    """The relevance score at which the model calls an article relevant: where it is least sure."""
    thresholds = read_metadata(directory).get("thresholds")
    value = thresholds.get(RELEVANCE, DEFAULT_THRESHOLD) if isinstance(thresholds, dict) else DEFAULT_THRESHOLD
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ModelError(f"{directory / METADATA_FILE}: thresholds.relevant is not a number between 0 and 1")
    return float(value)


def load(directory: Path, taxonomy: Taxonomy) -> LoadedModel:
    """Load a model directory; refuse it when its file does not match its metadata's hash (before unpickling)
    or when it was trained on another taxonomy."""
    model_path = directory / MODEL_FILE
    meta = read_metadata(directory)
    expected = taxonomy_hash(taxonomy)
    if meta.get("taxonomy_hash") != expected:
        raise ModelError(
            f"{directory}: trained for taxonomy {meta.get('taxonomy_hash')}, but config/taxonomy.yaml is {expected};"
            " retrain with `make model`"
        )
    verify_model_file(model_path, meta)
    try:
        model = joblib.load(model_path)
    except Exception as exc:  # noqa: BLE001 - a damaged file can fail in many ways; report it in one line
        raise ModelError(f"{model_path}: cannot load the model: {exc}") from None
    if not isinstance(model, CchcModel):
        raise ModelError(f"{model_path}: not a CCHC model")
    return LoadedModel(model, meta)
