"""Pydantic models of the configuration files; unknown keys are refused."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urljoin, urlsplit

from cssselect import GenericTranslator, SelectorError
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from config.channels import CENTRAL_PRESS, PORTALS, Channel
from config.cms import GENERIC, Cms

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
    return value


class Dated(Strict):
    """Something that exists between two days (inclusive); None means "since ever" or "still"."""

    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _period(self) -> Dated:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValueError("valid_from is after valid_to")
        return self

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    def valid_through(self, first: date, last: date) -> bool:
        """Whether it existed on every day of [first, last]."""
        return self.valid_on(first) and self.valid_on(last)

    def valid_during(self, first: date, last: date) -> bool:
        """Whether it existed on some day of [first, last]."""
        started = self.valid_from is None or self.valid_from <= last
        return started and (self.valid_to is None or first <= self.valid_to)


class Layout(Strict):
    """A site's layout rule as CSS selectors (what `cchc sources learn` writes); only title and body are required."""

    title: str = Field(min_length=1)
    body: str = Field(min_length=1)
    lead: str | None = None
    date: str | None = None
    date_format: str | None = Field(
        default=None, description='How the date line writes the date, e.g. "%d/%m/%Y - %H:%M" (numbers only).'
    )
    author: str | None = None
    byline: str | None = None
    section: str | None = None
    tags: str | None = None
    drop: list[str] = Field(default_factory=list, description="Blocks removed before the body's text is read.")

    @field_validator("title", "body", "lead", "date", "author", "byline", "section", "tags")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        return _check_selector(value)

    @field_validator("drop")
    @classmethod
    def _selectors(cls, value: list[str]) -> list[str]:
        for selector in value:
            _check_selector(selector)
        return value

    @field_validator("date_format")
    @classmethod
    def _format(cls, value: str | None) -> str | None:
        if value is not None and not re.search(r"%[dmY]", value):
            raise ValueError("a date format needs %d, %m or %Y")
        return value


class LayoutFile(Strict):
    """A rule file written by `cchc sources learn` (read by `cchc extract --rules`)."""

    layout: Layout


def _check_selector(value: str | None) -> str | None:
    if value is not None:
        try:
            GenericTranslator().css_to_xpath(value)
        except SelectorError as exc:
            raise ValueError(f"not a valid CSS selector: {value!r} ({exc})") from exc
    return value


class Source(Dated):
    """One watched channel: where to find its articles and how to read them (valid_from/valid_to: while it ran)."""

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    channel: Channel
    unit: str | None = Field(default=None, pattern=ID_PATTERN)
    cms: Cms = GENERIC
    base_url: str
    hosts: list[str] = Field(default_factory=list, description="Extra hosts whose pages belong to the source.")
    language: str = "vi"
    feeds: list[str] = Field(default_factory=list)
    sitemaps: list[str] = Field(default_factory=list)
    listings: list[str] = Field(default_factory=list)
    article_url: str = Field(description="Regex an article URL's path matches.")
    pagination_url: str | None = Field(default=None, description="Regex a listing's next pages match.")
    skip_url: str | None = Field(default=None, description="Regex of URLs never fetched.")
    max_listing_pages: int = Field(default=5, ge=1, le=1000)
    download_delay: float | None = Field(default=None, ge=0, le=600, description="Seconds between requests.")
    concurrency: int | None = Field(default=None, ge=1, le=32, description="Parallel requests to the source.")
    every_hours: float = Field(
        default=24,
        gt=0,
        le=24 * 31,
        description="How often `cchc daily` reads the source: due this many hours after its last finished run.",
    )
    layout: Layout | None = Field(
        default=None, description="The site's own layout rule (tried before the CMS family's rules)."
    )
    enabled: bool = True
    verified: bool = Field(default=True, description="False while URLs are guesses to confirm on the live site.")
    notes: str | None = None

    _check_article_url = field_validator("article_url")(_check_regex)
    _check_pagination = field_validator("pagination_url", "skip_url")(_check_regex)

    @field_validator("base_url")
    @classmethod
    def _absolute(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value if value.endswith("/") else value + "/"

    @model_validator(mode="after")
    def _unit_for_portals(self) -> Source:
        if self.channel in PORTALS and not self.unit:
            raise ValueError("a portal needs the id of the unit that runs it (unit)")
        if self.channel == CENTRAL_PRESS and (self.feeds or self.sitemaps or len(self.listings) != 1):
            raise ValueError("a national outlet is read through one listing, its Nghệ An page (no feeds, no sitemaps)")
        return self

    def absolute(self, url: str) -> str:
        """Resolve a URL from the config against the source's base URL."""
        return urljoin(self.base_url, url)

    @property
    def all_hosts(self) -> frozenset[str]:
        """Hosts (without www./m.) whose pages belong to this source."""
        return frozenset(strip_host_prefix(h) for h in [urlsplit(self.base_url).hostname or "", *self.hosts])


def strip_host_prefix(host: str) -> str:
    """Lowercase a host and drop a leading www. or m."""
    host = host.lower()
    for prefix in ("www.", "m."):
        if host.startswith(prefix):
            return host[len(prefix) :]
    return host


class SourcesFile(Strict):
    version: Literal[1]
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> SourcesFile:
        seen: set[str] = set()
        for source in self.sources:
            if source.id in seen:
                raise ValueError(f"duplicate source id {source.id!r}")
            seen.add(source.id)
        return self

    def get(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise KeyError(source_id)


class Label(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    description: str = Field(min_length=1)
    seeds: list[str] = Field(default_factory=list)


class Area(Label):
    """One content area of the plan (fixed id)."""


class Topic(Label):
    """One cross-cutting topic (fixed id)."""


class Acronym(Strict):
    """An acronym the plan uses and the words it stands for; search matches either way."""

    short: str = Field(min_length=2)
    long: list[str] = Field(min_length=1)


AREA_IDS = ("the_che", "thu_tuc", "to_chuc_bo_may", "cong_vu", "tai_chinh_cong", "chinh_quyen_so")
TOPIC_IDS = ("chu_truong", "chi_so", "nguoi_dan", "dien_hinh", "ket_qua")


class Taxonomy(Strict):
    version: Literal[1]
    plan: str
    areas: list[Area]
    topics: list[Topic]
    acronyms: list[Acronym] = Field(default_factory=list)

    @model_validator(mode="after")
    def _fixed_ids(self) -> Taxonomy:
        if tuple(a.id for a in self.areas) != AREA_IDS:
            raise ValueError(f"areas must be exactly {', '.join(AREA_IDS)} in this order")
        if tuple(t.id for t in self.topics) != TOPIC_IDS:
            raise ValueError(f"topics must be exactly {', '.join(TOPIC_IDS)} in this order")
        return self

    @property
    def synonyms(self) -> tuple[tuple[str, ...], ...]:
        """Each acronym with its long forms, for search (forms that share a long form are one set)."""
        sets: list[list[str]] = []
        for acronym in self.acronyms:
            forms = [acronym.short, *acronym.long]
            joined = next((s for s in sets if set(s) & set(forms)), None)
            if joined is None:
                sets.append(forms)
            else:
                joined += [f for f in forms if f not in joined]
        return tuple(tuple(s) for s in sets)


Period = Literal["week", "month", "quarter"]
PlaceKind = Literal["thanh_pho", "thi_xa", "huyen", "phuong", "xa"]


class ChannelTarget(Strict):
    """At least `min` CCHC articles per area, per period, on a channel."""

    channel: Channel
    per: Period
    min: int = Field(ge=0)
    areas: list[str] | None = Field(default=None, description="Only these areas (default: all).")


class UnitDuty(Dated):
    """A unit the plan makes responsible, what it asks of it, and how many CCHC articles a quarter.

    valid_from/valid_to bound the days the unit holds the duty (it was created, merged or abolished);
    `successors` name the plan's units its duties pass to after valid_to."""

    unit: str = Field(pattern=ID_PATTERN)
    name: str
    min_per_quarter: int = Field(ge=0)
    duties: list[str] = Field(default_factory=list)
    successors: list[str] = Field(default_factory=list)
    portal: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9-]+(\.[a-z0-9-]+)+$",
        description="Host of the unit's own portal, for `python -m config.generate_sources` (unverified guess).",
    )


class QaColumn(Strict):
    """The provincial portal's "Dân hỏi - Cơ quan chức năng trả lời" column."""

    source: str = Field(pattern=ID_PATTERN)
    section: str
    per: Period
    min: int = Field(ge=0)


class Column(Strict):
    """A CCHC column ("chuyên trang, chuyên mục") a source keeps, by the section name its pages print; the
    coverage report says how many days passed since its last item."""

    source: str = Field(pattern=ID_PATTERN)
    section: str
    per: Period = Field(default="month", description="How often it should carry an item (its freshness limit).")


class Plan(Strict):
    version: Literal[1]
    plan: str
    channel_targets: list[ChannelTarget] = Field(min_length=1)
    units: list[UnitDuty] = Field(default_factory=list)
    qa_column: QaColumn | None = None
    columns: list[Column] = Field(
        default_factory=list, description="CCHC columns by section; a source without one is judged by all its items."
    )

    def all_columns(self) -> list[Column]:
        """The named CCHC columns, the Q&A column included."""
        qa = self.qa_column
        return [*self.columns, *([Column(source=qa.source, section=qa.section, per=qa.per)] if qa else [])]

    @model_validator(mode="after")
    def _known_ids(self) -> Plan:
        for i, target in enumerate(self.channel_targets):
            unknown = set(target.areas or ()) - set(AREA_IDS)
            if unknown:
                raise ValueError(f"channel_targets[{i}].areas: unknown area ids {sorted(unknown)}")
        units = [u.unit for u in self.units]
        if len(units) != len(set(units)):
            raise ValueError("a unit is listed twice in units")
        for i, unit in enumerate(self.units):
            unknown = set(unit.successors) - set(units)
            if unknown:
                raise ValueError(f"units[{i}].successors: not units of the plan {sorted(unknown)}")
            if unit.successors and unit.valid_to is None:
                raise ValueError(f"units[{i}]: successors without valid_to (the day the unit ended)")
        return self

    def unit(self, unit_id: str) -> UnitDuty | None:
        return next((u for u in self.units if u.unit == unit_id), None)

    def target(self, channel: str, area: str, per: Period) -> int | None:
        """The minimum for an area on a channel in one period of `per`, or None when the plan sets none."""
        for target in self.channel_targets:
            if target.channel == channel and target.per == per and (target.areas is None or area in target.areas):
                return target.min
        return None


class Place(Dated):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    kind: PlaceKind
    aliases: list[str] = Field(min_length=1)
    successors: list[str] = Field(default_factory=list)
    verified: bool = True


class Province(Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str
    aliases: list[str]


class Gazetteer(Strict):
    version: Literal[1]
    province: Province
    places: list[Place] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> Gazetteer:
        ids = [p.id for p in self.places]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate place id")
        for place in self.places:
            missing = set(place.successors) - set(ids)
            if missing:
                raise ValueError(f"place {place.id}: unknown successors {sorted(missing)}")
        return self


Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[str, ...] = get_args(Weekday)
ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class OutboxChannel(Strict):
    """Each message as one UTF-8 text file in a folder (the default channel: nothing to set up)."""

    enabled: bool = True
    dir: Path | None = Field(default=None, description="Default: outbox/ in the data folder (data/outbox).")


class EmailChannel(Strict):
    """Mail through an SMTP server; the password is read from an environment variable, never kept here."""

    enabled: bool = True
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    ca_file: Path | None = Field(default=None, description="Certificates to trust besides the system's (PEM).")
    username: str | None = None
    password_env: str | None = Field(default=None, pattern=ENV_NAME, description="The variable holding the password.")
    sender: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    recipients: list[Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+$")]] = Field(min_length=1)
    timeout: float = Field(default=30, gt=0, le=600)

    @model_validator(mode="after")
    def _credentials(self) -> EmailChannel:
        if (self.username is None) != (self.password_env is None):
            raise ValueError("username and password_env go together")
        return self


class WebhookChannel(Strict):
    """An HTTP POST of JSON: the alert's fields, or a Telegram bot's sendMessage body (format: telegram)."""

    enabled: bool = True
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    format: Literal["json", "telegram"] = "json"
    chat_id: int | str | None = Field(default=None, description="The Telegram chat (format: telegram).")
    timeout: float = Field(default=30, gt=0, le=600)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("must be an absolute http(s) URL")
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        for name, text in value.items():
            if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+", name):
                raise ValueError(f"{name!r} is not an HTTP header name")
            if not text.isascii() or not text.isprintable():
                raise ValueError(f"header {name}: the value must be printable ASCII on one line")
        return value

    @model_validator(mode="after")
    def _chat(self) -> WebhookChannel:
        if self.format == "telegram" and self.chat_id is None:
            raise ValueError("format telegram needs chat_id")
        return self


class AlertChannels(Strict):
    outbox: OutboxChannel | None = Field(default_factory=OutboxChannel)
    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None


class AlertRules(Strict):
    """Which facts raise an alert."""

    source_broken: bool = True
    source_silent: bool = True
    below_target: bool = True
    criticism_spike: bool = True
    weekly_digest: bool = True


class AlertsConfig(Strict):
    """config/alerts.yaml: what `cchc daily` tells people, and how."""

    version: Literal[1] = 1
    enabled: bool = True
    channels: AlertChannels = Field(default_factory=AlertChannels)
    rules: AlertRules = Field(default_factory=AlertRules)
    spike_threshold: int = Field(
        default=3, ge=0, description="A day with more relevant articles reporting shortcomings than this is a spike."
    )
    spike_days: int = Field(default=3, ge=1, le=31, description="How many recent days are checked for a spike.")
    gap_max_age_days: int = Field(
        default=45, ge=1, description="Only periods that ended within this many days raise a below-target alert."
    )
    digest_weekday: Weekday = "monday"

    @property
    def digest_isoweekday(self) -> int:
        return WEEKDAYS.index(self.digest_weekday) + 1
