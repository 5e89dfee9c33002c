"""`fetch dst` and `fetch jobindsats`: fetch from the APIs, preview, and (unless --dry-run) import."""

from __future__ import annotations

import argparse
import getpass
import sys

from beskdash import fetch, goals
from beskdash.cli import CliError, add_db, open_store
from beskdash.fetch import config, jobindsats, statbank
from beskdash.fetch import plan as plan_fetch
from beskdash.fetch.http import FetchError, HttpSettings
from beskdash.validate import ValidationFailed


def _progress(message: str, fraction: float) -> None:
    print(message, file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace):
    return HttpSettings.from_config(config().get("http"), timeout=args.timeout)


def _import(args: argparse.Namespace, fetched: list) -> None:
    """The fetched answers through the importer: preview, then write unless --dry-run."""
    # The network is done before the database is opened: a slow API never holds the file.
    with open_store(args, read_only=args.dry_run) as store:
        fp = fetch.preview(store, fetched)
        for note in fp.notes():
            print(note)
        if not fp.ok:  # the problems are printed by the CLI's handler, once
            raise ValidationFailed(fp.problems)
        print(fp.message())
        if args.dry_run:
            print("Prøvekørsel (--dry-run): intet er skrevet til databasen.")
            return
        results = fetch.apply(store, fp, username=_username())
    print(fetch.result_message(fp, results))


def _username() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


def cmd_fetch_dst(args: argparse.Namespace) -> None:
    try:
        fetched = statbank.fetch(args.table or None, areas=None if args.all_areas else True,
                                 from_period=args.from_period, settings=_settings(args), progress=_progress)
    except FetchError as e:
        raise CliError(str(e)) from None
    _import(args, fetched)


def cmd_fetch_jobindsats(args: argparse.Namespace) -> None:
    try:
        fetched = jobindsats.fetch(args.table or None, api=args.api, settings=_settings(args), progress=_progress)
    except FetchError as e:
        raise CliError(str(e)) from None
    _import(args, fetched)


def cmd_fetch_plan(args: argparse.Namespace) -> None:
    """Exactly the series the plan's unjudgeable goals need; afterwards, which goals became judgeable."""
    if not args.plan:
        raise CliError("Angiv hvad der skal hentes: fetch dst, fetch jobindsats eller fetch --plan ID.")
    if args.plan not in goals.plans():
        raise CliError(f"Ukendt plan '{args.plan}'. Kendte planer: {', '.join(goals.plans())}")
    with open_store(args, read_only=True) as store:
        before = plan_fetch.statuses(store, args.plan)
        try:
            fetched, found = plan_fetch.for_plan(store, args.plan, api=args.api, settings=_settings(args),
                                                 progress=_progress)
        except FetchError as e:
            raise CliError(str(e)) from None
    for n in found:
        for s in n.series:
            if s.source is None:
                print(f"{n.goal_id}: kan ikke hentes — {s.text()}")
    if not fetched:
        print("Ingen af planens mål mangler en serie, som kan hentes.")
        return
    _import(args, fetched)
    if args.dry_run:
        return
    with open_store(args, read_only=True) as store:
        print(plan_fetch.became_judgeable(store, args.plan, before))


def register(sub: argparse._SubParsersAction) -> None:
    f = sub.add_parser("fetch", help="hent nye tal fra Danmarks Statistik eller jobindsats.dk og importér dem")
    f.add_argument("--plan", help="hent præcis de serier, planens mål mangler (fx alleroed-2022)")
    f.add_argument("--api", choices=["v2", "v3"], help="jobindsats' API-version (standard: data/fetch.yaml)")
    add_db(f)
    f.add_argument("--dry-run", action="store_true", help="vis hvad der ville ændres, uden at skrive")
    f.add_argument("--timeout", type=float, help="sekunder at vente på svar (standard: data/fetch.yaml)")
    f.set_defaults(func=cmd_fetch_plan)
    fsub = f.add_subparsers(dest="fetch_command")

    def common(p: argparse.ArgumentParser) -> None:
        add_db(p)
        p.add_argument("--dry-run", action="store_true", help="vis hvad der ville ændres, uden at skrive")
        p.add_argument("--timeout", type=float, help="sekunder at vente på svar (standard: data/fetch.yaml)")

    d = fsub.add_parser("dst", help="Statistikbanken (api.statbank.dk; adressen kan sættes med BESKDASH_DST_URL)")
    d.add_argument("--table", action="append", metavar="TABEL",
                   help="fx AUK01, FOLK1A eller FOLK1AM (kan gentages; standard: tabellerne i data/fetch.yaml)")
    d.add_argument("--from", dest="from_period", metavar="PERIODE", help="første periode, fx 2019K1")
    d.add_argument("--all-areas", action="store_true", help="alle tabellens områder, ikke kun dem i data/fetch.yaml")
    common(d)
    d.set_defaults(func=cmd_fetch_dst)

    j = fsub.add_parser("jobindsats",
                        help="jobindsats.dk (kræver JOBINDSATS_API_KEY; adressen: BESKDASH_JOBINDSATS_URL)")
    j.add_argument("--table", action="append", metavar="TABEL",
                   help="fx y07a02 (kan gentages; standard: tabellerne i data/fetch.yaml)")
    j.add_argument("--api", choices=["v2", "v3"], help="API-version (standard: data/fetch.yaml)")
    common(j)
    j.set_defaults(func=cmd_fetch_jobindsats)
