"""Every error, Flask's own included, answers in the one shared JSON shape."""

import sqlalchemy
from flask import abort

from shared.auth import public
from tests.support.processes import free_port


def assert_shared_shape(response, status, code):
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert error["message"]
    assert error["request_id"] == response.headers["X-Request-ID"]
    return error


def test_unknown_url_is_404_in_shape(client):
    assert_shared_shape(client.get("/no/such/page"), 404, "not_found")


def test_wrong_method_is_405_and_keeps_allow(client):
    response = client.delete("/healthz")
    assert_shared_shape(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_413(app, client, auth_header):
    app.config["MAX_CONTENT_LENGTH"] = 100
    response = client.get("/feed", data="x" * 1000, headers=auth_header("service"))
    assert_shared_shape(response, 413, "payload_too_large")


def test_validation_error_names_every_bad_field(client, auth_header):
    response = client.get("/feed?after=-3&limit=many", headers=auth_header("service"))
    error = assert_shared_shape(response, 422, "validation_failed")
    assert set(error["fields"]) == {"after", "limit"}
    assert "after" in error["message"] and "limit" in error["message"]


def test_unexpected_exception_is_500_without_details(app, client, caplog):
    @app.route("/explode")
    @public
    def explode():
        raise ValueError("resident 13812345678 said something")

    response = client.get("/explode")
    error = assert_shared_shape(response, 500, "internal_error")
    assert "13812345678" not in response.get_data(as_text=True)
    assert error["message"] == "系统出错,已记录,请稍后再试。"


def test_abort_with_conflict_is_in_shape(app, client):
    @app.route("/clash")
    @public
    def clash():
        abort(409)

    assert_shared_shape(client.get("/clash"), 409, "conflict")


def test_request_id_is_adopted_or_generated(client):
    adopted = client.get("/healthz", headers={"X-Request-ID": "trace-42"})
    assert adopted.headers["X-Request-ID"] == "trace-42"
    minted = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert minted.headers["X-Request-ID"] not in ("", "bad id with spaces")


def test_a_body_nested_too_deeply_is_a_400_in_shape(client, auth_header):
    headers = auth_header("admin") | {"Content-Type": "application/json"}
    response = client.post("/advisors", data="[" * 100_000 + "]" * 100_000, headers=headers)
    assert_shared_shape(response, 400, "bad_request")


def test_the_api_document_describes_errors_as_they_are_answered(client, auth_header):
    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    error = schemas["Error"]
    assert error["required"] == ["error"]
    detail = schemas[error["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    answered = client.get("/advisors/abc", headers=auth_header("admin")).get_json()
    assert set(answered) == set(error["properties"])
    assert set(answered["error"]) <= set(detail["properties"])
    assert set(detail["required"]) <= set(answered["error"])


def test_a_database_that_cannot_be_reached_is_a_503_to_retry(app, client):
    # a real driver's error: a PostgreSQL address nobody listens on
    engine = sqlalchemy.create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x")

    @app.route("/ask-the-database")
    @public
    def ask_the_database():
        with engine.connect() as connection:
            connection.execute(sqlalchemy.text("SELECT 1"))

    response = client.get("/ask-the-database", headers={"Accept-Language": "zh-CN"})
    error = assert_shared_shape(response, 503, "database_unavailable")
    assert error["message"] == "数据库暂时无法连接,请稍后重试。"
    assert response.headers["Retry-After"] == "2"
