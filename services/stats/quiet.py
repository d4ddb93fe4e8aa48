"""Villages where no consultation was recorded in the last months: the county's figures by
village, month by month, held against the registry's villages. The dashboard's table and
its Excel file are both this answer, so the file cannot differ from the screen."""

from datetime import date

from services.stats.figures import breakdowns, live_namespace
from services.stats.names import names_of
from shared.clock import local_today
from shared.registry_client import village_townships

MONTHS_CHOSEN = (1, 2, 3, 6, 12)
METRIC = "consultations"
QUIET_HEADER = ("乡镇代码", "乡镇", "村(社区)代码", "村(社区)", "无咨询记录的月份")


def last_months(year, count, today):
    """The last `count` months of `year`, newest first, up to `today`'s month while the
    year runs ([] for a year still to come)."""
    if int(year) > today.year:
        return []
    month = date(int(year), 12, 1) if int(year) < today.year else today.replace(day=1)
    months = []
    for _ in range(count):
        months.append(month.strftime("%Y-%m"))
        month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    return months


def quiet_villages(connection, year, months):
    """{year, months, villages, quiet: [{township, township_name, village, village_name}]}:
    every village of the registry with no consultation in any of the last `months` months
    of `year` (one pipelined read of the county's figures by village per month)."""
    ns = live_namespace(connection)
    span = last_months(year, months, local_today())
    monthly = breakdowns(connection, ns, METRIC, [(month, "county") for month in span], "village")
    heard = {row["breakdown"].partition(":")[2] for rows in monthly for row in rows}
    township_of = village_townships()
    silent = sorted(  # a year still to come has no months, so no village is quiet in it
        (township, village)
        for village, township in township_of.items()
        if span and village not in heard
    )
    parts = {f"township:{t}" for t, _ in silent} | {f"village:{v}" for _, v in silent}
    names = names_of(connection, ns, sorted(parts))
    quiet = [
        {
            "township": township,
            "township_name": names[f"township:{township}"] or township,
            "village": village,
            "village_name": names[f"village:{village}"] or village,
        }
        for township, village in silent
    ]
    return {"year": year, "months": span, "villages": len(township_of), "quiet": quiet}


def quiet_rows(answer):
    """The sheet rows of a quiet_villages answer: one village each, with the months."""
    shown = f"{answer['months'][-1]} 至 {answer['months'][0]}" if answer["months"] else ""
    return [
        [row["township"], row["township_name"], row["village"], row["village_name"], shown]
        for row in answer["quiet"]
    ]
