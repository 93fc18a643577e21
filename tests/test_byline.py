"""End-of-body bylines in the forms Vietnamese pages use (SOURCES.md, "What real pages show")."""

from __future__ import annotations

import pytest

from crawler.extraction.byline import choose, looks_like_name, parse_byline, split_byline


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("Tin, ảnh: P.Y", "P.Y"),
        ("Theo Hồ Hương", "Hồ Hương"),
        ("NHẬT XUÂN - NGHI VŨ", "NHẬT XUÂN - NGHI VŨ"),
        ("Nhóm PV", "Nhóm PV"),
        ("PV", "PV"),
        ("K. Miên", "K. Miên"),
        ("Theo Minh Nguyễn/Vcamp.vn", "Minh Nguyễn"),
        ("Theo Sầm Hoa (Vietnamnet/Reuters)", "Sầm Hoa"),
    ],
)
def test_byline_forms(line: str, author: str) -> None:
    assert parse_byline(line).author == author


@pytest.mark.parametrize("line", ["Con đường của Amazon", "Tôi xin chân thành cảm ơn!", "Ngày 22/10, bác sĩ cho biết"])
def test_text_is_not_a_byline(line: str) -> None:
    assert parse_byline(line) is None and not looks_like_name(line)


def test_split_takes_the_name_before_the_source_and_drops_furniture() -> None:
    text = ["Đoạn một của bài báo, đủ dài để là nội dung.", "Đoạn cuối.", "Nhóm PV", "Theo Infonet", "[Quay lại]"]
    kept, bylines = split_byline(text)
    assert kept == text[:2]
    assert choose(bylines) == ("Nhóm PV", "Infonet")


def test_a_photo_credit_is_not_the_author() -> None:
    _, bylines = split_byline(["Nội dung bài viết dài.", "Đoạn hai.", "H.V.", "Ảnh: Misso"])
    assert choose(bylines)[0] == "H.V."
