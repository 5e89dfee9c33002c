"""`python -m beskdash report`: the quarterly committee report of one plan as HTML or PDF."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from beskdash import fmt, report
from beskdash.cli import CliError, add_db, open_store


def cmd_report(args: argparse.Namespace) -> None:
    out = Path(args.output)
    fmt_ = args.format or ("pdf" if out.suffix.lower() == ".pdf" else "html")
    if not out.parent.exists():
        raise CliError(f"Mappen {out.parent} findes ikke (--output {args.output}).")
    if out.is_dir():
        raise CliError(f"--output {args.output} er en mappe; angiv et filnavn, fx "
                       f"{out / report.file_name(args.plan, args.period, fmt_)}")
    with open_store(args, read_only=True) as store:
        try:
            data = report.render(store, args.plan, fmt_, args.period)
        except report.ReportError as e:
            raise CliError(str(e)[:1].upper() + str(e)[1:]) from None
    # Written whole, then moved into place: a failed run never leaves half a report behind.
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)
    print(f"Rapporten er skrevet: {out} ({fmt_.upper()}, {fmt.number(len(data))} bytes)", file=sys.stderr)


def register(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser(
        "report", help="kvartalsrapport (ledelsesinformation) for én plan som HTML eller PDF",
        description="Forside med plan, periode og dato; en tabel over alle mål med status, seneste værdi, mål, "
                    "afstand og tendens; et afsnit pr. fokusområde med målenes diagrammer; planens sammenligning; "
                    "kilder og licenser; og hvordan status afgøres. HTML-filen henter intet udefra.",
    )
    add_db(r)
    r.add_argument("--plan", required=True, help="planens id, fx alleroed-2022")
    r.add_argument("--period", help="opgør med data til og med denne periode, fx 2025K4 (standard: alle data)")
    r.add_argument("--format", choices=["html", "pdf"], help="standard: efter --output's endelse, ellers html")
    r.add_argument("--output", required=True, help="filen, der skrives, fx rapport.pdf")
    r.set_defaults(func=cmd_report)
