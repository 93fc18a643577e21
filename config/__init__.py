"""The YAML files users edit (sources, taxonomy) and their validated models.

This package is importable by every other package: it holds data, its schema and the program's
settings (config.settings), never behaviour of the crawler, classifier or store. One tool lives here because it
only turns config into config: `python -m config.generate_sources` (sources.yaml's unit-portal entries).
"""

from __future__ import annotations

from config.loader import (
    CONFIG_DIR,
    ConfigError,
    config_file,
    load_alerts,
    load_places,
    load_plan,
    load_sources,
    load_taxonomy,
)
from config.models import (
    AlertsConfig,
    Area,
    Gazetteer,
    Layout,
    LayoutFile,
    Place,
    Plan,
    Source,
    SourcesFile,
    Taxonomy,
    Topic,
    UnitDuty,
)
from config.settings import Settings, get_settings

__all__ = [
    "AlertsConfig",
    "CONFIG_DIR",
    "Area",
    "ConfigError",
    "Gazetteer",
    "Layout",
    "LayoutFile",
    "Place",
    "Plan",
    "Settings",
    "Source",
    "SourcesFile",
    "Taxonomy",
    "Topic",
    "UnitDuty",
    "config_file",
    "load_alerts",
    "load_places",
    "load_plan",
    "load_sources",
    "get_settings",
    "load_taxonomy",
]
