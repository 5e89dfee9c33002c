"""CLI commands, one module per area; each defines `register(subparsers)`.

COMMANDS maps each module to the top-level commands it registers. `python -m beskdash <command> …`
loads only the module of that command (`serve` must not wait for the report's Altair or the fetchers'
HTTP stack before the server starts); `--help`, no command or an unknown one loads them all, so the
help lists every command. A listed module that is missing is an error, never skipped, and a module
that registers other commands than listed here is one too. A capability adds its own module and one
line here.
"""

COMMANDS: dict[str, tuple[str, ...]] = {
    "core": ("build", "export"),
    "serve": ("serve",),
    "goals": ("goals",),
    "compare": ("compare",),
    "imports": ("import", "imports"),
    "fetch": ("fetch",),
    "audit": ("audit",),
    "report": ("report",),
    "users": ("users",),
    "snapshot": ("snapshot",),
    "plans": ("plans",),
    "cite": ("cite",),
    "template": ("template",),
    "missing": ("missing",),
}
