"""Deliver alerts once: every enabled channel gets each fact it has not yet received; what went out is recorded
per channel in a small JSON file (data/alerts-sent.json), so a channel that failed is tried again next time and
the others are not repeated."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cchc.alerts.channels import DELIVERY_ERRORS, enabled_channels, failure_reason
from cchc.alerts.facts import Alert
from config import AlertsConfig, get_settings
from search import VN_TZ

logger = logging.getLogger(__name__)
STATE_FILE = "alerts-sent.json"


class AlertStateError(Exception):
    """The record of alerts sent cannot be read or written; one line."""


@dataclass(frozen=True)
class Failure:
    """A channel that could not deliver: the alerts left for next time, why (a few Vietnamese words) and the line
    that says it all."""

    channel: str
    keys: tuple[str, ...]
    reason: str
    message: str


@dataclass(frozen=True)
class DeliveryResult:
    """sent: (alert key, channel) delivered now; skipped: keys every channel had already received;
    failures: one per channel that failed (its alerts are tried again at the next delivery)."""

    sent: tuple[tuple[str, str], ...] = ()
    skipped: tuple[str, ...] = ()
    failures: tuple[Failure, ...] = ()
    disabled: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        """What happened, in Vietnamese, one line each (the failures start with "lỗi:")."""
        if self.disabled:
            return ["Cảnh báo đang tắt hoặc không bật kênh gửi nào (config/alerts.yaml): không gửi gì."]
        keys = {key for key, _ in self.sent}
        lines = [f"Đã gửi {len(keys)} cảnh báo mới; {len(self.skipped)} cảnh báo đã gửi trước đó."]
        return lines + [f.message for f in self.failures]


def default_state_path() -> Path:
    return get_settings().under_data(STATE_FILE)


def load_sent(path: Path) -> dict[str, dict[str, str]]:
    """{alert key: {channel: when it was sent}}; empty when nothing was ever sent."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise AlertStateError(f"{path}: không đọc được sổ cảnh báo đã gửi ({exc}); hãy sửa tệp "
                              "(xoá tệp thì các cảnh báo còn hiệu lực sẽ được gửi lại)") from None  # fmt: skip
    sent = data.get("sent", {}) if isinstance(data, dict) else None
    if not isinstance(sent, dict) or not all(isinstance(v, dict) for v in sent.values()):
        raise AlertStateError(f'{path}: sổ cảnh báo đã gửi không đúng dạng {{"sent": {{khoá: {{kênh: thời điểm}}}}}}')
    return sent


def save_sent(path: Path, sent: dict[str, dict[str, str]]) -> None:
    """Write the record whole (a temporary file renamed over the old one): a crash leaves the old or the new."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"version": 1, "sent": sent}, ensure_ascii=False, indent=1, sort_keys=True),
                       encoding="utf-8")  # fmt: skip
        tmp.replace(path)
    except OSError as exc:
        raise AlertStateError(f"{path}: không ghi được sổ cảnh báo đã gửi ({exc.strerror})") from None


def deliver(
    alerts: Sequence[Alert],
    config: AlertsConfig,
    state_path: Path | None = None,
    attachments: Sequence[Path] = (),
) -> DeliveryResult:
    """Send each alert on every enabled channel that has not received its key yet, with the alert's own files and
    `attachments`. A channel that fails stops for this run; its failure is returned (one "lỗi:" line each, for
    the caller to show) and logged, never raised."""
    channels = enabled_channels(config)
    if not config.enabled or not channels:
        return DeliveryResult(disabled=True)
    path = state_path or default_state_path()
    sent = load_sent(path)
    alerts = list({a.key: a for a in alerts}.values())  # one message per fact, even when detected twice
    delivered: list[tuple[str, str]] = []
    failures: list[Failure] = []
    for channel in channels:
        due = [a for a in alerts if channel.name not in sent.get(a.key, {})]
        if not due:
            continue
        done = 0
        try:
            with channel:
                for alert in due:
                    channel.send(alert, [*alert.attachments, *attachments])
                    sent.setdefault(alert.key, {})[channel.name] = datetime.now(VN_TZ).isoformat(timespec="seconds")
                    save_sent(path, sent)
                    delivered.append((alert.key, channel.name))
                    done += 1
        except DELIVERY_ERRORS as exc:
            left, reason = tuple(a.key for a in due[done:]), failure_reason(exc)
            message = (f"lỗi: không gửi được cảnh báo qua {channel.label}: {reason}; "
                       f"{len(left)} cảnh báo sẽ được gửi lại ở lần chạy sau")  # fmt: skip
            logger.info(message)  # the caller shows result.lines(); the log file (-v) keeps it too
            failures.append(Failure(channel.name, left, reason, message))
    fresh = {key for key, _ in delivered} | {k for f in failures for k in f.keys}
    skipped = tuple(a.key for a in alerts if a.key not in fresh)
    return DeliveryResult(tuple(delivered), skipped, tuple(failures))
