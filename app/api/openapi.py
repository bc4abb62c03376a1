"""Make the OpenAPI document say what the API really sends and takes.

FastAPI documents what a route declares; the conventions every route shares (problem documents,
conditional requests, `If-Match`, `Idempotency-Key`, caching and paging headers, links between
operations for stateful clients) are added here, once, from what each operation already
declares: its documented statuses, its parameters and its request body.
"""

import copy
import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.language import document_lang_parameter
from app.api.problems import PROBLEM_MEDIA_TYPE, Problem, WithdrawnProblem
from app.ratelimit.policy import is_exempt

Operation = dict[str, Any]
_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_HEADERS_REF = "#/components/headers/"
_STRING = {"type": "string"}

# Reusable response headers (`components/headers`), referenced by name below.
HEADERS: dict[str, dict[str, Any]] = {
    "ETag": {
        "description": "Strong validator of this representation; send it back in "
        "`If-None-Match` (reads) or `If-Match` (writes).",
        "schema": {**_STRING, "examples": ['"3f2a9c0d5e7b41a8"']},
    },
    "Cache-Control": {
        "description": "`public, max-age=…, stale-while-revalidate=…` for published content, "
        "`private, no-store` for anything keyed or editorial.",
        "schema": _STRING,
    },
    "Last-Modified": {
        "description": "When this representation last changed (RFC 9110 HTTP-date).",
        "schema": _STRING,
    },
    "Content-Language": {
        "description": "The language served (for an item, the one a fallback may have chosen).",
        "schema": _STRING,
    },
    "Vary": {"description": "Request headers the representation depends on.", "schema": _STRING},
    "Link": {
        "description": 'RFC 8288 links; `rel="next"` points at the next page while there is one.',
        "schema": _STRING,
    },
    "Location": {"description": "Where the created resource can be read.", "schema": _STRING},
    "Surrogate-Key": {
        "description": "For a CDN (Fastly style): the keys of the items and collections this "
        "public answer contains, space-separated, e.g. `newsroom statements stm_01j…`. A change "
        "purges its item's key and collection's key. Not sent on keyed answers.",
        "schema": {**_STRING, "examples": ["newsroom statements stm_01j0c3d2e8f7g6h5j4k3m2n1p0"]},
    },
    "Cache-Tag": {
        "description": "The `Surrogate-Key` keys comma-separated (Cloudflare style).",
        "schema": {**_STRING, "examples": ["newsroom,statements,stm_01j0c3d2e8f7g6h5j4k3m2n1p0"]},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "RateLimit": {
        "description": "This client's quota state (draft-ietf-httpapi-ratelimit-headers-10): "
        'the policy\'s name, `r` whole requests left and `t` seconds, e.g. `"key";r=42;t=30`. '
        "`t` is how long until a request fits again when none does (then equal to `Retry-After`), "
        "else until the current window ends.",
        "schema": {**_STRING, "examples": ['"anonymous";r=42;t=30']},
    },
    "RateLimit-Policy": {
        "description": "The quota that applies: `q` requests per `w` seconds, e.g. "
        '`"anonymous";q=600;w=60`. A `304` costs half a request.',
        "schema": {**_STRING, "examples": ['"anonymous";q=600;w=60']},
    },
    "WWW-Authenticate": {
        "description": "The authentication scheme (`Bearer`) and, for a refused key, the error.",
        "schema": _STRING,
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored response of an earlier request made with "
        "the same `Idempotency-Key` and body.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}

REQUEST_HEADERS: dict[str, dict[str, Any]] = {
    "If-None-Match": {
        "name": "If-None-Match",
        "in": "header",
        "required": False,
        "description": "ETags of copies the client holds; a match answers `304` with no body.",
        "schema": _STRING,
    },
    "If-Modified-Since": {
        "name": "If-Modified-Since",
        "in": "header",
        "required": False,
        "description": "An HTTP-date; `304` when nothing changed since (ignored when "
        "`If-None-Match` is sent; an unreadable date is ignored).",
        "schema": _STRING,
    },
    "If-Match": {
        "name": "If-Match",
        "in": "header",
        "required": True,
        "description": "The ETag of the version this write changes, as read from the "
        "resource's editorial representation or the previous write's response. Missing: `428`; "
        "not the current version: `412`; `*`, which would overwrite whatever is there: `428`. "
        "Several ETags may be listed.",
        # RFC 9110 entity tags, comma-separated; `*` is left out on purpose (see above).
        "schema": {
            "type": "string",
            "pattern": r'^[ \t]*(W/)?"[!#-~]*"([ \t]*,[ \t]*(W/)?"[!#-~]*")*[ \t]*$',
        },
        "examples": {"etag": {"value": '"stm_01j0c3d2e8f7g6h5j4k3m2n1p0.3"'}},
    },
    "Idempotency-Key": {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Makes a retried create safe: the same key and body replay the first "
        "response (`Idempotent-Replayed: true`); the same key with another body is a `422`.",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
        "examples": {"uuid": {"value": "4f1d8c2e-0b7a-4d6e-9a53-2c1e7f0b9d64"}},
    },
}


def _optional(*names: str) -> dict[str, Any]:
    return {name: {"$ref": _HEADERS_REF + name} for name in names}


def _required(*names: str) -> dict[str, Any]:
    return {name: {"$ref": f"{_HEADERS_REF}{name}-Required"} for name in names}


def _problem_content(status: int, *, of_an_item: bool) -> dict[str, Any]:
    example = Problem.model_json_schema()["example"]
    # An item's 410 is a withdrawal, whose problem has documented extension members; the
    # change feed's (a position past retention) is a plain problem.
    withdrawal = status == 410 and of_an_item
    reference = {"$ref": "#/components/schemas/WithdrawnProblem"} if withdrawal else None
    content: dict[str, Any] = {"schema": reference or _PROBLEM_REF}
    if status == 404:
        content["example"] = {**example, "status": status}
    return {PROBLEM_MEDIA_TYPE: content}


def _statuses(operation: Operation) -> set[str]:
    return set(operation.get("responses", {}))


def _has_query(operation: Operation, name: str) -> bool:
    return any(
        p.get("in") == "query" and p.get("name") == name for p in operation.get("parameters", [])
    )


def _add_error(operation: Operation, status: int, description: str | None = None) -> None:
    operation["responses"].setdefault(
        str(status), {"description": description or HTTPStatus(status).phrase}
    )


def _document_errors(path: str, method: str, operation: Operation) -> None:
    """Statuses every operation of a kind can answer, whatever its route declared."""
    statuses = _statuses(operation)
    if path.startswith("/v1/"):
        # Any request carrying an Authorization header that holds no valid key is refused.
        _add_error(operation, 401)
    if _has_query(operation, "preview"):
        _add_error(operation, 403)
    if "requestBody" in operation:
        _add_error(operation, 400, "Bad Request: the body is not valid JSON")
        _add_error(operation, 413)
        _add_error(operation, 415)
        _add_error(operation, 422)
    _add_error(operation, 414, "URI Too Long: the path and query pass 8 KiB")
    if "428" in statuses:
        _add_error(operation, 412)
    if any(p.get("in") != "header" for p in operation.get("parameters", [])):
        _add_error(operation, 422)
    if not is_exempt(path):
        _add_error(operation, 429, "Too Many Requests: the quota is used up; see Retry-After")
    _add_error(operation, 500)
    _add_error(operation, 503, "Service Unavailable: the database cannot be reached; retry")


def _document_request_headers(method: str, operation: Operation) -> None:
    statuses = _statuses(operation)
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    wanted: list[str] = []
    if method == "get" and "304" in statuses:
        wanted += ["If-None-Match", "If-Modified-Since"]
    if "428" in statuses:
        wanted.append("If-Match")
    if method == "post" and "201" in statuses:
        wanted.append("Idempotency-Key")
    present = {(p.get("in"), p.get("name")) for p in parameters}
    for name in wanted:
        if ("header", name) not in present:
            parameters.append(dict(REQUEST_HEADERS[name]))
    if not parameters:
        del operation["parameters"]


def _is_page(schema: dict[str, Any], operation: Operation, status: str) -> bool:
    content = operation["responses"][status].get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    resolved = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    properties = resolved.get("properties", {})
    return "items" in properties and "next_cursor" in properties


def _document_response_headers(
    schema: dict[str, Any], path: str, method: str, operation: Operation
) -> None:
    responses: dict[str, dict[str, Any]] = operation["responses"]
    limited = not is_exempt(path)
    statuses = set(responses)
    conditional = method == "get" and "304" in statuses
    for status, response in responses.items():
        headers: dict[str, Any] = response.setdefault("headers", {})
        code = int(status) if status.isdigit() else 0
        if conditional and code in (200, 304):
            headers.update(_required("ETag"))
            headers.update(_required("Cache-Control"))
            headers.update(_optional("Last-Modified", "Content-Language", "Vary"))
            headers.update(_optional("Surrogate-Key", "Cache-Tag"))
            if code == 200 and _is_page(schema, operation, status):
                headers.update(_optional("Link"))
        elif code in (200, 201) and "412" in statuses:
            headers.update(_required("ETag"))
        if code == 201:
            headers.update(_required("Location"))
            headers.update({**_optional("ETag", "Idempotent-Replayed"), **headers})
        if code == 200 and method == "get" and not conditional:
            headers.update(_optional("Cache-Control"))
        if code == 401:
            headers.update(_required("WWW-Authenticate"))
        if code == 412:
            headers.update(_optional("ETag"))
        if code == 503:
            headers.update(_required("Retry-After"))
        if code == 429:
            headers.update(_required("Retry-After", "RateLimit", "RateLimit-Policy"))
        elif limited:
            headers.update(_optional("RateLimit", "RateLimit-Policy"))


def _header_components() -> dict[str, Any]:
    components: dict[str, Any] = {}
    for name, header in HEADERS.items():
        components[name] = header
        components[f"{name}-Required"] = {**header, "required": True}
    return components


def _set_media_types(operation: Operation, path: str) -> None:
    for status, response in operation["responses"].items():
        if status.isdigit() and int(status) >= 400:
            response["content"] = _problem_content(int(status), of_an_item="{" in path)
            response["description"] = response.get("description") or status
        elif status in ("204", "304"):
            response.pop("content", None)


def operations(schema: dict[str, Any]) -> list[tuple[str, str, Operation]]:
    return [
        (path, method, operation)
        for path, item in schema.get("paths", {}).items()
        for method, operation in item.items()
        if method in ("get", "head", "post", "put", "patch", "delete")
    ]


def _security(method: str, operation: Operation) -> None:
    needs_key = method not in ("get", "head") or "403" in operation["responses"]
    optional = method in ("get", "head") and _has_query(operation, "preview")
    if needs_key and not optional:
        operation["security"] = [{"apiKey": []}]
    else:
        operation["security"] = [{}, {"apiKey": []}]  # anonymous, or keyed


SECURITY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API key: `Authorization: Bearer nwsk_<id>_<secret>`. Reads of "
    "published content need none; writes and previews need a key with the scope each "
    "operation names.",
}


def render_document(document: dict[str, Any]) -> str:
    """The document as committed in `openapi.json`: stable, reviewable text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _document_head(schema: dict[str, Any]) -> None:
    """Every GET path answers HEAD (app.api.middleware): the GET's operation, headers only."""
    for path_item in schema.get("paths", {}).values():
        get = path_item.get("get")
        if get is None or "head" in path_item:
            continue
        head = copy.deepcopy(get)
        head["operationId"] = f"{get.get('operationId', 'get')}_head"
        head["summary"] = f"{get.get('summary', '')} (headers only)".strip()
        head["description"] = (
            "The same as GET, without a body: the status and headers (`ETag`, `Last-Modified`, "
            "`Cache-Control`, `Content-Length`) that GET would send.\n\n"
            + get.get("description", "")
        )
        head.pop("links", None)
        for response in head.get("responses", {}).values():
            response.pop("content", None)
            response.pop("links", None)
        path_item["head"] = head


def install_openapi(app: FastAPI) -> None:
    from app.api.openapi_links import add_links

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
            tags=app.openapi_tags,
        )
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas["WithdrawnProblem"] = WithdrawnProblem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        schemas["WithdrawnProblem"].pop("$defs", None)
        for name, sub in schemas["Problem"].pop("$defs", {}).items():
            schemas.setdefault(name, sub)
        document_lang_parameter(schema, app.state.settings.languages)
        # FastAPI's default validation-error shapes are never sent; drop them.
        schemas.pop("HTTPValidationError", None)
        schemas.pop("ValidationError", None)
        components["headers"] = _header_components()
        components["securitySchemes"] = {"apiKey": SECURITY_SCHEME}
        for path, method, operation in operations(schema):
            _document_errors(path, method, operation)
            _document_request_headers(method, operation)
            _set_media_types(operation, path)
            _document_response_headers(schema, path, method, operation)
            _security(method, operation)
        add_links(schema)
        _document_head(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
