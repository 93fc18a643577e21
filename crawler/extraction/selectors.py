"""CSS selectors that pick the same element on every page of a site (used by layout learning).

Candidates go from specific to general (id, classes, attributes, tag, then parent chains and
positions); a candidate is scored on every page and the first with the best score wins, so a
stable class beats a position whenever both work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import lxml.html
from lxml.cssselect import CSSSelector

Element = lxml.html.HtmlElement

# Class names and ids that are safe in a selector and look stable (no article ids such as "post-123456").
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ARTICLE_ID = re.compile(r"\d{4,}")
_ATTRIBUTES = ("itemprop", "role")
MAX_ANCESTORS = 4


def usable_name(name: str | None) -> bool:
    """Whether a class name or id can go into a selector and is likely the same on every page."""
    return bool(name) and bool(_NAME.match(name or "")) and not _ARTICLE_ID.search(name or "")


def classes(element: Element) -> list[str]:
    """The element's usable class names, in document order."""
    return [c for c in (element.get("class") or "").split() if usable_name(c)]


def step(element: Element) -> str:
    """One path step: tag, sorted usable classes, usable id (the element's structural signature)."""
    tag = element.tag if isinstance(element.tag, str) else "#"
    ident = element.get("id")
    return tag + "".join(f".{c}" for c in sorted(classes(element))) + (f"#{ident}" if usable_name(ident) else "")


def signature(element: Element, stop: Element | None = None) -> str:
    """The steps from the root (or from `stop`, excluded) down to the element."""
    steps = [step(element)]
    for ancestor in element.iterancestors():
        if ancestor is stop:
            break
        steps.append(step(ancestor))
    return "/".join(reversed(steps))


def simple_selectors(element: Element) -> list[str]:
    """Selectors for the element alone, most specific first."""
    tag = element.tag
    out = []
    ident = element.get("id")
    if usable_name(ident):
        out.append(f"{tag}#{ident}")
    names = classes(element)
    if names:
        out.append(tag + "".join(f".{c}" for c in names))
        out.extend(f"{tag}.{c}" for c in names if len(names) > 1)
    for attribute in _ATTRIBUTES:
        value = element.get(attribute)
        if value and _NAME.match(value):
            out.append(f'{tag}[{attribute}="{value}"]')
    style = (element.get("style") or "").lower() + " " + (element.get("align") or "").lower()
    for side in ("right", "center"):
        if side in style:
            attribute = "style" if side in (element.get("style") or "").lower() else "align"
            out.append(f'{tag}[{attribute}*="{side}"]')
    out.append(tag)
    return list(dict.fromkeys(out))


def _positions(element: Element) -> list[str]:
    parent = element.getparent()
    if parent is None:
        return []
    siblings = [c for c in parent if isinstance(c.tag, str)]
    same = [c for c in siblings if c.tag == element.tag]
    tag = element.tag
    out = []
    if siblings and siblings[0] is element:
        out.append(f"{tag}:first-child")
    if siblings and siblings[-1] is element:
        out.append(f"{tag}:last-child")
    if same[0] is element:
        out.append(f"{tag}:first-of-type")
    if same[-1] is element:
        out.append(f"{tag}:last-of-type")
    out.append(f"{tag}:nth-of-type({same.index(element) + 1})")
    return out


def candidates(element: Element, scope: Element | None = None) -> list[str]:
    """Selectors that may pick the element, from specific to general (`scope` bounds parent chains)."""
    own = simple_selectors(element)
    out = list(own)
    positions = _positions(element)
    ancestors = []
    for ancestor in element.iterancestors():
        if ancestor.tag in ("html",) or len(ancestors) >= MAX_ANCESTORS:
            break
        ancestors.append(ancestor)
        if ancestor is scope:
            break
    for depth, ancestor in enumerate(ancestors):
        for upper in simple_selectors(ancestor)[:3]:
            if upper == ancestor.tag and depth > 0:
                continue
            joiner = " > " if depth == 0 else " "
            out.extend(f"{upper}{joiner}{mine}" for mine in own[:3])
    out.extend(positions)
    if ancestors:
        parent = ancestors[0]
        for upper in simple_selectors(parent)[:2]:
            out.extend(f"{upper} > {p}" for p in positions)
        if len(ancestors) > 1:
            for upper in simple_selectors(ancestors[1])[:2]:
                for middle in [*simple_selectors(parent)[:2], *_positions(parent)]:
                    out.extend(f"{upper} > {middle} > {mine}" for mine in [*own[:2], *positions])
    return list(dict.fromkeys(out))


@lru_cache(maxsize=4096)
def compiled(selector: str) -> CSSSelector:
    """A compiled selector, read as lxml.html reads one (learning scores the same candidates on many pages;
    extraction applies the same rules to every page)."""
    return CSSSelector(selector, translator="html")


def select(root: Element, selector: str) -> list[Element]:
    """The elements `selector` matches under `root`, as `root.cssselect` finds them."""
    return compiled(selector)(root)


def best_selector(
    pool: Iterable[str], score: Callable[[str], float], enough: float | None = None
) -> tuple[str | None, float]:
    """The first selector of `pool` with the highest score (stops early at `enough`)."""
    best, best_score = None, float("-inf")
    for selector in pool:
        value = score(selector)
        if value > best_score:
            best, best_score = selector, value
            if enough is not None and value >= enough:
                break
    return best, best_score


def first_match_selector(
    roots: Sequence[Element], targets: Sequence[Element | None], last: bool = False
) -> tuple[str | None, int]:
    """The selector whose first (or `last`) match under each root is that page's target (None: matches nothing).

    Returns the selector and on how many pages it was right.
    """
    pool: list[str] = []
    for target in targets:
        if target is not None:
            pool.extend(candidates(target))
    pool = list(dict.fromkeys(pool))

    def score(selector: str) -> float:
        right = 0
        for root, target in zip(roots, targets, strict=True):
            found = select(root, selector)
            right += (bool(found) and found[-1 if last else 0] is target) if target is not None else not found
        return right

    selector, value = best_selector(pool, score, enough=len(roots))
    return selector, int(value) if selector else 0
