"""An employer signs up, posts a vacancy held for a low wage, fixes it and sees it published, in headless Chromium.

Then, in Spanish, the employer sees the vacancy's candidates counted by the matching service, and checks a new
draft's pay against the minimum wage of the real vacancies service before sending it.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from babel.dates import format_date
from babel.numbers import format_decimal
from playwright.sync_api import expect, sync_playwright

from tests.conftest import ROOT

pytestmark = pytest.mark.e2e
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def puente(tmp_path):
    """Run `puente up` (every service, one port, real gunicorn) on a free loopback port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUENTE_")}
    env["PYTHONPATH"] = str(ROOT)
    log = (tmp_path / "puente.log").open("w")  # a file, not a pipe nobody reads: it holds the mailed links too
    proc = subprocess.Popen([sys.executable, "-m", "services.cli", "up", "--port", str(port), "--no-demo",
                             "--data-dir", str(tmp_path / "embedded")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, (tmp_path / "puente.log").read_text()
        try:
            with urllib.request.urlopen(f"{base}/services/vacancies/readyz", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        assert time.monotonic() < deadline, "puente up never became ready"
        time.sleep(0.3)
    yield base
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(30) == 0
    log.close()


def mailed_link(log: Path, path: str, timeout_s: float = 10) -> str:
    """Return the last link to ``path`` in a mail the embedded default wrote to its log instead of sending it."""
    deadline = time.monotonic() + timeout_s
    while not (found := re.findall(rf"https?://[^\s\"\\]+{path}[A-Za-z0-9_-]+", log.read_text())):
        assert time.monotonic() < deadline, f"no mail with a link to {path} in the log"
        time.sleep(0.2)
    return found[-1]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")  # a phone
        yield context.new_page()
        browser.close()


def serious_violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


def fill_vacancy(page, amount: str) -> None:
    page.get_by_label("Job title").fill("Cocinero de línea")
    page.get_by_label("Description").fill("Preparar platos calientes y mantener limpia la cocina del restaurante.")
    page.get_by_label("Language of the text").select_option("es")
    page.locator("#language_1-code").select_option("es")
    page.locator("#language_1-min_level").select_option("B1")
    page.get_by_label("Country").select_option("CO")
    page.get_by_label("City").fill("Bogotá")
    page.get_by_label("Number of openings").fill("2")
    page.get_by_label("Amount").fill(amount)
    page.get_by_label("Currency").select_option("COP")
    page.get_by_label("Paid").select_option("month")
    page.get_by_label("Hours per week").fill("42")
    page.get_by_label("Contract").select_option("permanent")
    page.get_by_label("Social security (health and pension contributions)").check()


def fill_vacancy_in_spanish(page, amount: str, hours: str) -> None:
    page.get_by_label("Nombre del puesto").fill("Ayudante de cocina")
    page.get_by_label("Descripción").fill("Apoyar al cocinero en la preparación de alimentos y en la limpieza.")
    page.get_by_label("Idioma del texto").select_option("es")
    page.get_by_label("País").select_option("CO")
    page.get_by_label("Ciudad").fill("Medellín")
    page.get_by_label("Número de puestos").fill("1")
    page.get_by_label("Monto").fill(amount)
    page.get_by_label("Moneda").select_option("COP")
    page.get_by_label("Pagado").select_option("month")
    page.get_by_label("Horas por semana").fill(hours)
    page.get_by_label("Contrato", exact=True).select_option("permanent")
    page.get_by_label("Seguridad social (aportes de salud y pensión)").check()


def reload_until(page, locator, text: str, timeout_s: float = 60) -> None:
    """Reload the page until ``locator`` shows ``text`` (events reach matching a moment after publishing)."""
    deadline = time.monotonic() + timeout_s
    while text not in " ".join(locator.all_text_contents()):  # all_text_contents does not wait for the element
        assert time.monotonic() < deadline, f"never saw {text!r}; last: {locator.all_text_contents()!r}"
        time.sleep(0.5)
        page.reload()


def test_an_employer_posts_a_vacancy_held_for_a_low_wage_fixes_it_and_sees_it_published(puente, page, tmp_path):
    page.goto(f"{puente}/signup/employer")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Organisation name").fill("Restaurante El Fogón")
    page.get_by_label("Tax identification number").fill("900765432-1")
    page.get_by_label("Country").select_option("CO")
    page.get_by_label("Sector").fill("hotels and restaurants")
    page.get_by_label("Email address").fill("jefa@elfogon.example")
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Create the account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    page.goto(mailed_link(tmp_path / "puente.log", "/signup/confirm/"))
    page.get_by_role("button", name="Confirm and open the account").click()
    expect(page.get_by_role("heading", name="My vacancies")).to_be_visible()

    page.get_by_role("link", name="Post a vacancy").first.click()
    expect(page.get_by_role("heading", name="Post a vacancy")).to_be_visible()
    assert serious_violations(page) == []

    # Sending it empty: the error summary takes the focus and links to the field.
    page.get_by_role("button", name="Post the vacancy").click()
    expect(page).to_have_title("Error: Post a vacancy – Puente")
    expect(page.locator(".error-summary")).to_be_focused()
    page.locator(".error-summary").get_by_role("link", name="Enter the job title").click()
    expect(page.get_by_label("Job title")).to_be_focused()

    fill_vacancy(page, "900000")
    page.get_by_role("button", name="Post the vacancy").click()
    expect(page.get_by_role("heading", name="Edit a vacancy")).to_be_visible()
    finding = page.locator("#pay-amount-finding-1")
    expect(finding).to_contain_text("Must change:")
    expect(finding).to_contain_text("minimum")
    assert serious_violations(page) == []

    page.get_by_label("Amount").fill("1800000")
    page.get_by_role("button", name="Save the vacancy").click()
    expect(page.get_by_role("heading", name="My vacancies")).to_be_visible()
    vacancy = page.locator(".vacancy", has_text="Cocinero de línea")
    expect(vacancy.locator(".status")).to_have_text("Published")

    # Its public page, linked from the list: in the vacancy's language, pay in its format, how to apply.
    vacancy.get_by_role("link", name="See the public page").click()
    expect(page.get_by_role("heading", name="Cocinero de línea", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("dl")).to_contain_text("1.800.000")
    expect(page.locator("dl")).to_contain_text("COP al mes")
    expect(page.get_by_role("heading", name="Cómo postular")).to_be_visible()
    assert serious_violations(page) == []
    page.go_back()

    # The language is switchable and remembered.
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Mis vacantes")).to_be_visible()

    # Matching learns of the published vacancy from its event and counts its candidates (nobody registered yet).
    vacancy = page.locator(".vacancy", has_text="Cocinero de línea")
    reload_until(page, vacancy.locator(".matches"), "Todavía no hay candidatos elegibles.")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Publicar una vacante").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "es")

    # Pressing the check (no script needed): the real service's minimum wage, next to the pay, nothing stored.
    # Full-time hours, so the minimum shown is the country's monthly minimum as the service publishes it.
    with urllib.request.urlopen(f"{puente}/api/v1/vacancies/minimum-wages/CO", timeout=10) as response:
        law = json.load(response)
    fill_vacancy_in_spanish(page, "900000", f"{law['max_weekly_hours']:g}")
    page.get_by_role("button", name="Revisar salario y condiciones").click()
    pay_check = page.locator("#pay-check")
    minimum = format_decimal(round(law["monthly_minimum"]), locale="es")
    since = format_date(date.fromisoformat(law["effective_date"]), format="long", locale="es")  # "1 de enero de 2026"
    expect(pay_check).to_contain_text(f"Son unos 900.000 COP al mes. El salario mínimo es {minimum} COP al mes "
                                      f"(desde {since}).")
    expect(pay_check).to_contain_text("Está por debajo del salario mínimo.")
    expect(page.locator("#pay-amount-finding-1")).to_contain_text("Debe cambiar:")
    expect(page.get_by_label("Monto")).to_have_value("900000")  # the answers are kept
    assert page.locator("fieldset", has=page.get_by_label("Monto")).locator("#pay-check").count() == 1

    # Changing the pay updates the comparison as the employer types (the page's script asks the same check).
    page.get_by_label("Monto").fill("1800000")
    page.get_by_label("Monto").press("Tab")
    expect(pay_check).to_contain_text("Son unos 1.800.000 COP al mes.")
    expect(pay_check).not_to_contain_text("Está por debajo del salario mínimo.")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Mis vacantes").first.click()
    expect(page.locator(".vacancy")).to_have_count(1)  # checking stored nothing
