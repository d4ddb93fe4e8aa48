"""The Blueprint every component's routes are declared on: flask-smorest's, reading JSON
bodies the way Flask's `get_json` does, through the app's JSON provider (shared.json_provider),
rather than webargs' own `json.loads`. So a body webargs reads and one a view reads itself
are read alike, and one nested too deeply is a 400 in both.

Query strings are loaded by the schema's own rule (marshmallow's RAISE) rather than webargs'
default of dropping what it does not know: a misspelt filter is a 422 naming it, not a list
of every record."""

import flask_smorest
from flask import current_app, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from shared.errors import ApiError


class JsonBodyParser(FlaskParser):
    """webargs' Flask parser, reading a JSON body with the app's JSON provider."""

    DEFAULT_UNKNOWN_BY_LOCATION = FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION | {"query": None}

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        return current_app.json.loads(req.get_data(cache=True))


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the JsonBodyParser (see the module docstring)."""

    ARGUMENTS_PARSER = JsonBodyParser()

    def arguments(self, schema, **kwargs):
        """flask-smorest's `arguments`, a schema class made into its instance here, once:
        webargs would make one for every request, and marshmallow copies each declared
        field when it does."""
        return super().arguments(schema() if isinstance(schema, type) else schema, **kwargs)


def json_object_body():
    """The request's JSON body, which must be an object (else 400): a single record a
    Recorder validates item by item, as in a batch."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, "Send a JSON object.", code="bad_request")
    return body
