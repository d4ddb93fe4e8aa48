"""One OpenAPI document for the whole public API, and a docs page served from local files."""

import copy
import re

from flask import Blueprint, current_app, jsonify, render_template_string, send_from_directory
from swagger_ui_bundle import swagger_ui_path

from shared import http_client
from shared.auth import public
from shared.errors import ApiError

docs_blueprint = Blueprint("docs", __name__, url_prefix="/api/v1")
_REF = re.compile(r"^#/components/(?P<section>\w+)/(?P<name>.+)$")

DOCS_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>pufa API</title>
<link rel="stylesheet" href="{{ static }}/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="{{ static }}/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "{{ spec }}", dom_id: "#ui"});</script>
</body></html>"""


def _prefix_refs(node, service):
    """Rename every `#/components/<section>/<name>` reference to `<service>.<name>`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and (match := _REF.match(value)):
                node[key] = f"#/components/{match['section']}/{service}.{match['name']}"
            else:
                _prefix_refs(value, service)
    elif isinstance(node, list):
        for item in node:
            _prefix_refs(item, service)


def merge_documents(gateway_doc, service_docs):
    """The gateway's own document plus each service's, its paths under /api/v1/<service>."""
    merged = copy.deepcopy(gateway_doc)
    merged["info"] = {"title": "pufa public API", "version": "v1"}
    components = merged.setdefault("components", {})
    for service, doc in sorted(service_docs.items()):
        doc = copy.deepcopy(doc)
        _prefix_refs(doc, service)
        for path, item in doc.get("paths", {}).items():
            merged.setdefault("paths", {})[f"/api/v1/{service}{path}"] = item
        for section, entries in doc.get("components", {}).items():
            if section == "securitySchemes":
                components.setdefault(section, {}).update(entries)
                continue
            for name, entry in entries.items():
                components.setdefault(section, {})[f"{service}.{name}"] = entry
        merged.setdefault("tags", []).extend(
            {**tag, "name": f"{service}: {tag['name']}"} for tag in doc.get("tags", [])
        )
        for item in doc.get("paths", {}).values():
            for operation in item.values():
                if isinstance(operation, dict) and "tags" in operation:
                    operation["tags"] = [f"{service}: {tag}" for tag in operation["tags"]]
    return merged


def fetch_service_documents():
    """Each service's own document; a service that does not answer is listed as missing."""
    documents, missing = {}, []
    for service, base in current_app.config["SERVICE_URLS"].items():
        try:
            answer = http_client.call("GET", f"{base}/openapi.json", service=service)
            answer.raise_for_status()
            documents[service] = answer.json()
        except (ApiError, ValueError, OSError):
            missing.append(service)
    return documents, missing


@docs_blueprint.route("/openapi.json")
@public
def openapi_document():
    """The whole public API as one OpenAPI document."""
    documents, missing = fetch_service_documents()
    merged = merge_documents(current_app.extensions["openapi_gateway"].spec.to_dict(), documents)
    if missing:
        merged["x-services-missing"] = missing
    return jsonify(merged)


@docs_blueprint.route("/docs")
@public
def docs_page():
    """A browsable page of the API, from files shipped with the project (no CDN)."""
    return render_template_string(
        DOCS_PAGE, static="/api/v1/docs/static", spec="/api/v1/openapi.json"
    )


@docs_blueprint.route("/docs/static/<path:filename>")
@public
def docs_static(filename):
    """The Swagger UI files bundled in the swagger-ui-bundle package."""
    return send_from_directory(str(swagger_ui_path), filename)
