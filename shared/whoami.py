"""GET /whoami on every component: who it takes the caller's token to be."""

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from shared.auth import current_principal
from shared.blueprint import Blueprint

whoami_blueprint = Blueprint(
    "whoami", __name__, description="The caller, as this component sees it."
)


class Caller(ma.Schema):
    component = ma.fields.String()
    subject = ma.fields.String()
    role = ma.fields.String()
    scope = ma.fields.Dict()


@whoami_blueprint.route("/whoami")
class WhoAmI(MethodView):
    @whoami_blueprint.response(200, Caller)
    def get(self):
        """Say who this component takes the caller to be (any valid token)."""
        principal = current_principal()
        return {
            "component": current_app.config["COMPONENT"],
            "subject": principal.subject,
            "role": principal.role,
            "scope": principal.scope,
        }
