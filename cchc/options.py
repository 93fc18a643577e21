"""Options several commands share."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click


def _default_store() -> str:
    from config import get_settings  # only when --store is not given: --help does not load the settings

    return get_settings().store_url


store_option = click.option(
    "--store",
    "store_url",
    envvar="CCHC_STORE",
    default=_default_store,
    show_default="sqlite:///data/cchc.db",
    help="URL của kho lưu trữ: sqlite:///data/kho.db (đường dẫn tương đối) hoặc sqlite:////tmp/kho.db"
    " (tuyệt đối); biến môi trường CCHC_STORE.",
)
json_option = click.option("--json", "as_json", is_flag=True, help="In JSON cho máy đọc ra stdout.")


class DateParam(click.ParamType):
    """A calendar date, YYYY-MM-DD."""

    name = "DATE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} không phải ngày: hãy viết YYYY-MM-DD", param, ctx)


DATE = DateParam()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
