"""What every page needs: config, names, the store URL, the model, templates, sessions."""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException

from cchc.reports.html import add_filters
from cchc.reports.names import CHANNEL_NAMES, STANCE_NAMES, STATUS_NAMES
from cchc.web.accounts import Account, AccountError, Accounts
from cchc.web.sessions import COOKIE, LIFETIME, Session, Signer, new_session
from cchc.web.throttle import LoginThrottle, RateLimit
from classifier import LoadedModel, load
from config import Gazetteer, Plan, SourcesFile, Taxonomy

logger = logging.getLogger(__name__)

PLACE_KINDS = {"thanh_pho": "TP", "thi_xa": "TX", "huyen": "huyện", "phuong": "phường", "xa": "xã"}
WEB_TEMPLATES = Path(__file__).parent / "templates"
REPORT_TEMPLATES = Path(__file__).parent.parent / "reports" / "templates"


@dataclass
class WebContext:
    store_url: str
    model_dir: Path
    sources: SourcesFile
    taxonomy: Taxonomy
    plan: Plan
    places: Gazetteer
    accounts: Accounts
    signer: Signer
    secure_cookies: bool = False
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    # Label corrections per user per minute: a person reviews one article at a time; a script gets stopped.
    relabel_limit: RateLimit = field(default_factory=lambda: RateLimit(30, 60))
    templates: Jinja2Templates = field(init=False)

    def __post_init__(self) -> None:
        env = Environment(
            loader=FileSystemLoader([WEB_TEMPLATES, REPORT_TEMPLATES]), autoescape=select_autoescape(["html", "j2"])
        )
        add_filters(env)
        env.globals.update(names=self.names, channel_names=CHANNEL_NAMES, status_names=STATUS_NAMES)
        self.templates = Jinja2Templates(env=env)

    @cached_property
    def names(self) -> dict[str, dict[str, str]]:
        """Vietnamese names per facet dimension, for display."""
        units = {s.unit: s.name for s in self.sources.sources if s.unit}
        units.update({u.unit: u.name for u in self.plan.units})
        return {
            "source": {s.id: s.name for s in self.sources.sources},
            "channel": dict(CHANNEL_NAMES),
            "area": {a.id: a.name for a in self.taxonomy.areas},
            "topic": {t.id: t.name for t in self.taxonomy.topics},
            "unit": units,
            "place": {p.id: f"{PLACE_KINDS[p.kind]} {p.name}" for p in self.places.places},
            "stance": dict(STANCE_NAMES),
        }

    @cached_property
    def model(self) -> LoadedModel:
        return load(self.model_dir, self.taxonomy)

    def session(self, request: Request) -> Session | None:
        """The request's session; a signed-in one only while its account exists with the same session version."""
        session = self.signer.load(request.cookies.get(COOKIE))
        if session is not None and session.user is not None and self._account(session) is None:
            return None
        return session

    def _account(self, session: Session) -> Account | None:
        try:
            account = self.accounts.get(session.user or "")
        except AccountError as exc:
            logger.error("%s", exc)  # a damaged account file signs everybody out; reading still works
            return None
        return account if account is not None and account.session_version == session.version else None

    def account(self, request: Request) -> Account | None:
        """The signed-in account of the request, or None."""
        session = self.signer.load(request.cookies.get(COOKIE))
        return self._account(session) if session is not None and session.user is not None else None

    def render(self, request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        """A page; every visitor gets a session cookie so that forms carry a CSRF token."""
        session = self.session(request) or new_session()
        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "session": session,
                "path": request.url.path,
                "is_admin": session.user is not None and self._is_admin(session),
                **context,
            },
            status_code=status,
        )
        self.set_session(response, session)
        return response

    def _is_admin(self, session: Session) -> bool:
        account = self._account(session)
        return account is not None and account.is_admin

    def set_session(self, response: Any, session: Session) -> None:
        response.set_cookie(
            COOKIE, self.signer.dump(session), max_age=LIFETIME, httponly=True, samesite="lax",
            secure=self.secure_cookies,
        )  # fmt: skip


def query_url(path: str, params: list[tuple[str, str]], **changes: str | None) -> str:
    """`path` with the query `params`, each name in `changes` replaced (None removes it)."""
    kept = [(k, v) for k, v in params if k not in changes and v != ""]
    kept += [(k, v) for k, v in changes.items() if v is not None]
    return f"{path}?{urlencode(kept)}" if kept else path


def toggle_url(path: str, params: list[tuple[str, str]], name: str, value: str) -> str:
    """The URL with filter `name=value` added, or removed when present; back to page 1."""
    pairs = [(k, v) for k, v in params if k != "page"]
    if (name, value) in pairs:
        pairs.remove((name, value))
    else:
        pairs.append((name, value))
    return f"{path}?{urlencode(pairs)}" if pairs else path


def get_ctx(request: Request) -> WebContext:
    return request.app.state.ctx


CtxDep = Annotated[WebContext, Depends(get_ctx)]


def check_csrf(ctx: WebContext, request: Request, token: str) -> None:
    """A form post must carry its session's token (and a session must exist)."""
    session = ctx.session(request)
    if session is None or not hmac.compare_digest(session.csrf, token):
        raise HTTPException(403, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; hãy tải lại trang.")
