"""The `cchc` command line: one group, one module per command group under cchc.commands."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from cchc import i18n
from cchc.commands import classify, coverage, crawl, demo, extract, label, search, serve, sources, stats, store
from cchc.errors import user_errors
from config.settings import override as override_settings

i18n.install()  # before the group below is declared: its --version help is translated then


class _Cli(click.Group):
    """Turns the project's errors into one line on stderr and a non-zero exit code."""

    def invoke(self, ctx: click.Context) -> object:
        with user_errors():
            return super().invoke(ctx)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Ghi nhật ký chi tiết hơn (-vv để gỡ lỗi).")
@click.option(
    "--config-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Thư mục có các tệp YAML sources/taxonomy/plan/places thay cho bản kèm theo; biến môi trường CCHC_CONFIG_DIR.",
)  # fmt: skip
@click.version_option(package_name="cchc-monitor")
def cli(verbose: int, config_dir: Path | None) -> None:
    """Theo dõi các kênh thông tin của Nghệ An đưa tin về cải cách hành chính (CCHC).

    \b
    Ví dụ:
      cchc demo                                  # thu thập các bản sao kèm theo vào data/demo.db
      cchc search "cai cach hanh chinh" --store sqlite:///data/demo.db
      cchc stats --json
      cchc --config-dir ~/cchc-config sources    # sources.yaml của bạn, các tệp khác dùng bản kèm theo
    """
    override_settings(config_dir=config_dir)
    # Filter on the handler, not the loggers: Scrapy resets its loggers' levels when a crawl starts.
    handler = logging.StreamHandler(sys.stderr)
    handler.setLevel((logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)])
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    logging.root.addHandler(handler)
    logging.root.setLevel(logging.DEBUG)
    # The Elasticsearch transport logs every retry with a traceback; our errors already say it in one line.
    for transport in ("elastic_transport", "opensearch"):
        logging.getLogger(transport).setLevel(logging.DEBUG if verbose >= 2 else logging.CRITICAL)


for command in (
    demo.demo, crawl.crawl, extract.extract, search.search, stats.stats, sources.sources,
    classify.classify, classify.train, classify.evaluate, classify.reclassify, label.label, coverage.coverage,
    serve.serve, serve.users, store.store,
):  # fmt: skip
    cli.add_command(command)


def main() -> None:
    cli(prog_name="cchc")
