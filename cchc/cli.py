"""The `cchc` command line: one group, one module per command group under cchc.commands."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from cchc import i18n
from cchc.commands import classify, coverage, crawl, demo, extract, label, search, serve, sources, stats, store
from cchc.errors import user_errors
from config.settings import get_settings
from config.settings import override as override_settings

# Loggers whose records are the crawl's own detail (every failed request, with its traceback): the command's
# summary says what matters in Vietnamese, so the console shows them only with -v; the log file always has them.
CRAWL_LOGGERS = ("scrapy", "twisted", "py.warnings")
LINE_LIMIT = 300


class OneLine(logging.Formatter):
    """A console record as one line: no traceback, no multi-line payload (items, page dumps), cut to a limit."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage().strip().splitlines()
        text = f"{record.levelname} {record.name}: {message[0] if message else ''}"
        return text if len(text) <= LINE_LIMIT else text[: LINE_LIMIT - 1] + "…"


class QuietCrawl(logging.Filter):
    """Leaves Scrapy's and Twisted's records off the console."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(CRAWL_LOGGERS)


def setup_logging(verbose: int) -> None:
    """Console: warnings in one line each (-v: info from every logger, -vv: debug). With -v, full records with
    tracebacks also go to data/logs/cchc.log."""
    # Filter on the handlers, not the loggers: Scrapy resets its loggers' levels when a crawl starts.
    console = logging.StreamHandler(sys.stderr)
    console.setLevel((logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)])
    console.setFormatter(OneLine())
    if not verbose:
        console.addFilter(QuietCrawl())
    logging.root.addHandler(console)
    logging.root.setLevel(logging.DEBUG)
    if verbose:
        path = get_settings().under_data("logs", "cchc.log")
        path.parent.mkdir(parents=True, exist_ok=True)
        logfile = logging.FileHandler(path, encoding="utf-8")
        logfile.setLevel(logging.DEBUG if verbose >= 2 else logging.INFO)
        logfile.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logging.root.addHandler(logfile)
        click.echo(f"Nhật ký chi tiết: {path}", err=True)
    # The Elasticsearch transport logs every retry with a traceback; our errors already say it in one line.
    for transport in ("elastic_transport", "opensearch"):
        logging.getLogger(transport).setLevel(logging.DEBUG if verbose >= 2 else logging.CRITICAL)


i18n.install()  # before the group below is declared: its --version help is translated then


class _Cli(click.Group):
    """Turns the project's errors into one line on stderr and a non-zero exit code."""

    def invoke(self, ctx: click.Context) -> object:
        with user_errors():
            return super().invoke(ctx)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-v", "--verbose", count=True, help="Ghi nhật ký chi tiết hơn, cả vào data/logs/cchc.log (-vv để gỡ lỗi)."
)
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
    setup_logging(verbose)


for command in (
    demo.demo, crawl.crawl, extract.extract, search.search, stats.stats, sources.sources,
    classify.classify, classify.train, classify.evaluate, classify.reclassify, label.label, coverage.coverage,
    serve.serve, serve.users, store.store,
):  # fmt: skip
    cli.add_command(command)


def main() -> None:
    cli(prog_name="cchc")
