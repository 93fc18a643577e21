"""Scrapy settings of the crawler; `cchc crawl` and `scrapy crawl news` both use them."""

from __future__ import annotations

from classifier import DEFAULT_MODEL_DIR
from config import get_settings
from search.limits import MAX_PAGE_BYTES

BOT_NAME = "cchc"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = (
    "CCHC-monitor/0.1 (+media oversight of administrative-reform news for So TT&TT and So Noi vu Nghe An;"
    " polite crawler, obeys robots.txt)"
)
ROBOTSTXT_OBEY = True

# Small government servers: few parallel requests, adaptive delay.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = MAX_PAGE_BYTES  # search/limits.py: bigger pages are dropped, not read
DOWNLOAD_WARNSIZE = MAX_PAGE_BYTES // 2
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Items (and requests) taken from one response at once: an article page yields one item, a sitemap a run of
# requests that are only queued. Scrapy starts this many tasks for every response, so its default (100) costs
# more than the few an article needs.
CONCURRENT_ITEMS = 8
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy's remote control runs Python code sent to a port the crawl opens (its token in a file of the user's
# profile): like the telnet console, nothing a crawl needs. (Scrapy still imports its module, and so aiohttp.)
REMOTE_CONTROL_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # After robots.txt (100), so rules are read for the real host.
    "crawler.middlewares.MirrorMiddleware": 150,
    # Scrapy's, in its place, but reading only the pages whose head mentions a refresh.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.metarefresh.MetaRefreshMiddleware": 580,
    # Next to the network: after the HTTP cache (900), before statistics, decompression and redirects.
    "crawler.warc.WarcMiddleware": 890,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ValidatePipeline": 100,
    "crawler.pipelines.DedupePipeline": 200,
    "crawler.pipelines.ClassifyPipeline": 300,
    "crawler.pipelines.PlacesPipeline": 400,
    "crawler.pipelines.StorePipeline": 900,
}
EXTENSIONS = {
    "crawler.extensions.CrawlRecorder": 500,
}

# Project settings (read by the components above).
CCHC_STORE = get_settings().store_url
CCHC_MIN_TEXT_CHARS = get_settings().min_text_chars
# Classify and store work on batches: this many articles, or those that came within this many seconds (the
# last batch of a run, and of a graceful stop, goes at most that long after its first article).
CCHC_BATCH_SIZE = 64
CCHC_BATCH_MAX_WAIT = 0.5
# Model directory for the classify pipeline ("" stores articles unlabeled); the committed default model.
CCHC_MODEL = str(DEFAULT_MODEL_DIR)
# Processes that classify beside the crawl (0: in the crawl's own process). The crawl fetches, extracts and stores on
# one core; classification, a quarter of its processor time, runs on another.
CCHC_CLASSIFY_WORKERS = 1
# Host -> base URL of a local mirror, e.g. {"baonghean.vn": "http://127.0.0.1:8765/baonghean"}.
CCHC_MIRRORS: dict[str, str] = {}
# Sources crawled at once in one process (crawler/runner.py): the next starts when one ends. A province's hundred
# portals are read a few at a time, each at its own pace, in bounded memory.
CCHC_PARALLEL_SOURCES = 8
# Where every fetched response is kept as WARC ("" keeps none), the size at which a file is closed and the next
# begun, and what a crawl's start prunes (0: keep every file).
CCHC_WARC_DIR = str(get_settings().warc_directory or "")
CCHC_WARC_MAX_BYTES = get_settings().warc_max_bytes
CCHC_WARC_KEEP_DAYS = get_settings().warc_keep_days or 0
CCHC_WARC_KEEP_BYTES = get_settings().warc_keep_bytes or 0
