"""Map the packages' error classes to one-line messages and exit codes."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
from collections.abc import Iterator
from typing import NoReturn

import click

from search.store import StoreDamaged, StoreError, StoreMissing

EXIT_CONFIG = 2
EXIT_FAILURE = 1


class InputError(click.ClickException):
    """A command's input (a file or value given on the command line) is unusable: one line, exit 2."""

    exit_code = EXIT_CONFIG


def _loaded(module: str, name: str) -> tuple[type[Exception], ...]:
    """The exception class `name` of `module` when that module has been imported, else nothing to catch: an
    error of a module nobody imported cannot be raised, and importing the classifier or the crawler here would
    make every command (`--help` included) pay their start-up time."""
    found = sys.modules.get(module)
    return (getattr(found, name),) if found is not None else ()


def missing_store(path: str) -> str:
    """One line on an archive that does not exist, pointing at the demo's archive when there is one."""
    from config import get_settings

    demo = get_settings().under_data("demo.db")
    hint = (
        f"kho mẫu của `cchc demo` ở {demo}: thêm --store sqlite:///{demo}"
        if demo.is_file()
        else f"chạy `cchc demo` (tạo {demo}) hoặc `cchc crawl` trước, hoặc sửa --store / CCHC_STORE"
    )
    return f"kho lưu trữ {path} không tồn tại (lệnh chỉ đọc không tạo kho rỗng); {hint}"


def fail(message: str, exit_code: int) -> NoReturn:
    """End the command with one line on stderr, `lỗi: <message>`, and `exit_code`."""
    click.echo(f"lỗi: {message}", err=True)
    sys.exit(exit_code)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Print a known error as `lỗi: ...` on stderr and exit; let the unknown ones raise."""
    try:
        yield
    except BrokenPipeError:
        # The reader (`| head`) went away: stop quietly, as Python's docs advise.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_FAILURE)
    except StoreMissing as exc:
        fail(missing_store(exc.path), EXIT_CONFIG)
    except (
        *_loaded("crawler.extraction.learn", "LearnError"),
        *_loaded("config.loader", "ConfigError"),
        StoreDamaged,
        *_loaded("classifier.modelfile", "ModelIntegrityError"),
        *_loaded("cchc.alerts.send", "AlertStateError"),
    ) as exc:
        fail(str(exc), EXIT_CONFIG)
    except sqlite3.DatabaseError as exc:
        # A damaged or foreign file reached past the store's own checks: say so in one line, never a traceback.
        fail(f"kho SQLite bị hỏng hoặc không phải cơ sở dữ liệu ({exc}); hãy chạy `cchc store check`", EXIT_CONFIG)
    except (
        StoreError,
        *_loaded("crawler.extraction.page", "PageError"),
        *_loaded("classifier.modelfile", "ModelError"),
        *_loaded("classifier.dataset", "DataError"),
        OSError,
    ) as exc:
        fail(str(exc), EXIT_FAILURE)
