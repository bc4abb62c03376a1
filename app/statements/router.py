"""Read endpoints for statements."""

from dataclasses import replace
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.language import LanguageDep
from app.api.pagination import PageDep
from app.api.responses import Fresh, public_response, read_responses
from app.api.shaping import documented, require_page_size
from app.auth.dependencies import PreviewDep
from app.cdn.keys import keys_in
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.config import Settings
from app.db import ON_REPLICA, SessionDep
from app.feeds.links import alternate_links, site_for
from app.jsonld import negotiate as jsonld
from app.jsonld import statement as statement_ld
from app.search.schemas import SearchQuery
from app.statements import embeds, service
from app.statements.facets import STATEMENT_FACETS
from app.statements.params import ItemShapeDep, ListShapeDep, StatementFiltersDep
from app.statements.schemas import (
    RevisionList,
    StatementDetail,
    StatementFields,
    StatementListItem,
    StatementSort,
)

router = APIRouter(prefix="/statements", tags=["statements"], dependencies=[ON_REPLICA])


@router.get(
    "",
    response_model=documented(StatementListItem, StatementFields, page=True, faceted=True),
    summary="List published statements",
    responses=read_responses(400, 422),
)
async def list_statements(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    filters: StatementFiltersDep,
    shape: ListShapeDep,
    q: SearchQuery = None,
    sort: Annotated[
        StatementSort | None,
        Query(
            description="Sort order; `-` means newest first. Default: `relevance` with `q` "
            "(a 422 without it), else `-published_at`."
        ),
    ] = None,
    preview: PreviewDep = False,
    facets: list[str] = STATEMENT_FACETS.query,
) -> Response:
    """Published statements, newest first, in the requested language where translated.

    With `q`, only the statements matching the search, best first, each with its `score`
    and a highlighted `snippet`. Filters combine with AND; repeated values of one filter
    combine with OR. Items not translated into the requested language are served in the
    default language (or another available one) and say so in `fallback`.


    `facets=` counts the matches per value (`year`: of publication, `lang`: languages the
    statements are available in); each value's `count` is the `total` of the list filtered by it
    (`place`, `term` roll up like their filters; `year` filters as `published_from`/`published_to`
    on that year, `lang` as `available_lang`).

    `profile`, `fields` and `include` shape the answer (see each parameter).
    """
    now = request.app.state.clock()
    require_page_size(shape.profile, page.limit)

    def compute() -> Fresh:
        result, last_modified = service.list_statements(
            session,
            filters=replace(filters, q=q),
            sort=sort,
            language=language,
            page=page,
            now=now,
            preview=preview,
            full=shape.profile == "full",
            facets=facets,
        )
        embeds.embed(session, result.items, shape, language=language, now=now, preview=preview)
        feeds = alternate_links(request)  # the same list as Atom, RSS and JSON Feed
        upcoming = service.next_go_live(session, now)
        keep = embeds.keep(shape, natural="list", page=True)
        return Fresh(result, last_modified, upcoming, links=feeds, keep=keep)

    compute = tagged(compute, "statements")
    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/{id_or_slug}",
    response_model=documented(StatementDetail, StatementFields),
    summary="Get a statement",
    responses={**read_responses(404, 410, 422), **jsonld.response_doc(statement_ld.EXAMPLE)},
)
async def get_statement(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    id_or_slug: Annotated[
        str,
        Path(
            max_length=160,
            description="The id, or the slug in any language.",
            examples=["iom-statement-los-angeles-declaration-migration-and-protection"],
        ),
    ],
    shape: ItemShapeDep,
    format: jsonld.FormatQuery = None,
    preview: PreviewDep = False,
) -> Response:
    """One published statement with its body paragraphs.

    A slug in any language resolves. `?lang=` picks the translation; without it, a slug serves
    its own language, and an id serves the `Accept-Language` choice.

    `Accept: application/ld+json` (or `?format=jsonld`) gives it as a schema.org
    `NewsArticle` in JSON-LD instead.

    `profile`, `fields` and `include` shape the answer (see each parameter).
    """
    now = request.app.state.clock()
    as_jsonld = jsonld.wanted(request, format)

    def compute() -> Fresh:
        detail, last_modified = service.get_statement(
            session, id_or_slug=id_or_slug, language=language, now=now, preview=preview
        )
        headers = {}
        current_slugs = {t.slug for t in detail.translations.values()}
        if id_or_slug != detail.id and id_or_slug not in current_slugs:  # a former slug
            parent = request.url.path.rsplit("/", 1)[0]
            headers = canonical_headers(request, f"{parent}/{quote(detail.slug)}")
        # The reader's preferences as the statement met them: led by its slug's language
        # when that chose the translation (no fallback), else as negotiated.
        reader = language if detail.fallback else language.led_by(detail.lang)
        embeds.embed(session, [detail], shape, language=reader, now=now, preview=preview)
        keep = embeds.keep(shape, natural="full", page=False)
        keys = tuple(keys_in(detail))  # taken before a JSON-LD document replaces it
        fresh = Fresh(detail, last_modified, headers=headers, keep=keep, surrogate_keys=keys)
        if not as_jsonld:
            return jsonld.varying(fresh)
        site = site_for(request)
        article = statement_ld.news_article(session, detail, language=language, site=site)
        return jsonld.document(fresh, article, detail.lang)

    return public_response(
        request,
        version=version,
        now=now,
        language=language,
        compute=tagged(compute),
        variant=jsonld.variant(as_jsonld),
    )


def canonical_headers(request: Request, path: str) -> dict[str, str]:
    """A former slug still answers 200, and says where the statement lives now."""
    settings: Settings = request.app.state.settings
    base = settings.public_base_url
    origin = base.rstrip("/") if base else f"{request.url.scheme}://{request.url.netloc}"
    return {"Content-Location": path, "Link": f'<{origin}{path}>; rel="canonical"'}


@router.get(
    "/{id_or_slug}/revisions",
    response_model=RevisionList,
    summary="List a statement's public revisions",
    responses=read_responses(404, 410, 422),
)
async def list_revisions(
    request: Request,
    session: SessionDep,
    version: ContentVersionDep,
    id_or_slug: Annotated[str, Path(max_length=160)],
) -> Response:
    """Every version the public could see, with what happened (publish, update, ...): the
    corrections history."""
    now = request.app.state.clock()

    def compute() -> Fresh:
        items, changed = service.revisions(session, id_or_slug=id_or_slug, now=now)
        return Fresh(RevisionList(items=items), changed)

    # Revisions name no id: any statement change purges them with the collection.
    compute = tagged(compute, "statements")
    return public_response(request, version=version, now=now, language=None, compute=compute)
