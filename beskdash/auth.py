"""Analysts' logins: users and PBKDF2 password hashes from `.streamlit/secrets.toml`, roles,
and a slow-down and lockout after repeated wrong passwords.

Everyone may read the dashboard without logging in; only analysts (who upload and undo
imports) log in. secrets.toml holds hashes, never passwords:

    [auth.users]
    anna = { password_hash = "pbkdf2_sha256$600000$…$…", role = "analyst" }

`python -m beskdash users add anna` prints that line. No Streamlit here (beskdash.ui does
the form); the throttle lives in the app process.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ALGORITHM = "pbkdf2_sha256"
# OWASP's recommendation for PBKDF2-HMAC-SHA256 (2023); stored in each hash, so it can rise later.
ITERATIONS = 600_000
ROLES = ("analyst",)
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")

MAX_FAILURES = 5  # wrong passwords for one user name within WINDOW before it is locked
WINDOW = 15 * 60
LOCKOUT = 15 * 60
SLOWDOWN = 0.5  # seconds after the first wrong password, doubling each time (at most 4)

WRONG = "Forkert brugernavn eller adgangskode."
log = logging.getLogger("beskdash.auth")


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str = field(repr=False)


@dataclass(frozen=True)
class AuthResult:
    user: User | None
    message: str  # Danish; empty on success


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii").rstrip("=")


def _unb64(s: str) -> bytes:
    return base64.b64decode(s + "=" * (-len(s) % 4))


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    """`pbkdf2_sha256$<iterations>$<salt>$<hash>` (base64), as Django writes it."""
    if not password:
        raise ValueError("Adgangskoden må ikke være tom.")
    salt = salt or secrets.token_bytes(16)
    dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(dk)}"


def is_hash(encoded: str) -> bool:
    parts = str(encoded).split("$")
    return len(parts) == 4 and parts[0] == ALGORITHM and parts[1].isdigit() and int(parts[1]) >= 1


def verify_password(password: str, encoded: str) -> bool:
    """Constant-time comparison; False for anything that is not a well-formed hash."""
    if not is_hash(encoded):
        return False
    _alg, iters, salt, expected = encoded.split("$")
    try:
        dk = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), _unb64(salt), int(iters))
        return hmac.compare_digest(dk, _unb64(expected))
    except (ValueError, TypeError):
        return False


def secrets_line(name: str, password_hash: str, role: str = "analyst") -> str:
    """The line to paste under `[auth.users]` in .streamlit/secrets.toml."""
    if not NAME.match(name):
        raise ValueError(f"Brugernavnet '{name}' må kun bestå af bogstaver a-z, tal, punktum, - og _.")
    if role not in ROLES:
        raise ValueError(f"Ukendt rolle '{role}' — mulige roller: {', '.join(ROLES)}.")
    return f'{name} = {{ password_hash = "{password_hash}", role = "{role}" }}'


def users_from_secrets(section: Mapping[str, Any] | None) -> tuple[dict[str, User], list[str]]:
    """The `[auth]` section → users, and Danish notes for the operator about entries ignored.

    A plain password is never accepted: such a user cannot log in until given a hash.
    """
    users: dict[str, User] = {}
    notes: list[str] = []
    table = (section or {}).get("users", {}) or {}
    for name, entry in table.items():
        if isinstance(entry, str):
            entry = {"password_hash": entry, "role": "analyst"}
        if not isinstance(entry, Mapping):
            notes.append(f"Brugeren {name} i secrets.toml er ikke skrevet som {{ password_hash = …, role = … }}.")
            continue
        h = str(entry.get("password_hash", ""))
        role = str(entry.get("role", "analyst"))
        if "password" in entry or not is_hash(h):
            notes.append(f"Brugeren {name} har ingen gyldig password_hash i secrets.toml (adgangskoder i klartekst "
                         f"accepteres ikke) — lav en med: python -m beskdash users add {name}")
            continue
        if role not in ROLES:
            notes.append(f"Brugeren {name} har en ukendt rolle '{role}' i secrets.toml.")
            continue
        users[str(name)] = User(str(name), role, h)
    return users, notes


class Throttle:
    """Wrong passwords per user name: a growing delay, then a lockout (per app process)."""

    def __init__(self, max_failures: int = MAX_FAILURES, window: float = WINDOW, lockout: float = LOCKOUT):
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def locked_for(self, name: str, now: float) -> float:
        """Seconds left of a lockout (0 when the name may try)."""
        with self._lock:
            return max(0.0, self._locked_until.get(name.casefold(), 0.0) - now)

    def failures(self, name: str, now: float) -> int:
        with self._lock:
            return len([t for t in self._failures.get(name.casefold(), []) if now - t < self.window])

    def failure(self, name: str, now: float) -> int:
        """Record a wrong password; returns the failures in the window (locking at the maximum)."""
        key = name.casefold()
        with self._lock:
            recent = [t for t in self._failures.get(key, []) if now - t < self.window] + [now]
            self._failures[key] = recent
            if len(recent) >= self.max_failures:
                self._locked_until[key] = now + self.lockout
                self._failures[key] = []
            return len(recent)

    def success(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name.casefold(), None)


@lru_cache(maxsize=1)
def _dummy() -> str:
    """A hash to verify against when the user name is unknown, so both cases take as long."""
    return hash_password("beskdash-dummy", salt=b"0" * 16)


def authenticate(users: Mapping[str, User], name: str, password: str, throttle: Throttle, *,
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> AuthResult:
    """Check a login. Unknown user and wrong password get the same message and take as long."""
    name = (name or "").strip()
    left = throttle.locked_for(name, now())
    if left > 0:
        minutes = max(1, int(left // 60) + (1 if left % 60 else 0))
        log.warning("login afvist: %s er låst i %d minutter mere", name, minutes)
        return AuthResult(None, f"For mange forkerte forsøg. Prøv igen om {minutes} minut"
                                f"{'ter' if minutes != 1 else ''}.")
    user = users.get(name)
    ok = verify_password(password or "", user.password_hash if user else _dummy()) and user is not None
    if ok:
        throttle.success(name)
        log.info("login: %s", name)
        return AuthResult(user, "")
    n = throttle.failure(name, now())
    log.warning("forkert login for brugernavnet %r (%d. forsøg)", name, n)
    if throttle.locked_for(name, now()) > 0:
        return AuthResult(None, f"{WRONG} For mange forkerte forsøg: prøv igen om "
                                f"{int(throttle.lockout // 60)} minutter.")
    sleep(min(4.0, SLOWDOWN * 2 ** (n - 1)))
    return AuthResult(None, WRONG)


# --- OpenID Connect: the municipality's own identity provider (Entra ID, a KOMBIT/ADFS bridge) ------------
#
# Streamlit does the protocol (st.login, st.user, st.logout, with Authlib) when secrets.toml has an [auth]
# section with these keys. beskdash adds only the role: which claim, holding which value, makes an analyst.
# Everyone else who logs in is a reader, exactly like a visitor who does not log in.

OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
DEFAULT_ROLE_CLAIM = "groups"
DEFAULT_ANALYST_VALUE = "beskdash-analytikere"
# Claims tried in order for the name that import history, own figures and plan versions record.
NAME_CLAIMS = ("preferred_username", "email", "name", "upn", "sub")


@dataclass(frozen=True)
class OidcSettings:
    role_claim: str
    analyst_values: tuple[str, ...]


def oidc_settings(section: Mapping[str, Any] | None) -> OidcSettings | None:
    """The OIDC role settings when `[auth]` configures a provider, else None (local users only).

    `analyst_claim` (default `groups`) and `analyst_value` (default `beskdash-analytikere`; a list allowed)
    sit in `[auth]` beside Streamlit's own keys, which Streamlit ignores.
    """
    section = section or {}
    if not all(section.get(k) for k in OIDC_KEYS):
        return None
    values = section.get("analyst_value", DEFAULT_ANALYST_VALUE)
    values = (values,) if isinstance(values, str) else tuple(str(v) for v in values)
    return OidcSettings(str(section.get("analyst_claim", DEFAULT_ROLE_CLAIM)), values)


def missing_oidc_keys(section: Mapping[str, Any] | None) -> list[str]:
    """Keys an operator has left out of a half-written `[auth]` provider section (for a Danish warning)."""
    section = section or {}
    given = [k for k in OIDC_KEYS if section.get(k)]
    return [k for k in OIDC_KEYS if not section.get(k)] if given else []


def role_from_claims(claims: Mapping[str, Any], settings: OidcSettings) -> str | None:
    """`analyst` when the configured claim holds one of the analyst values; None (a reader) otherwise.

    The claim may be a list (Entra's `groups`, `roles`) or a single string; values compare exactly, because a
    group id or role name that merely contains the text must not grant the role.
    """
    value = claims.get(settings.role_claim)
    held = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    return "analyst" if any(str(v) in settings.analyst_values for v in held) else None


def name_from_claims(claims: Mapping[str, Any]) -> str | None:
    for key in NAME_CLAIMS:
        value = claims.get(key)
        if value:
            return str(value)
    return None
