"""`compare`: series for areas (and summed groups), normalised, as CSV or JSON on stdout."""

from __future__ import annotations

import argparse
import sys

from beskdash import compare, exports, fmt, periods
from beskdash.cli import CliError, add_db, open_store


def cmd_compare(args: argparse.Namespace) -> None:
    areas = [a.strip() for a in (args.areas or "").split(",") if a.strip()]
    benefits = [b.strip() for b in args.benefit.split(",") if b.strip()]
    if sum(bool(x) for x in (args.per_capita, args.share_of_population)) > 1:
        raise CliError("vælg højst én af --per-capita og --share-of-population")
    if args.index and args.yoy:
        raise CliError("vælg højst én af --index og --yoy")
    scale = "per1000" if args.per_capita else "popshare" if args.share_of_population else "raw"
    view = "index" if args.index else "yoy" if args.yoy else "level"
    try:
        for p in (args.period_from, args.period_to, args.index):
            if p:
                periods.parse_period(p)
        with open_store(args, read_only=True) as store:  # groups by the store's plans (an analyst's too)
            groups = [compare.resolve_group(g, areas, store) for g in args.group or []]
            known = {p.key for p in compare.peer_groups(store)} | {a.key for a in compare.aggregates()}
            comp = compare.series(store, areas, benefits[0] if len(benefits) == 1 else benefits, args.measure,
                                  args.period_from, args.period_to, scale=scale, view=view, base=args.index,
                                  groups=groups, source=args.source)
    except (compare.CompareError, periods.PeriodError) as e:
        raise CliError(str(e)) from None
    for g in groups:
        if g.key not in known:
            print(f"Gruppen '{g.label}' er {fmt.join_da(g.members)} lagt sammen.", file=sys.stderr)
    if comp.denominator:
        print(comp.denominator, file=sys.stderr)
    for note in comp.notes:
        print(note, file=sys.stderr)
    out = exports.comparison_json(comp) if args.format == "json" else exports.comparison_csv(comp)
    sys.stdout.write(out)


def register(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "compare", help="sammenlign områder: serier som CSV eller JSON",
        description="Skriver area_code, area_name, period, value (+ kilde, nævner og evt. hul) for hvert område "
                    "og hver gruppe. Eksempel: compare --areas 201,223,240 --benefit kontanthjaelp-nettoledige "
                    "--measure fuldtidspersoner --group alleroed --format json",
    )
    add_db(c)
    c.add_argument("--areas", help="områdekoder, kommasepareret, fx 201,223,240")
    c.add_argument("--benefit", required=True,
                   help="ydelsesnøgle, fx kontanthjaelp-nettoledige (flere kommasepareret lægges sammen, "
                        "hvis de ikke overlapper)")
    c.add_argument("--measure", required=True, help="målnøgle, fx fuldtidspersoner eller pct-arbejdsstyrke")
    c.add_argument("--group", action="append", metavar="NAME",
                   help="en ekstra serie lagt sammen (Σ tællere / Σ nævnere): en sammenligningsgruppe fra "
                        "data/peer_groups.yaml (dens sammenligningsområder), region-hovedstaden, hele-landet, "
                        "'Navn=201,223' eller et navn for de valgte --areas; kan gentages")
    c.add_argument("--per-capita", action="store_true", help="pr. 1.000 indbyggere (FOLK1A/FOLK1AM)")
    c.add_argument("--share-of-population", action="store_true",
                   help="i pct. af hele befolkningen (FOLK1A/FOLK1AM); kilders egne andele vises som offentliggjort")
    c.add_argument("--index", metavar="BASE", help="indeks med basisperioden BASE = 100, fx 2019Q4")
    c.add_argument("--yoy", action="store_true", help="ændring fra samme periode året før")
    c.add_argument("--from", dest="period_from", metavar="P", help="første periode, fx 2019Q1")
    c.add_argument("--to", dest="period_to", metavar="P", help="sidste periode, fx 2019Q4")
    c.add_argument("--source", help="kun denne kilde, fx dst:AUK01")
    c.add_argument("--format", choices=["csv", "json"], default="csv")
    c.set_defaults(func=cmd_compare)
