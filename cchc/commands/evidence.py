"""`cchc evidence`: an article's page as it was fetched, read back from its WARC record."""

from __future__ import annotations

from pathlib import Path

import click

from cchc.errors import EXIT_CONFIG, fail
from cchc.options import store_option
from search import open_store


def _warc_dir(given: Path | None) -> Path:
    from config import get_settings  # only when --warc-dir is not given

    directory = given or get_settings().warc_directory
    if directory is None:
        fail("không có thư mục WARC: CCHC_WARC_DIR rỗng (không lưu trang); hãy nêu --warc-dir", EXIT_CONFIG)
    return directory


@click.command()
@click.argument("article_id")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Ghi trang vào tệp này (mặc định: ra stdout).")  # fmt: skip
@click.option("--revision", type=click.IntRange(min=1), metavar="N",
              help="Trang của phiên bản trước thứ N (1 là cũ nhất), khi bài đã thay đổi sau khi đăng.")  # fmt: skip
@click.option("--warc-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục các tệp WARC (mặc định: data/warc/, biến môi trường CCHC_WARC_DIR).")  # fmt: skip
@store_option
def evidence(article_id: str, output: Path | None, revision: int | None, warc_dir: Path | None, store_url: str) -> None:
    """Ghi ra trang của một bài đúng như khi được tải về (bằng chứng, đọc từ tệp WARC).

    ARTICLE_ID là mã bài (như trong `cchc search --json`) hoặc địa chỉ của bài.

    \b
    Ví dụ:
      cchc evidence 3f2a9c0d1e4b5a6c7d8e --output bai.html
      cchc evidence https://baonghean.vn/some-article-10293456.html --store sqlite:///data/demo.db
      cchc evidence 3f2a9c0d1e4b5a6c7d8e --revision 1 > ban-cu.html
    """
    from crawler.urls import canonicalize
    from crawler.warc import WarcError, read_page
    from search import article_id as id_of

    key = id_of(canonicalize(article_id)) if "://" in article_id else article_id
    with open_store(store_url, create=False) as store:
        article = store.get(key)
    if article is None:
        fail(f"không có bài {article_id} trong kho {store_url}", EXIT_CONFIG)
    if revision is not None and revision > len(article.revisions):
        fail(
            f"bài {article_id} có {len(article.revisions)} phiên bản trước, không có phiên bản {revision}", EXIT_CONFIG
        )
    pointer = article.revisions[revision - 1].get("warc") if revision else article.warc
    if not pointer:
        fail(f"bài {article_id} không có bản lưu trang (WARC): nó được thu thập khi chưa lưu trang", EXIT_CONFIG)
    try:
        page = read_page(_warc_dir(warc_dir), pointer)
    except WarcError as exc:
        fail(str(exc), EXIT_CONFIG)
    if output is None:
        click.get_binary_stream("stdout").write(page)
        return
    try:
        output.write_bytes(page)
    except OSError as exc:
        fail(f"không ghi được {output}: {exc.strerror}", EXIT_CONFIG)
    click.echo(f"Đã ghi trang của bài {article.id} ({len(page)} byte, tải lúc {article.fetched_at}) vào {output}")
