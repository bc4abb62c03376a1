"""`newsroom export` and `newsroom import`: the snapshot, from and into the database directly."""

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import IO

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.api.language import lookup
from app.config import get_settings
from app.db import make_engine, make_sessionmaker, refresh_statistics, utcnow
from app.navigation.service import Links
from app.sync import export, importing

_stderr = Console(stderr=True)


def _progress(transient: bool = False) -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_stderr,
        transient=transient,
    )


@click.command("export")
@click.option(
    "--resource",
    type=click.Choice(export.RESOURCES),
    default="statements",
    show_default=True,
    help="What to export.",
)
@click.option("--lang", default=None, help="Only items available in this language, in it.")
@click.option(
    "--all-translations", is_flag=True, help="Every translation of each item (a map by language)."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write to this file (with a progress bar) instead of standard output.",
)
def export_command(
    resource: export.Resource, lang: str | None, all_translations: bool, output: str | None
) -> None:
    """Write the snapshot as GET /v1/export/<resource>.ndjson serves it (the same code), from
    one consistent read of the database; the last line carries the sequence number to follow
    the change feed from."""
    settings = get_settings()
    served = lang and lookup(lang, settings.languages)
    if lang and not served:
        raise click.BadParameter(f"not served; use one of {', '.join(settings.languages)}")
    spec = export.ExportSpec(
        resource=resource,
        lang=served or None,
        all_translations=all_translations,
        default=settings.default_language,
        served=settings.languages,
        links=Links(default_lang=settings.default_language, statement_path=settings.statement_path),
        now=utcnow(),
    )
    engine = make_engine(settings)
    try:
        session, seq = export.open_snapshot(make_sessionmaker(engine))
        target: AbstractContextManager[IO[bytes]] = (
            open(output, "wb") if output else nullcontext(sys.stdout.buffer)  # noqa: SIM115
        )
        bar = _progress() if output else None
        with target as file, bar or nullcontext():
            task = bar.add_task(f"{resource}", total=None) if bar else None

            def advance(count: int) -> None:
                if bar is not None and task is not None:
                    bar.advance(task, count)

            for chunk in export.chunks(session, spec, seq, on_batch=advance):
                file.write(chunk)
    finally:
        engine.dispose()
    if output:
        _stderr.print(f"{output}: {resource} at seq {seq}")


class _Refused(Exception):
    """Some record was bad: nothing is imported."""


def _numbered(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as file:
        yield from enumerate(file, start=1)


@click.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def import_command(files: tuple[Path, ...]) -> None:
    """Load snapshot files (statements and commitments; menus are passed over) as published
    content, through the API's validation rules, keeping the source's ids.

    All or nothing: every bad record is reported by file and line, and then nothing is
    imported. Records already here unchanged are skipped, so importing a file twice is safe.
    """
    settings = get_settings()
    engine = make_engine(settings)
    lines = {path: sum(1 for _ in _numbered(path)) for path in files}
    errors: list[tuple[Path, importing.LineError]] = []
    report = importing.ImportReport()
    try:
        with make_sessionmaker(engine)() as session, session.begin(), _progress() as bar:
            importer = importing.Importer(
                session=session,
                now=utcnow(),
                default=settings.default_language,
                served=settings.languages,
            )
            for kind in importing.IMPORTABLE:  # statements first: commitments may cite them
                for path in files:
                    task = bar.add_task(f"{path.name}: {kind}s", total=lines[path])
                    before = len(report.errors)
                    importing.import_lines(
                        importer,
                        _numbered(path),
                        kind=kind,
                        report=report,
                        on_record=lambda task=task: bar.advance(task),  # type: ignore[misc]
                    )
                    bar.update(task, completed=lines[path])
                    errors.extend((path, e) for e in report.errors[before:])
            if errors:
                raise _Refused  # rolls the whole import back
        if any(report.created.values()):
            # Committed by now; a large import would otherwise be planned as the empty tables
            # the statistics last saw.
            refresh_statistics(engine)
    except _Refused:
        pass
    finally:
        engine.dispose()
    if errors:
        for path, error in sorted(errors, key=lambda pair: (str(pair[0]), pair[1].line)):
            _stderr.print(
                f"{path}:{error.line}: {error.message}",
                markup=False,
                highlight=False,
                soft_wrap=True,
            )
        raise click.ClickException(f"{len(errors)} bad records: nothing was imported")
    created = ", ".join(f"{count} {kind}s" for kind, count in report.created.items())
    click.echo(f"imported {created}; {report.unchanged} already here unchanged")
