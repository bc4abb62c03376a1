"""A statement as a schema.org `NewsArticle`, built from its public representation only."""

import html
from datetime import UTC, datetime
from typing import Any

import nh3
from sqlalchemy.orm import Session

from app.api.language import Language
from app.feeds.links import Site
from app.statements.schemas import StatementDetail
from app.taxonomy import service as taxonomy_service

EXAMPLE: dict[str, Any] = {
    "@type": "NewsArticle",
    "@id": "https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=en",
    "identifier": "stm_0b1q3v8c2kx7d9m4p6r8t0w2y4",
    "headline": "IOM Statement on the Los Angeles Declaration",
    "description": "IOM welcomes the adoption of the Los Angeles Declaration.",
    "articleBody": "IOM welcomes the adoption of the Los Angeles Declaration.",
    "genre": "statement",
    "datePublished": "2022-06-10T18:00:00Z",
    "dateModified": "2022-06-10T18:00:00Z",
    "inLanguage": "en",
    "locationCreated": {
        "@type": "Place",
        "name": "Los Angeles",
        "containedInPlace": {
            "@type": "Country",
            "identifier": "USA",
            "name": "United States of America",
        },
    },
    "about": [
        {"@type": "Place", "identifier": "019", "name": "Americas"},
        {"@type": "DefinedTerm", "termCode": "migration-governance", "name": "Governance"},
        {"@type": "DefinedTerm", "termCode": "gcm:2", "name": "Minimize adverse drivers"},
    ],
    "publisher": {"@type": "Organization", "name": "Newsroom"},
    "workTranslation": [
        {
            "@type": "NewsArticle",
            "@id": "https://api.example.org/v1/statements/stm_0b1q3v8c2kx7d9m4p6r8t0w2y4?lang=fr",
            "inLanguage": "fr",
            "headline": "Communiqué de l'OIM sur la Déclaration de Los Angeles",
        }
    ],
}


def moment(value: datetime) -> str:
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value.isoformat().replace("+00:00", "Z")


def plain_text(inline_html: str) -> str:
    """Body paragraphs are stored as sanitized inline HTML; `articleBody` is text."""
    return html.unescape(nh3.clean(inline_html, tags=set()))


def news_article(
    session: Session, detail: StatementDetail, *, language: Language, site: Site
) -> dict[str, Any]:
    served = language.led_by(detail.lang)
    dateline_place = [detail.dateline.place] if detail.dateline.place else []
    names = taxonomy_service.names(
        session,
        places=[*detail.places, *dateline_place],
        topics=detail.topics,
        terms=detail.terms,
        language=served,
    )
    about: list[dict[str, Any]] = [
        {"@type": "Place", "identifier": code, "name": names["places"].get(code, code)}
        for code in detail.places
    ]
    about += [
        {"@type": "DefinedTerm", "termCode": code, "name": names[kind].get(code, code)}
        for kind, codes in (("topics", detail.topics), ("terms", detail.terms))
        for code in codes
    ]
    document: dict[str, Any] = {
        "@type": "NewsArticle",
        "@id": site.api_item(detail.id, detail.lang),
        "identifier": detail.id,
        "headline": detail.title,
        "description": detail.summary,
        "articleBody": "\n\n".join(plain_text(p.text) for p in detail.body),
        "genre": detail.type.value,
        "dateModified": moment(detail.updated_at),
        "inLanguage": detail.lang,
        "publisher": {"@type": "Organization", "name": site.publisher},
        "about": about,
    }
    if detail.published_at is not None:
        document["datePublished"] = moment(detail.published_at)
    page = site.site_item(detail.slug, detail.lang)
    if page is not None:
        document["url"] = page
    if detail.dateline.text or detail.dateline.place:
        where: dict[str, Any] = {"@type": "Place"}
        if detail.dateline.text:
            where["name"] = detail.dateline.text
        if detail.dateline.place:
            code = detail.dateline.place
            country = names["places"].get(code, code)
            where["containedInPlace"] = {"@type": "Country", "identifier": code, "name": country}
        document["locationCreated"] = where
    document["workTranslation"] = [
        {
            "@type": "NewsArticle",
            "@id": site.api_item(detail.id, lang),
            "inLanguage": lang,
            "headline": detail.translations[lang].title,
        }
        for lang in detail.available_langs
        if lang != detail.lang and lang in detail.translations
    ]
    return document
