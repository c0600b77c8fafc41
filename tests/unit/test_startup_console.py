"""What `puente up` prints: each step, a ready line with the address and the demo accounts, matching's progress."""

import io
import threading

from rich.console import Console

from services.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from services.startup import demo_summary, ready_message, start_embedded, watch_backlog
from shared.settings import load_settings


def console() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, width=200, highlight=False, color_system=None), out


def test_the_ready_line_gives_the_address_and_every_demo_account_with_the_password():
    text = ready_message("0.0.0.0", 8080, demo=True)
    assert "Puente is ready:[/] http://127.0.0.1:8080/" in text and DEMO_PASSWORD in text
    assert all(email in text for email, _, _ in DEMO_ACCOUNTS)
    assert "password" not in ready_message("127.0.0.1", 8000, demo=False)


def test_the_demo_summary_counts_what_was_created_and_says_when_it_was_already_there():
    assert demo_summary({"profiles": 7, "vacancies": 10, "portal": 9}) == (
        "demo data loaded: 7 profiles, 10 vacancies, 9 accounts")
    assert demo_summary({"profiles": 0, "portal": 0}) == "demo data: already there"


class Backlog:
    """An embedded stand-in whose matching backlog shrinks by one each time it is read."""

    def __init__(self, events: int):
        self.left = events

    def backlog(self, name: str) -> int:
        assert name == "matching"
        left, self.left = self.left, max(0, self.left - 1)
        return left


def test_matching_progress_is_shown_until_every_event_is_applied_then_matches_are_ready():
    out_console, out = console()
    watch_backlog(Backlog(3), out_console, threading.Event(), poll_s=0.01)
    text = out.getvalue()
    assert "Matching is encoding new profiles and vacancies (3 events)" in text
    assert "preparing matches" in text and "3/3" in text and "✓ Matches are ready" in text


def test_with_nothing_to_encode_matches_are_up_to_date_after_a_short_wait():
    out_console, out = console()
    watch_backlog(Backlog(0), out_console, threading.Event(), poll_s=0.01, settle_s=0.05)
    assert out.getvalue().strip() == "✓ Matches are up to date."


def test_starting_prints_each_service_the_demo_data_and_the_ready_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PUENTE_MATCHING_ENCODER", "hashing")  # no model download or load in a unit test
    out_console, out = console()
    embedded = start_embedded(load_settings({}, bus="memory", secret_key="k" * 40), tmp_path, host="127.0.0.1",
                              port=8123, demo=True, console=out_console)
    try:
        text = out.getvalue()
        for name in ("profiles", "vacancies", "credentials", "matching", "insights", "portal"):
            assert f"✓ {name}: database and API ready" in text
        assert "✓ demo data loaded: " in text and "Puente is ready: http://127.0.0.1:8123/" in text
    finally:
        embedded.shutdown()
