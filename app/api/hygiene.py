"""The text rule of `app.api.text`, applied to what no schema sees: the path, the query string and
the headers the application reads. Bodies get the same rule through the annotated types.

A pure ASGI middleware, so that a bad string never reaches routing, a dependency or the
database (NUL in a path parameter was a 500 on PostgreSQL): it answers a 422 problem naming
the parameter (a 400 for a header), never echoing the value. Path and query strings that pass
are normalized to NFC, as body strings are. It also tells the body types which languages are
served, for the length of the request.
"""

import re
import unicodedata
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.problems import BadRequest, FieldError, InvalidParameters, problem_response
from app.api.text import CONTROL_DETAIL, serving, text_is_clean

# The request headers the application reads; others it never looks at.
READ_HEADERS = {
    b"authorization": "Authorization",
    b"accept-language": "Accept-Language",
    b"if-match": "If-Match",
    b"if-none-match": "If-None-Match",
    b"if-modified-since": "If-Modified-Since",
    b"idempotency-key": "Idempotency-Key",
}


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _path_parameter(scope: Scope) -> str | None:
    """The name of the path parameter holding the bad text, read from the OpenAPI document's
    path templates (the routing table itself is framework-internal). Best effort: the 422 does
    not depend on it."""
    openapi = getattr(scope.get("app"), "openapi", None)
    try:
        paths: dict[str, Any] = openapi().get("paths", {}) if callable(openapi) else {}
    except Exception:  # a broken document must not turn a 422 into a 500
        return None
    for template in paths:
        pattern = re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]*)", re.escape(template))
        match = re.fullmatch(pattern, scope["path"])
        if match is None:
            continue
        for name, value in match.groupdict().items():
            if not text_is_clean(value):
                return name
    return None


def _header_error(scope: Scope) -> FieldError | None:
    for name, raw in scope["headers"]:
        label = READ_HEADERS.get(name.lower())
        if label is not None and not text_is_clean(raw.decode("latin-1")):
            return FieldError(parameter=label, detail=CONTROL_DETAIL)
    return None


def _query(scope: Scope) -> tuple[FieldError | None, bytes | None]:
    """The first bad query parameter, or else the NFC query string when it differs."""
    raw: bytes = scope.get("query_string", b"")
    if not raw:
        return None, None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    for name, value in pairs:
        if not text_is_clean(name):
            # Never echo a name that breaks the rule.
            return FieldError(detail="A query parameter name breaks the same rule."), None
        if not text_is_clean(value):
            return FieldError(parameter=name, detail=CONTROL_DETAIL), None
    normalized = [(_nfc(name), _nfc(value)) for name, value in pairs]
    if normalized == pairs:
        return None, None
    return None, urlencode(normalized).encode("ascii")


class HygieneMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = _header_error(scope)
        if header is not None:
            await self._refuse(scope, receive, send, BadRequest, header, "header")
            return
        path: str = scope["path"]
        if not text_is_clean(path):
            error = FieldError(parameter=_path_parameter(scope), detail=CONTROL_DETAIL)
            await self._refuse(scope, receive, send, InvalidParameters, error, "path")
            return
        query_error, query = _query(scope)
        if query_error is not None:
            await self._refuse(scope, receive, send, InvalidParameters, query_error, "query")
            return
        if _nfc(path) != path or query is not None:
            scope = dict(scope)
            if _nfc(path) != path:
                scope["path"] = _nfc(path)
                scope["raw_path"] = quote(scope["path"]).encode("ascii")
            if query is not None:
                scope["query_string"] = query
        settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
        if settings is None:
            await self.app(scope, receive, send)
            return
        with serving(settings.languages):
            await self.app(scope, receive, send)

    async def _refuse(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        kind: type[BadRequest] | type[InvalidParameters],
        error: FieldError,
        where: str,
    ) -> None:
        request_id = scope.get("state", {}).get("request_id")
        response = problem_response(
            request_id if isinstance(request_id, str) else None,
            status=kind.status,
            title=kind.title,
            slug=kind.slug,
            detail=f"Text in the {where} may not hold control characters (NUL included) or lone "
            "surrogates; see `errors`.",
            errors=[error],
        )
        await response(scope, receive, send)
