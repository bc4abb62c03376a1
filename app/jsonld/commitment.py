"""A commitment as a schema.org `Action`, built from its public representation only: the
source statement shows only when that representation names it, which it does only for a
public statement, so a hidden one stays hidden by construction."""

from typing import Any

from sqlalchemy.orm import Session

from app.actors.models import ActorType
from app.api.language import Language
from app.commitments.models import ActorRole, ImplementationStatus
from app.commitments.schemas import CommitmentActor, CommitmentDetail
from app.feeds.links import Site
from app.taxonomy import service as taxonomy_service

# schema.org has four action statuses; the precise one is kept in `additionalProperty`.
ACTION_STATUS: dict[ImplementationStatus, str] = {
    ImplementationStatus.ANNOUNCED: "PotentialActionStatus",
    ImplementationStatus.PLANNING: "ActiveActionStatus",
    ImplementationStatus.IN_PROGRESS: "ActiveActionStatus",
    ImplementationStatus.FULFILLED: "CompletedActionStatus",
    ImplementationStatus.PARTIALLY_FULFILLED: "CompletedActionStatus",
    ImplementationStatus.NOT_FULFILLED: "FailedActionStatus",
    ImplementationStatus.SUSPENDED: "FailedActionStatus",
    ImplementationStatus.CANCELLED: "FailedActionStatus",
}
GOVERNMENTS = frozenset({ActorType.STATE, ActorType.LOCAL_GOVERNMENT})

EXAMPLE: dict[str, Any] = {
    "@type": "Action",
    "@id": "https://api.example.org/v1/commitments/cmt_0f3k9x2m7q4v8c1n6r5t0w3y8z?lang=en",
    "identifier": "LAD-2022-IOM-01",
    "name": "Support reintegration of returnees in the Americas",
    "description": "IOM supports governments of the Americas in the sustainable reintegration "
    "of returning migrants.",
    "actionStatus": "https://schema.org/ActiveActionStatus",
    "startTime": "2022-06-10",
    "endTime": "2025-12-31",
    "agent": [
        {
            "@type": "Organization",
            "identifier": "iom",
            "name": "International Organization for Migration",
            "alternateName": "IOM",
        }
    ],
    "participant": [],
    "location": [{"@type": "Place", "identifier": "019", "name": "Americas"}],
    "additionalProperty": [
        {"@type": "PropertyValue", "propertyID": "implementation_status", "value": "in_progress"},
        {"@type": "PropertyValue", "propertyID": "reporting_health", "value": "current"},
        {"@type": "PropertyValue", "propertyID": "framework_term", "value": "gcm:21"},
    ],
    "subjectOf": {
        "@type": "NewsArticle",
        "@id": "https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en",
    },
}


def _organization(actor: CommitmentActor) -> dict[str, Any]:
    kind = "GovernmentOrganization" if actor.type in GOVERNMENTS else "Organization"
    found: dict[str, Any] = {"@type": kind, "identifier": actor.slug, "name": actor.name}
    if actor.acronym:
        found["alternateName"] = actor.acronym
    return found


def _property(name: str, value: Any) -> dict[str, Any]:
    return {"@type": "PropertyValue", "propertyID": name, "value": value}


def action(
    session: Session, detail: CommitmentDetail, *, language: Language, site: Site
) -> dict[str, Any]:
    leads = [a for a in detail.actors if a.role is ActorRole.LEAD] or detail.actors
    others = [a for a in detail.actors if a not in leads]
    names = taxonomy_service.names(
        session, places=detail.places, language=language.led_by(detail.lang)
    )
    properties = [
        _property("implementation_status", detail.implementation_status.value),
        _property("reporting_health", detail.reporting_health.value),
        *(_property("framework_term", code) for code in detail.terms),
        *(_property("kind", kind.value) for kind in detail.kinds),
    ]
    if detail.resources is not None:
        amount = {
            "@type": "MonetaryAmount",
            "value": f"{detail.resources.amount:.2f}",
            "currency": detail.resources.currency,
        }
        properties.append(_property("resources", amount))
    document: dict[str, Any] = {
        "@type": "Action",
        "@id": f"{site.api_origin}/v1/commitments/{detail.id}?lang={detail.lang}",
        "identifier": detail.code,
        "name": detail.title,
        "description": detail.summary,
        "actionStatus": f"https://schema.org/{ACTION_STATUS[detail.implementation_status]}",
        "startTime": detail.made_on.isoformat(),
        "agent": [_organization(actor) for actor in leads],
        "participant": [_organization(actor) for actor in others],
        "location": [
            {"@type": "Place", "identifier": code, "name": names["places"].get(code, code)}
            for code in detail.places
        ],
        "additionalProperty": properties,
    }
    if detail.due_on is not None:
        document["endTime"] = detail.due_on.isoformat()
    source = detail.source
    if source.statement_id is not None:  # named only when that statement is public
        document["subjectOf"] = {
            "@type": "NewsArticle",
            "@id": site.api_item(source.statement_id, detail.lang),
        }
    elif source.url is not None:
        document["subjectOf"] = {"@type": "CreativeWork", "url": source.url}
    return document
