"""Where alerts go: a folder of text files (the outbox), mail through SMTP (STARTTLS when set), a webhook (JSON).

A channel is opened once per delivery (`with channel:`), sends messages one by one, and raises what its transport
raises (OSError, smtplib.SMTPException, urllib.error.URLError); `failure_reason` says it in Vietnamese."""

from __future__ import annotations

import json
import mimetypes
import os
import re
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from cchc.alerts.facts import Alert
from config import AlertsConfig, get_settings
from config.models import EmailChannel, OutboxChannel, WebhookChannel
from search import VN_TZ

TELEGRAM_LIMIT = 4096  # characters of one Telegram message


class ChannelError(Exception):
    """A channel cannot be used as configured (e.g. its password is not in the environment); one line."""


def message_text(alert: Alert, attachments: Sequence[Path]) -> str:
    """The alert as plain text: subject, body and the files that go with it."""
    text = f"{alert.subject}\n\n{alert.body}\n"
    if attachments:
        text += "\nTệp đính kèm:\n" + "".join(f"- {p.resolve()}\n" for p in attachments)
    return text


class Outbox:
    """One UTF-8 .txt file per message, written whole (a reader never sees half a message)."""

    name = "outbox"
    label = "hộp thư đi"

    def __init__(self, config: OutboxChannel) -> None:
        self.dir = config.dir or get_settings().under_data("outbox")

    def __enter__(self) -> Outbox:
        self.dir.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def send(self, alert: Alert, attachments: Sequence[Path]) -> None:
        stamp = datetime.now(VN_TZ).strftime("%Y%m%d-%H%M%S")
        path = self.dir / f"{stamp}-{re.sub(r'[^A-Za-z0-9_-]+', '-', alert.key)}.txt"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(message_text(alert, attachments), encoding="utf-8")
        tmp.replace(path)


class Email:
    """Mail to the recipients, every message over one SMTP connection; files go as attachments."""

    name = "email"
    label = "thư điện tử"

    def __init__(self, config: EmailChannel) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Email:
        cfg = self.config
        password = os.environ.get(cfg.password_env) if cfg.password_env else None
        if cfg.password_env and not password:
            raise ChannelError(f"biến môi trường {cfg.password_env} (mật khẩu thư) chưa được đặt")
        if password and not password.isascii():  # smtplib sends AUTH in ASCII only
            raise ChannelError(f"mật khẩu thư trong biến môi trường {cfg.password_env} có ký tự ngoài ASCII")
        self.smtp = smtplib.SMTP(cfg.host, cfg.port, timeout=cfg.timeout)
        try:
            if cfg.starttls:
                context = ssl.create_default_context(cafile=cfg.ca_file)
                self.smtp.starttls(context=context)
            if cfg.username and password:
                self.smtp.login(cfg.username, password)
        except BaseException:
            self.smtp.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                self.smtp.close()
            self.smtp = None

    def send(self, alert: Alert, attachments: Sequence[Path]) -> None:
        assert self.smtp is not None, "send inside `with channel:`"
        cfg = self.config
        msg = EmailMessage()
        msg["Subject"] = alert.subject
        msg["From"] = cfg.sender
        msg["To"] = ", ".join(cfg.recipients)
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain=cfg.sender.rpartition("@")[2])
        msg["X-CCHC-Alert"] = alert.key
        msg.set_content(alert.body)
        for path in attachments:
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            maintype, subtype = kind.split("/", 1)
            # The project writes its text files (HTML, CSV) in UTF-8; without the charset a reader guesses ASCII.
            params = {"charset": "utf-8"} if maintype == "text" else {}
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name, params=params)
        self.smtp.send_message(msg)


class Webhook:
    """An HTTP POST of JSON: the alert's fields, or {"chat_id", "text"} for a Telegram bot (format: telegram)."""

    name = "webhook"
    label = "webhook"

    def __init__(self, config: WebhookChannel) -> None:
        self.config = config

    def __enter__(self) -> Webhook:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def payload(self, alert: Alert, attachments: Sequence[Path]) -> dict[str, object]:
        if self.config.format == "telegram":
            return {"chat_id": self.config.chat_id, "text": message_text(alert, attachments)[:TELEGRAM_LIMIT]}
        return {
            "key": alert.key,
            "kind": alert.kind,
            "severity": alert.severity,
            "subject": alert.subject,
            "text": alert.body,
            "attachments": [str(p.resolve()) for p in attachments],
        }

    def send(self, alert: Alert, attachments: Sequence[Path]) -> None:
        body = json.dumps(self.payload(alert, attachments), ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json; charset=utf-8", **self.config.headers}
        request = urllib.request.Request(self.config.url, data=body, headers=headers, method="POST")
        with urllib.request.urlopen(request, timeout=self.config.timeout) as response:
            response.read()


Channel = Outbox | Email | Webhook
# What a channel's transport raises when it cannot deliver; anything else is a bug and propagates.
DELIVERY_ERRORS = (ChannelError, OSError, smtplib.SMTPException)


def enabled_channels(config: AlertsConfig) -> list[Channel]:
    """The channels config/alerts.yaml sets up and does not switch off, in order: outbox, email, webhook."""
    chosen = config.channels
    found: list[Channel] = []
    if chosen.outbox and chosen.outbox.enabled:
        found.append(Outbox(chosen.outbox))
    if chosen.email and chosen.email.enabled:
        found.append(Email(chosen.email))
    if chosen.webhook and chosen.webhook.enabled:
        found.append(Webhook(chosen.webhook))
    return found


def failure_reason(exc: BaseException) -> str:
    """Why a delivery failed, in a few Vietnamese words."""
    if isinstance(exc, ChannelError):
        return str(exc)
    if isinstance(exc, urllib.error.HTTPError):
        return f"máy chủ trả lời HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        return failure_reason(exc.reason)
    if isinstance(exc, ConnectionRefusedError):
        return "máy chủ từ chối kết nối"
    if isinstance(exc, TimeoutError):
        return "máy chủ không trả lời kịp (hết thời gian chờ)"
    if isinstance(exc, ssl.SSLError):
        return f"lỗi TLS ({exc.reason or exc})"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "máy chủ thư từ chối tên đăng nhập hoặc mật khẩu"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"máy chủ thư không hỗ trợ: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"máy chủ thư trả lời {exc.smtp_code} {exc.smtp_error.decode('utf-8', 'replace')}"
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}" + (f" ({exc.filename})" if exc.filename else "")
    return str(exc) or type(exc).__name__
