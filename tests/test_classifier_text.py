"""The classifier's text path: what it computes is what underthesea computes, and what a model reads is capped."""

from __future__ import annotations

from cchc import MIRRORS_DIR
from cchc.mirrors import article_pages
from classifier.text import MAX_DOC_CHARS, _text_normalize, document, normalize
from config import load_sources
from crawler.extraction import decode_html, extract_article


def _real_lines() -> list[str]:
    source = load_sources().get("baonghean")
    lines = ["Hoà bình, v.v... H'Mông N’Thôn Hạ: NĐ-CP 43H-0530, 12/3/2024 10:20:50 https://x.vn/a?b=1"]
    for url, path in article_pages(MIRRORS_DIR, source)[:12]:
        page = extract_article(decode_html(path.read_bytes()), url, source.cms)
        lines.extend(line.strip() for line in f"{page.title}\n{page.lead}\n{page.text}".splitlines() if line.strip())
    return lines


def test_normalization_is_underthesea_s() -> None:
    from underthesea import text_normalize

    lines = _real_lines()
    assert len(lines) > 50
    for line in lines:
        assert _text_normalize(line) == text_normalize(line), line
        assert _text_normalize(text_normalize(line)) == text_normalize(line), line
    assert _text_normalize("") == ""


def test_a_model_reads_at_most_max_doc_chars_cut_between_words() -> None:
    body = "\n".join(_real_lines())
    raw = "Cải cách hành chính\n" + (body + "\n") * (MAX_DOC_CHARS // len(body) + 2)
    doc = document("Cải cách hành chính", "", raw.split("\n", 1)[1])
    # The raw text read is the longest that fits and ends before a space or a line break.
    last_boundary = max(k for k in range(MAX_DOC_CHARS + 1) if raw[k] in " \n")
    assert doc == normalize(raw[:last_boundary])
    assert len(document("Cải cách hành chính", "", raw.split("\n", 1)[1], max_chars=None)) > 2 * MAX_DOC_CHARS
    short = "Một cửa liên thông\nTrả kết quả đúng hạn"
    assert document("Tiêu đề", "", short) == normalize(f"Tiêu đề\n{short}")
