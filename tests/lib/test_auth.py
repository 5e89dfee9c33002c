"""Logins: PBKDF2 hashes (never plain passwords), the same answer for unknown user and wrong
password, a growing delay and a lockout after repeated wrong passwords; `users add`."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from beskdash import auth
from beskdash.paths import ROOT

FAST = 1000  # iterations for test hashes (the real default is 600.000; it is stored in each hash)


@pytest.fixture(scope="module")
def users() -> dict[str, auth.User]:
    section = {"users": {"anna": {"password_hash": auth.hash_password("rigtigt-kodeord", iterations=FAST),
                                  "role": "analyst"}}}
    found, notes = auth.users_from_secrets(section)
    assert notes == []
    return found


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.slept.append(s)


def test_hash_format_and_verification() -> None:
    h = auth.hash_password("korrekt hest batteri")
    alg, iters, salt, _ = h.split("$")
    assert alg == "pbkdf2_sha256" and int(iters) == auth.ITERATIONS == 600_000 and salt
    assert auth.verify_password("korrekt hest batteri", h)
    assert not auth.verify_password("korrekt hest batteri ", h)
    assert auth.hash_password("korrekt hest batteri") != h  # a fresh salt each time
    assert not auth.verify_password("x", "x") and not auth.verify_password("x", "pbkdf2_sha256$0$$")
    with pytest.raises(ValueError):
        auth.hash_password("")


def test_plain_passwords_in_secrets_are_never_accepted() -> None:
    found, notes = auth.users_from_secrets({"users": {
        "bo": {"password": "hemmelig"},
        "cecilie": {"password_hash": "hemmelig"},
        "dorte": auth.hash_password("et-langt-kodeord", iterations=FAST),
        "erik": {"password_hash": auth.hash_password("x", iterations=FAST), "role": "admin"},
    }})
    assert list(found) == ["dorte"] and found["dorte"].role == "analyst"
    assert any("bo" in n and "klartekst" in n for n in notes)
    assert any("cecilie" in n for n in notes) and any("ukendt rolle 'admin'" in n for n in notes)
    assert auth.users_from_secrets(None) == ({}, [])


def test_login_unknown_user_and_wrong_password_get_the_same_answer(users) -> None:
    clock = Clock()
    t = auth.Throttle()
    ok = auth.authenticate(users, "anna", "rigtigt-kodeord", t, now=clock.now, sleep=clock.sleep)
    assert ok.user is not None and ok.user.name == "anna" and ok.message == ""
    wrong = auth.authenticate(users, "anna", "forkert", t, now=clock.now, sleep=clock.sleep)
    nobody = auth.authenticate(users, "ukendt", "forkert", t, now=clock.now, sleep=clock.sleep)
    assert wrong.user is None and nobody.user is None
    assert wrong.message == nobody.message == "Forkert brugernavn eller adgangskode."


def test_slow_down_then_lockout_then_free_again(users) -> None:
    clock = Clock()
    t = auth.Throttle()
    for _ in range(auth.MAX_FAILURES - 1):
        r = auth.authenticate(users, "anna", "gæt", t, now=clock.now, sleep=clock.sleep)
        assert r.user is None
    assert clock.slept == [0.5, 1.0, 2.0, 4.0]  # doubling delays
    r = auth.authenticate(users, "anna", "gæt", t, now=clock.now, sleep=clock.sleep)
    assert "For mange forkerte forsøg" in r.message
    # locked: even the right password is refused, with a Danish time to wait
    r = auth.authenticate(users, "anna", "rigtigt-kodeord", t, now=clock.now, sleep=clock.sleep)
    assert r.user is None and r.message == "For mange forkerte forsøg. Prøv igen om 15 minutter."
    clock.t += auth.LOCKOUT + 1
    assert auth.authenticate(users, "anna", "rigtigt-kodeord", t, now=clock.now, sleep=clock.sleep).user


def test_failures_expire_outside_the_window(users) -> None:
    clock = Clock()
    t = auth.Throttle()
    for _ in range(auth.MAX_FAILURES - 1):
        auth.authenticate(users, "anna", "gæt", t, now=clock.now, sleep=clock.sleep)
    clock.t += auth.WINDOW + 1
    auth.authenticate(users, "anna", "gæt", t, now=clock.now, sleep=clock.sleep)
    assert t.locked_for("anna", clock.now()) == 0


def users_add(name: str, password: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "beskdash", "users", "add", name, "--password-stdin"], cwd=ROOT,
                          input=password + "\n", capture_output=True, text=True, timeout=60)


def test_users_add_prints_a_line_for_secrets_toml() -> None:
    r = users_add("anna", "et-rigtig-godt-kodeord")
    assert r.returncode == 0, r.stderr
    assert "[auth.users]" in r.stderr
    parsed = tomllib.loads("[auth.users]\n" + r.stdout)
    h = parsed["auth"]["users"]["anna"]["password_hash"]
    assert parsed["auth"]["users"]["anna"]["role"] == "analyst"
    assert "et-rigtig-godt-kodeord" not in r.stdout and auth.verify_password("et-rigtig-godt-kodeord", h)
    short = users_add("anna", "kort")
    assert short.returncode == 1 and "mindst 12 tegn" in short.stderr
    bad = users_add("anna bo", "et-rigtig-godt-kodeord")
    assert bad.returncode == 1 and "Brugernavnet" in bad.stderr
