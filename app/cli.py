"""`newsroom`: the operator's command line (serve, migrate, load demo data, deliver webhooks)."""

import logging
from datetime import timedelta

import click
import uvicorn

from app.api.problems import NotFound
from app.auth import service as auth_service
from app.auth.dependencies import key_pepper
from app.auth.models import Scope
from app.config import Settings, get_settings
from app.db import make_engine, make_sessionmaker, refresh_statistics, utcnow
from app.observability import logs
from app.observability.metrics import prepare_multiprocess_dir
from app.schema import migrate as run_migrations


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Operate the Newsroom API. Settings come from NEWSROOM_* environment variables."""
    if not logging.getLogger().handlers:  # an embedding program's (or pytest's) logging stays
        logs.configure_logging(*_log_settings())


def _log_settings() -> tuple[logs.LogFormat, str]:
    """The log format and level; the defaults while the settings do not validate (the
    command then says what is wrong itself)."""
    try:
        settings = get_settings()
    except ValueError:
        return "text", "INFO"
    return logs.resolve_format(settings.log_format, settings.environment), settings.log_level


@main.command()
def migrate() -> None:
    """Apply pending schema migrations, then sync the reference taxonomies.

    Creates the SQLite file on first use. Safe to run again: it changes nothing when the
    database is current.
    """
    settings = get_settings()
    engine = make_engine(settings)
    try:
        counts = run_migrations(engine, settings.languages)
    finally:
        engine.dispose()
    click.echo("schema at head; reference rows written: " + _format(counts))


@main.command("demo-data")
def demo_data() -> None:
    """Load the demo statements, commitments and menus (migrating first).

    Idempotent: run it as often as you like. Progress reports are replayed through the
    commitment lifecycle rules, as if reported through the API.
    """
    from app.commitments.publishing import COMMITMENTS
    from app.demo.commitments import load_demo_commitments
    from app.demo.loader import load_demo_data
    from app.demo.navigation import load_demo_navigation
    from app.statements.publishing import STATEMENTS

    settings = get_settings()
    engine = make_engine(settings)
    try:
        run_migrations(engine, settings.languages)
        with make_sessionmaker(engine).begin() as session:
            statements = load_demo_data(session)
            STATEMENTS.record_due_go_lives(session, utcnow())  # log them in the change log
            commitments = load_demo_commitments(session, today=utcnow().date())
            COMMITMENTS.record_due_go_lives(session, utcnow())
            items = load_demo_navigation(session)
        refresh_statistics(engine)  # after the commit: the planner then knows the new rows
    finally:
        engine.dispose()
    click.echo(
        f"{statements} demo statements, {commitments} commitments and {items} menu items loaded"
    )


@main.group()
def keys() -> None:
    """Create, list and revoke API keys (the first admin key must come from here)."""


@keys.command("create")
@click.option("--name", required=True, help="Who or what the key is for.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="A scope to grant; repeat for several.",
)
@click.option(
    "--expires-in-days",
    type=click.IntRange(min=1),
    default=None,
    help="Expire after this many days (at least 1); without it the key does not expire.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1, max=1_000_000),
    default=None,
    help="Requests per rate-limit window for this key (e.g. a load-test key); without it "
    "the default (NEWSROOM_RATE_LIMIT_KEYED).",
)
def create_key(
    name: str, scopes: tuple[str, ...], expires_in_days: int | None, rate_limit: int | None
) -> None:
    """Create a key and print its token once. Store it now: it cannot be shown again."""
    settings = get_settings()
    engine = make_engine(settings)
    now = utcnow()
    expires_at = None if expires_in_days is None else now + timedelta(days=expires_in_days)
    try:
        with make_sessionmaker(engine).begin() as session:
            key, token = auth_service.issue_key(
                session,
                pepper=key_pepper(settings),
                name=name,
                scopes=[Scope(s) for s in scopes],
                expires_at=expires_at,
                now=now,
                rate_limit=rate_limit,
            )
            key_id = key.id
    finally:
        engine.dispose()
    click.echo(f"key id: {key_id}\nscopes: {' '.join(sorted(scopes))}\ntoken:  {token}")


@keys.command("list")
def list_keys() -> None:
    """List keys (id, name, scopes, state); secrets are never stored, so never shown."""
    engine = make_engine(get_settings())
    now = utcnow()
    try:
        with make_sessionmaker(engine).begin() as session:
            for key in auth_service.list_keys(session):
                expired = key.expires_at is not None and key.expires_at <= now
                state = "revoked" if key.revoked_at else "expired" if expired else "active"
                click.echo(f"{key.id}  {state:8} {key.name}  [{' '.join(key.scopes)}]")
    finally:
        engine.dispose()


@keys.command("revoke")
@click.argument("key_id")
def revoke_key(key_id: str) -> None:
    """Revoke a key at once (even the last admin key: this command can always make another)."""
    engine = make_engine(get_settings())
    try:
        with make_sessionmaker(engine).begin() as session:
            auth_service.revoke_key(session, key_id=key_id, now=utcnow(), keep_an_admin=False)
    except NotFound as exc:
        raise click.ClickException(exc.detail) from exc
    finally:
        engine.dispose()
    click.echo(f"revoked {key_id}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
@click.option("--reload", is_flag=True, help="Restart on code changes (development only).")
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    """Serve the API with uvicorn, migrating first unless NEWSROOM_AUTO_MIGRATE=false."""
    settings = get_settings()
    if settings.auto_migrate:
        engine = make_engine(settings)
        try:
            run_migrations(engine, settings.languages)
        finally:
            engine.dispose()
    # Several workers share their metrics through files (app/observability/metrics.py).
    prepare_multiprocess_dir(workers)
    log_format = logs.resolve_format(settings.log_format, settings.environment)
    uvicorn.run(
        "app.main:serve_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        server_header=False,
        proxy_headers=True,
        # SIGTERM: stop accepting, let requests in flight finish (up to the grace), then the
        # lifespan stops the go-live announcer and the webhook worker.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
        # Every worker logs through the app's format; app.access replaces uvicorn's access log.
        log_config=logs.logging_config(log_format, settings.log_level),
        access_log=False,
    )


@main.command()
@click.option(
    "--poll-seconds",
    type=click.FloatRange(min=0.1),
    default=None,
    help="Seconds between rounds when nothing was due (default: NEWSROOM_WEBHOOKS_POLL_SECONDS).",
)
def worker(poll_seconds: float | None) -> None:
    """Deliver webhooks: make messages from the change log and send what is due, until
    SIGTERM or Ctrl-C (the round in progress finishes first). Run one or more per deployment;
    they share the work through row locks on PostgreSQL (run one on SQLite)."""
    import signal
    import threading

    from app.cdn.purge import Purger
    from app.commitments.publishing import COMMITMENTS
    from app.publication.schedule import GoLives
    from app.statements.publishing import STATEMENTS
    from app.webhooks.runner import Worker

    settings = get_settings()
    if poll_seconds is not None:
        settings = settings.model_copy(update={"webhooks_poll_seconds": poll_seconds})
    engine = make_engine(settings)
    # Purges wait for the replica to have a change (app/cdn/purge.py).
    replica = make_engine(settings, read=True) if settings.database_read_url else None
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        logging.getLogger("app.webhooks").info(
            "signal %d: stopping after the current round", signum
        )
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    try:
        logging.getLogger("app.webhooks").info(
            "webhook worker polling every %ss", settings.webhooks_poll_seconds
        )
        sessions = make_sessionmaker(engine)
        go_lives = GoLives(sessions, utcnow, (STATEMENTS, COMMITMENTS))
        purger = Purger(
            sessions,
            settings,
            replica=make_sessionmaker(replica) if replica is not None else None,
        )
        Worker(sessions, settings, before_round=go_lives.announce, purger=purger).run(stop)
    finally:
        engine.dispose()
        if replica is not None:
            replica.dispose()


@main.command("openapi")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write the document to this file instead of printing it (e.g. openapi.json).",
)
def openapi_document(output: str | None) -> None:
    """Print the OpenAPI document of this code, as committed in openapi.json.

    Built with the default settings whatever the environment says, so the committed file
    changes only when the code does.
    """
    from app.api.openapi import render_document
    from app.main import create_app

    defaults = {name: field.default for name, field in Settings.model_fields.items()}
    app = create_app(Settings(**{**defaults, "database_url": "sqlite://"}))
    text = render_document(app.openapi())
    if output is None:
        click.echo(text, nl=False)
    else:
        with open(output, "w", encoding="utf-8") as file:
            file.write(text)


from app.search.cli import reindex_command  # noqa: E402 - the group comes first
from app.sync.cli import export_command, import_command  # noqa: E402 - the group comes first

main.add_command(export_command)
main.add_command(import_command)
main.add_command(reindex_command)


def _format(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items())
