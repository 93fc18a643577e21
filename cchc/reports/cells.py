"""Spreadsheet cells that cannot run: text a spreadsheet would read as a formula is kept as plain text."""

from __future__ import annotations

# A cell starting with one of these is a formula (or becomes one after a tab/CR split) in Excel, LibreOffice and
# Google Sheets: titles and URLs come from crawled pages, so an export must never carry one (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """`value`, with a leading apostrophe when it is text a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: list[object]) -> list[object]:
    return [safe_cell(v) for v in row]
