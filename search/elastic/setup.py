"""Index templates, first indices and aliases; rolling to a new index when a template changes.

`client` is either engine's official client (Elasticsearch or OpenSearch): both take these request bodies.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from config.settings import get_settings

logger = logging.getLogger(__name__)

HERE = Path(__file__).parent


@dataclass(frozen=True)
class IndexFamily:
    """An alias (what reads and writes use) over versioned indices made from one template file."""

    alias: str
    template_file: Path

    @property
    def template(self) -> dict[str, Any]:
        data = json.loads(self.template_file.read_text(encoding="utf-8"))
        vi_analyzer = get_settings().es_vi_analyzer
        if vi_analyzer and "properties" in data["template"]["mappings"]:
            # The analysis-vietnamese plugin's analyzer for the exact (accented) text fields.
            for field in ("title", "lead", "text"):
                data["template"]["mappings"]["properties"].get(field, {})["analyzer"] = vi_analyzer
        return data

    @property
    def version(self) -> int:
        return int(self.template["template_version"])

    def index_name(self, version: int | None = None) -> str:
        return f"{self.alias}-v{version or self.version}"

    def template_body(self) -> dict[str, Any]:
        """The body for PUT _index_template: the file without its comment, versioned."""
        data = self.template
        return {
            "index_patterns": data["index_patterns"],
            "template": data["template"],
            "version": data["template_version"],
            "_meta": {"managed_by": "cchc"},
        }


ARTICLES = IndexFamily("cchc-articles", HERE / "articles-template.json")
RUNS = IndexFamily("cchc-runs", HERE / "runs-template.json")
FAMILIES = (ARTICLES, RUNS)


def current_index(client: Any, family: IndexFamily) -> str | None:
    """The index the alias points to, or None when there is no alias yet."""
    if not client.indices.exists_alias(name=family.alias):
        return None
    return next(iter(client.indices.get_alias(name=family.alias)))


def mapping_meta(client: Any, index: str) -> dict[str, Any]:
    """What `index`'s mapping records of its documents (_meta; empty when nothing)."""
    return dict(client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {}))


def init(client: Any) -> list[str]:
    """Put the templates; create each family's first index and alias when missing. Repeatable."""
    done = []
    for family in FAMILIES:
        client.indices.put_index_template(name=family.alias, body=family.template_body())
        if current_index(client, family) is None:
            client.indices.create(index=family.index_name(), body={"aliases": {family.alias: {"is_write_index": True}}})
            done.append(f"created {family.index_name()} behind alias {family.alias}")
        else:
            done.append(f"{family.alias} -> {current_index(client, family)} (kept)")
    return done


def migrate(client: Any) -> list[str]:
    """When a template's version is newer than the alias's index: new index, reindex, move the alias."""
    done = init(client)
    for family in FAMILIES:
        old = current_index(client, family)
        new = family.index_name()
        if old == new:
            done.append(f"{family.alias}: already on {new}")
            continue
        if not client.indices.exists(index=new):
            client.indices.create(index=new)
        client.indices.refresh(index=old)  # a reindex copies what searches see: the latest writes too
        client.reindex(body={"source": {"index": old}, "dest": {"index": new}}, wait_for_completion=True, refresh=True)
        old_count, new_count = client.count(index=old)["count"], client.count(index=new)["count"]
        if old_count != new_count:
            raise RuntimeError(f"reindex of {old} into {new} copied {new_count} of {old_count} documents")
        # What the old index recorded of its documents (the articles' near-duplicate layout) holds for the copies.
        if meta := mapping_meta(client, old):
            client.indices.put_mapping(index=new, body={"_meta": meta})
        client.indices.update_aliases(body={"actions": [
            {"remove": {"index": old, "alias": family.alias}},
            {"add": {"index": new, "alias": family.alias, "is_write_index": True}},
        ]})  # fmt: skip
        done.append(f"{family.alias}: {old} -> {new} ({new_count} documents); {old} kept until you delete it")
    done.append(free_self_reprints(client))
    return done


def free_self_reprints(client: Any) -> str:
    """Originals an older program marked reprints of themselves (an edited original stored again found its own
    reprints; neardup.judge now skips them) become originals again, and count. Repeatable."""
    itself = "doc['duplicate_of'].size() > 0 && doc['duplicate_of'].value == doc['id'].value"
    body = {"query": {"script": {"script": {"source": itself, "lang": "painless"}}},
            "script": {"source": "ctx._source.duplicate_of = null", "lang": "painless"}}  # fmt: skip
    freed = client.update_by_query(index=ARTICLES.alias, body=body, refresh=True, conflicts="proceed")["updated"]
    return f"{ARTICLES.alias}: {freed} originals marked reprints of themselves freed"
