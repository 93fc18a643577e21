"""The web app in-process: pages, filters, export, login, CSRF, label corrections, XSS and bad parameters."""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import shutil
from html import escape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from cchc import MIRRORS_DIR
from cchc.web.accounts import Accounts
from cchc.web.app import create_app
from classifier import DEFAULT_MODEL_DIR
from classifier.modelfile import relevance_threshold
from config import load_sources
from search import Article, SearchQuery, article_id, open_store
from tests.conftest import holding_phrase, run_cchc

USER, PASSWORD = "bientap", "mat-khau-dai-1"


@pytest.fixture
def site(demo_archive: Path, tmp_path: Path):
    """A private copy of the demo archive, one account, and the app."""
    db = tmp_path / "demo.db"
    shutil.copy(demo_archive, db)
    Accounts(tmp_path / "users.json").add(USER, PASSWORD)
    app = create_app(f"sqlite:///{db}", tmp_path / "users.json", tmp_path / "secret.key")
    return TestClient(app), db


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def login(client: TestClient) -> None:
    token = csrf_of(client.get("/dang-nhap").text)
    response = client.post("/dang-nhap", data={"username": USER, "password": PASSWORD, "csrf": token},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303


def first_article_id(client: TestClient, query: str = "cai cach hanh chinh") -> str:
    return re.search(r'href="/bai-viet/([0-9a-f]+)"', client.get("/tim-kiem", params={"q": query}).text).group(1)


def test_pages_answer_in_vietnamese(site) -> None:
    client, _ = site
    for path, phrase in [("/tim-kiem", "kết quả"), ("/do-phu", "Bản đồ nhiệt"), ("/nguon", "Nguồn tin được theo dõi"),
                         ("/dang-nhap", "Mật khẩu")]:  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200, path
        assert phrase in response.text and '<html lang="vi">' in response.text


def test_search_without_accents_highlights_and_facets(site) -> None:
    client, _ = site
    page = client.get("/tim-kiem", params={"q": "cai cach hanh chinh"}).text
    total = int(re.search(r'id="total">(\d+) kết quả', page).group(1))
    assert total >= 5
    assert "<mark>cải</mark>" in page and 'data-facet="area"' in page
    narrowed = client.get("/tim-kiem", params={"q": "cai cach hanh chinh", "area": "the_che"}).text
    assert 0 < int(re.search(r'id="total">(\d+) kết quả', narrowed).group(1)) < total
    assert 'class="on"' in narrowed
    phrase = client.get("/tim-kiem", params={"q": '"một cửa"', "sort": "date", "relevant": "1"})
    assert phrase.status_code == 200


def test_search_page_ranks_the_words_as_typed_first(site) -> None:
    """Searching "một cửa" on the demo archive: the first page is articles holding "một cửa" (there are more than
    a page of them), not those with "của" or with "một" and "cửa" apart."""
    client, db = site
    page = client.get("/tim-kiem", params={"q": "một cửa"}).text
    shown = re.findall(r'<h2><a href="/bai-viet/([0-9a-f]+)"', page)
    assert len(shown) == 20 and int(re.search(r'id="total">(\d+) kết quả', page).group(1)) > 40
    assert set(shown) <= holding_phrase(db, "một cửa")


def test_export_csv_and_xlsx(site) -> None:
    client, _ = site
    params = {"q": "cai cach hanh chinh"}
    rows = list(csv.reader(io.StringIO(client.get("/tim-kiem.csv", params=params).text.lstrip("\ufeff"))))
    assert rows[0][0] == "Tiêu đề" and len(rows) > 5
    xlsx = client.get("/tim-kiem.xlsx", params=params)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(rows) and sheet["A1"].value == "Tiêu đề"


def test_article_page_shows_labels_and_terms(site) -> None:
    client, _ = site
    page = client.get(f"/bai-viet/{first_article_id(client)}").text
    assert "Những từ quyết định" in page and "Về CCHC" in page
    assert "Đăng nhập</a> để sửa nhãn" in page


def test_label_correction_needs_login_and_csrf(site) -> None:
    client, db = site
    article = first_article_id(client)
    token = csrf_of(client.get("/dang-nhap").text)  # a visitor's session has a token, but no user
    form = {"csrf": token, "relevant": "1", "area": ["the_che"], "topic": ["ket_qua"]}
    assert client.post(f"/bai-viet/{article}/nhan", data=form).status_code == 403  # not logged in
    login(client)
    page = client.get(f"/bai-viet/{article}").text
    assert "Lưu nhãn" in page
    assert client.post(f"/bai-viet/{article}/nhan", data={**form, "csrf": "forged"}).status_code == 403
    saved = client.post(f"/bai-viet/{article}/nhan", data={**form, "csrf": csrf_of(page)}, follow_redirects=False)
    assert saved.status_code == 303
    with open_store(f"sqlite:///{db}") as store:
        stored = store.get(article)
    assert (stored.areas, stored.topics, stored.label_source, stored.labeled_by) == (
        ("the_che",),
        ("ket_qua",),
        "human",
        USER,
    )
    assert "Đã lưu nhãn" in client.get(saved.headers["location"]).text
    bad = client.post(f"/bai-viet/{article}/nhan", data={**form, "csrf": csrf_of(page), "area": ["nope"]})
    assert bad.status_code == 400


def test_login_failures_and_logout(site) -> None:
    client, _ = site
    token = csrf_of(client.get("/dang-nhap").text)
    wrong = client.post("/dang-nhap", data={"username": USER, "password": "sai", "csrf": token})
    assert wrong.status_code == 401 and "Sai tên đăng nhập hoặc mật khẩu" in wrong.text
    assert client.post("/dang-nhap", data={"username": USER, "password": PASSWORD, "csrf": "x"}).status_code == 403
    login(client)
    assert "Đăng xuất" in client.get("/tim-kiem").text
    assert "httponly" in client.get("/tim-kiem").headers["set-cookie"].lower()
    out = client.post("/dang-xuat", data={"csrf": csrf_of(client.get("/tim-kiem").text)}, follow_redirects=False)
    assert out.status_code == 303 and "Đăng nhập" in client.get("/tim-kiem").text
    form = {
        "username": USER,
        "password": PASSWORD,
        "next": "//evil.example",
        "csrf": csrf_of(client.get("/dang-nhap").text),
    }
    offsite = client.post("/dang-nhap", data=form, follow_redirects=False)
    assert offsite.headers["location"] == "/tim-kiem"


def test_stored_strings_are_escaped(site) -> None:
    client, db = site
    url = "https://baonghean.vn/xss-10999999.html"
    evil = Article(id=article_id(url), url=url, canonical_url=url, source="baonghean", channel="newspaper",
                   title="<script>alert(1)</script> cải cách", lead="<img src=x onerror=alert(2)>",
                   text="Nội dung <b>đậm</b> cải cách " * 20, relevant=True, areas=("thu_tuc",),
                   section="<i>mục</i>")  # fmt: skip
    with open_store(f"sqlite:///{db}") as store:
        store.upsert(evil)
    for page in (client.get("/tim-kiem", params={"q": "cai cach"}).text, client.get(f"/bai-viet/{evil.id}").text):
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page and "<i>mục</i>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "path",
    ["/tim-kiem?from=2025-13-01", "/tim-kiem?to=yesterday", "/tim-kiem?page=0", "/tim-kiem?page=abc",
     "/tim-kiem?page=99999", "/tim-kiem?sort=random", "/tim-kiem?area=%3Cscript%3E", "/tim-kiem?relevant=2",
     "/tim-kiem?from=2025-02-01&to=2025-01-01", "/tim-kiem?q=" + "a" * 600, "/do-phu?period=year",
     "/do-phu?channel=tv", "/do-phu?from=2020-01-01&to=2025-01-01", "/do-phu?from=2025-05-01&to=2025-01-01",
     "/tim-kiem.csv?page=-1", "/tim-kiem?stance=khen"],
)  # fmt: skip
def test_bad_parameters_are_400_never_500(site, path: str) -> None:
    client, _ = site
    response = client.get(path)
    assert response.status_code == 400, path
    assert "Lỗi 400" in response.text


@pytest.mark.parametrize("query", ['"', "NEAR(", "(((", "-", "OR", "*", "'; DROP TABLE articles;--", "🙂", "%00"])
def test_odd_queries_answer(site, query: str) -> None:
    client, _ = site
    assert client.get("/tim-kiem", params={"q": query}).status_code == 200


def test_missing_article_and_unknown_page(site) -> None:
    client, _ = site
    assert client.get("/bai-viet/0000").status_code == 404
    assert client.get("/khong-co").status_code == 404


def test_coverage_cells_link_to_their_articles(site) -> None:
    client, _ = site
    page = client.get("/do-phu", params={"from": "2024-01-01", "to": "2024-12-31", "channel": "newspaper"}).text
    links = re.findall(r'<td class="n (?:ok|gap)"[^>]*><a href="([^"]+)"', page)
    assert links and all("channel=newspaper" in link and "relevant=1" in link for link in links)
    ok_link = re.search(r'<td class="n ok"[^>]*><a href="([^"]+)"', page).group(1).replace("&amp;", "&")
    listed = client.get(ok_link).text
    assert int(re.search(r'id="total">(\d+) kết quả', listed).group(1)) >= 1


def test_sources_page_reports_health(site) -> None:
    client, _ = site
    page = client.get("/nguon").text
    sources = load_sources().sources
    mirrored = [s for s in sources if (MIRRORS_DIR / s.id).is_dir()]
    assert page.count('class="health-ok"') == len(mirrored)  # the demo read every source with a mirror
    assert page.count('class="health-never"') == len(sources) - len(mirrored)
    # At the province's scale (190 sources): search without accents, filter by channel and by health.
    found = client.get("/nguon", params={"q": "do luong"}).text
    assert found.count("<tr>\n") == 2 and "Đô Lương" in found and f"(2/{len(sources)})" in found
    press = client.get("/nguon", params={"channel": "central_press", "health": "never"}).text
    assert press.count('class="health-never"') == sum(s.channel == "central_press" for s in sources) > 0
    read = client.get("/nguon", params={"channel": "unit_portal", "health": "ok"}).text
    assert read.count('class="health-ok"') == sum(s.channel == "unit_portal" for s in mirrored)
    assert "health-never" not in read and '<option value="ok" selected>' in read
    assert client.get("/nguon", params={"health": "sick"}).status_code == 400


def test_store_down_is_503(tmp_path: Path) -> None:
    (tmp_path / "junk.db").write_bytes(b"not a database" * 100)
    app = create_app(f"sqlite:///{tmp_path / 'junk.db'}", tmp_path / "u.json", tmp_path / "s.key")
    response = TestClient(app).get("/tim-kiem")
    assert response.status_code == 503 and "Kho lưu trữ tạm thời không đọc được" in response.text


def test_cli_users(tmp_path: Path) -> None:
    accounts = str(tmp_path / "users.json")
    added = run_cchc("users", "add", "nguyenvana", "--password", "mat-khau-rat-dai", "--accounts", accounts)
    assert added.returncode == 0, added.stderr
    assert "nguyenvana" in run_cchc("users", "list", "--accounts", accounts).stdout
    short = run_cchc("users", "add", "x y", "--password", "ngan", "--accounts", accounts)
    assert short.returncode == 1 and "Lỗi:" in short.stderr
    stored = (tmp_path / "users.json").read_text()
    assert "mat-khau-rat-dai" not in stored and "pbkdf2" not in stored and '"hash"' in stored
    assert Accounts(tmp_path / "users.json").verify("nguyenvana", "mat-khau-rat-dai")
    assert not Accounts(tmp_path / "users.json").verify("nguyenvana", "sai")


def total_of(page: str) -> int:
    return int(re.search(r'id="total">(\d+) kết quả', page).group(1))


def test_stance_on_the_article_page_and_as_a_search_filter(site) -> None:
    client, db = site
    article = first_article_id(client)
    with open_store(f"sqlite:///{db}") as store:
        labeled = store.get(article)
        store.set_labels(dataclasses.replace(labeled, relevant=True, areas=labeled.areas or ("thu_tuc",),
                                             stance="criticism"))  # fmt: skip
        expected = store.search(SearchQuery(stances=("criticism",), fold_reprints=True)).total
    page = client.get(f"/bai-viet/{article}").text
    assert 'id="stance">Phản ánh hạn chế</span>' in page and "quan điểm:" in page
    listing = client.get("/tim-kiem", params={"q": labeled.title, "stance": "criticism"}).text
    assert total_of(listing) >= 1 and f"/bai-viet/{article}" in listing
    assert 'data-facet="stance"' in listing and 'class="tag stance criticism">Phản ánh hạn chế' in listing
    assert total_of(client.get("/tim-kiem", params={"stance": "criticism"}).text) == expected
    # The facet link keeps the filter in the URL and removes it again.
    browse = client.get("/tim-kiem", params={"stance": "criticism"}).text
    assert 'href="/tim-kiem" class="on"><span>Phản ánh hạn chế</span>' in browse
    praise = client.get("/tim-kiem", params={"q": labeled.title, "stance": "praise"}).text
    assert f"/bai-viet/{article}" not in praise
    exported = list(csv.reader(io.StringIO(client.get("/tim-kiem.csv", params={"stance": "criticism"}).text)))
    assert exported[0][-1] == "Quan điểm" and {row[-1] for row in exported[1:]} == {"Phản ánh hạn chế"}
    coverage = client.get("/do-phu").text
    assert 'id="quan-diem"' in coverage and "<th>Phản ánh hạn chế</th>" in coverage


def test_a_correction_sets_the_stance_and_keeps_it_in_the_history(site) -> None:
    client, db = site
    article = first_article_id(client)
    login(client)
    token = csrf_of(client.get(f"/bai-viet/{article}").text)
    form = {"csrf": token, "relevant": "1", "area": ["thu_tuc"], "stance": "praise"}
    assert client.post(f"/bai-viet/{article}/nhan", data=form, follow_redirects=False).status_code == 303
    with open_store(f"sqlite:///{db}") as store:
        assert store.get(article).stance == "praise"
        assert store.label_history(article)[-1].after["stance"] == "praise"
    page = client.get(f"/bai-viet/{article}").text
    assert 'id="stance">Khen ngợi</span>' in page and 'name="stance" value="praise" checked' in page
    assert client.post(f"/bai-viet/{article}/nhan", data={**form, "stance": "khen"}).status_code == 400
    not_cchc = {**form, "relevant": "0"}
    assert client.post(f"/bai-viet/{article}/nhan", data=not_cchc, follow_redirects=False).status_code == 303
    with open_store(f"sqlite:///{db}") as store:
        assert store.get(article).stance is None  # only articles about CCHC have a stance


def test_labeling_queue_needs_login_and_lists_the_least_sure_first(site) -> None:
    client, db = site
    assert client.get("/gan-nhan").status_code == 403
    login(client)
    page = client.get("/gan-nhan").text
    assert 'href="/gan-nhan" class="active">Gán nhãn' in page
    queued = re.findall(r'href="/bai-viet/([0-9a-f]+)#sua-nhan"', page)
    threshold = relevance_threshold(DEFAULT_MODEL_DIR)
    with open_store(f"sqlite:///{db}") as store:
        candidates = {a.id: abs(a.relevance - threshold) for a in store.iter_articles()
                      if a.relevance is not None and a.label_source != "human" and a.duplicate_of is None}  # fmt: skip
    assert queued and len(queued) == min(30, len(candidates)) and set(queued) <= set(candidates)
    gaps = [candidates[i] for i in queued]
    assert gaps == sorted(gaps)
    assert all(gaps[-1] <= gap for i, gap in candidates.items() if i not in queued)
    # Labeling the first one through its article page takes it off the queue.
    first = queued[0]
    token = csrf_of(client.get(f"/bai-viet/{first}").text)
    saved = client.post(f"/bai-viet/{first}/nhan", data={"csrf": token, "relevant": "0"}, follow_redirects=False)
    assert saved.status_code == 303 and 'href="/gan-nhan"' in client.get(saved.headers["location"]).text
    after = re.findall(r'href="/bai-viet/([0-9a-f]+)#sua-nhan"', client.get("/gan-nhan").text)
    assert first not in after and after[: len(queued) - 1] == queued[1:]


def test_coverage_filter_applies_to_every_figure_and_the_gap_count_is_what_is_listed(tmp_path: Path) -> None:
    """A crafted archive: the newspaper and a unit portal read through 2025; the page filtered to the newspaper
    counts only its articles, cells and gaps, and its heading counts the rows it lists."""
    from datetime import date, datetime

    from search import VN_TZ
    from search.sqlite import SQLiteStore
    from tests.test_coverage import article, run

    db = tmp_path / "f.db"
    with SQLiteStore(db) as store:
        store.upsert(article("baonghean", datetime(2025, 3, 3, 9, tzinfo=VN_TZ)))
        for day in (4, 5):
            store.upsert(article("so_y_te", datetime(2025, 3, day, 9, tzinfo=VN_TZ)))
        for source in ("baonghean", "so_y_te"):
            store.record_run(run(source, date(2024, 12, 1), date(2026, 1, 5)))
    client = TestClient(create_app(f"sqlite:///{db}", tmp_path / "u.json", tmp_path / "s.key"))
    span = {"from": "2025-01-01", "to": "2025-12-31"}
    everything = client.get("/do-phu", params=span).text
    newspaper = client.get("/do-phu", params={**span, "channel": "newspaper"}).text
    assert "<b>3</b> bài về CCHC" in everything and "<b>1</b> bài về CCHC" in newspaper
    assert "chỉ tính kênh: <b>Báo in, báo điện tử</b>" in newspaper
    for page in (everything, newspaper):
        heading = int(re.search(r"<h2>Khoảng trống \((\d+)\)</h2>", page).group(1))
        gap_table = page.split("<h2>Khoảng trống")[1].split("<h2")[0]
        assert heading == gap_table.count("<tr>") - 1 > 0
    assert "Cổng/Trang TTĐT đơn vị" not in newspaper.split("<h2>Khoảng trống")[1].split("<h2>Mức quan tâm")[0]
    assert "Sở Y tế" in everything and "Sở Y tế" not in newspaper  # the unit has no newspaper source


def test_an_archive_removed_while_serving_is_a_503_and_is_not_recreated(tmp_path: Path) -> None:
    db = tmp_path / "gone.db"
    with open_store(f"sqlite:///{db}"):
        pass
    client = TestClient(create_app(f"sqlite:///{db}", tmp_path / "u.json", tmp_path / "s.key"))
    assert client.get("/tim-kiem").status_code == 200
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    for path in ("/tim-kiem", "/do-phu", "/nguon"):
        assert client.get(path).status_code == 503, path
    assert not db.exists()


def test_overview_at_root_shows_the_headlines_to_everybody(site) -> None:
    """Tổng quan at /: logged out, the same sentences the report computes for the default period, the largest
    gaps, and links to the other pages; the nav names it."""
    from datetime import datetime

    from cchc.commands.coverage import default_range
    from cchc.reports.headlines import headlines
    from cchc.reports.names import Names
    from config import load_plan, load_taxonomy
    from coverage.report import build_coverage
    from search import VN_TZ

    client, db = site
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200 and "<h1>Tổng quan" in response.text
    page = response.text
    today = datetime.now(VN_TZ).date()
    taxonomy, plan, sources = load_taxonomy(), load_plan(), load_sources().sources
    with open_store(f"sqlite:///{db}", create=False) as store:
        report = build_coverage(store, sources, plan, [a.id for a in taxonomy.areas], *default_range(today),
                                "month", today)  # fmt: skip
    expected = headlines(report, Names.of(taxonomy, plan, sources))
    assert expected["channels"] and expected["units"]
    for line in expected["channels"] + expected["units"]:
        assert f'class="headline {line.tone}">{escape(line.text)}</li>' in page, line.text
    for link in ('href="/do-phu"', 'href="/tim-kiem"', 'href="/nguon"'):
        assert link in page
    assert '<a href="/" class="active">Tổng quan</a>' in page
    assert '<a href="/" >Tổng quan</a>' in client.get("/do-phu").text  # in every page's nav
    coverage = client.get("/do-phu").text
    assert expected["channels"][0].text.split(":")[0] + ":" in coverage and 'class="headline' in coverage
    # More than 12 units: on the web their sentences fold under one line of counts; the printed report opens them.
    gaps = sum(h.tone == "gap" for h in expected["units"])
    for web_page in (page, coverage):
        assert re.search(r'<details class="headlines-units"\s*>', web_page)
        assert f"{len(expected['units'])} đơn vị, {gaps} có kỳ thiếu" in web_page
    from cchc.reports.html import render_html

    assert '<details class="headlines-units" open>' in render_html(report, Names.of(taxonomy, plan, sources))


def test_a_province_scale_scorecard_is_searched_filtered_and_sorted(tmp_path: Path, monkeypatch) -> None:
    """A plan with every commune and ward (130 units): the scorecard finds a unit without accents, keeps the
    units with a quarter in a status, and sorts by name or by articles; the URL holds the choice."""
    from datetime import date, datetime

    import yaml

    from config import CONFIG_DIR, load_places
    from search import VN_TZ
    from search.sqlite import SQLiteStore
    from tests.test_coverage import article, run

    communes = [p for p in load_places().places if p.kind in ("xa", "phuong")]
    plan = yaml.safe_load((CONFIG_DIR / "plan.yaml").read_text(encoding="utf-8"))
    plan["units"] = [{"unit": p.id, "name": f"UBND {p.kind.replace('phuong', 'phường').replace('xa', 'xã')} {p.name}",
                      "min_per_quarter": 2} for p in communes]  # fmt: skip
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("CCHC_CONFIG_DIR", str(tmp_path))
    db = tmp_path / "x.db"
    with SQLiteStore(db) as store:
        for day in (3, 4, 5):
            store.upsert(article("do_luong_xa", datetime(2025, 8, day, 9, tzinfo=VN_TZ)))
        store.upsert(article("yen_thanh_xa", datetime(2025, 8, 3, 9, tzinfo=VN_TZ)))
        for source in ("do_luong_xa", "yen_thanh_xa"):
            store.record_run(run(source, date(2025, 6, 1), date(2026, 1, 5)))
    client = TestClient(create_app(f"sqlite:///{db}", tmp_path / "u.json", tmp_path / "s.key"))
    span = {"from": "2025-07-01", "to": "2025-12-31", "period": "quarter"}

    def rows(**params: str) -> list[str]:
        page = client.get("/do-phu", params={**span, **params})
        assert page.status_code == 200
        table = page.text.split('<h2 id="don-vi">')[1].split("<h2>")[0]
        return re.findall(r"<tr><td>([^<]+)</td>", table)

    everything = rows()
    assert len(everything) == 130 and everything[0] == "UBND phường Trường Vinh"  # the plan's order
    assert rows(unit_q="do luong") == ["UBND xã Đô Lương"]
    assert rows(unit_q="DO_LUONG_XA") == ["UBND xã Đô Lương"]  # the id, any case
    assert rows(unit_q="xa khong co") == []
    assert rows(unit_status="gap") == ["UBND xã Đô Lương", "UBND xã Yên Thành"]  # none in Q4 (both read)
    assert rows(unit_status="ok") == ["UBND xã Đô Lương"]  # 3 of 2 in Q3; Yên Thành 1 of 2
    by_name = rows(unit_sort="name")
    assert len(by_name) == 130 and by_name[0] == "UBND phường Cửa Lò"  # Vietnamese letters sort with their base
    assert by_name[10:13] == ["UBND phường Vinh Phú", "UBND xã An Châu", "UBND xã Anh Sơn"]
    assert rows(unit_sort="count")[:2] == ["UBND xã Đô Lương", "UBND xã Yên Thành"]
    page = client.get("/do-phu", params={**span, "unit_q": "vinh", "unit_sort": "name"}).text
    assert "Đơn vị theo quý (6/130)" in page and 'value="vinh"' in page
    assert '<option value="name" selected>' in page and 'name="period" value="quarter"' in page
    assert client.get("/do-phu", params={"unit_sort": "random"}).status_code == 400
