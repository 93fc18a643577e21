"""The kinds of channel a source is (DESIGN.md's article record): one list for config, store and reports."""

from __future__ import annotations

from typing import Literal

# central_press: national outlets' Nghệ An pages (only their Nghệ An stories count for the plan).
CHANNELS = ("newspaper", "broadcaster", "provincial_portal", "unit_portal", "aggregator", "central_press")
Channel = Literal[CHANNELS]
# Portals publish for a unit: their sources must name it.
PORTALS = ("provincial_portal", "unit_portal")
