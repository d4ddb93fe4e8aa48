"""A village advisor's consultation: checked on the phone as the server checks it, uploaded,
its mediation result recorded; a leader reads the resident masked."""

from services.consultations.pii import ID_CHECK_CHARS, ID_WEIGHTS
from tests.browser.field_app import (
    log_in,
    open_app,
    stored_items,
    tab,
    wait_for_kind,
)

BORN = "65322219900101123"  # region 653222, born 1990-01-01, sequence 123


def id_number(first17):
    """A resident ID number with its GB 11643 check digit."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return first17 + ID_CHECK_CHARS[total % 11]


def wrong_check_digit(number):
    """The same number with another check digit."""
    return number[:17] + ("0" if number[17] != "0" else "1")


def test_an_advisor_records_a_consultation_and_its_mediation_result(stack, phone, shots):
    page = open_app(stack.url, phone)
    log_in(page, "user-advisor")
    page.wait_for_function(
        "() => document.querySelectorAll('select[name=village_code] option').length > 1"
    )
    page.select_option("select[name=village_code]", index=1)
    shots(page, "12-consultation-form", whole=True)
    page.select_option("select[name=category]", "土地承包")
    page.fill("textarea[name=question]", "承包地被邻居占用怎么办")
    page.fill("textarea[name=advice]", "先由村委会调解，不成可申请仲裁")
    page.select_option("select[name=outcome]", "转人民调解")
    page.fill("input[name=resident_name]", "吐尔逊·买买提")
    page.fill("input[name=resident_phone]", "1391234567")
    valid = id_number(BORN)
    page.fill("input[name=resident_id_number]", wrong_check_digit(valid))
    page.click("[data-testid=save-consultation]")
    assert "11位" in page.text_content("[data-testid=phone-error]")
    assert "校验位" in page.text_content("[data-testid=id-error]")
    assert stored_items(page) == []  # nothing saved while the phone knows it is wrong
    shots(page, "13-consultation-checked")

    page.fill("input[name=resident_phone]", "13912345678")
    page.fill("input[name=resident_id_number]", valid)
    page.click("[data-testid=save-consultation]")
    wait_for_kind(page, "consultation", "uploaded")
    (item,) = stored_items(page)
    key = item["key"]

    tab(page, "我的咨询")
    page.click("[data-testid=mediation-success]")
    wait_for_kind(page, "mediation", "uploaded")
    tab(page, "我的咨询")
    page.wait_for_selector("[data-testid=server-state]")
    shots(page, "14-my-consultations")

    own = stack.api("GET", f"/consultations/consultations/{key}", role="advisor").json()
    assert own["mediation_result"] == "success"
    assert own["resident"]["id_number"] == valid
    read = stack.api("GET", f"/consultations/consultations/{key}", role="leader").json()
    assert read["resident_masked"] is True
    assert valid not in str(read) and "13912345678" not in str(read)
    assert read["resident"]["id_number"] == valid[:4] + "*" * 10 + valid[-4:]
    assert read["resident"]["name"] != "吐尔逊·买买提"
