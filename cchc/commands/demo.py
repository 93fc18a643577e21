"""`cchc demo`: the whole job, offline, on the bundled local mirrors."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from cchc import MIRRORS_DIR
from cchc.commands.coverage import build_report, default_range, write_report_files
from cchc.commands.crawl import check_model, crawl_with_progress, describe, report_failures
from cchc.errors import EXIT_FAILURE
from cchc.reports.headlines import headlines
from config import get_settings, load_sources, load_taxonomy
from search import VN_TZ, crawlstats, open_store

# Loopback needs no politeness; the real sites keep the project's settings.
LOOPBACK_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}


@click.command()
@click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: get_settings().under_data("demo.db"), show_default="data/demo.db", help="Tệp SQLite ghi ra.",
)  # fmt: skip
@click.option(
    "--mirrors", "mirrors_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=MIRRORS_DIR, show_default=True, help="Thư mục các bản sao cục bộ, mỗi nguồn một thư mục con.",
)  # fmt: skip
def demo(db_path: Path, mirrors_dir: Path) -> None:
    """Phục vụ các bản sao kèm theo trên loopback, thu thập, phân loại, lưu vào SQLite, viết báo cáo độ phủ.

    Chạy không cần mạng. Chạy lần hai không thêm gì mới và nói rõ điều đó.

    \b
    Ví dụ:
      cchc demo && cchc search "cai cach hanh chinh" --store sqlite:///data/demo.db
    """
    store_url = f"sqlite:///{db_path}"
    config = load_sources()
    open_store(store_url).close()  # fail now, in one line, if the archive cannot be opened
    check_model(LOOPBACK_SETTINGS)
    from cchc.mirrors import MirrorServer  # Scrapy's sitemap parser: not for --help

    with MirrorServer(mirrors_dir) as server:
        sources = server.mirrored(config.sources)
        if not sources:
            raise click.ClickException(
                f"không bản sao nào trong {mirrors_dir} trùng mã nguồn trong config/sources.yaml"
            )
        click.echo(f"Máy chủ bản sao cục bộ: {server.base_url} ({', '.join(s.id for s in sources)})")
        settings = {**LOOPBACK_SETTINGS, "CCHC_STORE": store_url, "CCHC_MIRRORS": server.host_map(sources)}
        summaries = crawl_with_progress(sources, settings)

    for summary in summaries:
        click.echo(describe(summary))
    failed = report_failures(summaries, {s.id: s.name for s in sources})
    with open_store(store_url) as store:
        stats = store.stats()
    if stats.total == 0:
        raise click.ClickException("lần thu thập không lưu được bài nào: chạy `cchc -v demo` để xem vì sao")
    click.echo(f"\nKho lưu trữ {db_path}: {stats.total} bài viết, {stats.relevant} bài về cải cách hành chính.")
    click.echo("Theo lĩnh vực của Kế hoạch 47/KH-UBND:")
    for area in load_taxonomy().areas:
        click.echo(f"  {area.name:<60} {stats.by_area.get(area.id, 0):>4} bài")
    click.echo("Theo chuyên mục:")
    for source in sources:
        click.echo(f"  {source.name} ({source.id}):")
        for section, count in stats.by_section.get(source.id, {}).items():
            label = "(không có chuyên mục)" if section == "unknown" else section
            click.echo(f"    {label:<24} {count:>4} bài")
    new = sum(s.count(crawlstats.STORED_NEW) + s.count(crawlstats.STORED_UPDATED) for s in summaries)
    if new == 0:
        click.echo("\nLần chạy này không có bài mới: mọi bài trên bản sao đã có trong kho.")
    report, names = build_report(store_url, *default_range(today := datetime.now(VN_TZ).date()), "month", today)
    html_path, xlsx_path, docx_path = write_report_files(
        report, names, get_settings().under_data("reports", "demo-do-phu")
    )
    click.echo(f"\nBáo cáo độ phủ từ {report.date_from:%d/%m/%Y} đến {report.date_to:%d/%m/%Y}: {html_path.resolve()}")
    for line in headlines(report, names)["channels"]:
        click.echo(f"  {line.text}")
    click.echo(f"  mở bằng trình duyệt: file://{html_path.resolve()}")
    click.echo(f"  bảng tính: {xlsx_path.resolve()}")
    click.echo(f"  văn bản Word (đính kèm công văn): {docx_path.resolve()}")
    click.echo(
        "\nTìm kiếm trong kho (không cần gõ dấu):\n"
        f'  cchc search "cai cach hanh chinh" --store {store_url}\n'
        f"  cchc stats --store {store_url}\n"
        "\nỨng dụng web (tìm kiếm, độ phủ, nguồn, sửa nhãn):\n"
        f"  cchc serve --store {store_url}    rồi mở http://127.0.0.1:8000/\n"
        "  cchc users add TEN_DANG_NHAP      để tạo tài khoản được sửa nhãn"
    )
    if warc := get_settings().warc_directory:
        click.echo(
            f"\nCác trang đã tải được lưu nguyên dạng (WARC) trong {warc.resolve()}; trang của một bài:\n"
            f"  cchc evidence MA_BAI --store {store_url}"
        )
    if failed:
        sys.exit(EXIT_FAILURE)
