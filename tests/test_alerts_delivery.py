"""Alerts delivered for real on loopback: an SMTP server (aiosmtpd) that requires STARTTLS with a certificate made
here and a login, an HTTP webhook receiver; a channel that is down is reported in one line and tried again."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cchc.alerts import Alert, deliver
from config import AlertsConfig
from tests.conftest import run_cchc
from tests.liveserver import free_port

LOGIN, PASSWORD = "canhbao", "mat-khau-thu-9"
ALERTS = [
    Alert("gap:unit:so_noi_vu:2026-Q3", "gap", "[Theo dõi CCHC] Chưa đạt chỉ tiêu Quý III/2026: Sở Nội vụ",
          "Sở Nội vụ chưa đạt chỉ tiêu Quý III/2026: 0 bài, chỉ tiêu 6 bài mỗi kỳ.", "warning"),
    Alert("source_broken:baonghean:2026-10-04", "source_broken",
          "[Theo dõi CCHC] Nguồn Báo Nghệ An không thu thập được",
          "Nguồn Báo Nghệ An không thu thập được từ ngày 4/10/2026.", "critical"),
]  # fmt: skip


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by its own key: (certificate, key) as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


class Mailbox:
    """Keeps every message the server accepts, as bytes."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope.original_content)
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        LOGIN.encode(), PASSWORD.encode())  # fmt: skip
    return AuthResult(success=ok)


@contextmanager
def smtp_server(folder: Path, port: int) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1:`port` that refuses mail before STARTTLS and login."""
    cert, key = (
        self_signed(folder) if not (folder / "smtp.crt").exists() else (folder / "smtp.crt", folder / "smtp.key")
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True, auth_required=True)  # fmt: skip
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def email_config(folder: Path, port: int, outbox: bool = False) -> AlertsConfig:
    channels: dict = {
        "email": {"host": "127.0.0.1", "port": port, "starttls": True, "ca_file": str(folder / "smtp.crt"),
                  "username": LOGIN, "password_env": "CCHC_TEST_SMTP_PASSWORD", "sender": "canhbao@cchc.test",
                  "recipients": ["so-noi-vu@cchc.test", "so-tttt@cchc.test"], "timeout": 10},
        "outbox": {"dir": str(folder / "outbox")} if outbox else None,
    }  # fmt: skip
    return AlertsConfig.model_validate({"channels": channels})


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CCHC_TEST_SMTP_PASSWORD", PASSWORD)


def test_mail_over_starttls_with_vietnamese_subject_and_the_report_attached(tmp_path: Path, password) -> None:
    report = tmp_path / "báo-cáo-độ-phủ.html"
    report.write_text("<h1>Độ phủ</h1>", encoding="utf-8")
    port = free_port()
    with smtp_server(tmp_path, port) as mailbox:
        result = deliver(ALERTS[:1], email_config(tmp_path, port), tmp_path / "sent.json", attachments=[report])
    assert result.ok and result.sent == (("gap:unit:so_noi_vu:2026-Q3", "email"),)
    (raw,) = mailbox.messages
    mail = message_from_bytes(raw, policy=policy.default)
    assert mail["Subject"] == ALERTS[0].subject
    assert mail["To"] == "so-noi-vu@cchc.test, so-tttt@cchc.test" and mail["X-CCHC-Alert"] == ALERTS[0].key
    assert mail.get_body(("plain",)).get_content().strip() == ALERTS[0].body
    (attached,) = mail.iter_attachments()
    assert attached.get_filename() == report.name and attached.get_content() == "<h1>Độ phủ</h1>"


def test_a_mail_server_that_is_down_is_reported_and_tried_again(tmp_path: Path, password) -> None:
    port = free_port()  # nothing listens there yet
    config, state = email_config(tmp_path, port, outbox=True), tmp_path / "sent.json"
    first = deliver(ALERTS, config, state)
    assert len(first.sent) == 2 and {c for _, c in first.sent} == {"outbox"}
    (failure,) = first.failures
    assert failure.channel == "email" and failure.keys == tuple(a.key for a in ALERTS)
    assert failure.reason == "máy chủ từ chối kết nối"
    assert failure.message == ("lỗi: không gửi được cảnh báo qua thư điện tử: máy chủ từ chối kết nối; "
                               "2 cảnh báo sẽ được gửi lại ở lần chạy sau")  # fmt: skip
    assert first.lines()[-1] == failure.message

    with smtp_server(tmp_path, port) as mailbox:
        second = deliver(ALERTS, config, state)
        third = deliver(ALERTS, config, state)
    assert second.ok and set(second.sent) == {(a.key, "email") for a in ALERTS}, "the outbox is not repeated"
    assert len(mailbox.messages) == 2 and len(list((tmp_path / "outbox").iterdir())) == 2
    assert third.sent == () and set(third.skipped) == {a.key for a in ALERTS}


def test_a_password_missing_from_the_environment_is_said_in_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("CCHC_TEST_SMTP_PASSWORD", raising=False)
    result = deliver(ALERTS, email_config(tmp_path, free_port()), tmp_path / "sent.json")
    assert [f.message for f in result.failures] == [
        "lỗi: không gửi được cảnh báo qua thư điện tử: biến môi trường CCHC_TEST_SMTP_PASSWORD (mật khẩu thư) "
        "chưa được đặt; 2 cảnh báo sẽ được gửi lại ở lần chạy sau"]  # fmt: skip


@contextmanager
def webhook_receiver(status: int = 200) -> Iterator[tuple[str, list[tuple[dict, bytes]]]]:
    """A real HTTP server on loopback that keeps each POST's headers and body and answers `status`."""
    received: list[tuple[dict, bytes]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's hook name
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(status)
            self.end_headers()
            self.wfile.write(b'{"ok": true}')

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hook", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_the_webhook_receives_each_alert_as_json(tmp_path: Path) -> None:
    report = tmp_path / "do-phu.xlsx"
    with webhook_receiver() as (url, received):
        config = AlertsConfig.model_validate(
            {"channels": {"outbox": None, "webhook": {"url": url, "headers": {"X-Token": "token-123"}}}}
        )
        result = deliver(ALERTS, config, tmp_path / "sent.json", attachments=[report])
        deliver(ALERTS, config, tmp_path / "sent.json")
    assert result.ok and len(received) == 2, "sent once"
    headers, body = received[0]
    assert headers["Content-Type"] == "application/json; charset=utf-8" and headers["X-Token"] == "token-123"
    assert json.loads(body.decode("utf-8")) == {
        "key": ALERTS[0].key, "kind": "gap", "severity": "warning", "subject": ALERTS[0].subject,
        "text": ALERTS[0].body, "attachments": [str(report.resolve())],
    }  # fmt: skip


def test_a_telegram_bot_gets_chat_id_and_text(tmp_path: Path) -> None:
    with webhook_receiver() as (url, received):
        config = AlertsConfig.model_validate(
            {"channels": {"outbox": None, "webhook": {"url": url, "format": "telegram", "chat_id": -1001234}}}
        )
        deliver(ALERTS[1:], config, tmp_path / "sent.json")
    (_, body), = received  # fmt: skip
    assert json.loads(body) == {"chat_id": -1001234, "text": f"{ALERTS[1].subject}\n\n{ALERTS[1].body}\n"}


def test_a_webhook_answering_an_error_is_tried_again(tmp_path: Path) -> None:
    state = tmp_path / "sent.json"
    with webhook_receiver(status=502) as (url, received):
        config = AlertsConfig.model_validate({"channels": {"outbox": None, "webhook": {"url": url}}})
        failed = deliver(ALERTS, config, state)
    assert len(received) == 1, "a channel that fails stops for this run"
    assert failed.failures[0].message.startswith("lỗi: không gửi được cảnh báo qua webhook: máy chủ trả lời HTTP 502")
    with webhook_receiver() as (url, received):
        config = AlertsConfig.model_validate({"channels": {"outbox": None, "webhook": {"url": url}}})
        assert deliver(ALERTS, config, state).ok and len(received) == 2


def test_cchc_alerts_test_sends_on_every_channel_and_refuses_a_broken_file(tmp_path: Path) -> None:
    config_dir = tmp_path / "cau-hinh"  # not "config": the working folder is on sys.path
    config_dir.mkdir()
    with webhook_receiver() as (url, received):
        (config_dir / "alerts.yaml").write_text(f"version: 1\nchannels:\n  outbox: {{}}\n  webhook: {{url: '{url}'}}\n")
        result = run_cchc("--config-dir", str(config_dir), "alerts", "test", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Đã gửi tin thử qua kênh outbox.\nĐã gửi tin thử qua kênh webhook.\n"
    (message,) = (tmp_path / "data" / "outbox").iterdir()
    assert message.read_text(encoding="utf-8").startswith("[Theo dõi CCHC] Tin thử\n")
    assert json.loads(received[0][1])["subject"] == "[Theo dõi CCHC] Tin thử"
    assert not (tmp_path / "data" / "alerts-sent.json").exists(), "a test is no fact"

    (config_dir / "alerts.yaml").write_text(f"version: 1\nchannels:\n  email: {{host: 127.0.0.1, port: {free_port()}, "
                                            "starttls: false, sender: a@b, recipients: [c@d]}\n")  # fmt: skip
    down = run_cchc("--config-dir", str(config_dir), "alerts", "test", cwd=tmp_path)
    assert down.returncode == 1 and down.stdout == "Đã gửi tin thử qua kênh outbox.\n"
    assert down.stderr == "lỗi: không gửi được tin thử qua kênh email: máy chủ từ chối kết nối\n"

    (config_dir / "alerts.yaml").write_text("version: 1\nchannels:\n  email: {host: h, port: 0, sender: a@b}\n")
    broken = run_cchc("--config-dir", str(config_dir), "alerts", "test", cwd=tmp_path)
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr == (f"lỗi: {config_dir / 'alerts.yaml'}: channels.email.port: Input should be greater than "
                             "or equal to 1 (and 1 more)\n")  # fmt: skip
