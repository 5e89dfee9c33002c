"""What bare Streamlit costs for a page's elements: the floor under a page's warm rerun.

`build(at)` walks the element tree of a finished AppTest run (`at._tree`) and writes a one-file script
that redraws the same elements with plain `st.*` calls and nothing else: no beskdash import, no
queries, no computation. Texts are inlined; frames and chart datasets are pickled beside the script
and loaded once through `st.cache_data`, as bench/run.py's frames-only reference (MINIMAL) does.

The floor is conservative: every call gets only the arguments that reproduce the element (label,
options, current value, text), never more work than the page did for it. Optional extras the page
may have paid for (column configs, help texts, format functions, callbacks, download payloads) are
left out. What cannot be redrawn by a bare call (a page_link needs the app's other pages) becomes a
`st.markdown` of its label, and is counted in `Floor.substitutions`.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

HEADER = '''\
import datetime
import pickle

import streamlit as st


@st.cache_data
def data(path):
    with open(path, "rb") as f:
        return pickle.load(f)


D = data(DATA)
'''


class Expr:
    """Source text emitted as is (a reference into D), not as a literal."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


@dataclass
class Floor:
    body: list[str] = field(default_factory=list)  # the script's lines after HEADER
    data: list[Any] = field(default_factory=list)  # pickled beside the script, D[i] in it
    substitutions: int = 0  # elements drawn as st.markdown of their label (an approximation)
    expected: list[str] = field(default_factory=list)  # element types the script draws, in order
    _widgets: set[tuple[str, str]] = field(default_factory=set)
    _names: int = 0

    def source(self, data_path: Path) -> str:
        return HEADER.replace("DATA", repr(str(data_path))) + "\n".join(self.body) + "\n"

    def write(self, data_path: Path) -> str:
        """Pickle the data to `data_path`; the script's source, which loads it from there."""
        data_path.write_bytes(pickle.dumps(self.data))
        return self.source(data_path)

    # --- emitting -------------------------------------------------------------------------------

    def ref(self, obj: Any) -> Expr:
        self.data.append(obj)
        return Expr(f"D[{len(self.data) - 1}]")

    def name(self) -> str:
        self._names += 1
        return f"_b{self._names}"

    def call(self, depth: int, kind: str, fn: str, *args: Any, **kwargs: Any) -> None:
        """`st.<fn>(...)` at `depth`, drawing an element of type `kind`; None-valued kwargs left out."""
        parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items() if v is not None]
        self.body.append("    " * depth + f"st.{fn}({', '.join(parts)})")
        self.expected.append(kind)

    def widget(self, depth: int, el: Any, fn: str, *args: Any, **kwargs: Any) -> None:
        """A widget with its own key; a keyless one gets a key only if the same type and label came before
        (the page told them apart by arguments the floor leaves out)."""
        key = el.key
        if key is None:
            sig = (el.type, str(args[0]) if args else "")
            if sig in self._widgets:
                key = f"floor-{len(self.body)}"
            self._widgets.add(sig)
        self.call(depth, el.type, fn, *args, **kwargs, key=key)

    def approximate(self, depth: int, text: str, why: str) -> None:
        self.body.append("    " * depth + f"# approximation: {why}")
        self.call(depth, "markdown", "markdown", text)
        self.substitutions += 1


def build(at: Any) -> Floor:
    """The floor script of a finished AppTest run (see the module's docstring)."""
    floor = Floor()
    tree = at._tree
    main, sidebar, event = (tree.children.get(i) for i in range(3))
    for child in _children(main):
        _node(floor, child, 0)
    if sidebar is not None and sidebar.children:
        floor.body.append("with st.sidebar:")
        for child in _children(sidebar):
            _node(floor, child, 1)
    for child in _children(event):  # toasts
        _node(floor, child, 0)
    return floor


def element_types(at: Any) -> list[str]:
    """Element types of a run in tree order (main, sidebar, event), blocks left out: the floor's check."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if hasattr(node, "children"):
            for child in _children(node):
                walk(child)
        else:
            out.append(node.type)

    walk(at._tree)
    return out


def _children(node: Any) -> list[Any]:
    return [] if node is None else [node.children[k] for k in sorted(node.children)]


def _visibility(proto: Any) -> str | None:
    v = proto.label_visibility.value if proto.HasField("label_visibility") else 0
    return {1: "hidden", 2: "collapsed"}.get(v)


def _arrow(data: bytes) -> Any:
    return pa.ipc.open_stream(data).read_all().to_pandas()


def _try(fn: Any, default: Any) -> Any:
    try:
        return fn()
    except Exception:  # a value AppTest cannot give back: the proto's default
        return default


# --- blocks --------------------------------------------------------------------------------------

def _with(floor: Floor, depth: int, head: str, children: list[Any]) -> None:
    floor.body.append("    " * depth + f"with {head}:")
    if not children:
        floor.body.append("    " * (depth + 1) + "pass")
    for child in children:
        _node(floor, child, depth + 1)


def _block(floor: Floor, block: Any, depth: int) -> None:
    kids = _children(block)
    proto = block.proto
    kind = block.type
    if proto is None or kind in ("main", "sidebar", "event", "unknown", "transparent"):
        for child in kids:  # a placeholder the tree made for a delta path: its children only
            _node(floor, child, depth)
    elif kind in ("flex_container", "horizontal", "vertical"):
        horizontal = kind == "horizontal" or (kind == "flex_container" and proto.flex_container.direction == 2)
        border = proto.flex_container.border if kind == "flex_container" else (
            proto.vertical.border if kind == "vertical" else False)
        if kids and all(k.type == "column" for k in kids):  # st.columns
            name = floor.name()
            first = kids[0].proto
            align = {1: "center", 2: "bottom"}.get(first.vertical_alignment)
            floor.body.append("    " * depth + f"{name} = st.columns({[round(k.weight, 6) for k in kids]!r}, "
                              f"gap={kids[0].gap!r}, vertical_alignment={align or 'top'!r}, "
                              f"border={bool(first.show_border)!r})")
            for i, col in enumerate(kids):
                _with(floor, depth, f"{name}[{i}]", _children(col))
        else:
            args = ["border=True"] if border else []
            if horizontal:
                args.append("horizontal=True")
            _with(floor, depth, f"st.container({', '.join(args)})", kids)
    elif kind == "expander":
        icon = f", icon={proto.icon!r}" if proto.icon else ""
        _with(floor, depth, f"st.expander({proto.label!r}, expanded={bool(proto.expanded)!r}{icon})", kids)
    elif kind == "status":
        _with(floor, depth, f"st.status({proto.label!r}, expanded={bool(proto.expanded)!r}, "
                            f"state={block.state!r})", kids)
    elif kind == "tab_container":
        tabs = [k for k in kids if k.type == "tab"]
        name = floor.name()
        floor.body.append("    " * depth + f"{name} = st.tabs({[t.label for t in tabs]!r})")
        for i, tab in enumerate(tabs):
            _with(floor, depth, f"{name}[{i}]", _children(tab))
    elif kind == "form":
        form = proto.form
        _with(floor, depth, f"st.form({form.form_id!r}, clear_on_submit={bool(form.clear_on_submit)!r}, "
                            f"border={bool(form.border)!r})", kids)
        if not any(getattr(getattr(n, "proto", None), "is_form_submitter", False) for n in leaves(block)):
            floor.call(depth + 1, "button", "form_submit_button")  # Streamlit wants one; the page had it too
    elif kind == "popover":
        pop = proto.popover
        icon = f", icon={pop.icon!r}" if pop.icon else ""
        _with(floor, depth, f"st.popover({pop.label!r}{icon}, disabled={bool(pop.disabled)!r})", kids)
    elif kind == "chat_message":
        _with(floor, depth, f"st.chat_message({block.name!r})", kids)
    else:  # grid, dialog, …: the children in a plain container
        floor.body.append("    " * depth + f"# approximation: {kind} drawn as st.container")
        floor.substitutions += 1
        _with(floor, depth, "st.container()", kids)


def leaves(block: Any) -> list[Any]:
    out = []
    for child in _children(block):
        out += leaves(child) if hasattr(child, "children") else [child]
    return out


# --- elements ------------------------------------------------------------------------------------

def _node(floor: Floor, node: Any, depth: int) -> None:
    if hasattr(node, "children"):
        _block(floor, node, depth)
    else:
        _element(floor, node, depth)


def _element(floor: Floor, el: Any, depth: int) -> None:  # one branch per element type
    kind, p = el.type, el.proto
    if kind in ("title", "header", "subheader"):
        divider = (p.divider or None) if kind != "title" else None
        floor.call(depth, kind, kind, p.body, anchor=False if p.hide_anchor else (p.anchor or None),
                   divider=divider)
    elif kind in ("markdown", "caption"):
        floor.call(depth, kind, kind, p.body, unsafe_allow_html=bool(p.allow_html) or None)
    elif kind == "latex":
        body = p.body.removeprefix("$$\n").removesuffix("\n$$")
        floor.call(depth, kind, "latex", body)
    elif kind == "divider":
        floor.call(depth, kind, "divider")
    elif kind == "text":
        floor.call(depth, kind, "text", p.body)
    elif kind == "code":
        floor.call(depth, kind, "code", p.code_text, language=p.language or None,
                   line_numbers=bool(p.show_line_numbers) or None, wrap_lines=bool(p.wrap_lines) or None)
    elif kind in ("success", "info", "warning", "error"):
        floor.call(depth, kind, kind, p.body, icon=p.icon or None)
    elif kind == "metric":
        floor.call(depth, kind, "metric", p.label, p.body, delta=p.delta or None,
                   border=bool(p.show_border) or None, label_visibility=_visibility(p))
    elif kind == "json":
        floor.call(depth, kind, "json", p.body)
    elif kind == "html":
        floor.call(depth, kind, "html", p.body)
    elif kind == "toast":
        floor.call(depth, kind, "toast", p.body, icon=p.icon or None)
    elif kind == "empty":
        floor.call(depth, kind, "empty")
    elif kind == "dataframe":
        floor.call(depth, kind, "dataframe", floor.ref(el.value))
    elif kind == "table":
        floor.call(depth, kind, "table", floor.ref(el.value))
    elif kind == "vega_lite_chart":
        spec = json.loads(p.spec)
        named = {ds.name: _arrow(ds.data.data) for ds in p.datasets}
        if named:
            spec["datasets"] = {**spec.get("datasets", {}), **named}
        data = floor.ref(_arrow(p.data.data)) if p.data.data else None
        floor.call(depth, kind, "vega_lite_chart", data, spec=floor.ref(spec),
                   theme=None if p.theme else Expr("None"))  # None: left out, Streamlit's default theme
    elif kind == "page_link":
        floor.approximate(depth, p.label, "page_link needs the app's pages; its label as markdown")
    else:
        _widget(floor, el, depth)


def _widget(floor: Floor, el: Any, depth: int) -> None:  # one branch per widget type
    kind, p = el.type, el.proto
    common: dict[str, Any] = {"disabled": bool(getattr(p, "disabled", False)) or None}
    if hasattr(p, "label_visibility"):
        common["label_visibility"] = _visibility(p)
    if kind == "selectbox":
        index = _try(lambda: el.index, p.default if p.HasField("default") else None)
        floor.widget(depth, el, "selectbox", p.label, list(p.options),
                     index=Expr("None") if index is None else index, placeholder=p.placeholder or None, **common)
    elif kind == "multiselect":
        indices = _try(lambda: list(el.indices), list(p.default))
        floor.widget(depth, el, "multiselect", p.label, list(p.options), default=[p.options[i] for i in indices],
                     placeholder=p.placeholder or None, **common)
    elif kind == "radio":
        index = _try(lambda: el.index, p.default if p.HasField("default") else None)
        floor.widget(depth, el, "radio", p.label, list(p.options), index=Expr("None") if index is None else index,
                     horizontal=bool(p.horizontal) or None, **common)
    elif kind in ("text_input", "text_area"):
        value = _try(lambda: el.value, p.default)
        extra = {"type": "password"} if kind == "text_input" and p.type == 1 else {}
        floor.widget(depth, el, kind, p.label, value=value, max_chars=p.max_chars or None,
                     placeholder=p.placeholder or None, **extra, **common)
    elif kind == "number_input":
        cast = int if p.data_type == 0 else float
        value = _try(lambda: el.value, p.default if p.HasField("default") else None)
        floor.widget(depth, el, "number_input", p.label, min_value=cast(p.min) if p.has_min else None,
                     max_value=cast(p.max) if p.has_max else None,
                     value=Expr("None") if value is None else cast(value), step=cast(p.step) if p.step else None,
                     format=p.format or None, **common)
    elif kind in ("checkbox", "toggle"):
        floor.widget(depth, el, kind, p.label, value=bool(_try(lambda: el.value, p.default)), **common)
    elif kind == "button":
        fn = "form_submit_button" if p.is_form_submitter else "button"
        floor.widget(depth, el, fn, p.label, type=p.type or None, icon=p.icon or None, **common)
    elif kind == "download_button":
        # the page's payload is not in the tree: an empty file, less work than the page's (conservative)
        floor.widget(depth, el, "download_button", p.label, b"", type=p.type or None, icon=p.icon or None,
                     on_click="ignore" if p.ignore_rerun else None, **common)
    elif kind == "file_uploader":
        floor.widget(depth, el, "file_uploader", p.label, type=list(p.type) or None,
                     accept_multiple_files=bool(p.multiple_files) or None, **common)
    elif kind == "select_slider":
        options = list(p.options)
        default = [options[int(i)] for i in p.default]
        value = _try(lambda: list(el._widget_state.string_array_value.data), default) or default or options[:1]
        floor.widget(depth, el, "select_slider", p.label, options=options,
                     value=tuple(value) if len(value) == 2 else value[0], **common)
    elif kind == "slider" and p.data_type in (0, 1):  # int or float; time sliders are approximated below
        cast = int if p.data_type == 0 else float
        value = _try(lambda: el.value, list(p.default))
        value = tuple(cast(v) for v in value) if isinstance(value, (list, tuple)) else cast(value)
        floor.widget(depth, el, "slider", p.label, cast(p.min), cast(p.max), value, cast(p.step),
                     format=p.format or None, **common)
    elif kind == "date_input":
        value = _try(lambda: el.value, None)
        floor.widget(depth, el, "date_input", p.label, value=value, format=p.format or None, **common)
    else:
        label = getattr(p, "label", "") or getattr(p, "body", "") or kind
        floor.approximate(depth, str(label), f"{kind} has no bare redraw here")
