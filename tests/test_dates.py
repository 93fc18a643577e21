"""Every date form of ../shared/SOURCES.md parses to the right +07:00 timestamp."""

from __future__ import annotations

from datetime import datetime

import pytest

from crawler.dates import parse_date
from search import VN_TZ

PAGE_DATE = datetime(2025, 3, 1, 9, 0, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20:25, 25/05/2022", "2022-05-25T20:25:00+07:00"),
        ("22:57 15/09/2023", "2023-09-15T22:57:00+07:00"),
        ("Thứ Năm - 03/07/2025 10:15", "2025-07-03T10:15:00+07:00"),
        ("Thứ ba 17/02/2026 17:24", "2026-02-17T17:24:00+07:00"),
        ("THỨ BA 17/02/2026 17:24", "2026-02-17T17:24:00+07:00"),
        ("Thứ sáu, 13/04/2018, 10:03", "2018-04-13T10:03:00+07:00"),
        ("01-07-2025, 18:11 (GMT+7)", "2025-07-01T18:11:00+07:00"),
        ("01-07-2025, 11:11 (GMT+0)", "2025-07-01T18:11:00+07:00"),
        ("Đăng ngày 24/03/2023", "2023-03-24T00:00:00+07:00"),
        ("24/03/2023", "2023-03-24T00:00:00+07:00"),
        ("January 31, 2025", "2025-01-31T00:00:00+07:00"),
        ("Thanh Le • January 31, 2025", "2025-01-31T00:00:00+07:00"),
        ("Vinh, ngày 27 tháng 11 năm 2008", "2008-11-27T00:00:00+07:00"),
        ("2025-03-04T08:15:00+07:00", "2025-03-04T08:15:00+07:00"),
        ("2025-03-04T01:15:00Z", "2025-03-04T08:15:00+07:00"),
        ("Tue, 04 Mar 2025 08:15:00 +0700", "2025-03-04T08:15:00+07:00"),
        ("Sáng 27/6", "2025-06-27T00:00:00+07:00"),
        ("Chiều 17/4, tại hội trường", "2025-04-17T00:00:00+07:00"),
        ("ngày 21/6/2025", "2025-06-21T00:00:00+07:00"),
    ],
)
def test_vietnamese_date_forms(text: str, expected: str) -> None:
    assert parse_date(text, reference=PAGE_DATE).isoformat() == expected


@pytest.mark.parametrize("text", ["", "hello", "31/02/2024", "99/99/9999", "Sáng 27/6 không năm", "13/04/1850"])
def test_not_a_date(text: str) -> None:
    assert parse_date(text) is None


def test_year_less_needs_a_reference() -> None:
    assert parse_date("Sáng 27/6") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9/5/2026 10:17:01 PM", "2026-09-05T22:17:01+07:00"),  # article:published_time, month first
        ("Cập nhật thứ hai, ngày 24/12/12 11:05 tối", "2012-12-24T23:05:00+07:00"),
        ("Cập nhật thứ sáu, ngày 30/11/12 04:00 chiều", "2012-11-30T16:00:00+07:00"),
        ("Thứ Hai, 24/12/2012, 03:04 AM (GMT+7)", "2012-12-24T03:04:00+07:00"),
        ("15:20 PM | 21/12/2012", "2012-12-21T15:20:00+07:00"),  # a 24-hour time marked PM stays
        ("Thứ ba, 12/3/2024 - 08:15", "2024-03-12T08:15:00+07:00"),
        ("12/03/2024 08:15 GMT+7", "2024-03-12T08:15:00+07:00"),
    ],
)
def test_vietnamese_page_date_lines(text: str, expected: str) -> None:
    assert parse_date(text).isoformat() == expected
