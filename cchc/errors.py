"""Map the packages' error classes to one-line messages and exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import click

from classifier import ModelError
from classifier.dataset import DataError
from config import ConfigError
from crawler.extraction.learn import LearnError
from crawler.extraction.page import PageError
from search import StoreError

EXIT_CONFIG = 2
EXIT_FAILURE = 1


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a known error as `error: ...` on stderr and exit; let the unknown ones raise."""
    try:
        yield
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, as Python's docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAILURE)
    except LearnError as exc:
        click.echo(f"lỗi: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_CONFIG)
    except (StoreError, PageError, ModelError, DataError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILURE)
