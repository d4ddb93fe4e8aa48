"""Routes for bulk import and export of the registry's tables."""

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from services.registry.service import import_file
from services.registry.spreadsheets import FORMATS, read_table, write_table
from services.registry.transfer import COLUMNS, export_rows, header_of
from shared.auth import current_principal
from shared.blueprint import Blueprint
from shared.db import get_db
from shared.errors import ApiError
from shared.masking import mask_phone
from shared.scopes import roles_allowed

transfer_blp = Blueprint("registry-transfer", __name__, description="Bulk import and export.")
KINDS = list(COLUMNS)


class UploadedFile(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ImportReport(ma.Schema):
    kind = ma.fields.String()
    rows = ma.fields.Integer()
    created = ma.fields.Integer(dump_default=0)
    updated = ma.fields.Integer(dump_default=0)
    unchanged = ma.fields.Integer(dump_default=0)


class ExportQuery(ma.Schema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(list(FORMATS)))


def _known_kind(kind):
    if kind not in COLUMNS:
        raise ApiError(404, f"Unknown table {kind!r}; use one of {', '.join(KINDS)}.")


@transfer_blp.route("/import/<kind>")
class Import(MethodView):
    @roles_allowed("admin")
    @transfer_blp.arguments(UploadedFile, location="files")
    @transfer_blp.response(200, ImportReport)
    def post(self, upload, kind):
        """Import a CSV or XLSX file of villages, advisors or assignments: all or nothing."""
        _known_kind(kind)
        header, rows = read_table(upload["file"].filename or "", upload["file"].read())
        session = get_db().session
        return import_file(session, kind=kind, header=header, rows=rows)


def _file(header, rows, file_format, name):
    return Response(
        write_table(header, rows, file_format),
        mimetype=FORMATS[file_format],
        headers={"Content-Disposition": f"attachment; filename={name}.{file_format}"},
    )


@transfer_blp.route("/templates/<kind>")
class Template(MethodView):
    @roles_allowed("admin")
    @transfer_blp.arguments(ExportQuery, location="query")
    @transfer_blp.response(200, description="An empty CSV or XLSX sheet: the header only.")
    def get(self, query, kind):
        """An empty sheet of a table to fill in and import: its Chinese header, no rows."""
        _known_kind(kind)
        return _file(header_of(kind), [], query["format"], f"{kind}-template")


@transfer_blp.route("/export/<kind>")
class Export(MethodView):
    @roles_allowed("admin", "leader")
    @transfer_blp.arguments(ExportQuery, location="query")
    @transfer_blp.response(200, description="A CSV or XLSX file in the import format.")
    def get(self, query, kind):
        """Export a table in the import format (phones masked for leaders)."""
        _known_kind(kind)
        masker = None if current_principal().role == "admin" else mask_phone
        header, rows = export_rows(get_db().session, kind=kind, mask_phone=masker)
        return _file(header, rows, query["format"], kind)
