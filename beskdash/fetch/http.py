"""HTTP for the fetchers: a requests Session with urllib3's Retry, timeouts, and one Danish
message for each way a request can fail.

Retried (with backoff): connection errors, 429 and 5xx. Never retried: other 4xx (a wrong
table or key does not get better by asking again) and read timeouts (a server that is too slow
once is too slow three times; the analyst should not wait three timeouts). Every message names
the address but never an API key: keys travel only in headers, and `redact` scrubs anything
the server might echo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

RETRY_STATUSES = (429, 500, 502, 503, 504)
USER_AGENT = "beskdash (kommunal beskæftigelsesplan-opfølgning)"


class FetchError(RuntimeError):
    """A fetch that failed; the message is Danish, names the address and never an API key."""


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 30.0  # seconds to connect, and between bytes of an answer
    attempts: int = 3  # tries in all on connection errors, 429 and 5xx
    backoff: float = 1.0  # urllib3 waits 0, 2×, 4× … this many seconds between tries

    @classmethod
    def from_config(cls, cfg: dict[str, Any] | None, timeout: float | None = None) -> HttpSettings:
        cfg = cfg or {}
        return cls(
            timeout=float(timeout if timeout is not None else cfg.get("timeout", cls.timeout)),
            attempts=max(1, int(cfg.get("attempts", cls.attempts))),
            backoff=float(cfg.get("backoff", cls.backoff)),
        )


def session(settings: HttpSettings) -> requests.Session:
    retries = settings.attempts - 1
    retry = Retry(
        total=retries, connect=retries, status=retries, read=False, other=0, redirect=3,
        backoff_factor=settings.backoff, status_forcelist=RETRY_STATUSES,
        # Someone waits in front of the page: never sleep longer than this between tries,
        # whatever a Retry-After header asks for.
        backoff_max=30, retry_after_max=60,
        # The POSTs here (StatBank data, jobindsats v2 data) only read, so repeating them is safe.
        allowed_methods=None,
        respect_retry_after_header=True, raise_on_status=False,
    )
    s = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers["User-Agent"] = USER_AGENT
    return s


def redact(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


def where(url: str) -> str:
    """`api.statbank.dk/v1/data/AUK01/CSV`: the address without scheme or query, for messages."""
    u = urlsplit(url)
    return f"{u.netloc}{u.path}".rstrip("/")


def request(s: requests.Session, method: str, url: str, settings: HttpSettings, *, what: str,
            secret: str | None = None, **kwargs: Any) -> requests.Response:
    """One request with its retries; the whole body is read here, so a cut-off body fails here.

    Returns the response for any status below 400 and for 401/403 (callers know what a refused
    key means); every other failure raises FetchError.
    """
    addr = where(url)
    host = urlsplit(url).netloc
    t = settings.timeout
    try:
        r = s.request(method, url, timeout=(t, t), **kwargs)
    except requests.exceptions.ConnectTimeout:
        raise FetchError(f"{what}: kunne ikke få forbindelse til {host} inden for {_sec(t)} "
                         f"({settings.attempts} forsøg). Er der adgang til internettet?") from None
    except requests.exceptions.ReadTimeout:
        raise FetchError(f"{what}: {addr} svarede ikke inden for {_sec(t)}. Serveren er måske "
                         "overbelastet — prøv igen senere. Intet er skrevet til databasen.") from None
    except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError):
        raise FetchError(f"{what}: svaret fra {addr} blev afbrudt, før det var modtaget helt (afkortet). "
                         "Prøv igen. Intet er skrevet til databasen.") from None
    except requests.exceptions.SSLError:
        raise FetchError(f"{what}: der kunne ikke oprettes en sikker forbindelse (TLS) til {host}.") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"{what}: kunne ikke få forbindelse til {host} ({settings.attempts} forsøg). "
                         "Er der adgang til internettet, og er adressen rigtig?") from None
    except requests.exceptions.RequestException as e:
        raise FetchError(redact(f"{what}: forespørgslen til {addr} fejlede: {type(e).__name__}", secret)) from None
    if r.status_code < 400 or r.status_code in (401, 403):
        return r
    retries = getattr(r.raw, "retries", None)
    tries = len(retries.history) + 1 if retries is not None else 1
    if r.status_code == 429:
        raise FetchError(f"{what}: {host} afviser flere forespørgsler lige nu (HTTP 429 – for mange "
                         f"forespørgsler), også efter {tries} forsøg. Vent lidt, og prøv igen.")
    if r.status_code >= 500:
        raise FetchError(f"{what}: {addr} svarede med en serverfejl (HTTP {r.status_code}) i alle {tries} "
                         "forsøg. Prøv igen senere. Intet er skrevet til databasen.")
    detail = redact(server_message(r), secret)
    if r.status_code == 404:
        raise FetchError(f"{what}: {addr} findes ikke (HTTP 404). Er tabelnavnet og adressen rigtige?"
                         + (f" Serveren skrev: {detail}" if detail else ""))
    raise FetchError(f"{what}: {addr} afviste forespørgslen (HTTP {r.status_code})."
                     + (f" Serveren skrev: {detail}" if detail else ""))


def server_message(r: requests.Response, limit: int = 300) -> str:
    """The server's own error text, short: StatBank answers `{"message": …}`; else the body's start."""
    text = r.text.strip()
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        for k in ("message", "Message", "error", "errorMessage"):
            if isinstance(body.get(k), str):
                text = body[k]
                break
    if looks_like_html(text):
        return ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def looks_like_html(text: str | bytes) -> bool:
    head = (text[:200].decode("utf-8", "replace") if isinstance(text, bytes) else text[:200])
    head = head.lstrip("\ufeff \t\r\n").lower()
    return head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body"))


def _sec(t: float) -> str:
    return f"{t:g} sekunder".replace(".", ",")
