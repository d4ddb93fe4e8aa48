"""The complementary rule on any breakdown: a small sensitive cell is hidden, and never
alone where the others and the total would give it away."""

from hypothesis import given
from hypothesis import strategies as st

from services.stats.suppression import category_cells_hidden

CATEGORIES = ("婚恋", "家庭", "邻里", "土地承包", "劳动报酬")
SENSITIVE, BELOW = ("婚恋", "家庭"), 5


def _rows(counts):
    return [
        {"breakdown": f"category:{category}", "value": value}
        for category, value in zip(CATEGORIES, counts, strict=False)
        if value
    ]


@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=len(CATEGORIES)))
def test_no_hidden_cell_is_the_total_less_the_shown_ones(counts):
    rows = _rows(counts)
    hidden = category_cells_hidden(rows, SENSITIVE, BELOW)
    small = {
        i
        for i, row in enumerate(rows)
        if row["breakdown"].partition(":")[2] in SENSITIVE and row["value"] < BELOW
    }
    assert small <= hidden  # every small sensitive cell is hidden
    if len(hidden) == 1:  # alone only where nothing else could hide it
        assert len(rows) == 1
    assert len(hidden) <= len(small) + 1  # and no more than one cell beside them


def test_the_complement_is_the_smallest_other_cell():
    rows = _rows([2, 0, 6, 7])
    assert category_cells_hidden(rows, SENSITIVE, BELOW) == {0, 1}  # 婚恋 2, 邻里 6
    assert category_cells_hidden(_rows([2, 3, 6]), SENSITIVE, BELOW) == {0, 1}
    assert category_cells_hidden(_rows([0, 0, 1, 2]), SENSITIVE, BELOW) == set()  # not sensitive
    assert category_cells_hidden(_rows([5, 5]), SENSITIVE, BELOW) == set()  # not small
