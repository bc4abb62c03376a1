"""The generated statements' texts: deterministic in the statement's number.

Summaries and bodies come from a few dozen variants per language, so the seeder analyses each
once; titles are unique. Every title names one of `TOPICS` (each in 1 in 40 statements, in
every language); texts name only the first 15, so `SEARCH_WORD` is in 1 in 40 statements
(2.5%): a word of medium frequency for the search scenario.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache


def _split(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# fmt: off
TOPICS = [
    "water", "drought", "harvest", "floods", "energy", "housing", "forests", "schools",
    "vaccines", "clinics", "roads", "bridges", "fisheries", "wetlands", "coral", "mangroves",
    "solar", "wind", "rivers", "glaciers", "nutrition", "literacy", "refugees", "shelters",
    "heatwaves", "cyclones", "wildfires", "locusts", "seeds", "markets", "wages", "pensions",
    "courts", "elections", "media", "archives", "museums", "railways", "ports", "airports",
]
# fmt: on
SEARCH_WORD = "mangroves"
_WORDS = {
    "en": _split(
        "the government announced new funding for communities affected by the crisis and "
        "partners agreed to report progress every year while local teams monitor results"
    ),
    "fr": _split(
        "le gouvernement a annoncé un nouveau financement pour les communautés touchées "
        "par la crise et les partenaires rendront compte des progrès chaque année"
    ),
    "es": _split(
        "el gobierno anunció nueva financiación para las comunidades afectadas por la "
        "crisis y los socios informarán cada año sobre los avances logrados"
    ),
}
_TITLE = {"en": "{topic} report {n}", "fr": "Rapport {topic} {n}", "es": "Informe {topic} {n}"}
_SLUG = {"en": "bench-{topic}-{n}", "fr": "bench-{topic}-{n}-fr", "es": "bench-{topic}-{n}-es"}
_DATELINES = ("Geneva", "Nairobi", "Bangkok", "Panama", "Dakar", "Amman", "New York")
TYPES = ("statement", "press_release", "news", "speech", "joint_statement")
SUMMARY_VARIANTS = 31
BODY_VARIANTS = 97
_START = datetime(2016, 1, 1, tzinfo=UTC)
_SPAN_SECONDS = 9 * 365 * 86400  # nine years of statements, however many


@dataclass(frozen=True)
class StatementText:
    slug: str
    title: str
    dateline: str
    summary: str
    summary_key: int
    body_key: int
    body_json: str


@dataclass(frozen=True)
class CommitmentText:
    title: str
    summary: str
    text: str
    quote: str
    summary_key: int


def languages(n: int) -> tuple[str, ...]:
    """en always; fr for 2 in 3; es for 1 in 5."""
    langs = ["en"]
    if n % 3:
        langs.append("fr")
    if n % 5 == 0:
        langs.append("es")
    return tuple(langs)


def encode(langs: tuple[str, ...]) -> str:
    """As the change log stores a language set."""
    return "," + "".join(f"{lang}," for lang in sorted(langs))


def published_at(n: int, total: int = 1_000_000) -> datetime:
    """Ascending in n, all in the past; a million of them spread over nine years."""
    return _START + timedelta(seconds=n * (_SPAN_SECONDS // total))


def statement_type(n: int) -> str:
    return TYPES[n % len(TYPES)]


def pick(values: list[str], n: int, count: int) -> list[str]:
    if not values:
        return []
    return sorted({values[(n * 7 + i * 13) % len(values)] for i in range(count)})


def topic(n: int) -> str:
    return TOPICS[n % len(TOPICS)]


def _sentence(lang: str, seed: int, length: int) -> str:
    vocabulary = _WORDS[lang]
    chosen = [vocabulary[(seed * 31 + i * (seed % 7 + 1)) % len(vocabulary)] for i in range(length)]
    chosen.append(TOPICS[(seed * 17) % 15])  # not SEARCH_WORD: that one is in titles only
    return " ".join(chosen).capitalize() + "."


@lru_cache(maxsize=1024)
def summary(key: int, lang: str) -> str:
    return _sentence(lang, key + 1000, 24)


@lru_cache(maxsize=1024)
def paragraphs(key: int, lang: str) -> tuple[str, ...]:
    return tuple(
        " ".join(_sentence(lang, key * 5 + p * 3 + s, 12) for s in range(2)) for p in range(2)
    )


@lru_cache(maxsize=1024)
def _body_json(key: int, lang: str) -> str:
    return json.dumps(
        [{"anchor": f"p{i + 1}", "text": text} for i, text in enumerate(paragraphs(key, lang))]
    )


def statement_text(n: int, lang: str) -> StatementText:
    words = {"topic": topic(n), "n": n}
    body_key = n % BODY_VARIANTS
    summary_key = n % SUMMARY_VARIANTS
    return StatementText(
        slug=_SLUG[lang].format(**words),
        title=_TITLE[lang].format(**words).capitalize(),
        dateline=_DATELINES[body_key % len(_DATELINES)],
        summary=summary(summary_key, lang),
        summary_key=summary_key,
        body_key=body_key,
        body_json=_body_json(body_key, lang),
    )


def commitment_text(n: int, lang: str) -> CommitmentText:
    key = n % SUMMARY_VARIANTS
    return CommitmentText(
        title=f"{_TITLE[lang].format(topic=topic(n), n=n).capitalize()}: commitment",
        summary=summary(key, lang),
        text=summary(key, lang),
        quote=paragraphs(n % BODY_VARIANTS, lang)[0],
        summary_key=key,
    )
