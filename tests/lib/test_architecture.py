"""The codebase's shape, checked on its source: no import cycles among beskdash modules (counting imports
inside functions), no beskdash import hidden in a function, no module over 600 lines, and SQL only in the
store (`beskdash/store/`). Each check names the offending file and line, so a failure says what to move."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from beskdash.paths import ROOT

PACKAGE = ROOT / "beskdash"
STORE = PACKAGE / "store"
MAX_LINES = 600
# Calls that hand SQL to DuckDB (a connection's execute/sql/query, the store's private _query).
SQL_CALLS = {"execute", "executemany", "sql", "query", "_query"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _parents(t: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(t) for child in ast.iter_child_nodes(node)}


def _context(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> tuple[bool, bool]:
    """(inside a function, only under `if TYPE_CHECKING:`) for an import node."""
    in_function = type_checking = False
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            in_function = True
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_checking = True
    return in_function, type_checking


def imports_of(name: str) -> list[tuple[str, int, bool]]:
    """(imported beskdash module, line, inside a function) for every import that runs."""
    known = modules()
    t = tree(known[name])
    parents = _parents(t)
    found = []
    for node in ast.walk(t):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            targets = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
        else:
            continue
        in_function, type_checking = _context(node, parents)
        if type_checking:
            continue
        found += [(m, node.lineno, in_function) for m in targets if m in known and m != name]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            v, children = work[-1]
            w = next(children, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_the_cycle_finder_finds_a_cycle_and_nothing_else() -> None:
    # the check below is only worth something if it can fail
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_among_beskdash_modules_counting_imports_inside_functions() -> None:
    graph = {name: {m for m, _, _ in imports_of(name)} for name in modules()}
    assert sum(map(len, graph.values())) > 100  # the graph was really read
    assert cycles(graph) == []


def test_no_beskdash_import_inside_a_function() -> None:
    # Heavy optional libraries (WeasyPrint, vl_convert, openpyxl, streamlit in the CLI) may be deferred, each
    # with a comment saying so; beskdash's own modules are imported at the top, where a cycle would show.
    local = [f"{modules()[name].relative_to(ROOT)}:{line}: {m}"
             for name in modules() for m, line, in_function in imports_of(name) if in_function]
    assert local == []


def test_no_module_over_600_lines() -> None:
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines()) for p in modules().values()}
    assert max(sizes.values()) > 100  # the files were really read
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


def sql_calls(path: Path) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{node.lineno}: .{node.func.attr}("
            for node in ast.walk(tree(path))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS]


def test_only_the_store_speaks_sql() -> None:
    assert sql_calls(STORE / "reads.py")  # the store's own SQL is found, so the check can see it
    outside = [c for p in modules().values() if STORE not in p.parents for c in sql_calls(p)]
    outside += sql_calls(ROOT / "app.py") + [c for p in sorted((ROOT / "pages").glob("*.py")) for c in sql_calls(p)]
    assert outside == []
    no_duckdb = [str(p.relative_to(ROOT)) for p in modules().values() if STORE not in p.parents
                 and any(isinstance(n, ast.Import | ast.ImportFrom) and "duckdb" in ast.unparse(n)
                         for n in ast.walk(tree(p)))]
    assert no_duckdb == []
