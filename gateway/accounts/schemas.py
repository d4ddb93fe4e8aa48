"""Request and answer schemas of the identity endpoints."""

import marshmallow as ma
from marshmallow import ValidationError, fields, validate, validates_schema

from gateway.accounts.service import ACCOUNT_ROLES
from shared.clock import CountyTime
from shared.input_schema import InputSchema, Pattern

USERNAME = Pattern(
    r"^[A-Za-z0-9_.@+-]{3,64}$", error="Use 3 to 64 letters, digits or _ . @ + - (or a phone)."
)
# What each role's scope must name: a staff member's township, an advisor's registry id.
SCOPE_KEYS = {"admin": (), "leader": (), "staff": ("township",), "advisor": ("advisor_id",)}
PASSWORD_LENGTH = validate.Length(max=256)  # what a login takes; a new password too
# Each grant type of POST /auth/token and the fields it needs; a WeChat login is one more.
GRANT_FIELDS = {"password": ("username", "password"), "refresh_token": ("refresh_token",)}


class TokenRequest(InputSchema):
    grant_type = fields.String(required=True, validate=validate.OneOf(list(GRANT_FIELDS)))
    username = fields.String(validate=validate.Length(max=64))
    password = fields.String(validate=PASSWORD_LENGTH, load_only=True)
    refresh_token = fields.String(validate=validate.Length(max=200), load_only=True)

    @validates_schema
    def fields_of_the_grant(self, data, **kwargs):
        missing = [
            name for name in GRANT_FIELDS.get(data.get("grant_type"), ()) if not data.get(name)
        ]
        if missing:
            raise ValidationError({name: ["Required for this grant_type."] for name in missing})


class TokenPair(ma.Schema):
    access_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()
    refresh_token = fields.String()
    refresh_expires_in = fields.Integer()
    must_change_password = fields.Boolean()


class RefreshTokenBody(InputSchema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class AccountCreate(InputSchema):
    username = fields.String(required=True, validate=USERNAME)
    password = fields.String(required=True, load_only=True, validate=PASSWORD_LENGTH)
    display_name = fields.String(load_default="", validate=validate.Length(max=100))
    role = fields.String(required=True, validate=validate.OneOf(ACCOUNT_ROLES))
    scope = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)

    @validates_schema(skip_on_field_errors=False)
    def scope_fits_the_role(self, data, **kwargs):
        needed = SCOPE_KEYS.get(data.get("role"), ())
        scope = data.get("scope") or {}
        missing = [key for key in needed if not scope.get(key)]
        extra = sorted(set(scope) - set(needed))
        if missing or extra:
            messages = [f"Must name {key}." for key in missing]
            messages += [f"{key} does not apply to this role." for key in extra]
            raise ValidationError({"scope": messages})


class AccountRead(ma.Schema):
    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    scope = fields.Dict()
    active = fields.Boolean()
    must_change_password = fields.Boolean()
    created_at = CountyTime()
    last_login_at = CountyTime(allow_none=True)


def new_password_field():
    """A new password: no longer than a login takes (else the account could not log in)."""
    return fields.String(
        required=True, load_only=True, data_key="password", validate=PASSWORD_LENGTH
    )


class PasswordChange(InputSchema):
    current_password = fields.String(required=True, load_only=True, validate=PASSWORD_LENGTH)
    new_password = new_password_field()


class PasswordReset(InputSchema):
    new_password = new_password_field()
