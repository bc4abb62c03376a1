"""Read endpoints for menus: the list, a whole tree per language, and breadcrumbs."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.responses import Fresh, public_response, read_responses
from app.auth.dependencies import PreviewDep
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.config import Settings
from app.db import ON_REPLICA, SessionDep
from app.navigation import service
from app.navigation.schemas import Breadcrumbs, MenuRead, MenuTree
from app.statements import service as statements_service

router = APIRouter(prefix="/navigation", tags=["navigation"], dependencies=[ON_REPLICA])
MenuKey = Annotated[str, Path(max_length=32, pattern=r"^[a-z0-9-]+$", examples=["main"])]


def _links(request: Request) -> service.Links:
    settings: Settings = request.app.state.settings
    return service.Links(
        default_lang=settings.default_language, statement_path=settings.statement_path
    )


@router.get(
    "", response_model=Page[MenuRead], summary="List menus", responses=read_responses(400, 422)
)
async def list_menus(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
) -> Response:
    """The menus a frontend can render, by key (`main`, `footer`, ...)."""
    return public_response(
        request,
        version=version,
        now=request.app.state.clock(),
        language=language,
        compute=tagged(
            lambda: Fresh(*service.list_menus(session, language=language, page=page)), "navigation"
        ),
    )


@router.get(
    "/{menu}",
    response_model=MenuTree,
    summary="Get a whole menu tree",
    responses=read_responses(404, 422),
)
async def get_menu(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    menu: MenuKey,
    depth: Annotated[
        int | None, Query(ge=1, le=10, description="Levels to include; all when omitted.")
    ] = None,
    root: Annotated[
        str | None,
        Query(
            max_length=32,
            description="Only the subtree of this item (the item itself, then `depth` levels "
            "counted from it).",
        ),
    ] = None,
    preview: PreviewDep = False,
) -> Response:
    """The menu nested in one response, labels in the requested language.

    Every item says `has_children`, also where `depth` cut its children off; `?root=<item id>`
    fetches such an item's subtree (a 404 for an item a reader cannot see).

    A label that is not translated is served in the default language and the item says so in
    `fallback`. A link to a statement carries that statement's URL in the served language; an
    item whose statement is not published is left out, with its children.
    """
    now = request.app.state.clock()

    def compute() -> Fresh:
        tree, changed = service.get_tree(
            session,
            menu_key=menu,
            language=language,
            depth=depth,
            links=_links(request),
            now=now,
            preview=preview,
            root=root,
        )
        return Fresh(tree, changed, statements_service.next_go_live(session, now))

    compute = tagged(compute)
    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/{menu}/breadcrumbs",
    response_model=Breadcrumbs,
    summary="Get the breadcrumb trail to a page",
    responses=read_responses(404, 422),
)
async def get_breadcrumbs(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    menu: MenuKey,
    path: Annotated[
        str | None,
        Query(
            max_length=300,
            description="The page's path, with or without a language prefix.",
            examples=["/our-work/what-we-do"],
        ),
    ] = None,
    item: Annotated[str | None, Query(max_length=32, description="Or the item's id.")] = None,
) -> Response:
    """The items from the menu's root down to the page, for a breadcrumb trail.

    Labels and links follow the language of `path` (its prefix, else the default language)
    unless `?lang=` asks for another; the reader's other preferences are the fallbacks.
    """
    now = request.app.state.clock()
    settings: Settings = request.app.state.settings
    links = _links(request)
    if path is not None and not language.explicit:
        language = language.led_by(links.split(path, settings.languages)[0])

    def compute() -> Fresh:
        trail, changed = service.breadcrumbs(
            session,
            menu_key=menu,
            path=path,
            item_id=item,
            language=language,
            links=links,
            languages=settings.languages,
            now=now,
        )
        return Fresh(trail, changed, statements_service.next_go_live(session, now))

    compute = tagged(compute)
    return public_response(request, version=version, now=now, language=language, compute=compute)
