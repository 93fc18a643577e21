"""`cchc stats`: what the archive holds."""

from __future__ import annotations

import dataclasses

import click

from cchc.options import echo_json, json_option, store_option
from search import open_store


@click.command()
@store_option
@json_option
def stats(store_url: str, as_json: bool) -> None:
    """Số bài theo nguồn, loại kênh, lĩnh vực và tháng, và dung lượng kho lưu trữ.

    \b
    Ví dụ:
      cchc stats --json --store sqlite:///data/demo.db
    """
    with open_store(store_url, create=False) as store:
        result = store.stats()
    if as_json:
        echo_json({"store": store_url, **dataclasses.asdict(result)})
        return
    click.echo(
        f"Kho {store_url}: {result.total} bài viết ({result.relevant} bài về CCHC),"
        f" {result.size_bytes / 1_048_576:.1f} MB"
    )
    for title, counts in (
        ("Theo nguồn", result.by_source),
        ("Theo loại kênh", result.by_channel),
        ("Theo lĩnh vực CCHC", result.by_area),
        ("Theo tháng", result.by_month),
    ):
        click.echo(f"\n{title}:")
        if not counts:
            click.echo("  (chưa có)")
        for key, n in counts.items():
            click.echo(f"  {key:<28} {n:>6}")
