"""Load and validate the YAML configuration; errors name the file and the field path."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from config.models import AlertsConfig, Gazetteer, Plan, SourcesFile, Taxonomy
from config.settings import get_settings

# The bundled configuration, installed with the package; a user folder (--config-dir) overrides it file by file.
CONFIG_DIR = Path(__file__).resolve().parent

Model = TypeVar("Model", bound=BaseModel)


class ConfigError(Exception):
    """A configuration file is missing, unreadable or invalid; the message is one line."""


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def config_file(name: str) -> Path:
    """The file `name` of the user's config folder when it has one, else the bundled one."""
    user_dir = get_settings().config_dir
    if user_dir is not None:
        if not user_dir.is_dir():
            raise ConfigError(f"{user_dir}: config folder not found")
        if (user_dir / name).is_file():
            return user_dir / name
    return CONFIG_DIR / name


def load_model(path: Path, model: type[Model]) -> Model:
    """Parse a YAML file into `model`, raising ConfigError with a one-line message."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_model(text, path, model)


def parse_model(text: str, path: Path, model: type[Model]) -> Model:
    """Parse YAML text read from `path` into `model`, raising ConfigError with a one-line message."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: {where}invalid YAML: {problem}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{path}: {_field_path(first['loc'])}: {message}{more}") from None


def load_sources(path: Path | None = None) -> SourcesFile:
    """The watched sources (sources.yaml of the config folder unless `path` is given)."""
    return load_model(path or config_file("sources.yaml"), SourcesFile)


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The plan's content areas and topics (taxonomy.yaml of the config folder unless `path` is given)."""
    return load_model(path or config_file("taxonomy.yaml"), Taxonomy)


def load_plan(path: Path | None = None) -> Plan:
    """The plan's coverage targets and unit duties (plan.yaml of the config folder unless `path` is given)."""
    return load_model(path or config_file("plan.yaml"), Plan)


def load_places(path: Path | None = None) -> Gazetteer:
    """The time-aware gazetteer (places.yaml of the config folder unless `path` is given)."""
    return load_model(path or config_file("places.yaml"), Gazetteer)


def load_alerts(path: Path | None = None) -> AlertsConfig:
    """Who is told what, and how (alerts.yaml of the config folder unless `path` is given)."""
    return load_model(path or config_file("alerts.yaml"), AlertsConfig)
