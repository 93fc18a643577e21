"""Pages for signed-in people: the labeling queue, the review of disputed label corrections, accounts (admins)."""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from cchc.web.accounts import Account, AccountError
from cchc.web.context import CtxDep, WebContext, check_csrf
from cchc.web.params import BadRequest
from classifier.modelfile import relevance_threshold
from search import open_store

logger = logging.getLogger(__name__)

router = APIRouter()
ROLE_NAMES = {"editor": "biên tập (sửa nhãn)", "admin": "quản trị"}
QUEUE_SIZE = 30


def require_account(ctx: WebContext, request: Request, admin: bool = False) -> Account:
    """The signed-in account, or a 403 page; `admin` also requires the admin role."""
    account = ctx.account(request)
    if account is None:
        raise HTTPException(403, "Cần đăng nhập.")
    if admin and not account.is_admin:
        raise HTTPException(403, "Chỉ quản trị viên được làm việc này.")
    return account


@router.get("/quan-tri", response_class=HTMLResponse)
def accounts_page(request: Request, ctx: CtxDep, done: str = "") -> HTMLResponse:
    require_account(ctx, request, admin=True)
    try:
        accounts = ctx.accounts.accounts()
    except AccountError as exc:
        logger.error("%s", exc)
        raise BadRequest("Tệp tài khoản bị lỗi; sửa bằng dòng lệnh (cchc users).") from None
    return ctx.render(request, "admin.html.j2", {"accounts": accounts, "roles": ROLE_NAMES, "done": done[:100]})


@router.post("/quan-tri/tai-khoan")
def change_account(
    request: Request,
    ctx: CtxDep,
    csrf: Annotated[str, Form(max_length=100)],
    action: Annotated[Literal["add", "remove", "role"], Form()],
    name: Annotated[str, Form(max_length=40)],
    password: Annotated[str, Form(max_length=200)] = "",
    role: Annotated[Literal["editor", "admin"], Form()] = "editor",
) -> Response:
    check_csrf(ctx, request, csrf)
    admin = require_account(ctx, request, admin=True)
    if name == admin.name and action != "add":
        raise BadRequest("Không thể xóa hoặc đổi vai trò của chính mình.")
    try:
        if action == "add":
            ctx.accounts.add(name, password, role)
        elif action == "remove":
            ctx.accounts.remove(name)
        else:
            ctx.accounts.set_role(name, role)
    except AccountError as exc:
        raise BadRequest(f"Không thực hiện được: {exc}") from None
    logger.warning("account %s: %s (role %s) by %s", name, action, role, admin.name)
    return RedirectResponse(f"/quan-tri?done={action}", status_code=303)


@router.get("/gan-nhan", response_class=HTMLResponse)
def queue_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    """The articles most worth labeling next (the model least sure first), each opening its correction form."""
    require_account(ctx, request)
    threshold = relevance_threshold(ctx.model_dir)
    with open_store(ctx.store_url) as store:
        articles = store.label_queue(threshold, QUEUE_SIZE)
    return ctx.render(request, "queue.html.j2", {"articles": articles, "threshold": threshold})


@router.get("/xem-xet", response_class=HTMLResponse)
def review_page(request: Request, ctx: CtxDep) -> HTMLResponse:
    require_account(ctx, request)
    with open_store(ctx.store_url, create=False) as store:
        rows = []
        for article_id in store.label_conflicts()[:200]:
            article = store.get(article_id)
            if article is not None:
                rows.append({"article": article, "history": store.label_history(article_id)[-6:]})
    return ctx.render(request, "review.html.j2", {"rows": rows})


@router.post("/xem-xet/{article_id}")
def resolve(request: Request, ctx: CtxDep, article_id: str, csrf: Annotated[str, Form(max_length=100)]) -> Response:
    check_csrf(ctx, request, csrf)
    admin = require_account(ctx, request, admin=True)
    with open_store(ctx.store_url, create=False) as store:
        if article_id[:64] not in store.label_conflicts():
            raise HTTPException(404)
        store.resolve_conflict(article_id[:64], admin.name)
    logger.warning("label conflict on %s resolved by %s", article_id[:64], admin.name)
    return RedirectResponse("/xem-xet", status_code=303)
