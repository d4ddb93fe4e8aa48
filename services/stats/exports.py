"""The figures as spreadsheets: the rows a figures answer has, one sheet row each, with
Chinese headers and names beside codes. A view hands these the very rows it would answer
as JSON (from the same function), so the file cannot differ from the screen."""

from services.stats.catalogue import ALL_NAME, COUNTY_NAME, METRICS
from services.stats.quiet import QUIET_HEADER, quiet_rows
from shared.sheets import xlsx_download

FIGURE_HEADER = (
    "指标代码",
    "指标",
    "期间",
    "地区代码",
    "地区",
    "细分代码",
    "细分",
    "数值",
    "查看记录",
)
# The year summary's coverage, as rows beside its figures.
COVERAGE_ROWS = (
    ("advisors", "法律顾问(人)"),
    ("villages", "村(社区)数"),
    ("covered", "有法律顾问的村(社区)数"),
    ("ratio", "村(社区)覆盖率"),
)


def _label(metric):
    return METRICS[metric][1].label if metric in METRICS else metric


def figure_row(row):
    """One figure as a sheet row; a suppressed one shows what the JSON shows ("<5")."""
    value = row["shown"] if row.get("suppressed") else row["value"]
    return [
        row["metric"],
        _label(row["metric"]),
        row["period"],
        row["area"],
        row["area_name"],
        row["breakdown"],
        row["breakdown_name"],
        value,
        row["records"],
    ]


def figures_sheet(rows, filename, title):
    """An xlsx download of a figures answer's rows (a list of figures)."""
    return xlsx_download(filename, title, FIGURE_HEADER, (figure_row(row) for row in rows))


def summary_rows(summary):
    """The sheet rows of the year summary: each figure, then the coverage of the year."""
    rows = [figure_row(row) for row in summary["figures"].values()]
    coverage = summary["coverage"]
    for name, label in COVERAGE_ROWS:
        where = [summary["year"], "county", COUNTY_NAME, "all", ALL_NAME]
        rows.append([name, label, *where, coverage[name], coverage["records"]])
    return rows


def summary_sheet(summary):
    """An xlsx download of the year summary."""
    year = summary["year"]
    rows = summary_rows(summary)
    return xlsx_download(f"summary-{year}.xlsx", f"{year}年汇总", FIGURE_HEADER, rows)


def quiet_sheet(answer):
    """An xlsx download of the villages with no consultation in the months asked."""
    year, count = answer["year"], len(answer["months"])
    title = f"{year}年近{count}个月无咨询记录的村(社区)"
    return xlsx_download(
        f"quiet-villages-{year}-{count}.xlsx", title, QUIET_HEADER, quiet_rows(answer)
    )
