"""`cchc serve` (the web app) and `cchc users` (the accounts that may correct labels)."""

from __future__ import annotations

from pathlib import Path

import click

from cchc.options import store_option
from cchc.web.accounts import AccountError, Accounts
from config import get_settings

accounts_option = click.option(
    "--accounts", "accounts_path", type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: get_settings().users_file,
    show_default="data/users.json", help="Account file (env CCHC_USERS).",
)  # fmt: skip


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind; 0.0.0.0 opens it to the network."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@store_option
@accounts_option
def serve(host: str, port: int, store_url: str, accounts_path: Path) -> None:
    """Serve the web app (search, articles, coverage, sources), in Vietnamese.

    Reading is open to whoever can reach it; correcting labels needs an account (cchc users add).

    \b
    Example:
      cchc serve --store sqlite:///data/demo.db        # then open http://127.0.0.1:8000
    """
    import uvicorn

    from cchc.web.app import create_app
    from search import open_store

    app = create_app(
        store_url, accounts_path, get_settings().under_data("secret.key")
    )  # validates the configuration first
    open_store(store_url).close()  # fail now, in one line, if the archive cannot be opened
    click.echo(f"Ứng dụng web: http://{host}:{port}/ (Ctrl+C để dừng)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.group()
def users() -> None:
    """Accounts that may correct labels in the web app.

    \b
    Examples:
      cchc users add nguyenvana          # asks for the password twice
      cchc users list
    """


@users.command("add")
@click.argument("name")
@click.password_option(help="At least 8 characters; asked for when not given.")
@accounts_option
def add_user(name: str, password: str, accounts_path: Path) -> None:
    """Create an account or change its password."""
    try:
        Accounts(accounts_path).add(name, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã lưu tài khoản {name} vào {accounts_path}")


@users.command("list")
@accounts_option
def list_users(accounts_path: Path) -> None:
    """List the account names."""
    try:
        names = Accounts(accounts_path).names()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(names) if names else "(chưa có tài khoản)")


@users.command("remove")
@click.argument("name")
@accounts_option
def remove_user(name: str, accounts_path: Path) -> None:
    """Delete an account."""
    try:
        Accounts(accounts_path).remove(name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã xóa tài khoản {name}")
