"""Alerts on a constructed archive: which facts are found and keyed how, the weekly digest, the outbox, each
fact sent once, and a broken alerts.yaml refused in one line naming the file and the field."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from cchc.alerts import Alert, AlertStateError, deliver, detect, digest
from cchc.reports.names import Names
from config import AlertsConfig, ConfigError, load_alerts
from config.models import ChannelTarget
from coverage.report import build_coverage
from search import VN_TZ, CrawlRun
from search.sqlite import SQLiteStore
from tests.test_coverage import AREAS, PLAN, SOURCES, TAXONOMY, article, run

TODAY = date(2026, 10, 5)  # a Monday: Q3 and September have just ended
# A dead host: the run reached nothing (coverage.health calls the source broken).
DNS_FAILURE = {"downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 3, "log_count/ERROR": 2}
ALERTS_PLAN = PLAN.model_copy(
    update={"channel_targets": [ChannelTarget(channel="newspaper", per="month", min=2, areas=["thu_tuc"])],
            "qa_column": None}
)  # fmt: skip
EXPECTED_KEYS = {
    "source_broken:baonghean:2026-10-04",
    "source_silent:so_y_te:2026-10-03",
    "gap:unit:so_noi_vu:2026-Q3",
    "gap:area:thu_tuc:newspaper:2026-08",
    "spike:criticism:2026-10-04",
}


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, datetime.min.time(), VN_TZ) + timedelta(hours=hour)


def crawl(source: str, day: date, stats: dict) -> CrawlRun:
    return CrawlRun(source, at(day), at(day, 10), "finished", stats)


def record_runs(store: SQLiteStore, today: date) -> None:
    """baonghean read well on 1/10, broken since 4/10; so_y_te without a new article since 3/10; so_noi_vu read
    all of Q3 and found nothing."""
    store.record_run(run("baonghean", date(2026, 6, 1), date(2026, 10, 1)))
    store.record_run(run("so_noi_vu", date(2026, 6, 1), date(2026, 10, 1)))
    store.record_run(run("so_y_te", date(2026, 6, 1), date(2026, 9, 20)))
    store.record_run(crawl("so_y_te", date(2026, 9, 21), {"cchc/stored/new": 2}))
    day = date(2026, 10, 3)
    while day <= today:
        store.record_run(crawl("so_y_te", day, {"cchc/stored/unchanged": 2}))
        if day >= date(2026, 10, 4):
            store.record_run(crawl("baonghean", day, DNS_FAILURE))
        day += timedelta(days=1)


@pytest.fixture
def archive(tmp_path: Path) -> SQLiteStore:
    """Public services on Báo Nghệ An: 2 articles in September only (July and August short of 2 a month); four
    articles reporting shortcomings on 4/10 (a spike over 3), one on 5/10; Sở Y tế's 2 in Q3."""
    store = SQLiteStore(tmp_path / "alerts.db")
    criticism = [dataclasses.replace(article("baonghean", at(date(2026, 10, 4), h)), stance="criticism")
                 for h in range(8, 12)]  # fmt: skip
    criticism.append(dataclasses.replace(article("baonghean", at(TODAY)), stance="criticism"))
    store.upsert_many([
        article("baonghean", at(date(2026, 9, 10))), article("baonghean", at(date(2026, 9, 11))),
        article("so_y_te", at(date(2026, 8, 5))), article("so_y_te", at(date(2026, 8, 6))), *criticism,
    ])  # fmt: skip
    record_runs(store, TODAY)
    yield store
    store.close()


def report_of(store: SQLiteStore, today: date = TODAY):
    return build_coverage(store, SOURCES, ALERTS_PLAN, AREAS, date(2026, 7, 1), today, "month", today)


NAMES = Names.of(TAXONOMY, ALERTS_PLAN, SOURCES)


def test_each_fact_is_found_with_a_stable_key_and_vietnamese_text(archive: SQLiteStore) -> None:
    alerts = {a.key: a for a in detect(archive, SOURCES, report_of(archive), TODAY, names=NAMES)}
    assert set(alerts) == EXPECTED_KEYS
    broken = alerts["source_broken:baonghean:2026-10-04"]
    assert broken.severity == "critical" and "Báo Nghệ An" in broken.subject
    assert "từ ngày 4/10/2026 (2 lần chạy liên tiếp)" in broken.body and "tên miền (DNS)" in broken.body
    assert "từ ngày 3/10/2026 (3 lần thu thập liên tiếp)" in alerts["source_silent:so_y_te:2026-10-03"].body
    unit = alerts["gap:unit:so_noi_vu:2026-Q3"]
    assert unit.subject == "[Theo dõi CCHC] Chưa đạt chỉ tiêu Quý III/2026: Sở Nội vụ"
    assert "0 bài, chỉ tiêu 1 bài mỗi kỳ" in unit.body
    area = alerts["gap:area:thu_tuc:newspaper:2026-08"].body
    assert "Cải cách thủ tục hành chính" in area and "Báo in, báo điện tử" in area
    assert "Tháng 7/2026 – Tháng 8/2026 (2 kỳ liên tiếp)" in area
    spike = alerts["spike:criticism:2026-10-04"]
    assert "Ngày 4/10/2026 có 4 bài" in spike.body and spike.body.count("\n- ") == 4

    # A day later the same troubles are the same facts (the gaps of Q3 are still recent; October is open).
    later = TODAY + timedelta(days=1)
    record_runs(archive, later)
    keys = {a.key for a in detect(archive, SOURCES, report_of(archive, later), later, names=NAMES)}
    assert keys == EXPECTED_KEYS


def test_rules_switched_off_and_old_periods_raise_nothing(archive: SQLiteStore) -> None:
    report = report_of(archive)
    quiet = AlertsConfig.model_validate({"rules": {"source_broken": False, "criticism_spike": False}})
    keys = {a.key for a in detect(archive, SOURCES, report, TODAY, quiet, NAMES)}
    assert keys == EXPECTED_KEYS - {"source_broken:baonghean:2026-10-04", "spike:criticism:2026-10-04"}
    # August ended 35 days before; with a 30-day horizon only the quarter that just ended is told.
    recent = AlertsConfig(gap_max_age_days=30, spike_threshold=4)
    keys = {a.key for a in detect(archive, SOURCES, report, TODAY, recent, NAMES)}
    assert keys == EXPECTED_KEYS - {"gap:area:thu_tuc:newspaper:2026-08", "spike:criticism:2026-10-04"}
    # A period under way is never a gap, even when it is short so far.
    assert not any(k.endswith(("2026-10", "2026-Q4")) for k in keys)


def test_the_outbox_gets_one_file_per_fact_and_never_the_same_fact_twice(archive: SQLiteStore, tmp_path: Path) -> None:
    outbox, state = tmp_path / "outbox", tmp_path / "alerts-sent.json"
    config = AlertsConfig.model_validate({"channels": {"outbox": {"dir": str(outbox)}}})
    alerts = detect(archive, SOURCES, report_of(archive), TODAY, config, NAMES)
    first = deliver(alerts, config, state)
    assert first.ok and len(first.sent) == len(alerts) == len(list(outbox.iterdir()))
    assert first.lines() == ["Đã gửi 5 cảnh báo mới; 0 cảnh báo đã gửi trước đó."]
    texts = [p.read_text(encoding="utf-8") for p in sorted(outbox.iterdir())]
    assert all(p.suffix == ".txt" for p in outbox.iterdir())
    assert any(t.startswith("[Theo dõi CCHC] Chưa đạt chỉ tiêu Quý III/2026: Sở Nội vụ\n\n") for t in texts)

    again = detect(archive, SOURCES, report_of(archive), TODAY, config, NAMES)
    second = deliver([*again, *again], config, state)
    assert second.sent == () and set(second.skipped) == EXPECTED_KEYS
    assert len(list(outbox.iterdir())) == len(alerts)


def test_the_weekly_digest_on_its_day_with_the_report_attached(archive: SQLiteStore, tmp_path: Path) -> None:
    report = report_of(archive)
    files = [tmp_path / "do-phu.html", tmp_path / "do-phu.xlsx"]
    friday = AlertsConfig(digest_weekday="friday")
    assert digest(report, TODAY, files, friday, NAMES) is None, "Monday: Friday's digest is not due"
    assert digest(report, TODAY, files, AlertsConfig(rules={"weekly_digest": False}), NAMES) is None
    opened = detect(archive, SOURCES, report, TODAY, names=NAMES)
    weekly = digest(report, TODAY, files, AlertsConfig(), NAMES, opened)
    assert weekly is not None and weekly.key == "digest:2026-W41" and weekly.attachments == tuple(files)
    assert weekly.subject == "[Theo dõi CCHC] Tổng hợp tuần 41/2026"
    assert "Báo in, báo điện tử: đạt chỉ tiêu 1/3 tháng" in weekly.body
    assert "Sở Nội vụ chưa đạt chỉ tiêu Quý III/2026" in weekly.body
    assert "Thời lượng, dung lượng và chuyên mục:\n- Phát thanh - Truyền hình: " in weekly.body
    assert "\n- Báo in, báo điện tử: " in weekly.body and " chữ về CCHC trong Tháng 9/2026 " in weekly.body
    assert "- Nguồn Báo Nghệ An không thu thập được" in weekly.body
    assert "Báo cáo đầy đủ: do-phu.html, do-phu.xlsx." in weekly.body
    # A run missed on Friday: Saturday still sends that week's digest, under the same key.
    saturday = digest(report, date(2026, 10, 10), files, friday, NAMES)
    assert saturday is not None and saturday.key == "digest:2026-W41"

    outbox = tmp_path / "outbox"
    config = AlertsConfig.model_validate({"channels": {"outbox": {"dir": str(outbox)}}})
    deliver([weekly], config, tmp_path / "sent.json")
    (message,) = outbox.iterdir()
    assert f"Tệp đính kèm:\n- {files[0]}\n- {files[1]}\n" in message.read_text(encoding="utf-8")


def test_disabled_alerts_send_nothing(archive: SQLiteStore, tmp_path: Path) -> None:
    alerts = detect(archive, SOURCES, report_of(archive), TODAY, names=NAMES)
    config = AlertsConfig.model_validate({"enabled": False, "channels": {"outbox": {"dir": str(tmp_path / "o")}}})
    result = deliver(alerts, config, tmp_path / "sent.json")
    assert result.disabled and not result.sent and not (tmp_path / "o").exists()
    assert not (tmp_path / "sent.json").exists()


def test_the_shipped_alerts_file_writes_to_the_outbox_only() -> None:
    config = load_alerts()
    assert config.enabled and config.channels.outbox and config.channels.outbox.enabled
    assert config.channels.email is None and config.channels.webhook is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\nchannels:\n  outbox: {folder: x}\n", "channels.outbox.folder: Extra inputs are not permitted"),
        ("version: 1\nchannels:\n  email: {host: h, port: 70000, sender: a@b, recipients: [c@d]}\n",
         "channels.email.port: Input should be less than or equal to 65535"),
        ("version: 1\nchannels:\n  email: {host: h, sender: a@b, recipients: [c@d], password: secret}\n",
         "channels.email.password: Extra inputs are not permitted"),
        ("version: 1\nchannels:\n  webhook: {url: 'ftp://x', format: json}\n",
         "channels.webhook.url: must be an absolute http(s) URL"),
        ("version: 1\nchannels:\n  webhook: {url: 'http://x', format: telegram}\n",
         "channels.webhook: format telegram needs chat_id"),
        ("version: 1\nchannels:\n  webhook: {url: 'http://x', headers: {X-Token: bí mật}}\n",
         "channels.webhook.headers: header X-Token: the value must be printable ASCII on one line"),
        ("version: 1\ndigest_weekday: thu hai\n", "digest_weekday: Input should be 'monday'"),
    ],
)  # fmt: skip
def test_a_broken_alerts_file_is_refused_naming_the_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_alerts(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and expected in message and "\n" not in message


def test_a_source_switched_off_or_ended_raises_no_source_alert(archive: SQLiteStore) -> None:
    report = report_of(archive)
    off = [s.model_copy(update={"enabled": False}) if s.id == "so_y_te" else s for s in SOURCES]
    ended = [s.model_copy(update={"valid_to": date(2026, 10, 1)}) if s.id == "baonghean" else s for s in SOURCES]
    assert "source_silent:so_y_te:2026-10-03" not in {a.key for a in detect(archive, off, report, TODAY, names=NAMES)}
    keys = {a.key for a in detect(archive, ended, report, TODAY, names=NAMES)}
    assert "source_broken:baonghean:2026-10-04" not in keys and "source_silent:so_y_te:2026-10-03" in keys


def test_an_unreadable_record_of_alerts_sent_stops_delivery_in_one_line(tmp_path: Path) -> None:
    state = tmp_path / "alerts-sent.json"
    state.write_text("{not json", encoding="utf-8")
    config = AlertsConfig.model_validate({"channels": {"outbox": {"dir": str(tmp_path / "outbox")}}})
    alert = Alert("gap:unit:so_noi_vu:2026-Q3", "gap", "Chủ đề", "Nội dung", "warning")
    with pytest.raises(AlertStateError, match=r"alerts-sent\.json: không đọc được sổ cảnh báo đã gửi"):
        deliver([alert], config, state)
    assert not (tmp_path / "outbox").exists(), "nothing sent that could not be recorded"
