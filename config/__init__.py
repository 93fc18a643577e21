"""The YAML files users edit (sources, taxonomy) and their validated models.

This package is importable by every other package: it holds data and its schema,
never behaviour of the crawler, classifier or store.
"""

from __future__ import annotations

from config.loader import CONFIG_DIR, ConfigError, load_places, load_plan, load_sources, load_taxonomy
from config.models import Area, Gazetteer, Layout, LayoutFile, Place, Plan, Source, SourcesFile, Taxonomy, Topic

__all__ = [
    "CONFIG_DIR",
    "Area",
    "ConfigError",
    "Gazetteer",
    "Layout",
    "LayoutFile",
    "Place",
    "Plan",
    "Source",
    "SourcesFile",
    "Taxonomy",
    "Topic",
    "load_places",
    "load_plan",
    "load_sources",
    "load_taxonomy",
]
