"""`cchc alerts test`: one test message on every channel config/alerts.yaml switches on."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import click

from cchc.errors import EXIT_FAILURE, fail
from config import load_alerts
from search import VN_TZ


@click.group()
def alerts() -> None:
    """Cảnh báo gửi theo config/alerts.yaml: hộp thư đi (data/outbox), thư điện tử, webhook.

    \b
    Ví dụ:
      cchc alerts test
    """


@alerts.command()
def test() -> None:
    """Gửi một tin thử trên mọi kênh đang bật, để kiểm tra cấu hình (không ghi vào sổ cảnh báo đã gửi).

    \b
    Ví dụ:
      cchc alerts test
      CCHC_SMTP_PASSWORD=... cchc alerts test
    """
    from cchc.alerts import Alert, deliver
    from cchc.alerts.facts import INFO, SUBJECT_PREFIX

    config = load_alerts()
    now = datetime.now(VN_TZ)
    alert = Alert(
        f"test:{now.isoformat(timespec='seconds')}",
        "test",
        f"{SUBJECT_PREFIX} Tin thử",
        f"Tin thử gửi lúc {now:%H:%M %d/%m/%Y}: kênh này nhận được cảnh báo của hệ thống theo dõi CCHC.",
        INFO,
    )
    with tempfile.TemporaryDirectory() as scratch:  # a test is no fact: the real record stays untouched
        result = deliver([alert], config, Path(scratch) / "sent.json")
    if result.disabled:
        fail(result.lines()[0], EXIT_FAILURE)
    for _, channel in result.sent:
        click.echo(f"Đã gửi tin thử qua kênh {channel}.")
    for failure in result.failures:
        click.echo(f"lỗi: không gửi được tin thử qua kênh {failure.channel}: {failure.reason}", err=True)
    if result.failures:
        raise SystemExit(EXIT_FAILURE)
