"""Admin routes for reporting periods: close, reopen, grant an exception."""

import marshmallow as ma
from flask.views import MethodView

from services.activities import periods
from services.activities import schemas as s
from shared.auth import current_principal
from shared.blueprint import Blueprint
from shared.clock import CountyTime
from shared.db import get_db
from shared.scopes import roles_allowed

periods_blp = Blueprint("periods", __name__, description="Reporting periods.")


class PeriodState(ma.Schema):
    period = ma.fields.String()
    closed = ma.fields.Boolean()


class ExceptionRead(ma.Schema):
    id = ma.fields.Integer()
    period = ma.fields.String()
    township_code = ma.fields.String()
    until = CountyTime()
    reason = ma.fields.String()
    granted_by = ma.fields.String(metadata={"description": "The granting admin's account id."})


class ClosedPeriodRead(ma.Schema):
    period = ma.fields.String()
    closed_by = ma.fields.String(metadata={"description": "The closing admin's account id."})
    closed_at = CountyTime()


class PeriodsRead(ma.Schema):
    closed = ma.fields.List(ma.fields.Nested(ClosedPeriodRead))
    exceptions = ma.fields.List(
        ma.fields.Nested(ExceptionRead), metadata={"description": "Only those still open."}
    )


@periods_blp.route("/periods")
class Periods(MethodView):
    @roles_allowed("admin")
    @periods_blp.response(200, PeriodsRead)
    def get(self):
        """The closed months, newest first, and the exceptions still open."""
        return periods.list_periods(get_db().session)


@periods_blp.route("/periods/close")
class ClosePeriod(MethodView):
    @roles_allowed("admin")
    @periods_blp.arguments(s.PeriodClose)
    @periods_blp.response(200, PeriodState)
    def post(self, body):
        """Close a month: records dated in it are refused unless excepted."""
        return periods.close_period(get_db().session, current_principal(), body["period"])


@periods_blp.route("/periods/reopen")
class ReopenPeriod(MethodView):
    @roles_allowed("admin")
    @periods_blp.arguments(s.PeriodClose)
    @periods_blp.response(200, PeriodState)
    def post(self, body):
        """Open a closed month again."""
        return periods.reopen_period(get_db().session, body["period"])


@periods_blp.route("/periods/exceptions")
class PeriodExceptions(MethodView):
    @roles_allowed("admin")
    @periods_blp.arguments(s.PeriodExceptionCreate)
    @periods_blp.response(201, ExceptionRead)
    def post(self, body):
        """Let one township record into a closed month until a given time."""
        return periods.grant_exception(get_db().session, current_principal(), **body)
