"""`users add NAME`: a password hash for .streamlit/secrets.toml (the password is never stored)."""

from __future__ import annotations

import argparse
import getpass
import sys

from beskdash import auth
from beskdash.cli import CliError


def cmd_add(args: argparse.Namespace) -> None:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Adgangskode til {args.name}: ")
        if getpass.getpass("Gentag adgangskoden: ") != password:
            raise CliError("De to adgangskoder er ikke ens.")
    if len(password) < 12:
        raise CliError("Adgangskoden skal være mindst 12 tegn.")
    try:
        line = auth.secrets_line(args.name, auth.hash_password(password), args.role)
    except ValueError as e:
        raise CliError(str(e)) from None
    print("# Indsæt linjen under [auth.users] i .streamlit/secrets.toml:", file=sys.stderr)
    print(line)


def register(sub: argparse._SubParsersAction) -> None:
    u = sub.add_parser("users", help="analytikernes logins")
    usub = u.add_subparsers(dest="users_command", required=True)
    a = usub.add_parser("add", help="lav linjen til secrets.toml for en ny analytiker")
    a.add_argument("name", metavar="NAVN")
    a.add_argument("--role", default="analyst", help="rolle (standard: analyst)")
    a.add_argument("--password-stdin", action="store_true", help="læs adgangskoden fra stdin (til scripts)")
    a.set_defaults(func=cmd_add)
