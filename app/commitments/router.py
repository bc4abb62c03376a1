"""Read endpoints for commitments, their dashboard summary, and a statement's commitments."""

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.responses import Response

from app.actors.models import ActorType
from app.api.language import LanguageDep
from app.api.pagination import PageDep
from app.api.params import QueryDay
from app.api.responses import Fresh, public_response, read_responses
from app.api.shaping import Shape, documented, require_page_size
from app.auth.dependencies import PreviewDep
from app.cdn.keys import keys_in
from app.cdn.tagging import tagged
from app.changes.dependencies import ContentVersionDep
from app.commitments import detail, embeds, service, summary
from app.commitments.facets import COMMITMENT_FACETS
from app.commitments.models import CommitmentKind, ImplementationStatus, ReportingHealth
from app.commitments.schemas import (
    CommitmentDetail,
    CommitmentFields,
    CommitmentListItem,
    CommitmentSort,
    CommitmentSummaryCounts,
)
from app.db import ON_REPLICA, SessionDep
from app.feeds.links import site_for
from app.jsonld import commitment as commitment_ld
from app.jsonld import negotiate as jsonld
from app.search.schemas import SearchQuery
from app.statements import service as statements_service
from app.taxonomy.params import PlaceFilter, TermFilter

router = APIRouter(tags=["commitments"], dependencies=[ON_REPLICA])


def next_midnight(now: datetime) -> datetime:
    """Reporting health follows the date, so a cached answer lasts until midnight UTC at most."""
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


def commitment_filters(
    q: SearchQuery = None,
    actor: Annotated[
        list[str] | None,
        Query(max_length=20, description="Actor ids or slugs (any of them).", examples=["iom"]),
    ] = None,
    actor_type: Annotated[
        list[ActorType] | None, Query(description="Commitments with an actor of these types.")
    ] = None,
    status: Annotated[
        list[ImplementationStatus] | None, Query(description="Implementation statuses.")
    ] = None,
    kind: Annotated[
        list[CommitmentKind] | None, Query(description="Commitments of any of these kinds.")
    ] = None,
    reporting_health: Annotated[
        list[ReportingHealth] | None,
        Query(description="current, due (12-24 months without a report), inactive, closed."),
    ] = None,
    place: PlaceFilter = None,
    term: TermFilter = None,
    statement: Annotated[
        str | None,
        Query(max_length=160, description="Made in this statement (id or slug)."),
    ] = None,
    made_from: Annotated[QueryDay | None, Query(description="Made on or after this day.")] = None,
    made_to: Annotated[QueryDay | None, Query(description="Made on or before this day.")] = None,
    due_before: Annotated[
        QueryDay | None, Query(description="Due strictly before this day.")
    ] = None,
) -> service.CommitmentFilters:
    return service.CommitmentFilters(
        q=q,
        actors=actor or [],
        actor_types=actor_type or [],
        statuses=status or [],
        kinds=kind or [],
        health=reporting_health or [],
        places=place or [],
        terms=term or [],
        statement=statement,
        made_from=made_from,
        made_to=made_to,
        due_before=due_before,
    )


FiltersDep = Annotated[service.CommitmentFilters, Depends(commitment_filters)]
SortQuery = Annotated[CommitmentSort, Query(description="Sort order; `-` means descending.")]


def _list(
    request: Request,
    session: SessionDep,
    version: int,
    language: LanguageDep,
    page: PageDep,
    filters: service.CommitmentFilters,
    sort: CommitmentSort | None,
    shape: Shape,
    *,
    in_path: bool = False,
    preview: bool = False,
    facets: list[str] | None = None,
) -> Response:
    now = request.app.state.clock()
    require_page_size(shape.profile, page.limit)

    def compute() -> Fresh:
        if in_path and filters.statement:  # a statement named in the path: 404, not 422
            statements_service.public_statement_id(
                session, id_or_slug=filters.statement, now=now, preview=preview
            )
        result, last_modified = embeds.list_commitments(
            session,
            filters=filters,
            sort=sort,
            language=language,
            page=page,
            now=now,
            shape=shape,
            preview=preview,
            facets=facets,
        )
        upcoming = service.next_go_live(session, now)
        midnight = next_midnight(now)
        keep = embeds.keep(shape, natural="list", page=True)
        return Fresh(result, last_modified, min(midnight, upcoming or midnight), keep=keep)

    compute = tagged(compute, "commitments")
    return public_response(request, version=version, now=now, language=language, compute=compute)


@router.get(
    "/commitments",
    response_model=documented(CommitmentListItem, CommitmentFields, page=True, faceted=True),
    summary="List commitments",
    responses=read_responses(400, 401, 403, 422),
)
async def list_commitments(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    filters: FiltersDep,
    shape: embeds.ListShapeDep,
    sort: Annotated[
        CommitmentSort | None,
        Query(
            description="Sort order; `-` means descending. Default: `relevance` with `q` "
            "(a 422 without it), else `-made_on`."
        ),
    ] = None,
    preview: PreviewDep = False,
    facets: list[str] = COMMITMENT_FACETS.query,
) -> Response:
    """Published commitments with their actors, places, framework terms and source.

    With `q`, only the commitments matching the search, best first, each with its `score`
    and a highlighted `snippet`. Filters combine with AND; repeated values of one filter
    combine with OR. With `preview=true` (`content:preview`), drafts, scheduled and withdrawn
    ones too.

    `facets=` counts the matches per value (`health`: reporting health, `year`: of `made_on`,
    `statement`: the public source statement); each value's `count` is the `total` of the list
    filtered by it (`place`, `term` roll up like their filters; `health` filters as
    `reporting_health`, `year` as `made_from`/`made_to` on that year).

    `profile`, `fields` and `include` shape the answer (see each parameter).
    """
    return _list(
        request,
        session,
        version,
        language,
        page,
        filters,
        sort,
        shape,
        preview=preview,
        facets=facets,
    )


@router.get(
    "/commitments/summary",
    response_model=CommitmentSummaryCounts,
    summary="Count commitments for dashboards",
    responses=read_responses(401, 403, 422),
)
async def summarize_commitments(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    filters: FiltersDep,
    preview: PreviewDep = False,
) -> Response:
    """Counts by status, reporting health, actor type, framework term and region, under the
    same filters as the list: each count equals the length of the list filtered by that value."""
    now = request.app.state.clock()
    tomorrow = next_midnight(now)
    return public_response(
        request,
        version=version,
        now=now,
        language=language,
        compute=tagged(
            lambda: Fresh(
                summary.summarize(session, filters=filters, now=now, preview=preview),
                None,
                tomorrow,
            ),
            "commitments",
        ),
    )


@router.get(
    "/commitments/{id_or_code}",
    response_model=documented(CommitmentDetail, CommitmentFields),
    summary="Get a commitment",
    responses={
        **read_responses(401, 403, 404, 410, 422),
        **jsonld.response_doc(commitment_ld.EXAMPLE),
    },
)
async def get_commitment(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    id_or_code: Annotated[
        str, Path(max_length=64, description="Id or code.", examples=["LAD-2022-IOM-01"])
    ],
    shape: embeds.ItemShapeDep,
    format: jsonld.FormatQuery = None,
    preview: PreviewDep = False,
) -> Response:
    """One commitment with its text, indicators, resources and progress updates (oldest first).

    With `preview=true` (`content:preview`), a draft, scheduled or withdrawn one too.
    `Accept: application/ld+json` (or `?format=jsonld`) gives it as a schema.org `Action` in
    JSON-LD instead. `profile`, `fields` and `include` shape the answer (see each parameter)."""
    now = request.app.state.clock()
    tomorrow = next_midnight(now)
    as_jsonld = jsonld.wanted(request, format)

    def compute() -> Fresh:
        found, last_modified = detail.get_commitment(
            session, key=id_or_code, language=language, now=now, preview=preview
        )
        embeds.embed(session, [found], shape, language=language)
        keep = embeds.keep(shape, natural="full", page=False)
        keys = tuple(keys_in(found))  # taken before a JSON-LD document replaces it
        fresh = Fresh(found, last_modified, tomorrow, keep=keep, surrogate_keys=keys)
        if not as_jsonld:
            return jsonld.varying(fresh)
        site = site_for(request)
        document = commitment_ld.action(session, found, language=language, site=site)
        return jsonld.document(fresh, document, found.lang)

    return public_response(
        request,
        version=version,
        now=now,
        language=language,
        compute=tagged(compute),
        variant=jsonld.variant(as_jsonld),
    )


@router.get(
    "/statements/{id_or_slug}/commitments",
    response_model=documented(CommitmentListItem, CommitmentFields, page=True),
    summary="List a statement's commitments",
    responses=read_responses(400, 401, 403, 404, 422),
    tags=["statements"],
)
async def list_statement_commitments(
    request: Request,
    session: SessionDep,
    language: LanguageDep,
    version: ContentVersionDep,
    page: PageDep,
    id_or_slug: Annotated[str, Path(max_length=160)],
    shape: embeds.ListShapeDep,
    sort: SortQuery = "code",
    preview: PreviewDep = False,
) -> Response:
    """The commitments made in one statement, each citing its paragraph and quoting it.
    `profile`, `fields` and `include` shape the answer as on the commitments list."""
    filters = service.CommitmentFilters(statement=id_or_slug, statement_preview=preview)
    return _list(
        request,
        session,
        version,
        language,
        page,
        filters,
        sort,
        shape,
        in_path=True,
        preview=preview,
    )
