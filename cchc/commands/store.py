"""`cchc store`: set up, migrate, back up, replay deferred writes into, and copy between archives."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from cchc.options import store_option
from config import get_settings
from search import VN_TZ, Store, StoreError, UpsertOutcome, open_store
from search.batching import batched
from search.deadletter import DeadLetter

BATCH = 500


def _elastic(store: Store):  # noqa: ANN202 - the Elasticsearch client, when the store has one
    return getattr(store, "client", None)


@click.group()
def store() -> None:
    """Khởi tạo và bảo trì kho lưu trữ (SQLite hoặc Elasticsearch).

    \b
    Ví dụ:
      cchc store init --store elasticsearch+http://localhost:9200
      cchc store copy --from sqlite:///data/cchc.db --to elasticsearch+http://localhost:9200
      cchc store replay --store elasticsearch+http://localhost:9200
      cchc store backup --store sqlite:///data/cchc.db --keep 14
    """


def _set_up(store_url: str, step: str) -> None:
    """Run an index setup step (init or migrate) on Elasticsearch; SQLite does both when opened."""
    from search.elastic import setup

    with open_store(store_url) as target:
        client = _elastic(target)
        if client is None:
            click.echo(f"{store_url}: SQLite creates and migrates its schema when opened; nothing else to do.")
            return
        try:
            lines = getattr(setup, step)(client)
        except Exception as exc:  # noqa: BLE001 - a cluster can refuse in many ways; say it in one line
            raise StoreError(f"{store_url}: {step} failed: {type(exc).__name__}: {str(exc)[:200]}") from None
    for line in lines:
        click.echo(line)


@store.command()
@store_option
def init(store_url: str) -> None:
    """Tạo những gì kho lưu trữ cần: mẫu chỉ mục, các chỉ mục đầu tiên và bí danh (chạy lại được)."""
    _set_up(store_url, "init")


@store.command()
@store_option
def check(store_url: str) -> None:
    """Kiểm tra kho lưu trữ: PRAGMA integrity_check của SQLite hoặc tình trạng cụm máy chủ tìm kiếm.

    Mã thoát 2 khi kho bị hỏng.
    """
    from cchc.commands.serve import check_store

    for line in check_store(store_url):
        click.echo(line)


@store.command()
@store_option
def migrate(store_url: str) -> None:
    """Chuyển kho lưu trữ sang lược đồ hoặc mẫu chỉ mục hiện hành (đánh chỉ mục lại Elasticsearch nếu cần)."""
    _set_up(store_url, "migrate")


@store.command()
@store_option
@click.option("--dead-letter", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=lambda: get_settings().dead_letters, show_default="data/dead-letter",
              help="Thư mục chứa các bài chờ ghi (biến môi trường CCHC_DEAD_LETTER_DIR).")  # fmt: skip
def replay(store_url: str, folder: Path) -> None:
    """Ghi vào kho (--store) những bài trước đó kho chưa nhận được (các tệp dead-letter)."""
    letters = DeadLetter(folder)
    totals = dict.fromkeys(UpsertOutcome, 0)
    with open_store(store_url) as target:
        for claimed, articles in letters.take():
            try:
                counts = target.upsert_many(articles)
            except StoreError:
                claimed.replace(claimed.with_suffix(".jsonl"))  # keep it for the next try
                raise
            claimed.unlink()  # what was deferred again is already in a new dead-letter file
            for outcome, n in counts.items():
                totals[outcome] += n
    click.echo(
        f"Đã ghi lại: {totals[UpsertOutcome.NEW]} bài mới, {totals[UpsertOutcome.UPDATED]} cập nhật,"
        f" {totals[UpsertOutcome.UNCHANGED]} không đổi; còn chờ: {totals[UpsertOutcome.DEFERRED]}."
    )
    if totals[UpsertOutcome.DEFERRED]:
        raise click.ClickException(f"còn {totals[UpsertOutcome.DEFERRED]} bài chờ ghi: hãy thử lại sau")


@store.command()
@click.option("--from", "source_url", required=True, help="Kho lưu trữ để đọc.")
@click.option("--to", "target_url", required=True, help="Kho lưu trữ để ghi (khởi tạo trước: cchc store init).")
def copy(source_url: str, target_url: str) -> None:
    """Chép mọi bài viết và bản ghi thu thập từ kho này sang kho khác, rồi đối chiếu số lượng."""
    if source_url == target_url:
        raise click.BadParameter("--from và --to là cùng một kho lưu trữ")
    totals = dict.fromkeys(UpsertOutcome, 0)
    with open_store(source_url) as source, open_store(target_url) as target:
        expected = source.stats().total
        with Progress(console=Console(stderr=True)) as progress:
            task = progress.add_task("Đang sao chép", total=expected)
            for batch in batched(source.iter_articles(), BATCH):
                for outcome, n in target.upsert_many(batch).items():
                    totals[outcome] += n
                progress.advance(task, len(batch))
        for run in reversed(source.runs(limit=100_000)):
            target.record_run(run)
        if hasattr(target, "refresh"):
            target.refresh()
        copied = sum(target.exists(a.id) for a in source.iter_articles())
    click.echo(
        f"Đã chép {copied}/{expected} bài ({totals[UpsertOutcome.NEW]} mới, {totals[UpsertOutcome.UPDATED]} cập nhật,"
        f" {totals[UpsertOutcome.UNCHANGED]} đã có) từ {source_url} sang {target_url}."
    )
    if copied != expected:
        raise click.ClickException(
            f"đối chiếu số lượng không khớp: {target_url} có {copied}/{expected} bài"
            f" ({totals[UpsertOutcome.DEFERRED]} bài chờ ghi: cchc store replay --store {target_url})"
        )


BACKUP_PATTERN = "cchc-*.db"


@store.command()
@store_option
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp sao lưu (mặc định: data/backups/cchc-NĂMTHÁNGNGÀY-GIỜPHÚT.db).")  # fmt: skip
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="Chỉ giữ N bản sao lưu mới nhất trong data/backups/ (xóa bản cũ hơn).")  # fmt: skip
def backup(store_url: str, output: Path | None, keep: int | None) -> None:
    """Sao lưu kho SQLite khi nó vẫn đang được dùng (sao lưu trực tuyến của SQLite, bản sao nhất quán).

    Kho Elasticsearch/OpenSearch: dùng snapshot của cụm máy chủ.
    """
    folder = get_settings().under_data("backups")
    target = output or folder / datetime.now(VN_TZ).strftime("cchc-%Y%m%d-%H%M%S.db")
    with open_store(store_url, create=False) as archive:
        if not hasattr(archive, "backup"):
            raise StoreError(f"{store_url}: sao lưu kho Elasticsearch/OpenSearch bằng snapshot của cụm máy chủ")
        written = archive.backup(target)
    click.echo(f"Đã sao lưu kho vào {written} ({written.stat().st_size / 1e6:.1f} MB).")
    if keep is not None:
        for old in sorted(folder.glob(BACKUP_PATTERN), reverse=True)[keep:]:
            old.unlink()
            click.echo(f"Đã xóa bản sao lưu cũ {old}.")
