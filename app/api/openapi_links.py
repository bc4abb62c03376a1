"""OpenAPI links between operations, so clients and stateful testers can chain create → read →
update → delete without knowing our URL scheme: each create links to the operations on the
resource it made, and each write that returns a new ETag links to the next writes on it."""

from typing import Any

Operation = dict[str, Any]
# Body members that name a created resource in a path, in order of preference.
IDENTIFYING_MEMBERS = ("id", "key", "slug", "code")


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def _response_members(schema: dict[str, Any], response: dict[str, Any]) -> set[str]:
    body = response.get("content", {}).get("application/json", {}).get("schema", {})
    name = body.get("$ref", "").rsplit("/", 1)[-1]
    return set(schema["components"]["schemas"].get(name, {}).get("properties", {}))


def _needs_if_match(operation: Operation) -> bool:
    return any(
        p.get("in") == "header" and p.get("name") == "If-Match"
        for p in operation.get("parameters", [])
    )


def _link(
    target: Operation,
    parameters: dict[str, str],
    with_etag: bool,
) -> dict[str, Any]:
    if with_etag and _needs_if_match(target):
        parameters = {**parameters, "header.If-Match": "$response.header.ETag"}
    return {"operationId": target["operationId"], "parameters": parameters}


def add_links(schema: dict[str, Any]) -> None:
    paths: dict[str, dict[str, Operation]] = schema.get("paths", {})
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in ("post", "patch") or "operationId" not in operation:
                continue
            for status in ("201", "200"):
                response = operation["responses"].get(status)
                if response is None:
                    continue
                with_etag = "ETag" in response.get("headers", {})
                if status == "201":
                    links = _links_from_create(schema, paths, path, response, with_etag)
                else:
                    links = _links_from_update(paths, path, method, with_etag)
                if links:
                    response["links"] = links


def _links_from_create(
    schema: dict[str, Any],
    paths: dict[str, dict[str, Operation]],
    path: str,
    response: dict[str, Any],
    with_etag: bool,
) -> dict[str, Any]:
    """From `POST /things` to every operation on `/things/{x}`: `x` comes from the body."""
    members = _response_members(schema, response)
    inherited = set(_path_params(path))
    links: dict[str, Any] = {}
    for child, item in paths.items():
        if not child.startswith(path + "/{"):
            continue
        own = child[len(path) + 2 : child.index("}", len(path))]
        member = (
            own if own in members else next((m for m in IDENTIFYING_MEMBERS if m in members), None)
        )
        if member is None:
            continue
        parameters = {own: f"$response.body#/{member}"}
        parameters.update({name: f"$request.path.{name}" for name in inherited})
        for operation in item.values():
            if "operationId" in operation:
                links[operation["operationId"]] = _link(operation, parameters, with_etag)
    return links


def _links_from_update(
    paths: dict[str, dict[str, Operation]], path: str, method: str, with_etag: bool
) -> dict[str, Any]:
    """From a write on `/things/{x}[/action]` to the other operations on `/things/{x}`."""
    if not with_etag:
        return {}
    params = _path_params(path)
    if not params:
        return {}
    last = "{" + params[-1] + "}"
    resource = path[: path.rindex(last) + len(last)]
    parameters = {name: f"$request.path.{name}" for name in params}
    links: dict[str, Any] = {}
    for other, item in paths.items():
        if other != resource and not other.startswith(resource + "/"):
            continue
        if _path_params(other) != params:
            continue
        for other_method, operation in item.items():
            if (other, other_method) == (path, method) or "operationId" not in operation:
                continue
            links[operation["operationId"]] = _link(operation, parameters, with_etag)
    return links
