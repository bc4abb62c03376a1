"""Keeping the index: every write of indexed text re-indexes it in the same flush.

Drafts are indexed as well: visibility is applied when searching (the lists' `public_now`),
so publishing, unpublishing and go-lives never touch the index and cannot leave it stale.
Every ORM write of a statement or commitment translation or an actor passes through the
session's `after_flush` below; a Core statement that bypasses the ORM calls `write` itself.
"""

import html
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import nh3
from sqlalchemy import (
    Connection,
    String,
    bindparam,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Session, UOWTransaction

from app.actors.models import Actor
from app.commitments.models import CommitmentTranslation
from app.search.analysis import pg_config, terms, words
from app.search.models import FTS, SearchDocument, SearchKind
from app.statements.models import StatementTranslation

Key = tuple[str, str, str]  # kind, item id, language
_GAP = "newsroomgap"  # keeps a phrase from matching across two fields (then deleted)


@dataclass(frozen=True)
class Document:
    kind: str
    item_id: str
    lang: str
    title: str
    summary: str
    body: str

    @property
    def key(self) -> Key:
        return self.kind, self.item_id, self.lang


def plain(inline_html: str | None) -> str:
    """Inline HTML as the words a reader sees: tags dropped, entities decoded."""
    return html.unescape(nh3.clean(inline_html or "", tags=set()))


def of_statement(text: Any) -> Document:
    lines = [text.dateline or "", *(plain(p.get("text")) for p in text.body or [])]
    return Document(
        SearchKind.STATEMENT,
        text.statement_id,
        text.lang,
        plain(text.title),
        plain(text.summary),
        "\n".join(line for line in lines if line),
    )


def of_commitment(text: Any) -> Document:
    """Title, summary and text. Not the quote: it is the source statement's words, public
    only while that statement is (a hidden statement's text must never be found or quoted)."""
    return Document(
        SearchKind.COMMITMENT,
        text.commitment_id,
        text.lang,
        plain(text.title),
        plain(text.summary),
        plain(text.text),
    )


def of_actor(actor: Any) -> list[Document]:
    """One document per language the actor is named in: its name as the title, its acronym
    as the summary."""
    names: dict[str, str] = actor.names or {}
    acronyms: dict[str, str] = actor.acronyms or {}
    return [
        Document(
            SearchKind.ACTOR,
            actor.id,
            lang,
            names.get(lang) or acronyms.get(lang, ""),
            acronyms.get(lang, "") if lang in names else "",
            "",
        )
        for lang in sorted({*names, *acronyms})
    ]


def _tsvector(lang_param: str, field: str, weight: str) -> Any:
    config = cast(bindparam(lang_param, type_=String), REGCONFIG)
    words = func.to_tsvector(config, bindparam(field, type_=String))
    return func.setweight(words, literal_column(f"'{weight}'"))  # a constant "char"


def _document_expression() -> Any:
    gap = func.to_tsvector(cast(literal("simple"), REGCONFIG), literal(_GAP))
    joined = (
        _tsvector("config", "title_words", "A")
        .op("||")(gap)
        .op("||")(_tsvector("config", "summary_words", "B"))
        .op("||")(gap)
        .op("||")(_tsvector("config", "body_words", "D"))
    )
    return func.ts_delete(joined, literal(_GAP))


def _remove(connection: Connection, keys: list[Key]) -> None:
    if not keys:
        return
    matching = tuple_(SearchDocument.kind, SearchDocument.item_id, SearchDocument.lang).in_(keys)
    if connection.dialect.name != "postgresql":
        ids = select(SearchDocument.id).where(matching).scalar_subquery()
        connection.execute(delete(FTS).where(FTS.c.rowid.in_(ids)))
    connection.execute(delete(SearchDocument).where(matching))


def write(
    connection: Connection, documents: Iterable[Document], removed: Iterable[Key] = ()
) -> None:
    """Replace the index rows of `documents` and drop those of `removed`."""
    documents = list({d.key: d for d in documents}.values())
    _remove(connection, [*removed, *(d.key for d in documents)])
    if not documents:
        return
    rows = [
        {
            "kind": d.kind,
            "item_id": d.item_id,
            "lang": d.lang,
            "title": d.title,
            "summary": d.summary,
            "body": d.body,
        }
        for d in documents
    ]
    if connection.dialect.name == "postgresql":
        for row, d in zip(rows, documents, strict=True):
            row["config"] = pg_config(d.lang)
            row["title_words"] = " ".join(words(d.title))
            row["summary_words"] = " ".join(words(d.summary))
            row["body_words"] = " ".join(words(d.body))
        statement = insert(SearchDocument).values(
            kind=bindparam("kind"),
            item_id=bindparam("item_id"),
            lang=bindparam("lang"),
            title=bindparam("title"),
            summary=bindparam("summary"),
            body=bindparam("body"),
            document=_document_expression(),
        )
        connection.execute(statement, rows)
        return
    ids = connection.scalars(
        insert(SearchDocument).returning(SearchDocument.id, sort_by_parameter_order=True), rows
    ).all()
    connection.execute(
        insert(FTS),
        [
            {
                "rowid": row_id,
                "title": " ".join(terms(d.title, d.lang)),
                "summary": " ".join(terms(d.summary, d.lang)),
                "body": " ".join(terms(d.body, d.lang)),
            }
            for row_id, d in zip(ids, documents, strict=True)
        ],
    )


def _changes(session: Session) -> tuple[list[Document], list[Key]]:
    documents: list[Document] = []
    removed: list[Key] = []
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, StatementTranslation):
            documents.append(of_statement(obj))
        elif isinstance(obj, CommitmentTranslation):
            documents.append(of_commitment(obj))
        elif isinstance(obj, Actor):
            mine = of_actor(obj)
            documents.extend(mine)
            langs = {d.lang for d in mine}
            removed.extend(
                (SearchKind.ACTOR, obj.id, lang)
                for lang in (*(obj.names or {}), *(obj.acronyms or {}), *_old_langs(obj))
                if lang not in langs
            )
    for obj in session.deleted:
        if isinstance(obj, StatementTranslation):
            removed.append((SearchKind.STATEMENT, obj.statement_id, obj.lang))
        elif isinstance(obj, CommitmentTranslation):
            removed.append((SearchKind.COMMITMENT, obj.commitment_id, obj.lang))
        elif isinstance(obj, Actor):
            removed.extend((SearchKind.ACTOR, obj.id, lang) for lang in _old_langs(obj))
    return documents, removed


def _old_langs(actor: Actor) -> set[str]:
    """The languages an actor had names in before this flush (their rows may need to go)."""
    state = inspect(actor)
    langs: set[str] = set()
    for name in ("names", "acronyms"):
        history = state.attrs[name].history
        for value in (*history.deleted, *history.unchanged):
            langs.update(value or {})
    return langs


@event.listens_for(Session, "after_flush")
def _follow_writes(session: Session, _context: UOWTransaction) -> None:
    documents, removed = _changes(session)
    if documents or removed:
        write(session.connection(), documents, removed)


# --- Rebuilding, for recovery ----------------------------------------------------------


def _all_documents(session: Session, batch: int) -> Iterator[Document]:
    statement_texts = select(StatementTranslation).order_by(
        StatementTranslation.statement_id, StatementTranslation.lang
    )
    for text in session.scalars(statement_texts.execution_options(yield_per=batch)):
        yield of_statement(text)
    commitment_texts = select(CommitmentTranslation).order_by(
        CommitmentTranslation.commitment_id, CommitmentTranslation.lang
    )
    for commitment_text in session.scalars(commitment_texts.execution_options(yield_per=batch)):
        yield of_commitment(commitment_text)
    for actor in session.scalars(select(Actor).order_by(Actor.id)):
        yield from of_actor(actor)


def size(session: Session) -> int:
    """How many documents a rebuild writes (for a progress bar)."""
    counted = 0
    for model in (StatementTranslation, CommitmentTranslation):
        counted += session.scalar(select(func.count()).select_from(model)) or 0
    for names, acronyms in session.execute(select(Actor.names, Actor.acronyms)):
        counted += len({*(names or {}), *(acronyms or {})})
    return counted


def rebuild(
    session: Session, *, progress: Callable[[int], None] | None = None, batch: int = 500
) -> int:
    """Empty the index and index everything again, in the caller's transaction."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(delete(FTS))
    connection.execute(delete(SearchDocument))
    written = 0
    pending: list[Document] = []
    for document in _all_documents(session, batch):
        pending.append(document)
        if len(pending) >= batch:
            write(connection, pending)
            written += len(pending)
            pending = []
            if progress is not None:
                progress(written)
    write(connection, pending)
    written += len(pending)
    if progress is not None:
        progress(written)
    return written


def fill_if_empty(session: Session) -> int:
    """Index everything when the index is empty but content exists (the first migration to
    this version): no operator step needed. Returns how many documents were written."""
    if session.scalar(select(SearchDocument.id).limit(1)) is not None:
        return 0
    if session.scalar(select(StatementTranslation.lang).limit(1)) is None and (
        session.scalar(select(Actor.id).limit(1)) is None
    ):
        return 0
    return rebuild(session)
