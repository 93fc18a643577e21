"""The `cchc` command line: one group, one module per command group under cchc.commands.

A command's module (and what it imports: Scrapy, scikit-learn, FastAPI, ...) is imported only when that
command runs or shows its help, so `cchc --help` and light commands start fast: the group lists the
commands from the table below, never by importing them.
"""

from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import click

from cchc import i18n
from cchc.errors import user_errors

# Each command: the cchc.commands module and the attribute that define it, and the one-line summary
# `cchc --help` shows (the first sentence of the command's help; tests/test_cli.py checks they agree).
COMMANDS = {
    "alerts": ("alerts", "alerts",
               "Cảnh báo gửi theo config/alerts.yaml: hộp thư đi (data/outbox), thư điện tử, webhook."),
    "classify": ("classify", "classify",
                 "Gán nhãn cho bài viết: có về CCHC không, lĩnh vực, chủ đề; mỗi dòng vào một đối tượng JSON, "
                 "ra một đối tượng."),
    "coverage": ("coverage", "coverage",
                 "Độ phủ các lĩnh vực của kế hoạch theo kênh và kỳ: số bài, chỉ tiêu, khoảng trống, "
                 "bảng điểm đơn vị."),
    "crawl": ("crawl", "crawl", "Thu thập bài mới của các nguồn (mọi nguồn đang bật khi không nêu nguồn nào) vào kho."),
    "daily": ("daily", "daily",
              "Một ngày làm việc tự động: thu thập các nguồn đến hạn, cập nhật tình trạng nguồn, viết báo cáo theo "
              "kỳ, gửi cảnh báo."),
    "demo": ("demo", "demo",
             "Phục vụ các bản sao kèm theo trên loopback, thu thập, phân loại, lưu vào SQLite, "
             "viết báo cáo độ phủ."),
    "evaluate": ("classify", "evaluate",
                 "Độ chính xác (precision), độ phủ (recall), F1 theo từng nhãn và macro F1 của một mô hình "
                 "trên tệp JSONL chuẩn."),
    "evidence": ("evidence", "evidence",
                 "Ghi ra trang của một bài đúng như khi được tải về (bằng chứng, đọc từ tệp WARC)."),
    "extract": ("extract", "extract", "In bài viết trích từ một trang HTML đã lưu, dưới dạng một đối tượng JSON."),
    "label": ("label", "label",
              "Gán nhãn cho những bài mô hình phân vân nhất (xác suất gần ngưỡng nhất) mà chưa ai gán nhãn."),
    "reclassify": ("classify", "reclassify",
                   "Gán nhãn lại mọi bài trong kho bằng một mô hình (mới) và danh mục địa danh; "
                   "giữ nguyên nhãn do người sửa."),
    "search": ("search", "search",
               'Tìm kiếm trong kho lưu trữ; gõ dấu hay không đều được ("cai cach" tìm ra "cải cách").'),
    "serve": ("serve", "serve", "Chạy ứng dụng web tiếng Việt (tìm kiếm, bài viết, mức độ đưa tin, nguồn)."),
    "sources": ("sources", "sources", "Liệt kê các nguồn được theo dõi (config/sources.yaml)."),
    "stats": ("stats", "stats", "Số bài theo nguồn, loại kênh, lĩnh vực và tháng, và dung lượng kho lưu trữ."),
    "store": ("store", "store", "Khởi tạo và bảo trì kho lưu trữ (SQLite hoặc Elasticsearch)."),
    "train": ("classify", "train",
              "Huấn luyện bộ phân loại trên dữ liệu đã gán nhãn và ghi ra một thư mục mô hình."),
    "users": ("serve", "users", "Các tài khoản được sửa nhãn trong ứng dụng web."),
}  # fmt: skip

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
        from config.settings import get_settings

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


class _LazyCommands(Mapping[str, click.Command]):
    """The group's commands by name (click looks them up here): a command's module is imported when the command
    itself is looked up, never to list the names or suggest one for a typo."""

    def __getitem__(self, name: str) -> click.Command:
        module, attribute, _ = COMMANDS[name]
        return getattr(importlib.import_module(f"cchc.commands.{module}"), attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class _Cli(click.Group):
    """Runs the commands of COMMANDS, listing them without importing them; turns the project's errors into
    one line on stderr and a non-zero exit code."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their summaries laid out as click lays them out, but from COMMANDS: no command module
        is imported."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = [(name, click.Command(name, help=COMMANDS[name][2]).get_short_help_str(limit)) for name in names]
        with formatter.section(click.core._("Commands")):  # click's own heading, in Vietnamese by cchc.i18n
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> object:
        with user_errors():
            return super().invoke(ctx)


@click.group(cls=_Cli, commands=_LazyCommands(), context_settings={"help_option_names": ["-h", "--help"]})
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
    if config_dir is not None:  # the settings take a fifth of a second to import: only when there is one to set
        from config.settings import override as override_settings

        override_settings(config_dir=config_dir)
    setup_logging(verbose)


def main() -> None:
    cli(prog_name="cchc")
