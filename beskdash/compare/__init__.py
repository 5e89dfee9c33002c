"""Comparisons: series for areas × ydelse × mål over a period range; normalised, grouped, ranked.

Honest by construction:
- every value comes from the store; a normalisation states its denominator (population, table, date);
- the shares a source publishes (`taxonomy.is_share`) are shown as published, never recomputed, and
  nothing is ever turned into them;
- a group is Σ numerators / Σ denominators over its members (never an average of shares), and a
  member without a value makes a gap, not a silently smaller sum;
- nothing is summed twice: no total with its parts (taxonomy), no area with an area inside it.

One idea a module, in the order data flows:
`groups` (peer groups and aggregates) · `summable` (what may be summed) · `data` (coverage,
numerators, population, through the store's named reads) · `comparison` (the series, normalised)
· `tables` (tables and titles) · `rankings` (all kommuner ranked) · `view` (the pages' URL state).
`from beskdash import compare` keeps every public name below.
"""

from beskdash.compare.comparison import (
    COLUMNS,
    KIND_LABELS,
    SCALES,
    VIEWS,
    Comparison,
    format_value,
    scale_label,
    scale_options,
    series,
    unit_label,
)
from beskdash.compare.data import (
    MAX_POPULATION_DISTANCE,
    POPULATION_SOURCES,
    POPULATION_TITLES,
    available,
    benefit_options,
    kind_options,
    measure_options,
    period_options,
    population,
)
from beskdash.compare.errors import CompareError
from beskdash.compare.groups import (
    PEER_GROUPS_FILE,
    Group,
    PeerGroup,
    aggregate,
    aggregates,
    peer_groups,
    resolve_group,
)
from beskdash.compare.rankings import (
    THIRDS,
    Ranking,
    lower_is_better,
    ranking,
    ranking_display,
    ranking_options,
    ranking_table,
)
from beskdash.compare.summable import summable_problem
from beskdash.compare.tables import display_table, file_stem, gaps, subtitle, title, wide_table
from beskdash.compare.view import (
    OWN,
    RankingView,
    View,
    benchmark_links,
    comparison_for,
    permalink,
    ranking_for,
    ranking_periods,
    ranking_permalink,
    resolve_ranking,
    resolve_view,
)

__all__ = [
    "COLUMNS", "KIND_LABELS", "MAX_POPULATION_DISTANCE", "OWN", "PEER_GROUPS_FILE", "POPULATION_SOURCES",
    "POPULATION_TITLES", "SCALES", "THIRDS", "VIEWS", "CompareError", "Comparison", "Group", "PeerGroup", "Ranking",
    "RankingView", "View", "aggregate", "aggregates", "available", "benchmark_links", "benefit_options",
    "comparison_for", "display_table", "file_stem", "format_value", "gaps", "kind_options",
    "lower_is_better", "measure_options", "peer_groups", "period_options", "permalink", "population", "ranking",
    "ranking_display", "ranking_for", "ranking_options", "ranking_periods", "ranking_permalink", "ranking_table",
    "resolve_group", "resolve_ranking", "resolve_view", "scale_label", "scale_options", "series", "subtitle",
    "summable_problem", "title", "unit_label", "wide_table",
]
