"""What the catalogue contract's tests share: where the varied records are, and reading the
figures and the records behind them."""

from tests.integration.rollup_support import ADMIN, all_pages

DAY, TOWNSHIP, VILLAGE = "2024-03-04", "653222100", "653222100001"


def figures_of(counted, **query):
    """The stats app's figure rows for a query, which must succeed."""
    answer = counted["stats"].get("/figures", query_string=query, headers=ADMIN)
    assert answer.status_code == 200, (query, answer.get_json())
    return answer.get_json()


def records_behind(counted, source, link, cache={}):  # noqa: B006 - one listing per link a run
    """The records a drill-down link lists, read from the source service itself."""
    if link not in cache:
        path = link.removeprefix(f"/api/v1/{source.name}")
        cache[link] = all_pages(counted["urls"][source.name] + path, ADMIN)
    return cache[link]
