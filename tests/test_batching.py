"""The one batching helper: sizes, laziness, bad sizes."""

from __future__ import annotations

import itertools

import pytest

from search.batching import batched


def test_batches_keep_order_and_the_short_tail() -> None:
    assert list(batched(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_batches_read_lazily() -> None:
    endless = itertools.count()
    first = next(batched(endless, 4))
    assert first == [0, 1, 2, 3]
    assert next(endless) == 4  # nothing past the first batch was read


def test_bad_size_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        next(batched([1], 0))
