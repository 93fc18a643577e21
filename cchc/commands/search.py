"""`cchc search`: full-text search of the archive."""

from __future__ import annotations

import html
import re
from datetime import date

import click
from rich.console import Console
from rich.text import Text

from cchc.options import DATE, echo_json, json_option, store_option
from cchc.reports.names import STANCE_NAMES
from search import STANCES, SearchHit, SearchQuery, open_store

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def _rich(fragment_html: str) -> Text:
    """Highlighted HTML (<mark> only, rest escaped) as styled terminal text."""
    text = Text()
    last = 0
    for match in _MARK.finditer(fragment_html):
        text.append(html.unescape(fragment_html[last : match.start()]))
        text.append(html.unescape(match[1]), style="bold yellow")
        last = match.end()
    text.append(html.unescape(fragment_html[last:]))
    return text


def hit_json(hit: SearchHit) -> dict[str, object]:
    a = hit.article
    return {
        "id": a.id,
        "url": a.url,
        "title": a.title,
        "source": a.source,
        "channel": a.channel,
        "section": a.section,
        "published_at": a.published_at.isoformat() if a.published_at else None,
        "areas": list(a.areas),
        "stance": a.stance,
        "score": round(hit.score, 4),
        "title_html": hit.title_html,
        "snippet_html": hit.snippet_html,
    }


@click.command()
@click.argument("query")
@click.option("--source", "sources", multiple=True, help="Chỉ nguồn có mã này (dùng được nhiều lần).")
@click.option("--channel", "channels", multiple=True, help="Chỉ loại kênh này (dùng được nhiều lần).")
@click.option("--area", "areas", multiple=True, help="Chỉ bài được gán lĩnh vực có mã này (dùng được nhiều lần).")
@click.option(
    "--stance", "stances", multiple=True, type=click.Choice(STANCES),
    help="Chỉ bài về CCHC khen ngợi (praise), phản ánh hạn chế (criticism) hoặc trung lập (neutral)"
    " (dùng được nhiều lần).",
)  # fmt: skip
@click.option("--from", "date_from", type=DATE, help="Đăng từ ngày (YYYY-MM-DD, giờ +07:00).")
@click.option("--to", "date_to", type=DATE, help="Đăng đến hết ngày (YYYY-MM-DD, giờ +07:00).")
@click.option(
    "--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
    help="Xếp theo mức liên quan (relevance) hoặc ngày đăng, mới trước (date).",
)  # fmt: skip
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True, help="Số kết quả tối đa.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Bỏ qua ngần này kết quả đầu (để xem trang sau).")
@store_option
@json_option
def search(
    query: str,
    sources: tuple[str, ...],
    channels: tuple[str, ...],
    areas: tuple[str, ...],
    stances: tuple[str, ...],
    date_from: date | None,
    date_to: date | None,
    sort: str,
    limit: int,
    offset: int,
    store_url: str,
    as_json: bool,
) -> None:
    """Tìm kiếm trong kho lưu trữ; gõ dấu hay không đều được ("cai cach" tìm ra "cải cách").

    Bài phải chứa mọi từ; dùng "ngoặc kép" cho một cụm từ, -từ để loại trừ, a OR b để lấy một trong hai,
    và từ* để tìm theo tiền tố.

    \b
    Ví dụ:
      cchc search "cai cach hanh chinh"
      cchc search '"một cửa" -video' --source baonghean --from 2025-01-01 --json
      cchc search "" --stance criticism --from 2025-01-01     # các bài về CCHC phản ánh hạn chế
    """
    from config import load_taxonomy  # the config models cost more than --help needs

    request = SearchQuery(
        text=query, sources=sources, channels=channels, areas=areas, stances=stances,
        date_from=date_from, date_to=date_to, sort=sort, limit=limit, offset=offset,
        synonyms=load_taxonomy().synonyms,
    )  # fmt: skip
    with open_store(store_url, create=False) as store:
        result = store.search(request)
    if as_json:
        echo_json({"query": query, "total": result.total, "hits": [hit_json(h) for h in result.hits]})
        return
    console = Console(highlight=False)
    console.print(f"{result.total} kết quả cho «{query}»")
    for n, hit in enumerate(result.hits, start=offset + 1):
        a = hit.article
        when = a.published_at.strftime("%d/%m/%Y %H:%M") if a.published_at else "không rõ ngày"
        title = Text(f"\n{n}. ").append(_rich(hit.title_html))
        title.stylize("bold")
        console.print(title)
        stance = f" · {STANCE_NAMES[a.stance]}" if a.relevant and a.stance in STANCE_NAMES else ""
        console.print(Text(f"   {a.source} · {a.section or ''} · {when}{stance}", style="dim"))
        console.print(Text("   ").append(_rich(hit.snippet_html)))
        console.print(Text(f"   {a.url}", style="blue"))
