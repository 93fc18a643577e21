"""Hardening (issue 18), against the web app served on a loopback port and the CLI run as a user would:
bounded work, formula-safe exports, revocable sessions, throttling, roles, label history and disputes,
security headers, damaged archives, model file hashes and bad input."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from openpyxl import load_workbook

from cchc.commands.classify import _human_examples
from cchc.web.accounts import Accounts
from cchc.web.app import create_app
from cchc.web.throttle import LoginThrottle, RateLimit
from classifier import DEFAULT_MODEL_DIR, load
from config import load_taxonomy
from crawler.labeling import classify_articles
from search import VN_TZ, Article, article_id, open_store
from search.limits import MAX_INPUT_LINE_BYTES, MAX_TEXT_CHARS
from tests.conftest import run_cchc
from tests.liveserver import free_port, served

EDITOR, OTHER, ADMIN, PASSWORD = "bientap", "phongvien", "quantri", "mat-khau-du-dai-1"
FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]
PARAGRAPH = (
    "Sở Nội vụ tỉnh Nghệ An tổ chức hội nghị triển khai cải cách thủ tục hành chính, chuyển đổi số và"
    " đẩy mạnh dịch vụ công trực tuyến tại Trung tâm Phục vụ hành chính công tỉnh. "
)


def _article(n: int, title: str, text: str) -> Article:
    """A test article; words of its own keep it from being folded as a near-duplicate of the others."""
    url = f"https://baonghean.vn/bai-kiem-thu-{n}.html"
    own = " ".join(f"Hồ sơ {n * 7919 + j * 104729} ở xã thứ {n}-{j}." for j in range(40))
    text = f"{own}\n{text}"[:MAX_TEXT_CHARS]
    return Article(
        id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper", title=title,
        text=text, published_at=datetime(2025, 3, 1 + n % 27, 8, 0, tzinfo=VN_TZ),
    )  # fmt: skip


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small archive classified by the default model: ordinary articles, formula-like titles, the largest one."""
    db = tmp_path_factory.mktemp("hardening") / "cchc.db"
    articles = [_article(i, f"Cải cách hành chính số {i}", PARAGRAPH * 8) for i in range(3)]
    articles += [_article(10 + i, f"{f} cải cách hành chính", PARAGRAPH * 3) for i, f in enumerate(FORMULAS)]
    biggest = (PARAGRAPH + "\n") * (MAX_TEXT_CHARS // (len(PARAGRAPH) + 1))
    articles.append(_article(99, "Bài dài nhất được phép", biggest[:MAX_TEXT_CHARS]))
    labeled = classify_articles(load(DEFAULT_MODEL_DIR, load_taxonomy()), articles, None)
    with open_store(f"sqlite:///{db}") as store:
        store.upsert_many(labeled)
    return db


@pytest.fixture
def serve(archive: Path, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the app on a loopback port over a private copy of the archive; returns its base URL."""
    with ExitStack() as servers:

        def start(db: Path | None = None, **options: object) -> str:
            if db is None:
                db = tmp_path / "cchc.db"
                shutil.copy(archive, db)
            accounts = Accounts(tmp_path / "users.json")
            if not (tmp_path / "users.json").exists():
                accounts.add(EDITOR, PASSWORD)
                accounts.add(OTHER, PASSWORD)
                accounts.add(ADMIN, PASSWORD, "admin")
            app = create_app(f"sqlite:///{db}", tmp_path / "users.json", tmp_path / "secret.key", **options)
            return servers.enter_context(served(app))

        yield start


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client: httpx.Client, user: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_of(client.get("/dang-nhap").text)
    return client.post("/dang-nhap", data={"username": user, "password": password, "csrf": token})


def correct(
    client: httpx.Client, article: str, areas: list[str], relevant: str = "1", token: str | None = None
) -> httpx.Response:
    """Post a label correction (with the page's CSRF token, or `token`: a form kept from before)."""
    token = token or csrf_of(client.get(f"/bai-viet/{article}").text)
    return client.post(f"/bai-viet/{article}/nhan", data={"csrf": token, "relevant": relevant, "area": areas})


def first_id(archive: Path) -> str:
    return article_id("https://baonghean.vn/bai-kiem-thu-0.html")


# -- 1. bounded work --------------------------------------------------------------------------------------


def test_largest_article_page_shows_the_explanations_stored_at_classification(serve) -> None:
    # Its render time is measured by `python -m bench.bench_web` (article: largest allowed), not here.
    base = serve()
    big = article_id("https://baonghean.vn/bai-kiem-thu-99.html")
    with httpx.Client(base_url=base) as client:
        page = client.get(f"/bai-viet/{big}")
    assert page.status_code == 200 and "Bài dài nhất được phép" in page.text
    assert re.search(r'<span class="tag" title="[0-9.]+">', page.text), "the stored explanations are shown"


def test_classify_refuses_an_overlong_line_with_file_and_line(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    good = json.dumps({"id": "1", "title": "Cải cách hành chính", "text": PARAGRAPH})
    lines.write_text(good + "\n" + json.dumps({"id": "2", "title": "x", "text": "a" * MAX_INPUT_LINE_BYTES}) + "\n")
    result = run_cchc("classify", "--input", str(lines), "--output", str(tmp_path / "out.jsonl"))
    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[-1].startswith(f"lỗi: {lines}:2: line longer than")
    assert "Traceback" not in result.stderr


# -- 2. exports --------------------------------------------------------------------------------------------


def test_exports_neutralize_formula_cells(serve) -> None:
    base = serve()
    with httpx.Client(base_url=base) as client:
        raw_csv = client.get("/tim-kiem.csv", params={"q": "cai cach hanh chinh"}).text.lstrip("\ufeff")
        xlsx = client.get("/tim-kiem.xlsx", params={"q": "cai cach hanh chinh"}).content
    csv_titles = [row[0] for row in csv.reader(io.StringIO(raw_csv, newline=""))][1:]
    sheet = load_workbook(io.BytesIO(xlsx)).active
    xlsx_titles = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for row in sheet.iter_rows(min_row=2) for cell in row if cell.value} == {"s"}
    for titles in (csv_titles, xlsx_titles):
        formulas = [t for t in titles if t.lstrip("'").startswith(tuple(f[0] for f in FORMULAS))]
        assert len(formulas) == len(FORMULAS), titles
        assert all(t.startswith("'") for t in formulas), formulas
        assert not any(t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in titles)


# -- 3. sessions, throttling, roles, label history -----------------------------------------------------


def test_logout_ends_a_copied_session_and_removal_ends_sessions_at_once(serve, tmp_path: Path) -> None:
    base = serve()
    article = first_id(tmp_path)
    with httpx.Client(base_url=base) as client, httpx.Client(base_url=base) as thief:
        assert login(client, EDITOR).status_code == 303
        stolen = client.cookies.get("cchc_session")
        thief.cookies.set("cchc_session", stolen)
        token = csrf_of(thief.get(f"/bai-viet/{article}").text)
        assert correct(thief, article, ["thu_tuc"], token=token).status_code == 303  # works while the session lives
        client.post("/dang-xuat", data={"csrf": token})
        thief.cookies.set("cchc_session", stolen)
        assert correct(thief, article, ["cong_vu"], token=token).status_code == 403
    with httpx.Client(base_url=base) as client:
        assert login(client, OTHER).status_code == 303
        token = csrf_of(client.get(f"/bai-viet/{article}").text)
        assert correct(client, article, ["thu_tuc"], token=token).status_code == 303
        result = run_cchc("users", "remove", OTHER, "--accounts", str(tmp_path / "users.json"))
        assert result.returncode == 0, result.stderr
        assert correct(client, article, ["cong_vu"], token=token).status_code == 403
        assert "Đăng nhập</a>" in client.get("/tim-kiem").text


def test_failed_logins_are_throttled_per_account_and_address(serve, caplog: pytest.LogCaptureFixture) -> None:
    base = serve(login_throttle=LoginThrottle(per_account=3, per_address=5, window=60))
    caplog.set_level(logging.WARNING, logger="cchc.web.app")
    with httpx.Client(base_url=base) as client:
        codes = [login(client, EDITOR, "sai-mat-khau").status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        refused = login(client, EDITOR)  # even the right password waits
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "thử lại sau" in refused.text
        codes = [login(client, f"khong-co-{n}", "sai-mat-khau").status_code for n in range(3)]
        assert codes == [401, 401, 429]  # five failures from this address in all
        assert login(client, OTHER).status_code == 429
    assert any("failed login for 'bientap' from 127.0.0.1" in r.getMessage() for r in caplog.records)


def test_roles_editor_corrects_admin_manages_accounts(serve, tmp_path: Path) -> None:
    base = serve()
    with httpx.Client(base_url=base) as editor, httpx.Client(base_url=base) as admin:
        login(editor, EDITOR)
        assert editor.get("/quan-tri").status_code == 403
        token = csrf_of(editor.get("/tim-kiem").text)
        denied = editor.post("/quan-tri/tai-khoan", data={"csrf": token, "action": "role", "name": EDITOR,
                                                          "role": "admin"})  # fmt: skip
        assert denied.status_code == 403
        login(admin, ADMIN)
        page = admin.get("/quan-tri")
        assert page.status_code == 200 and EDITOR in page.text
        token = csrf_of(page.text)
        added = admin.post("/quan-tri/tai-khoan", data={"csrf": token, "action": "add", "name": "moi",
                                                        "password": "mat-khau-moi-123", "role": "editor"})  # fmt: skip
        assert added.status_code == 303
        with httpx.Client(base_url=base) as newcomer:
            assert login(newcomer, "moi", "mat-khau-moi-123").status_code == 303
        admin.post("/quan-tri/tai-khoan", data={"csrf": token, "action": "role", "name": EDITOR, "role": "admin"})
        assert Accounts(tmp_path / "users.json").get(EDITOR).role == "admin"
        assert editor.get("/quan-tri").status_code == 403  # a role change ends the old session: sign in again
        admin.post("/quan-tri/tai-khoan", data={"csrf": token, "action": "remove", "name": "moi"})
        assert "moi" not in Accounts(tmp_path / "users.json").names()
    result = run_cchc("users", "add", "nguoi-moi", "--role", "admin", "--password", "mat-khau-dai-9",
                      "--accounts", str(tmp_path / "users.json"))  # fmt: skip
    assert result.returncode == 0 and Accounts(tmp_path / "users.json").get("nguoi-moi").is_admin


def test_disputed_corrections_are_reviewed_and_kept_out_of_training(serve, tmp_path: Path) -> None:
    base = serve()
    article = first_id(tmp_path)
    store_url = f"sqlite:///{tmp_path / 'cchc.db'}"
    with httpx.Client(base_url=base) as one, httpx.Client(base_url=base) as two:
        login(one, EDITOR)
        login(two, OTHER)
        assert correct(one, article, ["thu_tuc"]).status_code == 303
        assert [e.id for e in _human_examples(store_url)] == [f"human:{article}"]
        assert correct(two, article, ["cong_vu"]).status_code == 303  # disagrees with the first person
        page = two.get(f"/bai-viet/{article}").text
        assert 'id="disputed"' in page and 'id="history"' in page
        assert _human_examples(store_url) == []
        review = one.get("/xem-xet").text
        assert f"/bai-viet/{article}" in review and "Chốt nhãn hiện tại" not in review  # only admins resolve
        with open_store(store_url) as store:
            history = store.label_history(article)
        assert [(h.user, h.after["areas"]) for h in history] == [(EDITOR, ["thu_tuc"]), (OTHER, ["cong_vu"])]
        assert history[1].before["areas"] == ["thu_tuc"]
    with httpx.Client(base_url=base) as admin:
        login(admin, ADMIN)
        token = csrf_of(admin.get("/xem-xet").text)
        assert admin.post(f"/xem-xet/{article}", data={"csrf": token}).status_code == 303
        assert f"/bai-viet/{article}" not in admin.get("/xem-xet").text
    assert [e.id for e in _human_examples(store_url)] == [f"human:{article}"]


def test_bulk_relabelling_is_limited_and_logged(serve, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    base = serve(relabel_limit=RateLimit(3, 60))
    caplog.set_level(logging.INFO, logger="cchc.web.views")
    article = first_id(tmp_path)
    with httpx.Client(base_url=base) as client:
        login(client, EDITOR)
        codes = [correct(client, article, [area]).status_code for area in ("thu_tuc", "cong_vu", "the_che", "cong_vu")]
        assert codes == [303, 303, 303, 429]
        refused = correct(client, article, ["the_che"])
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    messages = [r.getMessage() for r in caplog.records]
    assert sum(f"corrected by {EDITOR}" in m for m in messages) == 3
    assert any("over the limit" in m for m in messages)


# -- 4. headers and serving --------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(serve, tmp_path: Path) -> None:
    base = serve()
    paths = ["/tim-kiem", "/do-phu", "/nguon", "/dang-nhap", f"/bai-viet/{first_id(tmp_path)}", "/static/style.css",
             "/tim-kiem.csv", "/khong-co", "/tim-kiem?page=0", "/"]  # fmt: skip
    with httpx.Client(base_url=base) as client:
        for path in paths:
            response = client.get(path, follow_redirects=False)
            csp = response.headers.get("content-security-policy", "")
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
            assert response.headers.get("x-frame-options") == "DENY", path
            assert response.headers.get("x-content-type-options") == "nosniff", path
            assert response.headers.get("referrer-policy"), path
            if response.headers.get("content-type", "").startswith("text/html"):
                assert not re.search(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", response.text), path


def _serve_cli(tmp_path: Path, archive: Path, *options: str) -> tuple[subprocess.Popen, int]:
    db = tmp_path / "serve.db"
    shutil.copy(archive, db)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "cchc", "serve", "--port", str(port), "--store", f"sqlite:///{db}",
         "--accounts", str(tmp_path / "users.json"), *options],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/dang-nhap", timeout=1)
            return process, port
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    pytest.fail(process.communicate()[1])


@pytest.mark.parametrize(("options", "secure"), [((), False), (("--secure-cookies",), True),
                                                 (("--behind-proxy",), True)])  # fmt: skip
def test_serve_sets_secure_cookies_when_asked(tmp_path: Path, archive: Path, options, secure: bool) -> None:
    process, port = _serve_cli(tmp_path, archive, *options)
    try:
        cookie = httpx.get(f"http://127.0.0.1:{port}/dang-nhap").headers["set-cookie"]
    finally:
        process.terminate()
        process.communicate(timeout=20)
    assert ("; secure" in cookie.lower()) is secure, cookie


def test_serve_warns_in_vietnamese_beyond_loopback(tmp_path: Path, archive: Path) -> None:
    process, _ = _serve_cli(tmp_path, archive, "--host", "0.0.0.0")
    process.terminate()
    err = process.communicate(timeout=20)[1]
    assert "CẢNH BÁO" in err and "--behind-proxy" in err
    process, _ = _serve_cli(tmp_path, archive, "--host", "0.0.0.0", "--behind-proxy")
    process.terminate()
    assert "CẢNH BÁO" not in process.communicate(timeout=20)[1]


# -- 5. damaged archives ------------------------------------------------------------------------------------


@pytest.fixture
def damaged(archive: Path, tmp_path: Path) -> Path:
    """A copy of the archive with bytes in the middle of the file overwritten."""
    db = tmp_path / "damaged.db"
    shutil.copy(archive, db)
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xde\xad\xbe\xef" * (size // 16))
    return db


def test_damaged_archive_is_one_line_exit_2_and_a_503_page(damaged: Path, serve) -> None:
    url = f"sqlite:///{damaged}"
    for args in (("search", "cai cach", "--store", url), ("store", "check", "--store", url)):
        result = run_cchc(*args)
        assert result.returncode == 2, (args, result.stdout, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    served = run_cchc("serve", "--port", str(free_port()), "--store", url, timeout=60)
    assert served.returncode == 2 and "damaged" in served.stderr
    base = serve(db=damaged)
    with httpx.Client(base_url=base) as client:
        for path in ("/tim-kiem?q=cai+cach", "/tim-kiem.csv?q=hanh+chinh"):  # pages that read the damaged part
            response = client.get(path)
            assert response.status_code == 503, path
            assert "Kho lưu trữ" in response.text


def test_store_check_passes_on_a_sound_archive(archive: Path) -> None:
    result = run_cchc("store", "check", "--store", f"sqlite:///{archive}")
    assert result.returncode == 0 and "integrity_check ok" in result.stdout


# -- 6. model files -----------------------------------------------------------------------------------------


def _model_copy(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL_DIR, model)
    return model


def test_a_changed_model_file_is_refused_before_unpickling(tmp_path: Path) -> None:
    model = _model_copy(tmp_path)
    line = tmp_path / "in.jsonl"
    line.write_text(json.dumps({"id": "1", "title": "Cải cách hành chính", "text": PARAGRAPH}) + "\n")
    assert run_cchc("classify", "--input", str(line), "--model", str(model)).returncode == 0  # old metadata: version
    with (model / "model.joblib").open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00\x01\x02\x03")
    result = run_cchc("classify", "--input", str(line), "--model", str(model))
    assert result.returncode == 2 and "does not match" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    meta = json.loads((model / "metadata.json").read_text())
    meta["sha256"] = "0" * 64
    shutil.copy(DEFAULT_MODEL_DIR / "model.joblib", model / "model.joblib")
    (model / "metadata.json").write_text(json.dumps(meta))
    result = run_cchc("classify", "--input", str(line), "--model", str(model))
    assert result.returncode == 2 and "does not match metadata" in result.stderr


# -- 7. bad input -------------------------------------------------------------------------------------------


def test_bad_inputs_get_one_line_and_a_non_zero_exit(tmp_path: Path) -> None:
    binary = tmp_path / "page.html"
    binary.write_bytes(bytes(range(256)) * 40)
    gz = tmp_path / "page.html.gz"
    gz.write_bytes(b"\x1f\x8b\x08\x00" + bytes(200))
    nested = tmp_path / "nested.jsonl"
    nested.write_text("[" * 200_000 + "\n")
    html = tmp_path / "ok.html"
    html.write_text("<html><body><h1>Tiêu đề</h1><p>Nội dung</p></body></html>", encoding="utf-8")
    cases = [
        (("classify", "--input", str(binary)), f"{binary}:1"),
        (("classify", "--input", str(nested)), f"{nested}:1: JSON nested too deeply"),
        (("extract", str(html), "--url", "http://[::1/x"), "not a valid URL"),
        (("extract", str(binary), "--url", "https://baonghean.vn/a.html"), "binary"),
        (("extract", str(gz), "--url", "https://baonghean.vn/a.html"), "gzip"),
        (("search", "x", "--store", "elasticsearch+http://127.0.0.1:notaport"), "notaport"),
    ]
    for args, phrase in cases:
        result = run_cchc(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode != 0 and len(lines) == 1 and phrase in lines[0], (args, result.stderr)
        assert result.stdout.strip() == "", args
    for args in cases[3:5]:
        assert run_cchc(*args[0]).returncode == 2


@pytest.mark.parametrize("content", ["{not json", '{"bientap": {"salt": 1}}', "[1, 2]", '{"x": []}'])
def test_malformed_account_file_never_makes_login_fail_with_500(serve, tmp_path: Path, content: str) -> None:
    base = serve()
    (tmp_path / "users.json").write_text(content)
    with httpx.Client(base_url=base) as client:
        assert client.get("/tim-kiem").status_code == 200
        response = login(client, EDITOR)
        assert response.status_code == 503 and "Tệp tài khoản bị lỗi" in response.text
    result = run_cchc("users", "list", "--accounts", str(tmp_path / "users.json"))
    assert result.returncode != 0 and len(result.stderr.strip().splitlines()) == 1
