"""The kinds of channel a source is (DESIGN.md's article record): one list for config, store and reports."""

from __future__ import annotations

from typing import Literal

CHANNELS = ("newspaper", "broadcaster", "provincial_portal", "unit_portal", "aggregator", "central_press")
Channel = Literal[CHANNELS]
# National outlets count only for their Nghệ An stories: they are read through their Nghệ An page alone.
CENTRAL_PRESS = "central_press"
# Portals publish for a unit: their sources must name it.
PORTALS = ("provincial_portal", "unit_portal")
