"""The public job page as a job seeker reads it: their language, pay in its format, how to apply, safe headers."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from services.registry import load_service
from shared.bus import InMemoryBus
from shared.i18n import format_money, format_pay
from shared.service import build_container
from shared.settings import load_settings

NBSP = "\u00a0"
SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
BODY = {"title": "Oficial de obra", "language": "es", "country": "CO", "city": "Bogotá", "occupation": "7112",
        "description": "Levante de muros en bloque.\nContrato con todas las prestaciones de ley.",
        "pay": {"amount": 2_100_000, "currency": "COP", "period": "month"}, "hours_per_week": 42,
        "contract_type": "permanent", "openings": 3, "closing_date": "2099-03-31",
        "languages": [{"code": "es", "min_level": "B1"}], "benefits": {"social_security": True}}


@pytest.fixture
def client(tmp_path: Path):
    settings = dataclasses.replace(load_settings({}, bus="memory"), database_url=f"sqlite:///{tmp_path}/v.db",
                                   secret_key="jobpage-tests-only-" + "s" * 20)
    service = load_service("vacancies")
    container = build_container(service, settings, bus=InMemoryBus(), data_dir=tmp_path)
    token = container.issuer.issue("u", "employer", "employer-andina")
    headers = {"Authorization": f"Bearer {token}"}
    http = service.create_app(container).test_client()
    registered = http.post("/api/v1/employers", headers=headers, json={
        "name": "Constructora Andina", "tax_id": "900000001-1", "country": "CO", "sector": "construction",
        "contact_email": "empleo@andina.example"})
    assert registered.status_code == 201, registered.json
    yield http, headers
    container.engine.dispose()


def publish(client, **changes) -> str:
    http, headers = client
    response = http.post("/api/v1/vacancies", json={**BODY, **changes}, headers=headers)
    assert response.status_code == 201 and response.json["status"] == "published", response.json
    return response.json["id"]


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_reads_in_the_vacancys_language_with_pay_in_its_format_and_the_period_translated(client):
    http, _ = client
    page = http.get(f"/jobs/{publish(client)}", headers={"Accept-Language": "en"})
    html = text(page)
    assert page.status_code == 200 and '<html lang="es">' in html and page.headers["Content-Language"] == "es"
    assert f"<dd>2.100.000{NBSP}COP al mes</dd>" in html and "<dd>42 horas por semana</dd>" in html
    assert "<dd>Bogotá, Colombia</dd>" in html and "<dd>31 de marzo de 2099</dd>" in html
    assert "Español, nivel B1 o superior" in html and "1.7e+06" not in html and "month" not in html


def test_lang_in_the_address_gives_the_page_in_another_language_with_the_employers_text_marked_as_spanish(client):
    http, _ = client
    html = text(http.get(f"/jobs/{publish(client)}?lang=en"))
    assert '<html lang="en">' in html and f"<dd>COP{NBSP}2,100,000 a month</dd>" in html
    assert '<div class="description" lang="es">Levante de muros' in html
    assert 'hreflang="es"' in html and 'hreflang="pt"' in html and 'hreflang="en"' not in html


def test_a_vacancy_in_a_language_the_pages_lack_reads_in_the_browsers_language(client):
    http, _ = client
    vacancy = publish(client, language="ht", title="Travayè konstriksyon", country="BR", city="São Paulo",
                      description="Nou bezwen travayè pou chantye a, ak kontra ak tout avantaj lalwa.",
                      pay={"amount": 2200, "currency": "BRL", "period": "month"}, hours_per_week=44, languages=[])
    html = text(http.get(f"/jobs/{vacancy}", headers={"Accept-Language": "pt-BR,pt;q=0.9"}))
    assert '<html lang="pt">' in html and f"<dd>R${NBSP}2.200 por mês</dd>" in html and 'lang="ht"' in html


def test_the_page_says_how_to_apply_through_a_centre_which_is_why_the_jobposting_says_no_direct_apply(client):
    http, _ = client
    vacancy = publish(client)
    html = text(http.get(f"/jobs/{vacancy}"))
    assert '<h2 id="how-to-apply">Cómo postular</h2>' in html
    assert "centro de orientación" in html and f"<code>{vacancy}</code>" in html and "Postular es gratis" in html
    assert json.loads(SCRIPT.search(html).group(1))["directApply"] is False


def test_the_page_and_the_feed_carry_security_headers(client):
    http, _ = client
    page = http.get(f"/jobs/{publish(client)}")
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "script-src" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    style = re.search(r"<style>(.*?)</style>", text(page), re.S).group(1)
    import base64
    import hashlib
    assert base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() in csp  # the inline style may apply
    feed = http.get("/api/v1/vacancies/feed.jsonld")
    assert "frame-ancestors 'none'" in feed.headers["Content-Security-Policy"]
    assert feed.headers["X-Content-Type-Options"] == "nosniff"


def test_the_employers_words_are_escaped_on_the_page(client):
    http, _ = client
    html = text(http.get(f"/jobs/{publish(client, title='Oficial <b>de obra</b>')}"))
    assert "<b>de obra</b>" not in html.split("</script>", 1)[1] and "Oficial &lt;b&gt;de obra" in html


@pytest.mark.parametrize(("amount", "currency", "lang", "expected"), [
    (1_700_000, "COP", "es", f"1.700.000{NBSP}COP"), (1_700_000, "COP", "en", f"COP{NBSP}1,700,000"),
    (1130.5, "PEN", "es", f"1.130,50{NBSP}PEN"), (1130.5, "PEN", "en", f"PEN{NBSP}1,130.50"),
    (2200, "BRL", "pt", f"R${NBSP}2.200"), (45, "PEN", "pt", f"PEN{NBSP}45")])
def test_money_is_written_the_readers_way_with_cents_only_when_there_are_some(amount, currency, lang, expected):
    assert format_money(amount, currency, lang) == expected


def test_pay_names_its_period_in_the_readers_language():
    assert format_pay(45, "PEN", "day", "es") == f"45{NBSP}PEN por día"
    assert format_pay(12.5, "USD", "hour", "en") == "$12.50 an hour"
    assert format_pay(2200, "BRL", "month", "pt") == f"R${NBSP}2.200 por mês"
