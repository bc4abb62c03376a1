"""Make the OpenAPI document say what the API really sends: every error is a problem document."""

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import PROBLEM_MEDIA_TYPE, Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem_content(status: int) -> dict[str, Any]:
    example = Problem.model_json_schema()["example"]
    return {
        PROBLEM_MEDIA_TYPE: {
            "schema": _PROBLEM_REF,
            "example": {**example, "status": status} if status == 404 else None,
        }
    }


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
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = Problem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        for name, sub in components["Problem"].pop("$defs", {}).items():
            components.setdefault(name, sub)
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                responses.setdefault("500", {"description": "Internal Server Error"})
                for status, response in responses.items():
                    if status.isdigit() and int(status) >= 400:
                        content = _problem_content(int(status))
                        if content[PROBLEM_MEDIA_TYPE]["example"] is None:
                            del content[PROBLEM_MEDIA_TYPE]["example"]
                        response["content"] = content
                    elif status == "304":
                        response.pop("content", None)
        schema["components"]["securitySchemes"] = {
            "apiKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key: `Authorization: Bearer nwsk_<id>_<secret>`. Reads of "
                "published content need none; writes and previews need a key with the scope "
                "each operation names.",
            }
        }
        for path_item in schema.get("paths", {}).values():
            for method, operation in path_item.items():
                if "401" in operation.get("responses", {}) or method != "get":
                    operation["security"] = [{"apiKey": []}]
                else:
                    operation["security"] = [{}, {"apiKey": []}]  # optional: anonymous or keyed
        # FastAPI's default validation-error shapes are never sent; drop them.
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        _document_head(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
