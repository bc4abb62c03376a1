"""The snapshot routes: `GET /v1/export/{statements,commitments,menus}.ndjson`."""

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.responses import StreamingResponse

from app.api.conditional import CachePolicy
from app.api.language import LanguageDep
from app.api.problems import problem_responses
from app.api.responses import public_cache
from app.cdn.keys import surrogate_headers
from app.config import Settings
from app.navigation.service import Links
from app.sync import export

router = APIRouter(prefix="/export", tags=["sync"])
MEDIA_TYPE = "application/x-ndjson"


class NDJSONResponse(StreamingResponse):
    media_type = MEDIA_TYPE


def snapshot_sessions(request: Request) -> Callable[[], Session]:
    """Where the export's own session comes from. Not the request's session: that one
    closes when the route returns, and the stream goes on long after (tests override this)."""
    factory: Callable[[], Session] = request.app.state.sessionmaker
    return factory


SnapshotSessionsDep = Annotated[Callable[[], Session], Depends(snapshot_sessions)]
TranslationsQuery = Annotated[
    Literal["all"] | None,
    Query(
        description="`all`: each record carries a `translations` map with the item in every "
        "served language it is translated into, instead of `lang` and `item`."
    ),
]

_EXAMPLE = (
    '{"resource":"statement","id":"stm_01j0c3d2e8f7g6h5j4k3m2n1p0","version":3,"lang":"en",'
    '"item":{"id":"stm_01j0c3d2e8f7g6h5j4k3m2n1p0","type":"press_release","title":"..."}}\n'
    '{"checkpoint":{"seq":1042,"records":1}}\n'
)
_DESCRIPTION = """

One line per public item, ordered by id: `{"resource", "id", "version", "lang", "item"}`, where
`item` is exactly the body of the item route in that language (with `translations=all`, a
`translations` map by language instead of `lang` and `item`); `version` is the item's version
as the change feed last announced it. The last line is
`{"checkpoint": {"seq": N, "records": M}}`; the `Newsroom-Seq` header carries the same `N`, read
in the same database snapshot as the items: follow on with `GET /v1/changes?after=N`.

`?lang=xx` keeps only the items available in that language (as the change feed's `lang` filter
does) and renders them in it. Without it, each item comes in the default language, or in the
language the item route falls back to (the record's `lang` says which); `Accept-Language` is
not consulted, so every partner gets the same file. Drafts, scheduled, embargoed, withdrawn
and deleted items are never exported. The body is streamed; a partner should read it line by
line."""

_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The NDJSON stream, ending with the checkpoint line.",
        "content": {MEDIA_TYPE: {"schema": {"type": "string"}, "example": _EXAMPLE}},
        "headers": {
            "Newsroom-Seq": {
                "description": "The change-feed sequence number the snapshot stands at.",
                "schema": {"type": "integer", "examples": [1042]},
                "required": True,
            }
        },
    },
    **problem_responses(400, 422),
}


def _stream(
    request: Request,
    resource: export.Resource,
    language: Any,
    translations: str | None,
    sessions: Callable[[], Session],
) -> NDJSONResponse:
    settings: Settings = request.app.state.settings
    spec = export.ExportSpec(
        resource=resource,
        lang=language.requested if language.explicit else None,
        all_translations=translations == "all",
        default=settings.default_language,
        served=settings.languages,
        links=Links(default_lang=settings.default_language, statement_path=settings.statement_path),
        now=request.app.state.clock(),
    )
    session, seq = export.open_snapshot(sessions)
    keyed = getattr(request.state, "principal", None) is not None
    cache = CachePolicy(public=False) if keyed else public_cache(request)
    headers = {"Newsroom-Seq": str(seq), "Cache-Control": cache.header()}
    if not keyed:  # a snapshot is out of date after any change: purged with the change feed
        headers.update(surrogate_headers(["changes"]))
    return NDJSONResponse(
        export.chunks(session, spec, seq),
        headers=headers,
        # Closing twice is harmless; this covers a stream that never started.
        background=BackgroundTask(session.close),
    )


def _route(resource: export.Resource, what: str) -> None:
    async def export_items(
        request: Request,
        language: LanguageDep,
        sessions: SnapshotSessionsDep,
        translations: TranslationsQuery = None,
    ) -> NDJSONResponse:
        return _stream(request, resource, language, translations, sessions)

    export_items.__name__ = f"export_{resource}"
    summary_line = f"Every public {what} as NDJSON, for a partner to bootstrap from."
    export_items.__doc__ = summary_line
    router.add_api_route(
        f"/{resource}.ndjson",
        export_items,
        methods=["GET"],
        response_class=NDJSONResponse,
        summary=f"Export all public {what}",
        description=summary_line + _DESCRIPTION,
        responses=_RESPONSES,
    )


_route("statements", "statements")
_route("commitments", "commitments")
_route("menus", "menus")
