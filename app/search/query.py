"""The search query language, one parser for both databases.

    migrant                 a term (stemmed in the language searched)
    "human trafficking"     a phrase: the words next to each other, in this order
    a OR b                  either (`OR` in capitals, between two terms or phrases)
    -libya  -"a phrase"     excluded
    a b                     both (AND is the default)

A term that analysis splits into several words (`anti-trafficking`, `l'OIM`) is a phrase.
Rendering never copies the user's string: it writes our own words, each quoted, for FTS5
`MATCH` and for PostgreSQL's `to_tsquery`.
"""

import re
from dataclasses import dataclass

from app.search.analysis import stem, words

MAX_LENGTH = 200
MAX_WORDS = 12
Unit = tuple[str, ...]  # normalized words: one is a term, more a phrase
_TOKEN = re.compile(r'\s*(-?)("([^"]*)("?)|[^\s"]+)')


class QueryError(ValueError):
    """A query that cannot be parsed, with the 1-based character position at fault."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(f"{message} (at character {position})")
        self.position = position
        self.message = message


@dataclass(frozen=True)
class Query:
    """All `clauses` must match (each: any of its units), and none of `excluded`."""

    clauses: tuple[tuple[Unit, ...], ...]
    excluded: tuple[Unit, ...]

    def positive_words(self) -> set[str]:
        return {word for clause in self.clauses for unit in clause for word in unit}


@dataclass(frozen=True)
class _Piece:
    start: int  # 0-based
    unit: Unit | None  # None: the `OR` operator
    negated: bool


def _pieces(text: str) -> list[_Piece]:
    pieces = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing spaces remain
            break
        position = match.end()
        start = match.start(2) - len(match.group(1))
        negated = match.group(1) == "-"
        if match.group(3) is not None:  # a quoted phrase
            if match.group(4) != '"':
                raise QueryError(match.start(2) + 1, "This quote is never closed")
            unit: Unit | None = tuple(words(match.group(3)))
        elif match.group(2) == "OR" and not negated:
            unit = None
        else:
            unit = tuple(words(match.group(2)))
        if unit == ():
            if negated:
                raise QueryError(start + 1, "`-` must be followed by a word to exclude")
            continue  # punctuation only: nothing to search for
        pieces.append(_Piece(start, unit, negated))
    return pieces


def parse(text: str) -> Query:
    """The query, or a `QueryError` saying where it goes wrong."""
    if len(text) > MAX_LENGTH:
        raise QueryError(MAX_LENGTH + 1, f"A query has at most {MAX_LENGTH} characters")
    pieces = _pieces(text)
    clauses: list[list[Unit]] = []
    excluded: list[Unit] = []
    joining = False  # the previous piece was `OR`
    for index, piece in enumerate(pieces):
        if piece.unit is None:
            previous = pieces[index - 1] if index else None
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            for neighbour in (previous, following):
                if neighbour is None or neighbour.unit is None or neighbour.negated:
                    raise QueryError(
                        piece.start + 1, "`OR` must stand between two terms or phrases"
                    )
            joining = True
        elif piece.negated:
            excluded.append(piece.unit)
        elif joining:
            clauses[-1].append(piece.unit)
            joining = False
        else:
            clauses.append([piece.unit])
    if not clauses:
        if excluded:
            raise QueryError(1, "A query needs at least one word to find, not only exclusions")
        raise QueryError(1, "The query has no word to search for")
    count = sum(len(unit) for clause in clauses for unit in clause) + sum(map(len, excluded))
    if count > MAX_WORDS:
        raise QueryError(1, f"A query has at most {MAX_WORDS} words")
    return Query(tuple(tuple(clause) for clause in clauses), tuple(excluded))


# --- SQLite FTS5: our stemmed words, each in double quotes --------------------------------


def _fts_unit(unit: Unit, lang: str) -> str:
    return '"' + " ".join(stem(word, lang) for word in unit) + '"'


def _fts_positive(query: Query, lang: str) -> str:
    return " AND ".join(
        "(" + " OR ".join(_fts_unit(unit, lang) for unit in clause) + ")"
        for clause in query.clauses
    )


def fts_match(query: Query, lang: str) -> str:
    """The FTS5 `MATCH` expression of the query in `lang`."""
    positive = _fts_positive(query, lang)
    if not query.excluded:
        return positive
    excluded = " OR ".join(_fts_unit(unit, lang) for unit in query.excluded)
    return f"({positive}) NOT ({excluded})"


def fts_fields_match(query: Query, lang: str, fields: str) -> str:
    """Every positive term within `fields` (e.g. "title summary"): a tier of the ranking."""
    return f"{{{fields}}} : ({_fts_positive(query, lang)})"


# --- PostgreSQL: normalized words for `to_tsquery`, which stems them itself ----------------


def _ts_unit(unit: Unit, weight: str) -> str:
    return " <-> ".join(f"'{word}'{weight}" for word in unit)


def _ts_positive(query: Query, weight: str = "") -> str:
    return " & ".join(
        "(" + " | ".join(f"({_ts_unit(unit, weight)})" for unit in clause) + ")"
        for clause in query.clauses
    )


def tsquery(query: Query) -> str:
    """The `to_tsquery` text of the query (the language's configuration stems it)."""
    positive = _ts_positive(query)
    if not query.excluded:
        return positive
    excluded = " | ".join(f"({_ts_unit(unit, '')})" for unit in query.excluded)
    return f"({positive}) & !({excluded})"


def fields_tsquery(query: Query, weights: str) -> str:
    """Every positive term within the fields of `weights` (title A, summary B): a tier of
    the ranking."""
    return _ts_positive(query, f":{weights}")
