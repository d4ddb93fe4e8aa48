"""An account id past the largest stored integer is a 404, never a 500."""


def test_an_account_id_past_2_63_is_404(gw, make_account, login):
    make_account("root", role="admin")
    admin = {"Authorization": f"Bearer {login('root').get_json()['access_token']}"}
    for path in ("/api/v1/accounts/9223372036854775808", "/api/v1/accounts/1" + "0" * 30):
        answer = gw.get(path, headers=admin)
        assert answer.status_code == 404, path
        assert answer.get_json()["error"]["code"] == "not_found"
    disabled = gw.post("/api/v1/accounts/9223372036854775808/disable", headers=admin)
    assert disabled.status_code == 404
    assert gw.get("/api/v1/accounts/9223372036854775807", headers=admin).status_code == 404
