"""bench/floor.py: the floor script redraws a run's elements faithfully with bare Streamlit calls."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from beskdash.paths import ROOT

_spec = importlib.util.spec_from_file_location("bench_floor", ROOT / "bench" / "floor.py")
assert _spec and _spec.loader
floor = sys.modules["bench_floor"] = importlib.util.module_from_spec(_spec)  # dataclasses look it up
_spec.loader.exec_module(floor)

PAGE = '''
import altair as alt
import pandas as pd
import streamlit as st

st.title("Overblik over planerne")
for col, (label, value) in zip(st.columns(2), [("Allerød", "1.234"), ("Hørsholm", "56,7 %")]):
    with col:
        st.metric(label, value)
with st.expander("Sådan læses tallene"):
    st.markdown("Tallene er **fuldtidspersoner**.")
st.selectbox("Plan", ["alleroed-2022", "gladsaxe-2022", "rudersdal-2021"], index=1, key="plan")
frame = pd.DataFrame({"kommune": ["Allerød", "Hørsholm"], "antal": [12.5, 7.0]})
st.dataframe(frame)
st.altair_chart(alt.Chart(frame).mark_bar().encode(x="kommune", y="antal"))
with st.container(border=True):
    st.caption("Kilde: Danmarks Statistik")
    st.page_link("https://www.dst.dk", label="Statistikbanken")
'''


def _blocks(node) -> list:
    kids = [node.children[k] for k in sorted(node.children)]
    return [b for k in kids if hasattr(k, "children") for b in [k, *_blocks(k)]]


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """(type, text or label) of every element in tree order."""
    out = []
    for node in floor.leaves(at._tree):
        proto = node.proto
        text = next((str(getattr(proto, f)) for f in ("body", "label", "code_text") if getattr(proto, f, "")), "")
        out.append((node.type, text))
    return out


def test_the_floor_redraws_the_same_elements_in_the_same_order_with_the_same_texts(tmp_path: Path) -> None:
    at = AppTest.from_string(PAGE, default_timeout=60).run()
    assert not at.exception
    fl = floor.build(at)
    src = fl.write(tmp_path / "floor.pkl")
    assert "beskdash" not in src and "altair" not in src  # bare Streamlit only
    redrawn = AppTest.from_string(src, default_timeout=60).run()
    assert not redrawn.exception, redrawn.exception[0].value if redrawn.exception else ""

    # the page_link cannot be redrawn in a one-file script: its label as markdown, counted
    assert fl.substitutions == 1
    ours = _texts(at)
    link = ours.index(("page_link", "Statistikbanken"))
    ours[link] = ("markdown", "Statistikbanken")
    assert _texts(redrawn) == ours
    assert floor.element_types(redrawn) == fl.expected
    assert [t for t, _ in ours] == ["title", "metric", "metric", "markdown", "selectbox", "dataframe",
                                    "vega_lite_chart", "caption", "markdown"]

    # the same blocks around them: two columns with a metric each, an expander, a bordered container
    assert [c.metric[0].value for c in redrawn.columns] == ["1.234", "56,7 %"]
    assert redrawn.expander[0].label == "Sådan læses tallene"
    assert redrawn.expander[0].markdown[0].value == "Tallene er **fuldtidspersoner**."
    bordered = [b for b in _blocks(redrawn._tree) if b.type == "flex_container" and b.proto.flex_container.border]
    assert len(bordered) == 1 and [n.type for n in floor.leaves(bordered[0])] == ["caption", "markdown"]

    # widgets keep their key, options and current value; frames and chart data are the page's
    box = redrawn.selectbox(key="plan")
    assert box.options == at.selectbox(key="plan").options and box.value == "gladsaxe-2022"
    pd.testing.assert_frame_equal(redrawn.dataframe[0].value, at.dataframe[0].value)
    chart, page_chart = redrawn.get("vega_lite_chart")[0].proto, at.get("vega_lite_chart")[0].proto
    assert [floor._arrow(d.data.data).to_dict() for d in chart.datasets] == \
        [floor._arrow(d.data.data).to_dict() for d in page_chart.datasets]
    assert '"mark": {"type": "bar"}' in chart.spec

    # a warm rerun keeps the state and the elements
    redrawn.selectbox(key="plan").select("rudersdal-2021").run()
    redrawn.run()
    assert redrawn.selectbox(key="plan").value == "rudersdal-2021"
    assert floor.element_types(redrawn) == fl.expected


def test_a_form_is_redrawn_with_its_widgets_and_submit_button(tmp_path: Path) -> None:
    page = '''
import streamlit as st
with st.form("hent"):
    st.text_input("Tabel", value="AUK01")
    st.checkbox("Erstat", value=True)
    st.form_submit_button("Hent")
t1, t2 = st.tabs(["Første", "Anden"])
t1.radio("Periode", ["Måned", "Kvartal"], index=1, horizontal=True)
t2.multiselect("Kommuner", ["Allerød", "Egedal", "Hørsholm"], default=["Egedal"])
'''
    at = AppTest.from_string(page, default_timeout=60).run()
    fl = floor.build(at)
    redrawn = AppTest.from_string(fl.write(tmp_path / "floor.pkl"), default_timeout=60).run()
    assert not redrawn.exception
    assert fl.substitutions == 0
    assert _texts(redrawn) == _texts(at)
    assert redrawn.text_input[0].value == "AUK01" and redrawn.checkbox[0].value is True
    assert redrawn.button[0].proto.is_form_submitter
    assert [t.label for t in redrawn.tabs] == ["Første", "Anden"]
    assert redrawn.radio[0].value == "Kvartal" and redrawn.multiselect[0].value == ["Egedal"]
