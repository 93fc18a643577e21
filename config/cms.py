"""The CMS families whose layouts the extractor knows (crawler/extraction/rules.py holds their rules)."""

from __future__ import annotations

from typing import Literal

CMS_FAMILIES = ("epi", "thnghean", "vnportal", "nukeviet", "dcs", "nghean24h", "generic")
Cms = Literal[CMS_FAMILIES]
GENERIC = "generic"  # no family rule: trafilatura alone
