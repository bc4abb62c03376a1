"""Unknown query parameters are a 422 that lists the allowed ones, on every route.

Without this, a typo such as `?tpye=news` silently returns the unfiltered list.
"""

import re
from typing import Annotated

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BeforeValidator

from app.api.problems import FieldError, InvalidParameters
from app.api.text import Day

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,40}$")
_allowed_cache: dict[int, frozenset[str]] = {}


def _query_names(dependant: Dependant) -> set[str]:
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def _allowed_for(route: APIRoute) -> frozenset[str]:
    key = id(route)
    if key not in _allowed_cache:
        _allowed_cache[key] = frozenset(_query_names(route.dependant))
    return _allowed_cache[key]


async def forbid_unknown_query_params(request: Request) -> None:
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    allowed = _allowed_for(route)
    unknown = [name for name in request.query_params if name not in allowed]
    if not unknown:
        return
    allowed_sorted = sorted(allowed)
    raise InvalidParameters(
        "Unknown query parameter(s).",
        errors=[
            FieldError(
                # The name is echoed only when it is plainly a parameter name.
                parameter=name if _SAFE_NAME.match(name) else None,
                detail="Unknown query parameter; use one of the allowed names.",
                allowed=allowed_sorted,
            )
            for name in dict.fromkeys(unknown)
        ],
    )


def _calendar_day(value: object) -> object:
    # pydantic's lax date parsing would read `0` or `1700000000` as a Unix time; a day in a
    # query is written as the document says, YYYY-MM-DD, and anything else is a 422.
    if isinstance(value, str) and not _ISO_DAY.match(value):
        raise ValueError("use a calendar day written YYYY-MM-DD")
    return value


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
# A day in a query string: exactly `YYYY-MM-DD`.
QueryDay = Annotated[Day, BeforeValidator(_calendar_day)]
