"""The ``puente`` command: run Puente embedded or as separate parts, and manage local Kafka and PostgreSQL."""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import click

from shared.logs import configure_logging
from shared.service import StartupError
from shared.settings import SERVICES, Settings, SettingsError, load_settings

DEFAULT_STATE = Path(os.environ.get("PUENTE_STATE_DIR", "var/run"))


def _settings(**overrides) -> Settings:
    try:
        return load_settings(os.environ, **overrides)
    except SettingsError as exc:
        click.echo(exc.report(), err=True)
        raise SystemExit(2) from None


def _fail_startup(exc: StartupError) -> None:
    click.echo(f"Puente cannot start:\n  {exc.setting}: {exc.reason}", err=True)
    raise SystemExit(2)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def _handler(signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return stop


@click.group()
def main() -> None:
    """Puente: pair migrants with decent jobs."""


# -- running Puente ------------------------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--data-dir", default="var/embedded", show_default=True, type=click.Path(path_type=Path))
@click.option("--demo/--no-demo", default=True, show_default=True, help="Load the demo organisations and data.")
def up(host: str, port: int, data_dir: Path, demo: bool) -> None:
    """Run every service in one process: SQLite files, in-process bus, one HTTP port (make up ARGS="--port 8080")."""
    from rich.console import Console

    from services.startup import start_embedded
    from shared.gunicorn import run_gunicorn

    settings = _settings(bus="memory")
    configure_logging("puente", settings.log_level)
    console = Console(stderr=True, highlight=False)
    holder = {}

    def load():
        try:
            embedded = start_embedded(settings, data_dir, host=host, port=port, demo=demo, console=console)
        except StartupError as exc:
            _fail_startup(exc)
        holder["embedded"] = embedded
        return embedded.wsgi

    def on_exit():
        if "embedded" in holder:
            holder["embedded"].shutdown()

    console.print(f"Puente is starting on http://{host}:{port}/ (data in {data_dir})")
    run_gunicorn(load, bind=f"{host}:{port}", workers=1, threads=8, on_worker_exit=on_exit)


def _container(name: str, *, check: bool, migrate: bool = True, needs_bus: bool = True):
    from services.registry import load_service
    from shared.service import build_container, check_dependencies

    settings = _settings() if needs_bus else _settings(bus="memory")
    configure_logging(name, settings.log_level)
    service = load_service(name)
    try:
        container = build_container(service, settings, run_migrations=migrate)
        if check:
            check_dependencies(container, settings.startup_timeout_s)
    except StartupError as exc:
        _fail_startup(exc)
    return service, container


service_arg = click.argument("service", type=click.Choice(SERVICES))


@main.command()
@service_arg
@click.option("--bind", default="127.0.0.1:8000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve(service: str, bind: str, workers: int, threads: int) -> None:
    """Serve one service's HTTP API under gunicorn."""
    from shared.gunicorn import run_gunicorn

    definition, container = _container(service, check=True)  # fail fast in the master, before forking
    container.engine.dispose()

    def load():
        from shared.service import served_app

        _, worker_container = _container(service, check=False, migrate=False)
        return served_app(definition, worker_container)

    run_gunicorn(load, bind=bind, workers=workers, threads=threads)


@main.command()
@service_arg
def relay(service: str) -> None:
    """Publish one service's outbox to Kafka until stopped."""
    from shared.service import ensure_topics, make_relay

    stop = _stop_on_signals()  # first, so a stop during start-up is honoured too
    _, container = _container(service, check=True)
    ensure_topics(container)
    relay_ = make_relay(container)
    click.echo(f"relay for {service} running", err=True)
    relay_.run(stop, container.settings.relay_idle_ms / 1000)
    relay_.producer.close()


@main.command()
@service_arg
def consume(service: str) -> None:
    """Run one service's event consumer until stopped."""
    from shared.service import ensure_topics, make_consumer

    stop = _stop_on_signals()  # first, so a stop during start-up is honoured too
    definition, container = _container(service, check=True)
    if not definition.consumes:
        raise click.UsageError(f"{service} consumes no topics")
    ensure_topics(container)
    consumer = make_consumer(definition, container)
    click.echo(f"consumer for {service} running", err=True)
    try:
        consumer.run(stop)
    finally:
        consumer.subscription.close()


@main.command()
@click.option("--every", type=click.FloatRange(min=10), default=None, metavar="SECONDS",
              help="Check again every SECONDS until stopped (default: once).")
def alerts(every: float | None) -> None:
    """Check the counsellors' job alerts: new strong matches go to their queues, and to the people who agreed to
    messages (the portal asks matching, as each counsellor, at PUENTE_SERVICE_URLS)."""
    from services.portal.workspace.lists import run_alerts

    stop = _stop_on_signals() if every else None
    definition, container = _container("portal", check=False, needs_bus=False)
    app = definition.create_app(container)
    try:
        while True:
            report = run_alerts(app)
            click.echo(f"job alerts: {report.checked} checked, {report.new_hits} new strong matches, "
                       f"{report.people_told} people told, {report.skipped} skipped")
            if stop is None or stop.wait(every):
                break
    finally:
        container.engine.dispose()


@main.command()
@click.argument("service", type=click.Choice(["matching"]))
def rebuild(service: str) -> None:
    """Replay the topics into a fresh read model (matching is built from events only)."""
    from services.matching.app import rebuild as rebuild_matching

    _, container = _container(service, check=True)
    click.echo(f"{service}: replayed {rebuild_matching(container)} events", err=True)


@main.command()
@service_arg
def migrate(service: str) -> None:
    """Bring one service's database schema up to date."""
    _container(service, check=False, needs_bus=False)
    click.echo(f"{service}: database is up to date", err=True)


@main.command()
def topics() -> None:
    """Create Puente's Kafka topics (with partitions and compaction) where missing."""
    from shared.service import make_bus
    from shared.topics import puente_topics

    settings = _settings()
    make_bus(settings).ensure_topics(puente_topics())
    for spec in puente_topics():
        click.echo(f"{spec.name}\tpartitions={spec.partitions}\t{spec.configs()['cleanup.policy']}")


# -- bulk imports ---------------------------------------------------------------------------------
@main.group("import")
def import_() -> None:
    """Import files with a progress bar and a per-row report; a bad row never stops the batch."""


@import_.command("profiles")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", required=True, help="The orientation centre (organisation id) importing.")
@click.option("--by", "by", required=True, help="Who records the rows and their consents.")
@click.option("--lang", default="es", type=click.Choice(["es", "pt", "en"]), show_default=True)
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Write the report here (JSON Lines).")
def import_profiles(file: Path, centre: str, by: str, lang: str, report: Path | None) -> None:
    """Import profiles from CSV or JSON Lines; importing the same file again creates nothing."""
    from rich.console import Console

    from services.profiles.app import build_service
    from services.profiles.bulk import import_file
    from services.profiles.domain.model import Actor

    _, container = _container("profiles", check=False, needs_bus=False)
    result = import_file(build_service(container), file, Actor(by, "counsellor", centre), lang=lang)
    if report:
        report.write_text(result.to_jsonl(), encoding="utf-8")
    else:
        click.echo(result.to_jsonl(), nl=False)
    Console(stderr=True).print(result.counts)
    raise SystemExit(0 if "invalid" not in result.counts else 1)


@import_.command("vacancies")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="The submitting organisation (an employer or a ministry).")
@click.option("--role", default="ministry", type=click.Choice(["employer", "ministry"]), show_default=True)
def import_vacancies(file: Path, org: str, role: str) -> None:
    """Import vacancies from JSON Lines, CSV or a JobPosting array; idempotent by the feed's own ids."""
    from services.vacancies.app import build_service
    from services.vacancies.feed import import_file, outcome_counts
    from shared.auth import Principal

    _, container = _container("vacancies", check=False, needs_bus=False)
    counts = outcome_counts(import_file(build_service(container), Principal(f"cli:{org}", role, org), str(file)))
    click.echo(json.dumps(counts))
    raise SystemExit(0 if not counts.get("error") else 1)


# -- identity for operators ----------------------------------------------------------------------
@main.command()
@click.option("--role", required=True, type=click.Choice(["employer", "counsellor", "ministry", "admin"]))
@click.option("--org", required=True)
@click.option("--subject", default="operator", show_default=True)
@click.option("--data-dir", default="var/embedded", show_default=True, type=click.Path(path_type=Path))
def token(role: str, org: str, subject: str, data_dir: Path) -> None:
    """Print a bearer token signed with PUENTE_SECRET_KEY (or the embedded default's key)."""
    from shared.auth import TokenIssuer
    from shared.service import development_secret

    settings = _settings(bus="memory")
    click.echo(TokenIssuer(settings.secret_key or development_secret(data_dir), settings.token_ttl_s)
               .issue(subject, role, org))


@main.group()
def apikey() -> None:
    """Manage API keys of machine clients (stored in the portal's database)."""


@apikey.command("create")
@click.option("--role", required=True, type=click.Choice(["employer", "counsellor", "ministry", "admin"]))
@click.option("--org", required=True)
@click.option("--label", required=True)
def apikey_create(role: str, org: str, label: str) -> None:
    """Create an API key and print it once."""
    from shared.auth import create_api_key

    _, container = _container("portal", check=False, needs_bus=False)
    click.echo(create_api_key(container.authenticator.api_keys, role, org, label))


@main.group()
def account() -> None:
    """Manage the portal's accounts of people (counsellors, ministry staff, administrators, employers)."""


@account.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["employer", "counsellor", "ministry", "admin"]))
@click.option("--org", required=True, help="The organisation's id, as the services know it (e.g. centre-lima).")
@click.option("--org-name", required=True, help="The organisation's name, as its pages show it.")
@click.option("--org-kind", type=click.Choice(["employer", "centre", "ministry", "platform"]),
              help="Defaults from the role: counsellor → centre, admin → platform.")
def account_create(email: str, role: str, org: str, org_name: str, org_kind: str | None) -> None:
    """Create a person's account (and its organisation if new); the password is read from the terminal or stdin.

    Outside ``puente up`` (whose demo creates its accounts) this is how a deployment gets its first counsellors.
    """
    from werkzeug.security import check_password_hash, generate_password_hash

    from services.portal.accounts import MIN_PASSWORD, AccountError, Accounts, Organisation
    from services.portal.adapters.sql import SqlAccountStore

    kind = org_kind or {"counsellor": "centre", "admin": "platform"}.get(role, role)
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    _, container = _container("portal", check=False, needs_bus=False)
    accounts = Accounts(SqlAccountStore(container.sessions), generate_password_hash, check_password_hash)
    try:
        created = accounts.ensure_user(email, password, role, Organisation(org, org_name, kind))
    except AccountError as exc:
        reasons = {"email_invalid": f"--email: {email!r} is not an e-mail address",
                   "password_short": f"the password must have at least {MIN_PASSWORD} characters"}
        click.echo(f"error: {reasons.get(exc.code, exc.code)}", err=True)
        raise SystemExit(1) from None
    if not created:
        click.echo(f"error: an account already uses {email}", err=True)
        raise SystemExit(1)
    click.echo(f"{role} account {email} created for {org}", err=True)


# -- contracts -------------------------------------------------------------------------------------
@main.command()
@click.option("--check", is_flag=True, help="Fail if a committed document differs from the code.")
@click.option("--service", "only", type=click.Choice(SERVICES), multiple=True, help="Only these services.")
def openapi(check: bool, only: tuple[str, ...]) -> None:
    """Write (or check) contracts/openapi/<service>.json from the services' marshmallow schemas."""
    from services.registry import load_service
    from shared.contracts import served_openapi

    settings = _settings(bus="memory")
    out_dir = settings.contracts_path / "openapi"
    stale = []
    for name in only or SERVICES:
        document = served_openapi(load_service(name), settings)
        path = out_dir / f"{name}.json"
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
            click.echo(f"wrote {path}", err=True)
    if stale:
        click.echo("out of date (run `puente openapi`): " + ", ".join(stale), err=True)
        raise SystemExit(1)


# -- local infrastructure ------------------------------------------------------------------------
@main.group()
def kafka() -> None:
    """A local single-node Kafka broker (KRaft) from Maven Central jars."""


@contextmanager
def _infra_errors():
    from shared.infra.kafka_broker import KafkaBrokerError
    from shared.infra.postgres import PostgresClusterError

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(message)s")
    logging.getLogger("kafka").setLevel(logging.CRITICAL)  # refused connections while a broker boots
    try:
        yield
    except (KafkaBrokerError, PostgresClusterError) as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(1) from None


def _print_status(state: dict) -> None:
    click.echo(json.dumps(state, indent=2))
    if not state.get("running"):
        raise SystemExit(3)


@kafka.command("fetch")
def kafka_fetch() -> None:
    """Download the broker's jars from Maven Central into the cache (once) and print the folder."""
    from shared.infra.kafka_broker import fetch_jars

    with _infra_errors():
        click.echo(fetch_jars())


@kafka.command("start")
@click.option("--state-dir", default=DEFAULT_STATE / "kafka", show_default=True, type=click.Path(path_type=Path))
@click.option("--port", type=int, default=None)
def kafka_start(state_dir: Path, port: int | None) -> None:
    """Start the broker in the background and print its bootstrap address."""
    from shared.infra.kafka_broker import start_detached

    with _infra_errors():
        click.echo(start_detached(state_dir, port=port))


@kafka.command("stop")
@click.option("--state-dir", default=DEFAULT_STATE / "kafka", show_default=True, type=click.Path(path_type=Path))
def kafka_stop(state_dir: Path) -> None:
    """Stop the background broker."""
    from shared.infra.kafka_broker import stop_detached

    with _infra_errors():
        stop_detached(state_dir)


@kafka.command("status")
@click.option("--state-dir", default=DEFAULT_STATE / "kafka", show_default=True, type=click.Path(path_type=Path))
def kafka_status(state_dir: Path) -> None:
    """Print the background broker's state; exit 3 when it is not running."""
    from shared.infra.kafka_broker import status_detached

    with _infra_errors():
        _print_status(status_detached(state_dir))


@main.group()
def postgres() -> None:
    """A local throwaway PostgreSQL cluster."""


@postgres.command("start")
@click.option("--state-dir", default=DEFAULT_STATE / "postgres", show_default=True,
              type=click.Path(path_type=Path))
@click.option("--port", type=int, default=None)
def postgres_start(state_dir: Path, port: int | None) -> None:
    """Start the cluster in the background and print its URL."""
    from shared.infra.postgres import start_detached

    with _infra_errors():
        click.echo(start_detached(state_dir, port=port))


@postgres.command("stop")
@click.option("--state-dir", default=DEFAULT_STATE / "postgres", show_default=True,
              type=click.Path(path_type=Path))
def postgres_stop(state_dir: Path) -> None:
    """Stop the background cluster."""
    from shared.infra.postgres import stop_detached

    with _infra_errors():
        stop_detached(state_dir)


@postgres.command("status")
@click.option("--state-dir", default=DEFAULT_STATE / "postgres", show_default=True,
              type=click.Path(path_type=Path))
def postgres_status(state_dir: Path) -> None:
    """Print the background cluster's state; exit 3 when it is not running."""
    from shared.infra.postgres import status_detached

    with _infra_errors():
        _print_status(status_detached(state_dir))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
