"""End to end in real headless Chromium (Debian's package, driven by Playwright): search, facet, article,
login and label correction, coverage cell to its articles. Each page's screenshot lands in build/artifacts/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from cchc import MIRRORS_DIR
from cchc.web.accounts import Accounts
from cchc.web.app import create_app
from config import load_sources
from search import open_store
from tests.browser import ARTIFACTS, FLAGS, chromium
from tests.liveserver import served

USER, PASSWORD = "phongvien", "mat-khau-du-dai"


@pytest.fixture(scope="module")
def live(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The web app on a loopback port, over a copy of the demo archive."""
    folder = tmp_path_factory.mktemp("live")
    db = folder / "demo.db"
    shutil.copy(demo_archive, db)
    Accounts(folder / "users.json").add(USER, PASSWORD)
    app = create_app(f"sqlite:///{db}", folder / "users.json", folder / "secret.key")
    with served(app) as url:
        yield url, db


@pytest.fixture(scope="module")
def page(live) -> Iterator[Page]:
    executable = chromium()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="vi-VN")
        yield context.new_page()
        browser.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def total(page: Page) -> int:
    return int(page.locator("#total").inner_text().split()[0])


def test_search_facet_article_and_label_correction(live, page: Page) -> None:
    base, db = live
    page.goto(f"{base}/tim-kiem")
    page.fill("input[name=q]", "cai cach hanh chinh")
    page.click("form.searchbox button")
    expect(page.locator(".hit").first).to_be_visible()
    assert "q=cai+cach+hanh+chinh" in page.url
    before = total(page)
    assert before >= 5
    expect(page.locator(".hit mark").first).to_be_visible()
    shot(page, "tim-kiem")

    page.locator('[data-facet="area"] a').first.click()
    expect(page.locator('[data-facet="area"] a.on')).to_have_count(1)
    assert "area=" in page.url and 1 <= total(page) <= before

    page.locator(".hit h2 a").first.click()
    expect(page.locator("article h1")).to_be_visible()
    article_url = page.url
    assert "Những từ quyết định" in page.content()
    shot(page, "bai-viet")

    page.click("main a[href^='/dang-nhap']")
    page.fill("input[name=username]", USER)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(article_url)
    page.check("input[name=area][value=cong_vu]")
    page.click("form.labels button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("Đã lưu nhãn")
    shot(page, "bai-viet-da-sua")
    article_id = article_url.rsplit("/", 1)[1].split("?")[0]
    with open_store(f"sqlite:///{db}") as store:
        stored = store.get(article_id)
    assert "cong_vu" in stored.areas and stored.label_source == "human" and stored.labeled_by == USER


def test_coverage_cell_leads_to_its_articles(live, page: Page) -> None:
    base, _ = live
    page.goto(f"{base}/do-phu?from=2024-01-01&to=2024-12-31&period=month&channel=newspaper")
    expect(page.locator("table.heatmap")).to_have_count(1)
    shot(page, "do-phu")
    page.locator("td.n.ok a").first.click()
    expect(page.locator(".hit").first).to_be_visible()
    assert "channel=newspaper" in page.url and total(page) >= 1


def test_sources_page(live, page: Page) -> None:
    base, _ = live
    page.goto(f"{base}/nguon")
    mirrored = [s for s in load_sources().sources if (MIRRORS_DIR / s.id).is_dir()]
    expect(page.locator("td.health-ok")).to_have_count(len(mirrored))
    shot(page, "nguon")


def test_overview_at_root(live, page: Page) -> None:
    """Tổng quan: the headlines in colour, the nav, a link to Độ phủ; readable on a phone without sideways scroll."""
    base, _ = live
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{base}/")
    expect(page.locator("h1")).to_contain_text("Tổng quan")
    expect(page.locator("nav a.active")).to_have_text("Tổng quan")
    first = page.locator("li.headline").first
    expect(first).to_contain_text("Báo in, báo điện tử: ")
    assert first.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    shot(page, "tong-quan")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "Tổng quan scrolls sideways on a phone"
    shot(page, "tong-quan-dien-thoai")
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.get_by_role("link", name="Độ phủ chi tiết").click()
    expect(page).to_have_url(f"{base}/do-phu")
    expect(page.locator("li.headline").first).to_contain_text("Báo in, báo điện tử: ")


def test_works_on_a_phone(live, page: Page) -> None:
    base, _ = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/tim-kiem?q=dich+vu+cong")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, "the search page must not scroll sideways on a phone"
    shot(page, "tim-kiem-dien-thoai")


def test_phone_filters_fold_above_results_and_coverage_shows_channel_cards(live, page: Page) -> None:
    base, _ = live
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/tim-kiem?q=mot+cua")
    filters, first_facet = page.locator("details.filters"), page.locator('[data-facet="area"] a').first
    expect(filters).not_to_have_attribute("open", "")
    expect(first_facet).to_be_hidden()
    assert filters.bounding_box()["y"] < page.locator(".hit").first.bounding_box()["y"], "filters above the results"
    shot(page, "tim-kiem-dien-thoai-bo-loc-dong")
    page.get_by_text("Bộ lọc", exact=True).click()
    expect(first_facet).to_be_visible()
    shot(page, "tim-kiem-dien-thoai-bo-loc-mo")
    first_facet.click()
    expect(page.locator("details.filters summary")).to_contain_text("(1 đang chọn)")

    page.goto(f"{base}/do-phu?from=2024-01-01&to=2024-12-31&period=month")
    cards = page.locator(".channel-card")
    expect(cards.first).to_be_visible()
    expect(page.locator("table.heatmap").first).to_be_hidden()
    assert cards.count() == page.locator("table.heatmap").count() >= 2
    expect(cards.first.locator("h3")).to_have_text("Báo in, báo điện tử")
    assert cards.first.bounding_box()["width"] <= 390
    chart = page.locator(".chart-scroll svg.chart")
    assert chart.bounding_box()["width"] >= 720, "the chart keeps its drawn size (readable labels) on a phone"
    assert page.evaluate("document.documentElement.scrollWidth") <= 400, "only the chart's box scrolls sideways"
    chart.scroll_into_view_if_needed()
    page.locator(".chart-scroll").screenshot(path=str(ARTIFACTS / "do-phu-dien-thoai-bieu-do.png"))
    shot(page, "do-phu-dien-thoai")
    cards.first.locator("td.n a").first.click()
    expect(page.locator("#total")).to_be_visible()
    assert "channel=newspaper" in page.url

    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{base}/tim-kiem?q=mot+cua")
    expect(first_facet).to_be_visible()  # open on a desktop, nothing to click
    expect(page.locator("details.filters summary")).to_be_hidden()
    page.goto(f"{base}/do-phu?from=2024-01-01&to=2024-12-31&period=month")
    expect(page.locator("table.heatmap").first).to_be_visible()
    expect(page.locator(".channel-card").first).to_be_hidden()
