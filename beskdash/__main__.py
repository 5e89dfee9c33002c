"""`python -m beskdash …`: each command a thin call into the library. Errors: Danish, exit 1."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys

from beskdash.cli import CliError
from beskdash.commands import COMMANDS
from beskdash.fmt import join_da
from beskdash.plans import PlanError
from beskdash.store import StoreBusy, UndoError
from beskdash.validate import ValidationFailed, format_problems


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The CLI's parser. With `command`, only the module that registers it is loaded (a cold `serve`
    skips the other commands' imports); without, all are, so `--help` lists every command."""
    p = argparse.ArgumentParser(prog="python -m beskdash",
                                description="beskdash: beskæftigelsesplaner og ydelsestal")
    sub = p.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        if importlib.util.find_spec(f"beskdash.commands.{name}") is None:  # a typo must not drop a command
            raise CliError(f"Kommandofilen beskdash/commands/{name}.py står i COMMANDS "
                           "(beskdash/commands/__init__.py), men findes ikke.")
    for name, names in COMMANDS.items():
        if command is not None and command not in names:
            continue
        before = set(sub.choices)
        importlib.import_module(f"beskdash.commands.{name}").register(sub)
        registered = [c for c in sub.choices if c not in before]
        if registered != list(names):  # else a command would load only with --help, or never
            raise CliError(f"beskdash/commands/{name}.py registrerer {join_da(registered) or 'ingen kommandoer'}, "
                           f"men COMMANDS (beskdash/commands/__init__.py) siger {join_da(list(names))}.")
    return p


def _command(argv: list[str]) -> str | None:
    """The command named first on the line, if COMMANDS knows it (the top level has no options but -h)."""
    first = argv[0] if argv else None
    return first if any(first in names for names in COMMANDS.values()) else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        p = parser(_command(argv))
    except CliError as e:
        print(f"Fejl: {e}", file=sys.stderr)
        return 1
    # `serve` passes unknown options (--server.port …) on to streamlit run.
    args, extra = p.parse_known_args(argv)
    if extra and args.command != "serve":
        p.error(f"ukendte argumenter: {' '.join(extra)}")
    args.extra = extra
    try:
        args.func(args)
    except ValidationFailed as e:
        print("Fejl i inddata — intet er skrevet til databasen:", file=sys.stderr)
        print(format_problems(e.problems), file=sys.stderr)
        return 1
    except (CliError, StoreBusy, UndoError, PlanError) as e:
        print(f"Fejl: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
