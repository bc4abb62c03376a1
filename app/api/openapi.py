"""Make the OpenAPI document say what the API really sends: every error is a problem document."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api.problems import PROBLEM_MEDIA_TYPE, Problem, WithdrawnProblem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def _problem_content(status: int) -> dict[str, Any]:
    example = Problem.model_json_schema()["example"]
    return {
        PROBLEM_MEDIA_TYPE: {
            # A 410 is always a withdrawal, whose problem has documented extension members.
            "schema": {"$ref": "#/components/schemas/WithdrawnProblem"}
            if status == 410
            else _PROBLEM_REF,
            "example": {**example, "status": status} if status == 404 else None,
        }
    }


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
        components["WithdrawnProblem"] = WithdrawnProblem.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        components["WithdrawnProblem"].pop("$defs", None)
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
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
