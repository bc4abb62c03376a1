"""Text analysis, the same on both databases: words, lowercased, accents removed, stemmed.

Words are runs of letters and digits (`_` and punctuation split them, as PostgreSQL's parser
does). Accents go as PostgreSQL's `unaccent` removes them: NFKD minus combining marks, plus the
few letters NFKD leaves alone. English, French and Spanish are stemmed with the Snowball
algorithms PostgreSQL's `snowball` dictionaries use; other languages are only normalized. No
stop words anywhere, so a phrase with "the" or "de" behaves the same on both databases.
"""

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import snowballstemmer

WORD = re.compile(r"[^\W_]+")
# Letters unaccent maps that NFKD does not decompose.
_EXTRA = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
SNOWBALL = {"en": "english", "fr": "french", "es": "spanish"}


def pg_config(lang: str) -> str:
    """The PostgreSQL text search configuration of a language (created by the migration)."""
    base = lang.split("-", 1)[0].lower()
    return f"newsroom_{base}" if base in SNOWBALL else "newsroom_simple"


def normalize(word: str) -> str:
    """Lowercase, accents removed: what both databases index before stemming."""
    decomposed = unicodedata.normalize("NFKD", word.lower().translate(_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=16)
def _stemmer(lang: str) -> Any:
    algorithm = SNOWBALL.get(lang.split("-", 1)[0].lower())
    return snowballstemmer.stemmer(algorithm) if algorithm else None


@lru_cache(maxsize=65536)  # words follow Zipf's law: most lookups hit (20x on a rebuild)
def stem(word: str, lang: str) -> str:
    """A normalized word's index form in `lang`."""
    stemmer = _stemmer(lang)
    return str(stemmer.stemWord(word)) if stemmer is not None else word


def spans(text: str) -> Iterator[tuple[int, int, str]]:
    """`(start, end, normalized word)` for every word of `text`."""
    for match in WORD.finditer(text):
        word = normalize(match.group())
        if word:
            yield match.start(), match.end(), word


def words(text: str) -> list[str]:
    """The normalized, unstemmed words of `text` (what PostgreSQL is given to stem)."""
    return [word for _, _, word in spans(text)]


def terms(text: str, lang: str) -> list[str]:
    """The index forms of `text` in `lang` (what SQLite's FTS5 table holds)."""
    return [stem(word, lang) for word in words(text)]
