"""The reach query refuses a year that is not one, as a 422 naming it, never a 500."""

import pytest

pytestmark = pytest.mark.usefixtures("activities_app")


@pytest.mark.parametrize("year", ["abcd", "0000", "١٢٣٤", "1899", ""])
def test_a_year_that_is_not_one_is_a_422_naming_it(api, staff, year):
    answer = api.get(f"/reach?year={year}", headers=staff)
    assert answer.status_code == 422, answer.get_json()
    assert list(answer.get_json()["error"]["fields"]) == ["year"]
