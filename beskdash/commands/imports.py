"""`import FILE... [--dry-run]`, `imports list`, `imports undo ID`: analysts' imports from the shell."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from beskdash import imports
from beskdash.cli import CliError, add_db, open_store
from beskdash.validate import ValidationFailed


def _username(args: argparse.Namespace) -> str:
    if getattr(args, "user", None):
        return args.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def cmd_import(args: argparse.Namespace) -> None:
    files = []
    for f in args.files:
        p = Path(f)
        if not p.is_file():
            raise CliError(f"Filen {f} findes ikke.")
        files.append((p.name, p.read_bytes()))
    # A dry run only reads: it may run beside another reader, and cannot change anything.
    with open_store(args, read_only=args.dry_run) as store:
        preview = imports.preview_files(store, files, table=args.table)
        for line in (line for f in preview.files for line in f.lines()):
            print(line)
        if preview.problems:
            raise ValidationFailed(preview.problems)
        if args.dry_run:
            print("Prøvekørsel (--dry-run): intet er skrevet til databasen.")
            return
        if preview.is_noop:
            print("Intet at ændre: databasen har allerede alle tallene. Intet er skrevet.")
            return
        try:
            results = imports.apply_preview(store, preview, _username(args))
        except imports.PreviewStale as e:
            raise CliError(str(e)) from None
    print(imports.result_message(preview, results))


def cmd_list(args: argparse.Namespace) -> None:
    with open_store(args, read_only=True) as store:
        df = imports.history(store, limit=args.limit)
    if df.empty:
        print("Der er ingen importer endnu.")
        return
    sys.stdout.write(df.to_string(index=False) + "\n")


def cmd_undo(args: argparse.Namespace) -> None:
    with open_store(args) as store:
        n = imports.undo(store, args.id, _username(args))
    print(f"Import {args.id} er fortrudt: {n} tal er sat tilbage til, hvad de var før.")


def register(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("import", help="importér StatBank-, jobindsats- eller beskdash-filer (vis først ændringerne)")
    i.add_argument("files", nargs="+", metavar="FIL")
    i.add_argument("--dry-run", action="store_true", help="vis kun, hvad der ville ske; skriv intet")
    i.add_argument("--table", help="tabellens id, hvis filen ikke selv siger det (fx AUK01 eller Y01A02)")
    i.add_argument("--user", help="navnet i importhistorikken (standard: brugeren, der kører kommandoen)")
    add_db(i)
    i.set_defaults(func=cmd_import)

    im = sub.add_parser("imports", help="importhistorikken")
    isub = im.add_subparsers(dest="imports_command", required=True)
    ls = isub.add_parser("list", help="vis importerne, nyeste først")
    ls.add_argument("--limit", type=int, default=50)
    add_db(ls)
    ls.set_defaults(func=cmd_list)
    u = isub.add_parser("undo", help="fortryd en import: sæt de tal, den ændrede, tilbage")
    u.add_argument("id", type=int, metavar="ID")
    u.add_argument("--user", help="navnet i logbogen (standard: brugeren, der kører kommandoen)")
    add_db(u)
    u.set_defaults(func=cmd_undo)
