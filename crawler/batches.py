"""Batches for item pipelines: many items share one classifier call or one store transaction, each keeps its
own result.

A pipeline's coroutine `process_item` awaits `Batcher.submit(item)`: the item waits until its batch goes (full,
or its first item has waited `max_wait` seconds, or `flush()`), then gets its own result, so the item_scraped
signal and per-item crawl stats stay exact. Scrapy closes a spider only once no item is in flight, so the timer
also empties the last batch of a run, a graceful stop (SIGTERM) included; `drain()` at close is the backstop.
With an executor, the work runs there: on a thread (a store's transaction, which SQLite runs without holding the
GIL) or in another process (classification; the work and the items are then pickled there and back).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

from scrapy.crawler import Crawler
from scrapy.utils.reactor import is_asyncio_reactor_installed

T = TypeVar("T")
R = TypeVar("R")


class Batcher(Generic[T, R]):
    """Gathers items for one call of `work(items) -> results` (one result per item, in order)."""

    def __init__(
        self,
        work: Callable[[list[T]], Sequence[R]],
        size: int,
        max_wait: float,
        executor: Executor | None = None,
    ) -> None:
        if size < 1:
            raise ValueError(f"batch size must be at least 1, not {size}")
        if max_wait < 0:
            raise ValueError(f"batch max wait must not be negative, not {max_wait}")
        self.work = work
        self.size = size
        self.max_wait = max_wait
        self.executor = executor
        self._items: list[T] = []
        self._waiting: list[asyncio.Future[R]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._running: set[asyncio.Future[list[R] | BaseException]] = set()

    @property
    def pending(self) -> int:
        """Items waiting for their batch to go."""
        return len(self._items)

    async def submit(self, item: T) -> R:
        """`item`'s result, once its batch has gone through `work`; the batch's exception if `work` failed."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._items.append(item)
        self._waiting.append(future)
        if len(self._items) >= self.size:
            self.flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.max_wait, self.flush)
        return await future

    def flush(self) -> None:
        """Send the waiting items through `work` now (on the executor, when there is one)."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        items, waiting = self._items, self._waiting
        self._items, self._waiting = [], []
        if not items:
            return
        if self.executor is None:
            self._hand_over(waiting, _outcome(self.work, items))
            return
        # The work runs on the executor while the crawl goes on; with one worker, batches go in order. Results are
        # handed over on the event loop's thread; an executor that cannot run it (a classifier process that died)
        # fails the batch's items, never leaves them waiting.
        loop = asyncio.get_running_loop()
        try:
            running = loop.run_in_executor(self.executor, _outcome, self.work, items)
        except RuntimeError as exc:  # BrokenExecutor, or an executor shut down
            self._hand_over(waiting, exc)
            return
        self._running.add(running)
        running.add_done_callback(lambda done: self._settle(done, waiting))

    def _settle(self, done: asyncio.Future[list[R] | BaseException], waiting: list[asyncio.Future[R]]) -> None:
        self._running.discard(done)
        self._hand_over(waiting, done.exception() or done.result())

    async def drain(self) -> None:
        """Flush, and wait until every batch sent has its results."""
        self.flush()
        while self._running:
            await asyncio.gather(*self._running, return_exceptions=True)  # each batch's items have its failure

    @staticmethod
    def _hand_over(waiting: list[asyncio.Future[R]], result: list[R] | BaseException) -> None:
        for n, future in enumerate(waiting):
            if future.done():
                continue
            if isinstance(result, BaseException):
                future.set_exception(result)
            else:
                future.set_result(result[n])


def _outcome(work: Callable[[list[T]], Sequence[R]], items: list[T]) -> list[R] | BaseException:
    """One result of `work` per item, or the exception that failed the batch (a function of the module, so that
    another process can run it)."""
    try:
        results = list(work(items))
    except Exception as exc:  # noqa: BLE001 - a boundary: every item of the batch gets the batch's failure
        return exc
    if len(results) != len(items):
        return RuntimeError(f"a batch of {len(items)} items gave {len(results)} results")
    return results


def batcher_for(
    crawler: Crawler, work: Callable[[list[T]], Sequence[R]], executor: Executor | None = None
) -> Batcher[T, R]:
    """A batcher sized by the crawl's settings CCHC_BATCH_SIZE (items) and CCHC_BATCH_MAX_WAIT (seconds)."""
    if not is_asyncio_reactor_installed():
        raise RuntimeError("batched pipelines need Scrapy's asyncio reactor (TWISTED_REACTOR)")
    size, max_wait = crawler.settings.getint("CCHC_BATCH_SIZE"), crawler.settings.getfloat("CCHC_BATCH_MAX_WAIT")
    return Batcher(work, size, max_wait, executor)
