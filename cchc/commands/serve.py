"""`cchc serve` (the web app) and `cchc users` (the accounts that may correct labels)."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import click

from cchc.options import store_option
from cchc.web.accounts import ROLES, AccountError, Accounts
from config import get_settings, load_places, load_plan, load_sources, load_taxonomy
from search import StoreDamaged, StoreError, open_store
from search.sqlite import SQLiteStore

accounts_option = click.option(
    "--accounts", "accounts_path", type=click.Path(dir_okay=False, path_type=Path),
    default=lambda: get_settings().users_file,
    show_default="data/users.json", help="Tệp tài khoản (biến môi trường CCHC_USERS).",
)  # fmt: skip


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe; 0.0.0.0 mở ứng dụng ra mạng.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Cổng lắng nghe.")
@click.option("--behind-proxy", is_flag=True,
              help="Một reverse proxy trên máy này giải mã TLS rồi chuyển tiếp tới ứng dụng: tin các tiêu đề"
                   " X-Forwarded-* của nó và đánh dấu cookie Secure.")  # fmt: skip
@click.option("--secure-cookies", is_flag=True,
              help="Đánh dấu cookie phiên là Secure (chỉ gửi qua HTTPS); tự bật khi có --behind-proxy.")  # fmt: skip
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), help="Phục vụ HTTPS bằng chứng chỉ này.")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), help="Khóa riêng của chứng chỉ.")
@store_option
@accounts_option
def serve(
    host: str,
    port: int,
    behind_proxy: bool,
    secure_cookies: bool,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    store_url: str,
    accounts_path: Path,
) -> None:
    """Chạy ứng dụng web tiếng Việt (tìm kiếm, bài viết, mức độ đưa tin, nguồn).

    Ai truy cập được thì đều xem được; muốn sửa nhãn cần có tài khoản (cchc users add).
    Khi mở ra ngoài máy này, hãy phục vụ qua HTTPS: --ssl-certfile/--ssl-keyfile, hoặc --behind-proxy
    sau một proxy HTTPS.

    \b
    Ví dụ:
      cchc serve --store sqlite:///data/demo.db        # rồi mở http://127.0.0.1:8000
      cchc serve --host 0.0.0.0 --behind-proxy         # nginx giải mã TLS rồi chuyển tiếp tới đây
    """
    import uvicorn

    from cchc.web.app import create_app

    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.UsageError("--ssl-certfile và --ssl-keyfile phải đi cùng nhau")
    tls = bool(ssl_certfile)
    secure = secure_cookies or behind_proxy or tls
    if not is_loopback(host) and not (behind_proxy or tls):
        click.echo(
            f"CẢNH BÁO: đang mở ứng dụng ra mạng ({host}) bằng HTTP không mã hóa: mật khẩu và phiên đăng nhập có thể"
            " bị nghe lén. Hãy dùng --ssl-certfile/--ssl-keyfile, hoặc đặt sau một proxy HTTPS và thêm --behind-proxy.",
            err=True,
        )
    load_sources(), load_taxonomy(), load_plan(), load_places()  # the configuration is valid before anything else
    check_store(store_url, quick=True)  # fail now, in one line, if the archive is missing, unreadable or damaged
    app = create_app(store_url, accounts_path, get_settings().under_data("secret.key"), secure_cookies=secure)
    scheme = "https" if tls else "http"
    click.echo(f"Ứng dụng web: {scheme}://{host}:{port}/ (Ctrl+C để dừng)")
    uvicorn.run(
        app, host=host, port=port, log_level="warning", proxy_headers=behind_proxy,
        forwarded_allow_ips="127.0.0.1,::1" if behind_proxy else None, ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile, server_header=False,
    )  # fmt: skip


def is_loopback(host: str) -> bool:
    """Whether binding `host` keeps the app on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_store(store_url: str, quick: bool = False) -> list[str]:
    """The archive's health in lines; a damaged archive raises StoreDamaged (exit 2)."""
    with open_store(store_url, create=False) as store:
        if isinstance(store, SQLiteStore):
            verdict = store.integrity_check(quick=quick)
            if verdict != "ok":
                raise StoreDamaged(f"{store.path}: the SQLite archive is damaged: {verdict[:300]}")
            return [f"{store.path}: {'quick_check' if quick else 'integrity_check'} ok"]
        client = getattr(store, "client", None)
        if client is None:
            return [f"{store_url}: no check for this backend"]
        try:
            health = client.cluster.health()
        except Exception as exc:  # noqa: BLE001 - a cluster can refuse in many ways; say it in one line
            raise StoreError(f"{store_url}: cluster health failed: {type(exc).__name__}: {str(exc)[:200]}") from None
        status = health.get("status")
        if status == "red":
            raise StoreDamaged(f"{store_url}: cluster health is red: some data is unavailable")
        return [f"{store_url}: cluster {health.get('cluster_name')} health {status}"]


@click.group()
def users() -> None:
    """Các tài khoản được sửa nhãn trong ứng dụng web.

    \b
    Ví dụ:
      cchc users add nguyenvana          # hỏi mật khẩu hai lần
      cchc users add tranthib --role admin
      cchc users list
    """


@users.command("add")
@click.argument("name")
@click.password_option(prompt="Mật khẩu", help="Ít nhất 8 ký tự; chương trình sẽ hỏi nếu không ghi ở đây.")
@click.option("--role", type=click.Choice(ROLES), default=None,
              help="editor sửa nhãn; admin còn quản lý tài khoản (mặc định: editor / giữ nguyên).")  # fmt: skip
@accounts_option
def add_user(name: str, password: str, role: str | None, accounts_path: Path) -> None:
    """Tạo tài khoản hoặc đổi mật khẩu (các phiên đang mở của tài khoản kết thúc)."""
    try:
        Accounts(accounts_path).add(name, password, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã lưu tài khoản {name} vào {accounts_path}")


@users.command("list")
@accounts_option
def list_users(accounts_path: Path) -> None:
    """Liệt kê các tài khoản."""
    try:
        accounts = Accounts(accounts_path).accounts()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("\n".join(f"{a.name}\t{a.role}" for a in accounts) if accounts else "(chưa có tài khoản)")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@accounts_option
def set_role(name: str, role: str, accounts_path: Path) -> None:
    """Đổi vai trò của tài khoản (các phiên đang mở của tài khoản kết thúc)."""
    try:
        Accounts(accounts_path).set_role(name, role)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Tài khoản {name}: vai trò {role}")


@users.command("remove")
@click.argument("name")
@accounts_option
def remove_user(name: str, accounts_path: Path) -> None:
    """Xóa tài khoản; các phiên đang mở của tài khoản kết thúc ngay."""
    try:
        Accounts(accounts_path).remove(name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Đã xóa tài khoản {name}")
