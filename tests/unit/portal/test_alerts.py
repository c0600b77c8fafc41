"""Saved people searches and job alerts: saved from the pages, checked by the alerts job against matching, shown
in the counsellor's queue, and told to the person who agreed to messages; on fakes."""

import re
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from services.portal.adapters.memory import InMemoryMessenger, InMemorySavedSearchStore, match_item
from services.portal.alerts import ALERT, AlertRunner, SavedSearch
from services.portal.workspace.lists import run_alerts
from tests.unit.portal.conftest import OTHER_CENTRE, csrf, signed_in_as
from tests.unit.portal.workspace_helpers import add_person, add_vacancy, rank, text

NOTIFY = {"matching": True, "introductions": True, "statistics": False, "notifications": True}


@pytest.fixture
def messenger(container):
    container.extras["messenger"] = InMemoryMessenger()
    return container.extras["messenger"]


@pytest.fixture
def app(container, messenger):
    from services.portal.app import SERVICE

    return SERVICE.create_app(container)


def save_alert(client, pid, name="Obra en Perú", query="", notify=False):
    page = text(client.get(f"/workspace/people/{pid}/matches{'?' + query if query else ''}"))
    data = {"csrf_token": csrf(page), "name": name, **dict(p.split("=") for p in query.split("&") if p)}
    if notify:
        data["notify_person"] = "y"
    return client.post(f"/workspace/people/{pid}/alerts", data=data)


def queue_part(client) -> str:
    page = text(client.get("/workspace/"))
    return page[page.index("Needs action today"):page.index('id="everyone-title"')]


# -- saved people searches --------------------------------------------------------------------------------
def test_a_counsellor_saves_a_people_search_and_opens_it_again_from_the_list(counsellor, profiles):
    add_person(profiles, "Ana", "Inglés", languages=[{"code": "en", "level": "B2"}])
    add_person(profiles, "Beto", "Solo", languages=[{"code": "es", "level": "native"}])
    page = text(counsellor.get("/workspace/?language=en"))
    saved = counsellor.post("/workspace/searches", data={"csrf_token": csrf(page), "name": "  Hablan   inglés ",
                                                         "language": "en"})
    assert saved.status_code == 302 and saved.location.endswith("/workspace/?language=en")
    listing = text(counsellor.get("/workspace/"))
    link = re.search(r'<a href="([^"]+)">Hablan inglés</a>', listing)
    assert link and link.group(1) == "/workspace/?language=en"
    again = text(counsellor.get(link.group(1)))
    assert "Ana Inglés" in again and "Beto Solo" not in again


def test_a_saved_search_keeps_the_filters_but_never_what_was_typed_in_the_search_box(app, counsellor, profiles):
    add_person(profiles, "Ana", "Inglés", languages=[{"code": "en", "level": "B2"}])
    assert 'action="/workspace/searches"' not in text(counsellor.get("/workspace/?q=Ana"))  # a name: nothing to save
    page = text(counsellor.get("/workspace/?q=Ana&language=en"))
    assert 'name="q"' not in page.split('action="/workspace/searches"')[1].split("</form>")[0]
    counsellor.post("/workspace/searches", data={"csrf_token": csrf(page), "name": "Inglés", "q": "Ana Inglés",
                                                 "language": "en"})
    (search,) = app.extensions["puente.searches"].of_owner(
        app.extensions["puente.accounts"].store.user_by_email("orientacion@centro-cucuta.example").id, "people")
    assert search.filters == {"language": "en"}


def test_a_search_needs_a_name_and_a_counsellor_deletes_only_their_own(app, counsellor, profiles):
    page = text(counsellor.get("/workspace/?language=en"))
    nameless = counsellor.post("/workspace/searches", data={"csrf_token": csrf(page), "name": "", "language": "en"})
    assert "Give the search a name" in text(counsellor.get(nameless.location))
    counsellor.post("/workspace/searches", data={"csrf_token": csrf(page), "name": "Inglés", "language": "en"})
    (search,) = app.extensions["puente.searches"].of_owner(
        app.extensions["puente.accounts"].store.user_by_email("orientacion@centro-cucuta.example").id, "people")
    lima = signed_in_as(app, "orientacion@centro-lima.example", "counsellor", OTHER_CENTRE)
    theirs = text(lima.get("/workspace/"))
    assert "Inglés" not in theirs
    assert lima.post(f"/workspace/searches/{search.id}/delete", data={"csrf_token": csrf(theirs)}).status_code == 404
    mine = text(counsellor.get("/workspace/"))
    assert counsellor.post(f"/workspace/searches/{search.id}/delete",
                           data={"csrf_token": csrf(mine)}).status_code == 302
    assert "Saved searches" not in text(counsellor.get("/workspace/"))
    assert counsellor.post(f"/workspace/searches/{search.id}/delete", data={}).status_code == 400


# -- job alerts -------------------------------------------------------------------------------------------
@pytest.fixture
def watched(profiles, fake, matching):
    """A person with one strong match in Peru already, and the vacancies that will come later."""
    pid = add_person(profiles, "Yolanda", "Castillo", consents=NOTIFY, text_language="es")
    first = add_vacancy(fake, profiles, "Albañil en Lima", country="PE", city="Lima")
    rank(matching, pid, match_item(first, 0.8))
    return pid, first


def test_a_job_alert_announces_only_the_strong_matches_that_appear_after_it_was_saved(app, counsellor, watched,
                                                                                       fake, profiles, matching):
    pid, first = watched
    saved = save_alert(counsellor, pid)
    assert saved.status_code == 302
    assert "Job alert saved: Obra en Perú" in text(counsellor.get(saved.location))
    assert run_alerts(app).new_hits == 0
    assert "New strong matches from the job alert" not in queue_part(counsellor)
    new = add_vacancy(fake, profiles, "Maestro de obra", country="PE", city="Cusco")
    rank(matching, pid, match_item(first, 0.8), match_item(new, 0.7))
    report = run_alerts(app)
    assert (report.checked, report.new_hits) == (1, 1)
    queue = queue_part(counsellor)
    assert "Yolanda Castillo" in queue and "New strong matches from the job alert “Obra en Perú”: 1" in queue
    link = re.search(r'href="(/workspace/alerts/[^"]+)">See the matches', queue).group(1)
    opened = counsellor.get(link)
    assert opened.status_code == 302 and opened.location.endswith(f"/workspace/people/{pid}/matches")
    assert "New strong matches from the job alert" not in queue_part(counsellor)
    assert run_alerts(app).new_hits == 0  # found once, announced once


def test_an_alert_keeps_to_its_filters_and_to_what_matching_calls_strong(app, counsellor, watched, fake, profiles,
                                                                         matching):
    pid, first = watched
    save_alert(counsellor, pid, query="eligible=1&country=PE")
    in_peru = add_vacancy(fake, profiles, "Obra Arequipa", country="PE")
    in_colombia = add_vacancy(fake, profiles, "Obra Bogotá", country="CO")
    weak = add_vacancy(fake, profiles, "Obra Piura", country="PE")
    blocked = add_vacancy(fake, profiles, "Obra Trujillo", country="PE")
    rank(matching, pid, match_item(first, 0.8), match_item(in_peru, 0.6), match_item(in_colombia, 0.9),
         match_item(weak, 0.45), match_item(blocked, 0.9, blockers=({"code": "language", "message": "B2",
                                                                     "next_step": "x"},)))
    assert run_alerts(app).new_hits == 1
    (alert,) = app.extensions["puente.searches"].alerts()
    assert alert.filters == {"eligible": "1", "country": "PE"}
    assert app.extensions["puente.searches"].known(alert.id) == {first, in_peru}
    opened = counsellor.get(f"/workspace/alerts/{alert.id}")
    assert "country=PE" in opened.location and "eligible=1" in opened.location


def test_the_person_is_told_of_new_strong_matches_in_their_language_when_the_alert_says_so(
        app, counsellor, watched, fake, profiles, matching, messenger):
    pid, first = watched
    profiles.profiles[pid]["text_language"] = "ht"  # Haitian Creole: written to in French
    page = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    assert "Also send the person a message about new strong matches" in page
    save_alert(counsellor, pid, notify=True)
    new = add_vacancy(fake, profiles, "Maestro de obra", country="PE", city="Cusco")
    rank(matching, pid, match_item(first, 0.8), match_item(new, 0.7))
    assert run_alerts(app).people_told == 1
    (message,) = messenger.sent
    assert message.to == "+57 300 123 4567"
    assert "Bonjour Yolanda," in message.text and "Maestro de obra – Constructora Andina, Cusco, PE" in message.text
    assert "Albañil en Lima" not in message.text  # only what is new
    assert "Castillo" not in message.text


def test_a_person_who_did_not_agree_to_messages_is_never_told(app, counsellor, profiles, fake, matching, messenger):
    pid = add_person(profiles, "Sin", "Mensajes")
    first = add_vacancy(fake, profiles)
    rank(matching, pid, match_item(first, 0.8))
    page = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    assert "The person has not agreed to messages" in page and 'name="notify_person"' not in page
    save_alert(counsellor, pid, notify=True)  # a hand-made form cannot switch it on either
    (alert,) = app.extensions["puente.searches"].alerts()
    assert alert.notify_person is False
    new = add_vacancy(fake, profiles, "Otra")
    rank(matching, pid, match_item(first, 0.8), match_item(new, 0.9))
    assert run_alerts(app).new_hits == 1 and messenger.sent == []


def test_an_alert_is_not_checked_while_matching_is_down_and_its_news_waits_for_the_next_pass(
        app, counsellor, watched, fake, profiles, matching):
    pid, first = watched
    save_alert(counsellor, pid)
    new = add_vacancy(fake, profiles, "Maestro de obra", country="PE")
    rank(matching, pid, match_item(first, 0.8), match_item(new, 0.7))
    matching.unavailable = True
    assert run_alerts(app).skipped == 1
    matching.unavailable = False
    assert run_alerts(app).new_hits == 1


def test_an_alert_needs_a_name_and_belongs_to_its_counsellor(app, counsellor, watched):
    pid, _ = watched
    refused = save_alert(counsellor, pid, name="")
    assert "Give the alert a name" in text(counsellor.get(refused.location))
    save_alert(counsellor, pid)
    (alert,) = app.extensions["puente.searches"].alerts()
    lima = signed_in_as(app, "orientacion@centro-lima.example", "counsellor", OTHER_CENTRE)
    assert lima.get(f"/workspace/alerts/{alert.id}").status_code == 404
    assert lima.post(f"/workspace/people/{pid}/alerts", data={"name": "x"}).status_code == 404
    page = text(counsellor.get(f"/workspace/people/{pid}/matches"))
    assert "Obra en Perú" in page
    deleted = counsellor.post(f"/workspace/searches/{alert.id}/delete", data={"csrf_token": csrf(page)})
    assert deleted.location.endswith(f"/workspace/people/{pid}/matches")
    assert app.extensions["puente.searches"].alerts() == []


# -- the runner on its own --------------------------------------------------------------------------------
class _User:
    def __init__(self, role="counsellor", org="centre-cucuta"):
        self.id, self.role, self.org = "u1", role, org


def runner(store, matching, profiles, fake, user, told):
    return AlertRunner(store, lambda _id: user, lambda *a: _token(*a), matching, fake, profiles,
                       lambda profile, jobs, org: told.append((profile["id"], [j.title for j in jobs], org)) or "email")


def _token(sub, role, org, _ttl):
    from tests.unit.portal.workspace_helpers import token

    return token(org, role, sub)


def test_the_runner_skips_an_alert_whose_counsellor_no_longer_acts_for_the_centre(profiles, fake, matching):
    pid = add_person(profiles, consents=NOTIFY)
    vid = add_vacancy(fake, profiles)
    rank(matching, pid, match_item(vid, 0.9))
    store = InMemorySavedSearchStore()
    store.add(SavedSearch("a1", "u1", "centre-cucuta", ALERT, "x", {}, pid, True, datetime.now(UTC)))
    told = []
    assert runner(store, matching, profiles, fake, None, told).run_once().skipped == 1
    assert runner(store, matching, profiles, fake, _User(org="centre-lima"), told).run_once().skipped == 1
    report = runner(store, matching, profiles, fake, _User(), told).run_once()
    assert (report.checked, report.new_hits, report.people_told) == (1, 1, 1)
    assert told == [(pid, ["Albañil de obra"], "centre-cucuta")]
    assert all(h.notified_at for h in store.hits.values())


def test_puente_alerts_checks_the_alerts_once_and_says_what_it_found(tmp_path):
    from services.cli import main

    result = CliRunner().invoke(main, ["alerts"], env={
        "PUENTE_DATABASE_URL": f"sqlite:///{tmp_path}/portal.db", "PUENTE_SECRET_KEY": "s" * 40,
        "PUENTE_BUS": "memory"})
    assert result.exit_code == 0, result.output
    assert "job alerts: 0 checked, 0 new strong matches, 0 people told, 0 skipped" in result.output


def test_the_embedded_default_checks_the_alerts_on_a_thread_until_it_is_stopped(app, counsellor, watched, fake,
                                                                                profiles, matching):
    import threading
    import time

    from services.portal.workspace.lists import alerts_loop
    from shared.service import run_until

    pid, first = watched
    save_alert(counsellor, pid)
    new = add_vacancy(fake, profiles, "Maestro de obra", country="PE")
    rank(matching, pid, match_item(first, 0.8), match_item(new, 0.7))
    (alert,) = app.extensions["puente.searches"].alerts()
    stop = threading.Event()
    thread = run_until(stop, lambda s: alerts_loop(app, s, every_s=0.05), "alerts-test")
    deadline = time.monotonic() + 10
    while new not in app.extensions["puente.searches"].known(alert.id) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert new in app.extensions["puente.searches"].known(alert.id) and not thread.is_alive()
