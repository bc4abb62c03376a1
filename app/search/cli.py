"""`newsroom reindex`: rebuild the search index from the content, for recovery."""

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.config import get_settings
from app.db import make_engine, make_sessionmaker
from app.search import index


@click.command("reindex")
def reindex_command() -> None:
    """Rebuild the whole search index in one transaction (readers see the old index until it
    commits). Never needed in normal operation: every write updates the index as it commits;
    this is for recovery, e.g. after rows were changed by hand in the database."""
    engine = make_engine(get_settings())
    console = Console(stderr=True)
    try:
        with make_sessionmaker(engine).begin() as session:
            total = index.size(session)
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("indexing", total=total)
                written = index.rebuild(
                    session, progress=lambda done: progress.update(task, completed=done)
                )
    finally:
        engine.dispose()
    click.echo(f"{written} search documents indexed")
