"""Small cells suppressed for leaders: a village's consultations of a sensitive category
(婚恋, 家庭 and any set in STATS_SENSITIVE_CATEGORIES) fewer than STATS_SUPPRESS_BELOW (5)
are shown as "<5", so that a figure cannot point at the one family in a village who asked
about a divorce. Admins see every count.

A suppressed row keeps its keys (metric, area, breakdown, names, records) and answers
`value: null, suppressed: true, shown: "<5"` (in /figures, /ranking and a village's
/trend, and so in their spreadsheets). Suppression is complementary: within one
breakdown, whose rows add up to a total that is shown elsewhere, one suppressed row alone
could be worked out by subtracting the others from the total, so a second row (the
smallest other) is suppressed with it. Where there is no other row (a village whose only
consultations are the sensitive few), the village's own total would give it away: that
total is then suppressed where villages are listed, with a complement of its own.
"""

from flask import current_app

from services.stats.catalogue import CONSULTATIONS, METRICS, VILLAGE, area_level
from services.stats.figures import breakdowns, live_namespace

SUPPRESSED = "suppressed"


def _settings():
    config = current_app.config
    return config["SENSITIVE_CATEGORIES"], config["SUPPRESS_BELOW"]


def _hidden(row, below):
    return row | {"value": None, SUPPRESSED: True, "shown": f"<{below}"}


def complemented(rows, hidden):
    """`hidden` (row indexes), with the smallest other row of the breakdown when only one
    is hidden: one suppressed row is never the total less what is shown."""
    hidden = set(hidden)
    if len(hidden) == 1:
        others = [i for i, row in enumerate(rows) if i not in hidden and row["value"]]
        if others:
            hidden.add(min(others, key=lambda i: (rows[i]["value"], rows[i]["breakdown"])))
    return hidden


def category_cells_hidden(rows, sensitive, below):
    """The rows of a village's consultations by category that leaders do not see."""
    primary = {
        i
        for i, row in enumerate(rows)
        if row["breakdown"].partition(":")[2] in sensitive and 0 < row["value"] < below
    }
    return complemented(rows, primary)


def villages_giving_away(connection, period, villages, sensitive, below):
    """Those of `villages` whose total is one sensitive small cell with nothing to hide it
    by (its category breakdown hides one row alone): their totals must be hidden too."""
    if not villages:
        return set()
    ns = live_namespace(connection)
    cells = [(period, village) for village in villages]
    by_category = dict(
        zip(villages, breakdowns(connection, ns, "consultations", cells, "category"), strict=True)
    )
    return {
        village
        for village, rows in by_category.items()
        if len(category_cells_hidden(rows, sensitive, below)) == 1
    }


def as_seen_by(principal, connection, metric, period, area, dimension, rows):
    """The figure rows as `principal` may see them: a leader's with the small sensitive
    cells suppressed; anyone else's as they are."""
    if principal.role != "leader" or METRICS[metric][0] is not CONSULTATIONS:
        return rows
    sensitive, below = _settings()
    level = area_level(area)
    if level is VILLAGE and dimension == "category":
        hidden = category_cells_hidden(rows, sensitive, below)
    elif level is VILLAGE and dimension is None:
        small = [area] if 0 < rows[0]["value"] < below else []
        giving_away = villages_giving_away(connection, period, small, sensitive, below)
        hidden = {0} if giving_away else set()
    elif dimension == "village":
        # a village that gives itself away has a total below the threshold: ask only those
        small = [row["breakdown"] for row in rows if 0 < row["value"] < below]
        giving_away = villages_giving_away(connection, period, small, sensitive, below)
        primary = {i for i, row in enumerate(rows) if row["breakdown"] in giving_away}
        hidden = complemented(rows, primary)
    else:
        hidden = set()
    return [_hidden(row, below) if i in hidden else row for i, row in enumerate(rows)]


def trend_as_seen_by(principal, connection, metric, year, area, rows):
    """A village's months as `principal` may see them. The months add up to the year's
    total: when that total is hidden, every month is (or they would add up to it);
    otherwise a month that gives itself away is hidden, with a complement."""
    if principal.role != "leader" or METRICS[metric][0] is not CONSULTATIONS:
        return rows
    if area_level(area) is not VILLAGE:
        return rows
    sensitive, below = _settings()
    if villages_giving_away(connection, year, [area], sensitive, below):
        hidden = {i for i, row in enumerate(rows) if row["value"]}
    else:
        giving_away = {
            i
            for i, row in enumerate(rows)
            if 0 < row["value"] < below
            and villages_giving_away(connection, row["period"], [area], sensitive, below)
        }
        hidden = complemented(rows, giving_away)
    return [_hidden(row, below) if i in hidden else row for i, row in enumerate(rows)]
