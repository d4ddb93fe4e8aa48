"""Small cells suppressed for leaders: a village's consultations of a sensitive category
(婚恋, 家庭 and any set in STATS_SENSITIVE_CATEGORIES) fewer than STATS_SUPPRESS_BELOW (5)
are shown as "<5", so that a figure cannot point at the one family in a village who asked
about a divorce. Admins see every count.

A suppressed row keeps its keys (metric, area, breakdown, names, records) and answers
`value: null, suppressed: true, shown: "<5"`. Suppression is complementary: within one
breakdown, whose rows add up to a total that is shown elsewhere, one suppressed row alone
could be worked out by subtracting the others from the total, so a second row (the
smallest other) is suppressed with it. Where there is no other row (a village whose only
consultations are the sensitive few), the village's own total would give it away: that
total is then suppressed where villages are listed, with a complement of its own.
"""

from flask import current_app

from services.stats.catalogue import CONSULTATIONS, METRICS, VILLAGE, area_level
from services.stats.figures import live_namespace, village_breakdown

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


def _village_gives_away(connection, ns, period, village, sensitive, below):
    """Whether a village's total is one sensitive small cell with nothing to hide it by."""
    rows = village_breakdown(connection, ns, "consultations", period, village, "category")
    return len(category_cells_hidden(rows, sensitive, below)) == 1


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
        ns = live_namespace(connection)
        gives_away = _village_gives_away(connection, ns, period, area, sensitive, below)
        hidden = {0} if gives_away and rows[0]["value"] else set()
    elif dimension == "village":
        ns = live_namespace(connection)
        primary = {
            i
            for i, row in enumerate(rows)
            if 0 < row["value"] < below  # a village that gives itself away has a small total
            and _village_gives_away(connection, ns, period, row["breakdown"], sensitive, below)
        }
        hidden = complemented(rows, primary)
    else:
        hidden = set()
    return [_hidden(row, below) if i in hidden else row for i, row in enumerate(rows)]
