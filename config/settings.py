"""The program's settings: where it keeps data, what the environment says, its limits.

One object replaces scattered environment reads and `data/` literals. Values come from
command-line overrides first, then `CCHC_*` environment variables, then the defaults below.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

ENV_PREFIX = "CCHC_"


class Settings(BaseModel):
    """Everything a run can be told from outside; relative folders are relative to the working folder."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    # A folder whose YAML files replace the bundled ones of the same name (CCHC_CONFIG_DIR).
    config_dir: Path | None = None
    # Where archives, reports, jobs, accounts and dead letters go (CCHC_DATA_DIR).
    data_dir: Path = Path("data")
    store: str | None = None  # CCHC_STORE; None means the SQLite file in data_dir
    users: Path | None = None  # CCHC_USERS; None means data_dir/users.json
    secret: str | None = None  # CCHC_SECRET signs web sessions; None means a key file in data_dir
    dead_letter_dir: Path | None = None  # CCHC_DEAD_LETTER_DIR
    es_api_key: str | None = None
    es_user: str | None = None
    es_password: str = ""
    es_ca_certs: str | None = None
    es_vi_analyzer: str | None = None  # an installed Vietnamese analyzer plugin to index with
    # Where fetched pages are kept as WARC (CCHC_WARC_DIR); None means data_dir/warc, "" keeps none.
    warc_dir: str | None = None
    warc_max_bytes: int = 100_000_000  # a WARC file is closed and the next one started past this size
    warc_keep_days: int | None = None  # WARC files older than this are pruned when a crawl starts; None keeps all
    warc_keep_bytes: int | None = None  # the oldest WARC files are pruned until all of them fit; None keeps all
    # Limits.
    batch_size: int = 500  # articles per store write
    min_text_chars: int = 200  # shorter extracted text is not an article

    @property
    def store_url(self) -> str:
        return self.store or f"sqlite:///{self.data_dir.as_posix()}/cchc.db"

    @property
    def users_file(self) -> Path:
        return self.users or self.data_dir / "users.json"

    @property
    def dead_letters(self) -> Path:
        return self.dead_letter_dir or self.data_dir / "dead-letter"

    @property
    def warc_directory(self) -> Path | None:
        if self.warc_dir == "":
            return None
        return Path(self.warc_dir) if self.warc_dir else self.data_dir / "warc"

    def under_data(self, *parts: str) -> Path:
        """A path inside the data folder."""
        return self.data_dir.joinpath(*parts)


_overrides: dict[str, Any] = {}


def _environment() -> dict[str, str]:
    """The CCHC_* environment variables by field name, in any case: CCHC_DATA_DIR or cchc_data_dir -> data_dir.
    (Read here rather than through pydantic-settings, whose import alone cost every command a tenth of a second.)"""
    return {
        name[len(ENV_PREFIX) :].lower(): value
        for name, value in os.environ.items()
        if name.upper().startswith(ENV_PREFIX)
    }


def get_settings() -> Settings:
    """The settings in force now (read afresh, so a changed environment counts)."""
    return Settings(**{**_environment(), **_overrides})


def override(**values: Any) -> None:
    """Set values from the command line; they win over the environment. None leaves a value alone."""
    _overrides.update({name: value for name, value in values.items() if value is not None})
