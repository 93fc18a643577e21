"""The FastAPI application: pages, login, error pages. `cchc serve` runs it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Form, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from cchc.web import views
from cchc.web.accounts import Accounts
from cchc.web.context import WebContext, check_csrf
from cchc.web.params import BadRequest
from cchc.web.sessions import Signer, load_secret, new_session
from classifier import DEFAULT_MODEL_DIR
from config import load_places, load_plan, load_sources, load_taxonomy
from search import StoreError

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"


def create_app(
    store_url: str,
    accounts_path: Path,
    secret_path: Path,
    model_dir: Path = DEFAULT_MODEL_DIR,
    secure_cookies: bool = False,
) -> FastAPI:
    ctx = WebContext(
        store_url=store_url, model_dir=model_dir, sources=load_sources(), taxonomy=load_taxonomy(),
        plan=load_plan(), places=load_places(), accounts=Accounts(accounts_path),
        signer=Signer(load_secret(secret_path)), secure_cookies=secure_cookies,
    )  # fmt: skip
    app = FastAPI(title="CCHC media monitor", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.ctx = ctx
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(views.router)

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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> HTMLResponse:
        messages = {404: "Không tìm thấy trang.", 405: "Phương thức không được hỗ trợ.", 403: str(exc.detail)}
        return error_page(request, exc.status_code, messages.get(exc.status_code, str(exc.detail)))

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
        if not ctx.accounts.verify(username, password):
            context = {"next": _local(next), "error": "Sai tên đăng nhập hoặc mật khẩu."}
            return ctx.render(request, "login.html.j2", context, status=401)
        response = RedirectResponse(_local(next), status_code=303)
        ctx.set_session(response, new_session(username))
        return response

    @app.post("/dang-xuat")
    def logout(request: Request, csrf: Annotated[str, Form(max_length=100)]) -> Response:
        check_csrf(ctx, request, csrf)
        response = RedirectResponse("/tim-kiem", status_code=303)
        ctx.set_session(response, new_session())
        return response

    return app


def _local(target: str) -> str:
    """Only redirect within this site."""
    return target if target.startswith("/") and not target.startswith("//") else "/tim-kiem"
