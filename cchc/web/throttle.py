"""Sliding-window rate limits kept in memory: failed logins per account and per address, relabelling per user."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable

logger = logging.getLogger(__name__)


class RateLimit:
    """At most `limit` events per key within `window` seconds."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        events = self._events.setdefault(key, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        return events

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may act again; 0 when it may act now."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            if len(events) < self.limit:
                return 0
            return max(1, math.ceil(events[len(events) - self.limit] + self.window - now))

    def hit(self, key: str) -> None:
        with self._lock:
            self._recent(key, self.clock()).append(self.clock())
            if len(self._events) > 10_000:  # bounded memory: forget keys whose window has passed
                now = self.clock()
                for stale in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
                    del self._events[stale]

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class LoginThrottle:
    """Failed logins, counted per account name and per client address; both must be under their limit."""

    def __init__(self, per_account: int = 5, per_address: int = 20, window: float = 15 * 60) -> None:
        self.accounts = RateLimit(per_account, window)
        self.addresses = RateLimit(per_address, window)

    def retry_after(self, account: str, address: str) -> int:
        return max(self.accounts.retry_after(account), self.addresses.retry_after(address))

    def failed(self, account: str, address: str) -> None:
        self.accounts.hit(account)
        self.addresses.hit(address)

    def succeeded(self, account: str) -> None:
        self.accounts.clear(account)
