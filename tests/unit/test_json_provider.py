"""Answers written by orjson mean what Flask's own `json` answers meant."""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from shared.json_provider import OrjsonProvider


@dataclass
class Point:
    lat: float
    lon: float


ANSWER = {
    "z": 1,
    "a": "巴扎普法",
    "day": date(2024, 5, 1),
    "at": datetime(2024, 5, 1, 2, 3, 4, tzinfo=UTC),
    "id": UUID("12345678-1234-5678-1234-567812345678"),
    "money": Decimal("1.50"),
    "point": Point(37.1, 79.9),
}


def _texts(provider_class, **layout):
    app = Flask(__name__)
    return provider_class(app).dumps(ANSWER, **layout)


def test_an_answer_reads_back_as_flask_s_own_with_keys_in_the_same_order():
    ours, flasks = _texts(OrjsonProvider), _texts(DefaultJSONProvider)
    assert json.loads(ours) == json.loads(flasks)
    assert list(json.loads(ours)) == list(json.loads(flasks))
    assert json.loads(ours)["day"] == "Wed, 01 May 2024 00:00:00 GMT"  # Flask's date form
    assert "巴扎普法" in ours  # UTF-8, not \u escapes


def test_a_laid_out_answer_is_laid_out():
    assert _texts(OrjsonProvider, indent=2).startswith('{\n  "a": "巴扎普法",\n  "at": ')


def test_number_keys_and_integers_past_64_bits_are_written_too():
    provider = OrjsonProvider(Flask(__name__))
    assert json.loads(provider.dumps({3: "x"})) == {"3": "x"}
    assert json.loads(provider.dumps({"huge": 2**70})) == {"huge": 2**70}  # by json


def test_the_app_s_answers_are_written_by_orjson():
    from shared.app import create_component_app

    app, _api = create_component_app("gateway", __name__, edge=True)
    assert isinstance(app.json, OrjsonProvider)
