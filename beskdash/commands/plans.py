"""`plans check|add|list|history|undo|remove|export|schema`: plans as versioned data from the shell.

Each command is a thin call into beskdash.plans (schema) and beskdash.plan_versions (versions).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path

from beskdash import plan_versions, plans_compare
from beskdash.cli import CliError, add_db, open_store
from beskdash.paths import PLANS_DIR, db_path
from beskdash.plans import PlanError, check_plans, json_schema, load_plans
from beskdash.store import PlanVersionStale, Store


def _username(args: argparse.Namespace) -> str:
    if args.user:
        return args.user
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def _reading(args: argparse.Namespace) -> Store | None:
    """A read-only store when the database exists; without one only the shipped plans are known."""
    return open_store(args, read_only=True) if db_path(getattr(args, "db", None)).exists() else None


def _print_table(df) -> None:
    if len(df):
        print(df.to_string(index=False))


def cmd_plans_check(args: argparse.Namespace) -> None:
    plans_dir = Path(args.plans_dir) if args.plans_dir else PLANS_DIR
    problems = check_plans(plans_dir)
    if not problems:  # the Planer page's themes must name goals that exist (checked on valid plans only)
        problems = plans_compare.check_themes(load_plans(plans_dir), plans_compare.THEMES_FILE)
    if problems:
        raise CliError("\n".join(problems))
    print("Alle planer er gyldige.")


def cmd_plans_add(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"Filen {args.file} findes ikke.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CliError(f"{path.name}: filen er ikke UTF-8-tekst.") from None
    with open_store(args) as store:
        try:
            preview = plan_versions.preview_text(store, text, path.name)
        except PlanError as e:
            raise CliError("Planen er afvist, og intet er gemt:\n" + "\n".join(e.problems)) from None
        print("\n".join(preview.lines()))
        if preview.is_noop:
            print(f"Planen {preview.plan.id} er uændret: ingen ændringer, intet er gemt.")
            return
        try:
            version = plan_versions.save(store, preview, _username(args))
        except PlanVersionStale as e:
            raise CliError(str(e)) from None
    print(f"Gemt som version {version} af {preview.plan.id}.")


def cmd_plans_list(args: argparse.Namespace) -> None:
    store = _reading(args)
    try:
        _print_table(plan_versions.listing(store))
    finally:
        if store is not None:
            store.close()


def cmd_plans_history(args: argparse.Namespace) -> None:
    store = _reading(args)
    try:
        _print_table(plan_versions.history(store, args.id))
    finally:
        if store is not None:
            store.close()


def cmd_plans_undo(args: argparse.Namespace) -> None:
    with open_store(args) as store:
        print(plan_versions.undo(store, args.id, _username(args)))


def cmd_plans_remove(args: argparse.Namespace) -> None:
    with open_store(args) as store:
        version = plan_versions.remove(store, args.id, _username(args))
    print(f"Planen {args.id} er fjernet (version {version}); fortryd med `plans undo {args.id}`.")


def cmd_plans_export(args: argparse.Namespace) -> None:
    store = _reading(args)
    try:
        sys.stdout.write(plan_versions.export_yaml(store, args.id))
    finally:
        if store is not None:
            store.close()


def cmd_plans_schema(args: argparse.Namespace) -> None:
    json.dump(json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def register(sub: argparse._SubParsersAction) -> None:
    pl = sub.add_parser("plans", help="planerne: kontrol, nye versioner, historik, fortryd, eksport, skema")
    plsub = pl.add_subparsers(dest="plans_command", required=True)
    pc = plsub.add_parser("check", help="kontrollér alle planfiler mod skemaet")
    pc.add_argument("--plans-dir", help="en anden planmappe end plans/")
    pc.set_defaults(func=cmd_plans_check)

    a = plsub.add_parser("add", help="gem en planfil (YAML) som ny version efter kontrol og forhåndsvisning")
    a.add_argument("file", metavar="FIL.yaml")
    a.add_argument("--user", help="hvem der gemmer (standard: brugernavnet i skallen)")
    add_db(a)
    a.set_defaults(func=cmd_plans_add)

    ls = plsub.add_parser("list", help="alle planer med id, kommune, år, version, forfatter og dato")
    add_db(ls)
    ls.set_defaults(func=cmd_plans_list)

    h = plsub.add_parser("history", help="en plans versioner")
    h.add_argument("id")
    add_db(h)
    h.set_defaults(func=cmd_plans_history)

    u = plsub.add_parser("undo", help="gå én version tilbage")
    u.add_argument("id")
    u.add_argument("--user", help="hvem der fortryder")
    add_db(u)
    u.set_defaults(func=cmd_plans_undo)

    r = plsub.add_parser("remove", help="fjern en plan (kan fortrydes med undo)")
    r.add_argument("id")
    r.add_argument("--user", help="hvem der fjerner")
    add_db(r)
    r.set_defaults(func=cmd_plans_remove)

    e = plsub.add_parser("export", help="skriv planens nuværende version som YAML til stdout")
    e.add_argument("id")
    add_db(e)
    e.set_defaults(func=cmd_plans_export)

    s = plsub.add_parser("schema", help="JSON Schema for planfiler (til VS Code og andre editorer)")
    s.set_defaults(func=cmd_plans_schema)
