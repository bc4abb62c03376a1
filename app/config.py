"""Settings, read from `NEWSROOM_*` environment variables (see the README's configuration table)."""

import ipaddress
from functools import lru_cache
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

INSECURE_SECRET = "dev-insecure-secret-change-me"


class Settings(BaseSettings):
    """Everything an operator can tune. Tests build their own instance, not the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSROOM_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///var/newsroom.db"
    database_pool_size: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Requests that hold a database session at once, per process; the pool "
        "holds as many again for background work and a request's second connection.",
    )
    database_pool_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How long a request waits for a free session before a 503 with Retry-After.",
    )
    database_read_url: str | None = Field(
        default=None,
        description="A read replica: anonymous public reads run their queries there; keyed "
        "requests, writes and the change feed stay on `database_url`.",
    )
    database_statement_timeout_ms: int = Field(
        default=5000,
        ge=0,
        description="PostgreSQL cancels a request's query after this long (0: never); the "
        "client gets a 503 problem with Retry-After. Commands (migrate, import) are not limited.",
    )
    shutdown_grace_seconds: int = Field(
        default=20,
        ge=0,
        description="On SIGTERM, how long `newsroom serve` lets requests in flight finish.",
    )
    auto_migrate: bool = Field(
        default=True, description="Apply pending migrations when `newsroom serve` starts."
    )
    languages: Annotated[tuple[str, ...], NoDecode] = ("en", "fr", "es")
    default_language: str = "en"
    secret_key: SecretStr = SecretStr(INSECURE_SECRET)
    cache_max_age: int = Field(default=60, ge=0)
    cache_stale_while_revalidate: int = Field(default=300, ge=0)
    cache_version_poll_ms: int = Field(
        default=250,
        ge=0,
        le=60_000,
        description="How often each worker reads the content version, so that cache hits need "
        "no query: a change made by another worker or process is served at most this much "
        "later (plus one read). 0: read it on every request instead.",
    )
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024, description="Largest request body.")
    response_cache_entries: int = Field(
        default=4096, ge=0, description="Rendered public responses kept per process (0: none)."
    )
    statement_path: str = Field(
        default="/news/{slug}",
        description="The frontend's path of a statement; menus link statements with it, "
        "prefixed with /{lang} outside the default language.",
    )
    public_base_url: str | None = None
    change_log_retention_days: int = Field(
        default=90,
        ge=1,
        le=36500,
        description="How long the change feed keeps tombstones (and superseded entries); "
        "a reader resuming from an older position gets a 410 and starts again.",
    )
    site_url: str | None = Field(
        default=None,
        description="The public website's origin: feeds and JSON-LD link each statement "
        "there (with `statement_path`) besides its API URL.",
    )
    organization_name: str = Field(
        default="Newsroom", description="Publisher of the content, as feeds and JSON-LD name it."
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = ()
    sql_echo: bool = False
    log_format: Literal["json", "text"] | None = Field(
        default=None,
        description="`json` (one object a line) or `text`; default: json in production, "
        "text otherwise.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    webhooks_allow_private_targets: bool = Field(
        default=False,
        description="Let webhook targets resolve to loopback, private, link-local, multicast "
        "or reserved addresses (tests and local development only).",
    )
    webhooks_retry_schedule: Annotated[tuple[float, ...], NoDecode] = Field(
        default=(5, 300, 1800, 7200, 18000, 36000, 36000),
        description="Seconds before each retry of a failed webhook delivery (each wait drawn "
        "at random up to its value); when it is exhausted the subscription is disabled.",
    )
    webhooks_secret_overlap_seconds: int = Field(
        default=86400, ge=0, description="How long a rotated-out signing secret still signs."
    )
    webhooks_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    webhooks_poll_seconds: float = Field(default=2.0, gt=0, le=3600)
    webhooks_in_process: bool | None = Field(
        default=None,
        description="Run the webhook worker inside `newsroom serve` (default: only in "
        "development); production runs `newsroom worker` instead.",
    )

    purge_url: str | None = Field(
        default=None,
        description='Where to POST `{"surrogate_keys": [...]}` when public content changes '
        "(a CDN purge adapter); unset: nothing is sent. Sent by the webhook worker.",
    )
    purge_token: SecretStr | None = Field(
        default=None, description="Sent as `Authorization: Bearer` with every purge."
    )

    redis_url: str | None = Field(
        default=None,
        description="Redis shared by every worker and host (rate-limit counters); unset: "
        "each process counts on its own.",
    )
    rate_limits: bool = Field(default=True, description="Enforce the rate limits below.")
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86400)
    rate_limit_anonymous: int = Field(
        default=600, ge=1, description="Requests per window per client address, without a key."
    )
    rate_limit_keyed: int = Field(
        default=3000,
        ge=1,
        description="Requests per window per API key, unless the key has its own limit.",
    )
    rate_limit_auth_failures: int = Field(
        default=20, ge=1, description="Failed authentications per client address per window."
    )
    rate_limit_auth_failures_window_seconds: int = Field(default=300, ge=1, le=86400)
    rate_limit_redis_prefix: str = Field(
        default="newsroom:ratelimit", min_length=1, description="Prefix of the Redis keys."
    )
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Addresses or CIDRs of the reverse proxies whose X-Forwarded-For names "
        "the client; from anyone else the header is ignored.",
    )

    @field_validator(
        "languages", "cors_origins", "webhooks_retry_schedule", "trusted_proxies", mode="before"
    )
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("webhooks_retry_schedule")
    @classmethod
    def _non_negative(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(step < 0 for step in value):
            raise ValueError("retry waits cannot be negative")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for entry in value:
            ipaddress.ip_network(entry, strict=False)  # a ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _check_consistency(self) -> "Settings":
        if self.default_language not in self.languages:
            raise ValueError("NEWSROOM_DEFAULT_LANGUAGE must be one of NEWSROOM_LANGUAGES")
        if (
            self.environment == "production"
            and self.secret_key.get_secret_value() == INSECURE_SECRET
        ):
            raise ValueError("set NEWSROOM_SECRET_KEY to a random value in production")
        if self.database_read_url is not None and _dialect(self.database_read_url) != _dialect(
            self.database_url
        ):
            raise ValueError(
                "NEWSROOM_DATABASE_READ_URL must be a replica of NEWSROOM_DATABASE_URL: "
                "the same kind of database (PostgreSQL with PostgreSQL)"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _dialect(url: str) -> str:
    return url.partition(":")[0].partition("+")[0]


@lru_cache
def get_settings() -> Settings:
    return Settings()
