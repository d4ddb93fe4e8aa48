"""The identity endpoints: token grants, logout, password change, /me, account management."""

from flask import current_app, request
from flask.views import MethodView

from gateway.accounts import schemas, service
from gateway.accounts.throttle import LoginThrottle
from shared.auth import current_principal, public
from shared.blueprint import Blueprint
from shared.db import get_db
from shared.scopes import roles_allowed

auth_blueprint = Blueprint("auth", __name__, url_prefix="/api/v1", description="Identity.")
ACCOUNT_HOLDERS = service.ACCOUNT_ROLES
NO_TOKEN = {"security": []}


def client_address():
    """The caller's address (the gateway is the edge; a proxy in front would set ProxyFix)."""
    return request.remote_addr or "unknown"


def password_grant(session, body):
    """Log in with a username and password, slowed and then refused after failures (the
    attempt is counted before the password is checked)."""
    throttle = LoginThrottle(current_app.extensions["redis"])
    throttle.attempt(body["username"], client_address())
    account = service.authenticate(session, username=body["username"], password=body["password"])
    throttle.succeeded(body["username"], client_address())
    return service.issue_token_pair(session, account, logging_in=True)


def refresh_grant(session, body):
    """Spend a refresh token for a new pair (rotation)."""
    return service.rotate_refresh_token(session, refresh_token=body["refresh_token"])


GRANTS = {"password": password_grant, "refresh_token": refresh_grant}


@public
@auth_blueprint.route("/auth/token")
class Token(MethodView):
    @auth_blueprint.doc(**NO_TOKEN)
    @auth_blueprint.arguments(schemas.TokenRequest)
    @auth_blueprint.response(200, schemas.TokenPair)
    def post(self, body):
        """Get an access token and a refresh token (grant_type password or refresh_token)."""
        return GRANTS[body["grant_type"]](get_db().session, body)


@public
@auth_blueprint.route("/auth/logout")
class Logout(MethodView):
    @auth_blueprint.doc(**NO_TOKEN)
    @auth_blueprint.arguments(schemas.RefreshTokenBody)
    @auth_blueprint.response(204)
    def post(self, body):
        """End this device's session: its refresh token (and its rotations) stop working."""
        service.log_out(get_db().session, refresh_token=body["refresh_token"])


@auth_blueprint.route("/auth/password")
class Password(MethodView):
    @roles_allowed(*ACCOUNT_HOLDERS)
    @auth_blueprint.arguments(schemas.PasswordChange)
    @auth_blueprint.response(204)
    def post(self, body):
        """Change your own password; every session of the account ends."""
        service.change_password(
            get_db().session,
            account_id=int(current_principal().subject),
            current_password=body["current_password"],
            new_password=body["new_password"],
        )


@auth_blueprint.route("/me")
class Me(MethodView):
    @roles_allowed(*ACCOUNT_HOLDERS)
    @auth_blueprint.response(200, schemas.AccountRead)
    def get(self):
        """Your own account: role, scope, and whether you must change your password."""
        return service.get_account(get_db().session, account_id=int(current_principal().subject))


@auth_blueprint.route("/accounts")
class Accounts(MethodView):
    @roles_allowed("admin")
    @auth_blueprint.response(200, schemas.AccountRead(many=True))
    def get(self):
        """List every account (admins)."""
        return service.get_all(get_db().session)

    @roles_allowed("admin")
    @auth_blueprint.arguments(schemas.AccountCreate)
    @auth_blueprint.response(201, schemas.AccountRead)
    def post(self, body):
        """Create an account (admins)."""
        return service.create_account(get_db().session, **body)


@auth_blueprint.route("/accounts/<int:account_id>")
class AccountById(MethodView):
    @roles_allowed("admin")
    @auth_blueprint.response(200, schemas.AccountRead)
    def get(self, account_id):
        """One account (admins)."""
        return service.get_account(get_db().session, account_id=account_id)


def _set_active(account_id, active):
    return service.set_active(get_db().session, account_id=account_id, active=active)


@auth_blueprint.route("/accounts/<int:account_id>/disable")
class DisableAccount(MethodView):
    @roles_allowed("admin")
    @auth_blueprint.response(200, schemas.AccountRead)
    def post(self, account_id):
        """Disable an account: its refresh tokens die now, its access tokens at the gateway."""
        return _set_active(account_id, False)


@auth_blueprint.route("/accounts/<int:account_id>/enable")
class EnableAccount(MethodView):
    @roles_allowed("admin")
    @auth_blueprint.response(200, schemas.AccountRead)
    def post(self, account_id):
        """Enable a disabled account again (admins)."""
        return _set_active(account_id, True)


@auth_blueprint.route("/accounts/<int:account_id>/password")
class ResetPassword(MethodView):
    @roles_allowed("admin")
    @auth_blueprint.arguments(schemas.PasswordReset)
    @auth_blueprint.response(200, schemas.AccountRead)
    def post(self, body, account_id):
        """Set a new password for an account; its holder must change it at next login."""
        return service.reset_password(
            get_db().session, account_id=account_id, new_password=body["new_password"]
        )
