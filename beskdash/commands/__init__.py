"""CLI commands, one module per area; each defines `register(subparsers)`.

`python -m beskdash` loads every module listed in COMMANDS (a listed module that is missing is an
error, never skipped), so a capability adds its own module and one line here.
"""

COMMANDS = ["core", "serve", "goals", "compare", "imports", "fetch", "audit", "report", "users", "snapshot", "plans",
            "cite", "template", "missing"]
