"""Messages speak the caller's language: Chinese by default, English when asked; the
codes stay as they are, for clients to key on."""

import pytest

from services.activities import create_app as create_activities
from services.stats import create_app as create_stats
from shared.messages import localise


@pytest.fixture
def stats(tmp_path, redis_url):
    return create_stats({"DATABASE_URL": f"sqlite:///{tmp_path}/s.db", "REDIS_URL": redis_url})


def _error(client, url, headers):
    answer = client.get(url, headers=headers)
    return answer.status_code, answer.get_json()["error"]


def test_field_and_error_messages_are_chinese_unless_english_is_asked(stats, auth_header):
    client, url = stats.test_client(), "/figures?metric=visits&period=2024-13&colour=red"
    status, chinese = _error(client, url, auth_header("leader"))
    assert status == 422 and chinese["code"] == "validation_failed"
    assert chinese["message"] == "以下字段有误:colour, metric, period。"
    assert chinese["fields"] == {
        "colour": ["没有这个字段,请检查拼写。"],
        "metric": [
            "须为以下之一:sessions, attendances, online_reach, checkins, cadre_sessions,"
            " cadre_attendances, consultations。"
        ],
        "period": ["请用 YYYY、YYYY-MM 或 YYYY-MM-DD,且须为存在的日期。"],
    }
    status, english = _error(client, url, auth_header("leader") | {"Accept-Language": "en-GB"})
    assert (status, english["code"]) == (422, "validation_failed")
    assert english["fields"]["colour"] == ["Unknown field."]
    assert english["message"] == "Some fields are not valid: colour, metric, period"


def test_errors_of_every_kind_are_chinese(stats, auth_header, tmp_path, redis_url):
    client = stats.test_client()
    status, error = _error(client, "/summary?year=2024", {})
    assert (status, error["code"], error["message"]) == (401, "token_missing", "请先登录。")
    status, error = _error(client, "/rebuild", auth_header("leader"))
    assert (status, error["message"]) == (405, "该地址不支持此操作。")
    status, error = _error(client, "/no/such/page", auth_header("leader"))
    assert (status, error["message"]) == (404, "该地址不存在。")
    status, error = _error(client, "/summary?year=2024", auth_header("leader"))
    assert (status, error["code"], error["message"]) == (
        503,
        "rebuilding",
        "数据正在重新汇总,请稍后再试。",
    )
    activities = create_activities(
        {"DATABASE_URL": f"sqlite:///{tmp_path}/a.db", "REDIS_URL": redis_url}
    ).test_client()
    closed = activities.post(
        "/periods/close", json={"period": "2024-13"}, headers=auth_header("admin")
    )
    assert closed.status_code == 422
    assert closed.get_json()["error"]["fields"] == {"period": ["格式不对。"]}


def test_a_message_naming_what_a_client_sent_is_chinese_even_across_lines():
    # schemathesis sent a batch item whose field names held a line break
    with_chinese = localise("Not valid: type, M\n, id.")
    assert with_chinese == "以下内容有误:type, M\n, id。"
