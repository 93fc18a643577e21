"""The pages (Tổng quan, Tìm kiếm, Bài viết, Độ phủ, Nguồn), the search export and the label correction form."""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from openpyxl import Workbook
from starlette.exceptions import HTTPException

from cchc.commands.coverage import default_range
from cchc.reports import charts, tabular
from cchc.reports.cells import safe_row
from cchc.reports.html import report_context
from cchc.reports.names import STATUS_NAMES, Names, period_name
from cchc.web.context import CtxDep, WebContext, check_csrf, query_url, toggle_url
from cchc.web.params import PAGE_SIZE, BadRequest, SearchParams, search_params
from cchc.web.revisions import revisions
from cchc.web.tables import SORTS, matcher, select_units
from classifier.model import RELEVANCE
from classifier.text import document
from config.channels import CHANNELS
from coverage.health import HEALTH_LABELS, source_health
from coverage.periods import period_by_key
from coverage.report import CoverageReport, build_coverage
from crawler.labeling import explanations
from search import FACET_DIMENSIONS, STANCES, VN_TZ, open_store
from search.limits import cut_text
from search.store import human_labels

logger = logging.getLogger(__name__)

router = APIRouter()
EXPORT_LIMIT = 5000
EXPORT_HEADER = ["Tiêu đề", "Nguồn", "Kênh", "Ngày đăng", "Lĩnh vực", "Chủ đề", "Về CCHC", "Địa chỉ", "Quan điểm"]
Params = Annotated[SearchParams, Depends(search_params)]


OVERVIEW_GAPS = 5


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    """Tổng quan: one sentence per channel and per unit over the default period, the largest gaps, and the way
    to the other pages."""
    today = datetime.now(VN_TZ).date()
    date_from, date_to = default_range(today)
    report, names = _coverage(ctx, date_from, date_to, "month", today, None)
    return ctx.render(request, "overview.html.j2", {
        **report_context(report, names), "gap_rows": tabular.gap_rows(report, names)[:OVERVIEW_GAPS],
        "fold_units": True,
    })  # fmt: skip


def _coverage(
    ctx: WebContext, date_from: date, date_to: date, period: str, today: date, channels: list[str] | None
) -> tuple[CoverageReport, Names]:
    with open_store(ctx.store_url, create=False) as store:
        report = build_coverage(store, ctx.sources.sources, ctx.plan, [a.id for a in ctx.taxonomy.areas],
                                date_from, date_to, period, today, channels)  # fmt: skip
    return report, Names.of(ctx.taxonomy, ctx.plan, ctx.sources.sources)


@router.get("/tim-kiem", response_class=HTMLResponse)
def search_page(request: Request, ctx: CtxDep, params: Params) -> HTMLResponse:
    query = params.query(ctx.taxonomy.synonyms)
    with open_store(ctx.store_url, create=False) as store:
        result = store.search(query)
        facets = store.facets(dataclasses.replace(query, limit=1, offset=0), FACET_DIMENSIONS, limit=15)
        reprints = store.reprints(tuple(h.article.id for h in result.hits))
    pairs = params.pairs()
    pages = max(1, -(-result.total // PAGE_SIZE))
    return ctx.render(request, "search.html.j2", {
        "params": params, "result": result, "facets": facets, "reprints": reprints,
        "marked": lambda html: Markup(html),  # snippets and titles are escaped by the store, then marked
        "toggle": lambda name, value: toggle_url("/tim-kiem", pairs, name, value),
        "page_url": lambda n: query_url("/tim-kiem", pairs, page=str(n)),
        "sort_url": lambda s: query_url("/tim-kiem", pairs, sort=s, page=None),
        "export_url": lambda fmt: query_url(f"/tim-kiem.{fmt}", pairs),
        "pages": min(pages, 500), "selected": set(pairs),
    })  # fmt: skip


def _export_rows(ctx: WebContext, params: SearchParams) -> list[list[object]]:
    with open_store(ctx.store_url, create=False) as store:
        hits = store.search(params.query(ctx.taxonomy.synonyms, limit=EXPORT_LIMIT, offset=0)).hits
    names = ctx.names
    return [
        [h.article.title, names["source"].get(h.article.source, h.article.source),
         names["channel"].get(h.article.channel, h.article.channel),
         h.article.published_at.isoformat() if h.article.published_at else "",
         ", ".join(names["area"].get(a, a) for a in h.article.areas),
         ", ".join(names["topic"].get(t, t) for t in h.article.topics),
         {True: "có", False: "không", None: ""}[h.article.relevant], h.article.url,
         names["stance"].get(h.article.stance or "", "") if h.article.relevant else ""]
        for h in hits
    ]  # fmt: skip


@router.get("/tim-kiem.csv")
def export_csv(ctx: CtxDep, params: Params) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(safe_row(row) for row in _export_rows(ctx, params))
    headers = {"Content-Disposition": 'attachment; filename="ket-qua-tim-kiem.csv"'}
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


@router.get("/tim-kiem.xlsx")
def export_xlsx(ctx: CtxDep, params: Params) -> Response:
    wb = Workbook()
    ws = wb.active
    ws.title = "Kết quả"
    ws.append(EXPORT_HEADER)
    for row in _export_rows(ctx, params):
        ws.append(safe_row(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, never a formula
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    headers = {"Content-Disposition": 'attachment; filename="ket-qua-tim-kiem.xlsx"'}
    media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(out.getvalue(), media_type=media, headers=headers)


@router.get("/bai-viet/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, ctx: CtxDep, article_id: str, saved: bool = False) -> HTMLResponse:
    with open_store(ctx.store_url, create=False) as store:
        article = store.get(article_id[:64])
        if article is None:
            raise HTTPException(404)
        reprints = store.reprints((article.id,)).get(article.id, [])
        original = store.get(article.duplicate_of) if article.duplicate_of else None
        explained = article.explanations
        if not explained and article.label_source is not None:
            # Labeled before explanations were kept (or by a backend that has no place for them): compute once.
            doc = document(article.title, article.lead, cut_text(article.text))
            explained = explanations(ctx.model, doc, article)
            store.save_explanations(dataclasses.replace(article, explanations=explained))
        history = store.label_history(article.id)
        disputed = article.id in store.label_conflicts()
    labels = [RELEVANCE, *article.areas, *article.topics] if article.relevant else [RELEVANCE]
    explain = {label: explained[label] for label in labels if label in explained}
    return ctx.render(request, "article.html.j2", {
        "article": article, "reprints": reprints, "original": original, "explain": explain,
        "paragraphs": [p for p in cut_text(article.text).split("\n") if p.strip()], "saved": saved,
        "history": history[-20:], "disputed": disputed, "can_edit": ctx.account(request) is not None,
        "revisions": revisions(article),
    })  # fmt: skip


@router.get("/bai-viet/{article_id}/trang-da-tai")
def fetched_page(ctx: CtxDep, article_id: str, version: Annotated[int | None, Query(alias="phien-ban", ge=1)] = None):
    """The page as it was fetched (the current version, or earlier version N), read back from its WARC record.
    Sent as plain text to download, never rendered here: it is another site's HTML."""
    from config import get_settings
    from crawler.warc import WarcError, read_page

    with open_store(ctx.store_url, create=False) as store:
        article = store.get(article_id[:64])
    if article is None or (version is not None and version > len(article.revisions)):
        raise HTTPException(404)
    pointer = article.revisions[version - 1].get("warc") if version else article.warc
    directory = get_settings().warc_directory
    if not pointer or directory is None:
        raise HTTPException(404, "Bài này không có bản lưu trang.")
    try:
        page = read_page(directory, pointer)
    except WarcError as exc:
        logger.error("fetched page of %s: %s", article.id, exc)
        raise HTTPException(404, "Không đọc được bản lưu trang (tệp WARC bị thiếu hoặc hỏng).") from None
    name = f"{article.id}-phien-ban-{version}.html" if version else f"{article.id}.html"
    return Response(page, media_type="text/plain", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff",
    })  # fmt: skip


@router.post("/bai-viet/{article_id}/nhan")
def correct_labels(
    request: Request,
    ctx: CtxDep,
    article_id: str,
    csrf: Annotated[str, Form(max_length=100)],
    relevant: Annotated[str, Form(max_length=1)] = "",
    area: Annotated[list[str], Form(max_length=6)] = [],  # noqa: B006
    topic: Annotated[list[str], Form(max_length=5)] = [],  # noqa: B006
    stance: Annotated[Literal["", *STANCES], Form()] = "",  # type: ignore[valid-type]
) -> Response:
    check_csrf(ctx, request, csrf)
    account = ctx.account(request)
    if account is None:
        raise HTTPException(403, "Cần đăng nhập để sửa nhãn.")
    wait = ctx.relabel_limit.retry_after(account.name)
    if wait:
        logger.warning("label corrections by %s over the limit (%d per %ds): refused", account.name,
                       ctx.relabel_limit.limit, ctx.relabel_limit.window)  # fmt: skip
        raise HTTPException(429, f"Bạn sửa nhãn quá nhanh. Hãy thử lại sau {wait} giây.",
                            headers={"Retry-After": str(wait)})  # fmt: skip
    known_areas, known_topics = ctx.names["area"], ctx.names["topic"]
    if set(area) - set(known_areas) or set(topic) - set(known_topics):
        raise BadRequest("Lĩnh vực hoặc chủ đề không hợp lệ.")
    is_relevant = relevant == "1"
    with open_store(ctx.store_url, create=False) as store:
        article = store.get(article_id[:64])
        if article is None:
            raise HTTPException(404)
        corrected = human_labels(
            article, is_relevant, [a for a in known_areas if a in area], [t for t in known_topics if t in topic],
            stance or None, account.name, datetime.now(VN_TZ),
        )  # fmt: skip
        outcome = store.correct_labels(article, corrected)
    ctx.relabel_limit.hit(account.name)
    logger.info("labels of %s corrected by %s%s", article.id, account.name, " (disputed)" if outcome.conflict else "")
    return RedirectResponse(f"/bai-viet/{article.id}?saved=1", status_code=303)


@router.get("/do-phu", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    ctx: CtxDep,
    date_from: Annotated[date | None, Query(alias="from")] = None,
    date_to: Annotated[date | None, Query(alias="to")] = None,
    period: Literal["month", "quarter"] = "month",
    channel: Literal["", *CHANNELS] = "",  # type: ignore[valid-type]
    unit_q: Annotated[str, Query(max_length=100)] = "",
    unit_status: Literal["", *STATUS_NAMES] = "",  # type: ignore[valid-type]
    unit_sort: Literal[*SORTS] = "plan",  # type: ignore[valid-type]
) -> HTMLResponse:
    today = datetime.now(VN_TZ).date()
    start, end = default_range(today)
    date_from, date_to = date_from or start, date_to or end
    if date_from > date_to:
        raise BadRequest("Ngày bắt đầu sau ngày kết thúc.")
    if (date_to - date_from).days > 3 * 366:
        raise BadRequest("Khoảng thời gian tối đa là 3 năm.")
    report, names = _coverage(ctx, date_from, date_to, period, today, [channel] if channel else None)

    def cell_url(area: str, cell_channel: str, key: str) -> str:
        p = period_by_key(key)
        pairs = [("area", area), ("channel", cell_channel), ("relevant", "1"),
                 ("from", max(p.start, date_from).isoformat()), ("to", min(p.end, date_to).isoformat())]  # fmt: skip
        return query_url("/tim-kiem", pairs)

    attention = report.attention
    context = report_context(report, names)
    return ctx.render(request, "coverage_page.html.j2", {
        **context, "cell_url": cell_url, "fold_units": True,
        "units": select_units(context["units"], unit_q, unit_status, unit_sort), "unit_total": len(context["units"]),
        "unit_form": {"q": unit_q, "status": unit_status, "sort": unit_sort}, "unit_sorts": SORTS,
        "trend": Markup(charts.trend_svg([period_name(a.period) for a in attention], [a.relevant for a in attention],
                                         [a.share for a in attention])),
        "form": {"from": date_from.isoformat(), "to": date_to.isoformat(), "period": period, "channel": channel},
        "gap_rows": tabular.gap_rows(report, names),  # all of them: the heading counts what is listed
    })  # fmt: skip


@router.get("/nguon", response_class=HTMLResponse)
def sources_page(
    request: Request,
    ctx: CtxDep,
    q: Annotated[str, Query(max_length=100)] = "",
    channel: Literal["", *CHANNELS] = "",  # type: ignore[valid-type]
    health: Literal["", *HEALTH_LABELS] = "",  # type: ignore[valid-type]
) -> HTMLResponse:
    """Nguồn: every watched source with its health; search by name, id or address, filter by channel or health."""
    matches = matcher(q)
    chosen = [s for s in ctx.sources.sources if channel in ("", s.channel) and matches(s.name, s.id, s.base_url)]
    rows = []
    with open_store(ctx.store_url, create=False) as store:
        stats = store.stats()
        for source in chosen:
            runs = store.runs(source.id, limit=3)
            row = {"source": source, "health": source_health(runs), "last": runs[0] if runs else None,
                   "articles": stats.by_source.get(source.id, 0),
                   "span": stats.date_range_by_source.get(source.id, (None, None))}  # fmt: skip
            if not health or row["health"].status == health:
                rows.append(row)
    return ctx.render(request, "sources.html.j2", {
        "rows": rows, "total": len(ctx.sources.sources), "health_labels": HEALTH_LABELS,
        "form": {"q": q, "channel": channel, "health": health},
    })  # fmt: skip
