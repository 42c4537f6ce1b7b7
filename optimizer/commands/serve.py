"""`chainopt serve`: read-only web pages over the nightly archive (see optimizer/web/)."""

from __future__ import annotations

import ipaddress
import tomllib
from pathlib import Path
from typing import Annotated

import typer

from optimizer.commands._app import app, fail, log, setup_logging
from optimizer.errors import ExitCode


def _from_config(config: Path) -> dict[str, Path]:
    """output_dir and archive_dir from a nightly TOML file (relative to its folder); the
    other nightly settings are not needed here and are ignored."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(ExitCode.INPUT_UNREADABLE, f"config file {config}: {exc}")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        fail(ExitCode.USAGE, f"{config} is not valid TOML: {exc}")
    base = config.resolve().parent
    out: dict[str, Path] = {}
    for key in ("output_dir", "archive_dir"):
        if key in data:
            path = Path(str(data[key])).expanduser()
            out[key] = path if path.is_absolute() else base / path
    return out


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    config: Annotated[Path | None, typer.Option(
        "--config", "-c", help="The nightly TOML file: its output_dir and archive_dir are "
        "served.")] = None,
    archive_dir: Annotated[Path | None, typer.Option(
        "--archive-dir", help="The nightly archive (one folder per run).")] = None,
    output_dir: Annotated[Path | None, typer.Option(
        "--output-dir", help="The folder of <case>-latest.xlsx and comparisons.")] = None,
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on. Anything but loopback needs --users or "
        "--proxy-user-header.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8080,
    users: Annotated[Path | None, typer.Option(
        "--users", help="Users file: one 'name:hash' per line (see --hash-password).")]
    = None,
    proxy_user_header: Annotated[str | None, typer.Option(
        "--proxy-user-header", help="Trust this header (e.g. X-Remote-User) set by an "
        "authenticating reverse proxy, on requests from --trusted-proxy only.")] = None,
    trusted_proxy: Annotated[list[str] | None, typer.Option(
        "--trusted-proxy", help="Address of the reverse proxy (repeatable) "
        "[default: 127.0.0.1 and ::1].")] = None,
    session_minutes: Annotated[int, typer.Option(
        "--session-minutes", min=1, help="A sign-in lasts this long.")] = 480,
    secret_file: Annotated[Path | None, typer.Option(
        "--secret-file", help="File holding the session-signing secret (keeps sign-ins "
        "across restarts) [default: a new random secret at every start].")] = None,
    secure_cookies: Annotated[bool, typer.Option(
        "--secure-cookies", help="Send cookies over HTTPS only (when the proxy serves "
        "HTTPS).")] = False,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64,
                                         help="Worker threads.")] = 8,
    hash_password: Annotated[bool, typer.Option(
        "--hash-password", help="Ask for a user name and password and print the users-file "
        "line for them, then exit.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Serve the nightly archive and output folder as read-only web pages.

    Pages: the latest plan, the run history, each run with its change report, scenario
    comparisons and downloads. Never writes and never solves. Binds to 127.0.0.1 unless
    told otherwise; to serve an intranet give --users or --proxy-user-header (README,
    "Web pages").
    """
    from optimizer.web.auth import Access, read_users
    from optimizer.web.auth import hash_password as make_hash

    if hash_password:
        name = typer.prompt("user name", err=True).strip()
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True,
                                err=True)
        if not name or ":" in name:
            fail(ExitCode.USAGE, "a user name must be non-empty and without ':'")
        typer.echo(f"{name}:{make_hash(password)}")
        raise typer.Exit(0)
    setup_logging(quiet)
    folders = _from_config(config) if config else {}
    archive = archive_dir or folders.get("archive_dir")
    output = output_dir or folders.get("output_dir")
    if archive is None or output is None:
        fail(ExitCode.USAGE, "give --archive-dir and --output-dir (or --config nightly.toml)")
    access = Access(users=read_users(users) if users else {},
                    proxy_header=proxy_user_header,
                    trusted_proxies=tuple(trusted_proxy) if trusted_proxy else
                    ("127.0.0.1", "::1"))
    if not _loopback(host) and not access.enabled:
        fail(ExitCode.USAGE, f"--host {host} would serve the plans to anyone who can reach "
             "this machine: give --users FILE or --proxy-user-header NAME, or keep the "
             "default 127.0.0.1")
    secret = None
    if secret_file is not None:
        try:
            secret = secret_file.read_bytes().strip()
        except OSError as exc:
            fail(ExitCode.INPUT_UNREADABLE, f"secret file {secret_file}: {exc}")
        if len(secret) < 32:
            fail(ExitCode.USAGE, f"secret file {secret_file}: use at least 32 random bytes "
                 "(e.g. `head -c 48 /dev/urandom | base64 > FILE`)")
    for label, folder in (("archive", archive), ("output", output)):
        if not folder.is_dir():
            log.warning("%s folder %s does not exist (yet): its pages stay empty", label,
                        folder)
    import waitress

    from optimizer.web.app import ServeSettings, create_app

    settings = ServeSettings(archive_dir=archive, output_dir=output, host=host, port=port,
                             access=access, session_minutes=session_minutes,
                             secret_key=secret, secure_cookies=secure_cookies)
    log.info("serving %s and %s read-only on http://%s:%d/ (auth: %s)", archive, output,
             host, port, "users file" if access.users else
             f"proxy header {proxy_user_header}" if proxy_user_header else "none (loopback)")
    waitress.serve(create_app(settings), host=host, port=port, threads=threads,
                   ident="chainopt", clear_untrusted_proxy_headers=True)
