"""An ID number or a phone typed into a question or advice is masked for everyone who may
not see the resident, as the resident is."""

from tests.unit.consultations.conftest import id_number

TYPED = "居民身份证 {id}，电话 139 1234 5678，邻居 0903-2012345"


def test_typed_id_numbers_and_phones_are_masked_for_leaders(
    api, advisor, auth_header, make_consultation
):
    typed_id = id_number()
    body = make_consultation(question=TYPED.format(id=typed_id), advice="联系 13800001111")
    assert api.post("/consultations", json=body, headers=advisor()).status_code == 201
    url = f"/consultations/{body['id']}"
    leader = api.get(url, headers=auth_header("leader")).get_json()
    for text in (leader["question"], leader["advice"]):
        assert typed_id not in text and "1234 5678" not in text and "13800001111" not in text
        assert "2012345" not in text
    assert "6532**********" in leader["question"] and "139 **** 5678" in leader["question"]
    assert leader["advice"] == "联系 138****1111"
    listed = api.get("/consultations", headers=auth_header("leader")).get_json()["items"]
    assert typed_id not in str(listed) and "13800001111" not in str(listed)
    own = api.get(url, headers=advisor()).get_json()
    assert own["question"] == body["question"] and own["advice"] == body["advice"]
