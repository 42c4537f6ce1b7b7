"""Who may read the pages: nobody to check (loopback only), a users file, or a proxy.

Users file: one ``name:hash`` per line (``#`` comments allowed), the hash made by
`chainopt serve --hash-password` (werkzeug.security: scrypt with a random salt). The
server only reads this file.

Reverse proxy: with ``--proxy-user-header X-Remote-User`` the server trusts that header,
but only on requests that come from an address in ``--trusted-proxy`` (default:
loopback), so a browser that reaches the server directly cannot name itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from werkzeug.datastructures import Headers
from werkzeug.security import check_password_hash, generate_password_hash

from optimizer.errors import ChainoptError, ExitCode


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked against when the user is unknown, so a wrong name costs the same time as
    a wrong password. Made on first use: scrypt is slow on purpose."""
    return generate_password_hash("chainopt-no-such-user")


@dataclass(frozen=True)
class Access:
    users: dict[str, str] = field(default_factory=dict)  # name -> password hash
    proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")

    @property
    def enabled(self) -> bool:
        return bool(self.users) or self.proxy_header is not None

    def check_password(self, name: str, password: str) -> bool:
        stored = self.users.get(name)
        ok = check_password_hash(stored or _dummy_hash(), password)
        return ok and stored is not None

    def proxy_user(self, headers: Mapping[str, str] | Headers,
                   remote_addr: str | None) -> str | None:
        if self.proxy_header is None or remote_addr not in self.trusted_proxies:
            return None
        value = headers.get(self.proxy_header)
        value = (value or "").strip()
        return value or None


def read_users(path: Path) -> dict[str, str]:
    """Parse a users file; every problem is reported at once with its line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ChainoptError(f"users file {path}: {exc}", ExitCode.INPUT_UNREADABLE) from exc
    users: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, hashed = line.partition(":")
        name = name.strip()
        if not sep or not name or not hashed.startswith(("scrypt:", "pbkdf2:")):
            problems.append(f"line {number}: expected 'name:hash' with a hash made by "
                            "`chainopt serve --hash-password`")
            continue
        if name in users:
            problems.append(f"line {number}: user {name!r} appears twice")
        users[name] = hashed.strip()
    if problems:
        raise ChainoptError(f"users file {path}: " + "; ".join(problems), ExitCode.USAGE)
    if not users:
        raise ChainoptError(f"users file {path} lists no user", ExitCode.USAGE)
    return users


def hash_password(password: str) -> str:
    return generate_password_hash(password)
