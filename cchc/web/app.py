"""The FastAPI application: pages, login, error pages. `cchc serve` runs it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from cchc.web import admin, views
from cchc.web.accounts import AccountError, Accounts
from cchc.web.context import WebContext, check_csrf
from cchc.web.params import BadRequest
from cchc.web.sessions import Signer, load_secret, new_session
from cchc.web.throttle import LoginThrottle, RateLimit
from classifier import DEFAULT_MODEL_DIR
from config import load_places, load_plan, load_sources, load_taxonomy
from search import StoreError

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# Pages need nothing from elsewhere and no inline script or style: scripts and styles come from /static only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none';"
    " base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def create_app(
    store_url: str,
    accounts_path: Path,
    secret_path: Path,
    model_dir: Path = DEFAULT_MODEL_DIR,
    secure_cookies: bool = False,
    login_throttle: LoginThrottle | None = None,
    relabel_limit: RateLimit | None = None,
) -> FastAPI:
    ctx = WebContext(
        store_url=store_url, model_dir=model_dir, sources=load_sources(), taxonomy=load_taxonomy(),
        plan=load_plan(), places=load_places(), accounts=Accounts(accounts_path),
        signer=Signer(load_secret(secret_path)), secure_cookies=secure_cookies,
    )  # fmt: skip
    if login_throttle is not None:
        ctx.login_throttle = login_throttle
    if relabel_limit is not None:
        ctx.relabel_limit = relabel_limit
    app = FastAPI(title="CCHC media monitor", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(views.router)
    app.include_router(admin.router)
    headers = dict(SECURITY_HEADERS)
    if secure_cookies:  # served over HTTPS (directly or behind a proxy): browsers should never fall back to HTTP
        headers["Strict-Transport-Security"] = "max-age=31536000"

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette's signature
        response = await call_next(request)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    def error_page(request: Request, status: int, message: str) -> HTMLResponse:
        return ctx.render(request, "error.html.j2", {"status": status, "message": message}, status=status)

    @app.exception_handler(RequestValidationError)
    async def bad_params(request: Request, exc: RequestValidationError) -> HTMLResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "tham số"
        return error_page(request, 400, f"Tham số không hợp lệ ({where}): {first.get('msg', '')}")

    @app.exception_handler(BadRequest)
    async def bad_request(request: Request, exc: BadRequest) -> HTMLResponse:
        return error_page(request, 400, str(exc))

    @app.exception_handler(StoreError)
    async def store_down(request: Request, exc: StoreError) -> HTMLResponse:
        logger.error("store error: %s", exc)
        return error_page(request, 503, "Kho lưu trữ tạm thời không đọc được. Vui lòng thử lại sau.")

    @app.exception_handler(sqlite3.DatabaseError)
    async def store_damaged(request: Request, exc: sqlite3.DatabaseError) -> HTMLResponse:
        logger.error("SQLite error: %s", exc)
        return error_page(request, 503, "Kho lưu trữ bị lỗi, tạm thời không đọc được. Vui lòng báo quản trị viên.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        messages = {404: "Không tìm thấy trang.", 405: "Phương thức không được hỗ trợ.", 403: str(exc.detail)}
        response = error_page(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.get("/dang-nhap", response_class=HTMLResponse)
    def login_page(request: Request, next: str = "/tim-kiem") -> HTMLResponse:  # noqa: A002
        return ctx.render(request, "login.html.j2", {"next": _local(next), "error": None})

    @app.post("/dang-nhap")
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=60)],
        password: Annotated[str, Form(max_length=200)],
        csrf: Annotated[str, Form(max_length=100)],
        next: Annotated[str, Form(max_length=500)] = "/tim-kiem",  # noqa: A002
    ) -> Response:
        check_csrf(ctx, request, csrf)
        address = request.client.host if request.client else "?"
        wait = ctx.login_throttle.retry_after(username, address)
        if wait:
            logger.warning("login refused (too many failures) for %r from %s", username, address)
            context = {"next": _local(next), "error": f"Đăng nhập sai quá nhiều lần. Hãy thử lại sau {wait} giây."}
            response = ctx.render(request, "login.html.j2", context, status=429)
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            account = ctx.accounts.verify(username, password)
        except AccountError as exc:
            logger.error("%s", exc)
            error = "Tệp tài khoản bị lỗi nên chưa đăng nhập được. Hãy báo quản trị viên."
            context = {"next": _local(next), "error": error}
            return ctx.render(request, "login.html.j2", context, status=503)
        if account is None:
            ctx.login_throttle.failed(username, address)
            logger.warning("failed login for %r from %s", username, address)
            context = {"next": _local(next), "error": "Sai tên đăng nhập hoặc mật khẩu."}
            return ctx.render(request, "login.html.j2", context, status=401)
        ctx.login_throttle.succeeded(username)
        logger.info("login of %r from %s", username, address)
        response = RedirectResponse(_local(next), status_code=303)
        ctx.set_session(response, new_session(account.name, account.session_version))
        return response

    @app.post("/dang-xuat")
    def logout(request: Request, csrf: Annotated[str, Form(max_length=100)]) -> Response:
        check_csrf(ctx, request, csrf)
        account = ctx.account(request)
        if account is not None:
            try:
                ctx.accounts.end_sessions(account.name)  # the cookie may have been copied: end it server-side
            except AccountError as exc:
                logger.error("%s", exc)
        response = RedirectResponse("/tim-kiem", status_code=303)
        ctx.set_session(response, new_session())
        return response

    return app


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/tim-kiem"
