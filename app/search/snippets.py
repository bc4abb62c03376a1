"""Highlighted snippets, in Python so that both databases give the same ones.

Made from the text the reader is served (title, summary, body in the served language, tags
already stripped): a window of about `WINDOW` words around the densest run of matched words,
each word whose index form matches a positive term of the query wrapped in `<mark>`,
everything else HTML-escaped, and `…` where the text was cut.
"""

import html
from collections.abc import Sequence

from app.search.analysis import spans, stem

WINDOW = 30
ELLIPSIS = "…"


def _best_window(hits: list[bool]) -> tuple[int, int]:
    """`[start, end)` of the `WINDOW` words holding the most hits (the earliest on ties),
    centred on its hits when the text is longer."""
    if len(hits) <= WINDOW:
        return 0, len(hits)
    best, best_start = -1, 0
    running = sum(hits[:WINDOW])
    for start in range(len(hits) - WINDOW + 1):
        if start:
            running += hits[start + WINDOW - 1] - hits[start - 1]
        if running > best:
            best, best_start = running, start
    marked = [i for i in range(best_start, best_start + WINDOW) if hits[i]]
    if marked:  # centre the window on its first and last hits
        middle = (marked[0] + marked[-1]) // 2
        best_start = min(max(0, middle - WINDOW // 2), len(hits) - WINDOW)
    return best_start, best_start + WINDOW


def _render(text: str, lang: str, targets: set[str]) -> tuple[int, str]:
    found = list(spans(text))
    hits = [stem(word, lang) in targets for _, _, word in found]
    if not found:
        return 0, html.escape(text.strip())
    start, end = _best_window(hits)
    pieces = [ELLIPSIS] if start > 0 else []
    cursor = found[start][0] if start > 0 else 0
    for (word_start, word_end, _), hit in zip(found[start:end], hits[start:end], strict=True):
        pieces.append(html.escape(text[cursor:word_start]))
        word = html.escape(text[word_start:word_end])
        pieces.append(f"<mark>{word}</mark>" if hit else word)
        cursor = word_end
    if end < len(found):
        pieces.append(ELLIPSIS)
    else:
        pieces.append(html.escape(text[cursor:]))
    return sum(hits[start:end]), "".join(pieces).strip()


def snippet(texts: Sequence[str], lang: str, positive_words: set[str]) -> str:
    """The best window over `texts` (title, summary, then each paragraph, in that order)."""
    targets = {stem(word, lang) for word in positive_words}
    best_count, best = -1, ""
    for text in texts:
        if not text.strip():
            continue
        count, rendered = _render(text, lang, targets)
        if count > best_count:
            best_count, best = count, rendered
    return best
