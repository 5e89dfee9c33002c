"""`python -m beskdash …`: each command a thin call into the library. Errors: Danish, exit 1."""

from __future__ import annotations

import argparse
import sys

from beskdash.paths import db_path


class CliError(Exception):
    """A user-facing error: printed in Danish to stderr, exit status 1."""


def _store(args: argparse.Namespace, read_only: bool = False):
    from beskdash.store import Store

    path = db_path(args.db)
    if read_only and not path.exists():
        raise CliError(f"Databasen {path} findes ikke. Kør først: python -m beskdash build")
    return Store(path, read_only=read_only)


def cmd_build(args: argparse.Namespace) -> None:
    from beskdash.build import build

    with _store(args) as store:
        report = build(store)
    for line in report.lines():
        print(line, file=sys.stderr)
    print(f"Databasen er bygget: {db_path(args.db)}", file=sys.stderr)


def cmd_export(args: argparse.Namespace) -> None:
    from beskdash import exports

    with _store(args, read_only=True) as store:
        df = store.observations(
            areas=[args.area] if args.area else None,
            benefits=[args.benefit] if args.benefit else None,
            sources=[args.source] if args.source else None,
        )
    out = exports.observations_json(df) if args.format == "json" else exports.observations_csv(df)
    sys.stdout.write(out)


def cmd_plans_check(args: argparse.Namespace) -> None:
    from beskdash.plans import check_plans

    problems = check_plans()
    if problems:
        raise CliError("\n".join(problems))
    print("Alle planer er gyldige.")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m beskdash", description="beskdash: beskæftigelsesplaner og ydelsestal")
    sub = p.add_subparsers(dest="command", required=True)

    def db(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--db", help="databasefil (standard: $BESKDASH_DB eller data/beskdash.duckdb)")

    b = sub.add_parser("build", help="byg databasen fra data/ og plans/")
    db(b)
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("export", help="skriv observationerne til stdout")
    db(e)
    e.add_argument("--format", choices=["csv", "json"], default="csv")
    e.add_argument("--area")
    e.add_argument("--benefit")
    e.add_argument("--source")
    e.set_defaults(func=cmd_export)

    pl = sub.add_parser("plans", help="planerne i plans/")
    plsub = pl.add_subparsers(dest="plans_command", required=True)
    pc = plsub.add_parser("check", help="kontrollér alle planfiler mod skemaet")
    pc.set_defaults(func=cmd_plans_check)
    return p


def main(argv: list[str] | None = None) -> int:
    from beskdash.store import StoreBusy, UndoError
    from beskdash.validate import ValidationFailed

    args = parser().parse_args(argv)
    try:
        args.func(args)
    except ValidationFailed as e:
        print("Fejl i inddata — intet er skrevet til databasen:", file=sys.stderr)
        from beskdash.validate import format_problems

        print(format_problems(e.problems), file=sys.stderr)
        return 1
    except (CliError, StoreBusy, UndoError) as e:
        print(f"Fejl: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
