"""What the dashboard API's tests share: the callers, and reading and writing in the world."""

import io

from openpyxl import load_workbook

from tests.integration.rollup_support import ADMIN, bearer

LEADER = bearer("leader")
TOWNSHIP = "653222100"


def stats_read(dashboard, path, headers=ADMIN, **query):
    """A successful answer of the stats app to a GET."""
    answer = dashboard["client"].get(path, query_string=query, headers=headers)
    assert answer.status_code == 200, (path, query, answer.get_json())
    return answer


def sheet_rows(data):
    """The rows of an xlsx's first sheet, as values."""
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]
