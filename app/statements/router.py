"""Read endpoints for statements."""

from dataclasses import replace
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from app.api.language import LanguageDep
from app.api.pagination import Page, PageDep
from app.api.responses import Fresh, public_response, read_responses
from app.auth.dependencies import PreviewDep
from app.changes.dependencies import ContentVersionDep
from app.commitments import service as commitments_service
from app.config import Settings
from app.db import SessionDep
from app.feeds.links import alternate_links, site_for
from app.jsonld import negotiate as jsonld
from app.jsonld import statement as statement_ld
from app.search.schemas import SearchQuery
from app.statements import service
from app.statements.params import StatementFiltersDep
from app.statements.schemas import (
    RevisionList,
    StatementDetail,
    StatementListItem,
    StatementSort,
)

router = APIRouter(prefix="/statements", tags=["statements"])


@router.get(
    "",
    response_model=Page[StatementListItem],
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
    q: SearchQuery = None,
    sort: Annotated[
        StatementSort | None,
        Query(
            description="Sort order; `-` means newest first. Default: `relevance` with `q` "
            "(a 422 without it), else `-published_at`."
        ),
    ] = None,
    preview: PreviewDep = False,
) -> Response:
    """Published statements, newest first, in the requested language where translated.

    With `q`, only the statements matching the search, best first, each with its `score`
    and a highlighted `snippet`. Filters combine with AND; repeated values of one filter
    combine with OR. Items not translated into the requested language are served in the
    default language (or another available one) and say so in `fallback`.
    """
    now = request.app.state.clock()

    def compute() -> Fresh:
        result, last_modified = service.list_statements(
            session,
            filters=replace(filters, q=q),
            sort=sort,
            language=language,
            page=page,
            now=now,
            preview=preview,
        )
        feeds = alternate_links(request)  # the same list as Atom, RSS and JSON Feed
        return Fresh(result, last_modified, service.next_go_live(session, now), links=feeds)

    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/{id_or_slug}",
    response_model=StatementDetail,
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
    include: Annotated[
        list[Literal["commitments"]] | None,
        Query(description="Embed related resources: `commitments` (one extra query pair)."),
    ] = None,
    format: jsonld.FormatQuery = None,
    preview: PreviewDep = False,
) -> Response:
    """One published statement with its body paragraphs.

    A slug in any language resolves. `?lang=` picks the translation; without it, a slug serves
    its own language, and an id serves the `Accept-Language` choice.

    `Accept: application/ld+json` (or `?format=jsonld`) gives it as a schema.org
    `NewsArticle` in JSON-LD instead.
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
        if include and "commitments" in include:
            # The reader's preferences as the statement met them: led by its slug's language
            # when that chose the translation (no fallback), else as negotiated.
            reader = language if detail.fallback else language.led_by(detail.lang)
            detail.commitments = commitments_service.refs_for_statement(
                session, statement_id=detail.id, language=reader, now=now
            )
        fresh = Fresh(detail, last_modified, headers=headers)
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
        compute=compute,
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

    return public_response(request, version=version, now=now, language=None, compute=compute)
