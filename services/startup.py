"""What ``puente up`` tells the person who started it: each step while it starts, where to go and whom to sign in
as once it is ready, and how far matching is with encoding the profiles and vacancies it has been sent."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.embedded import Embedded, build_embedded, load_demo_data
from shared.settings import Settings

ROLE_NAMES = {"employer": "employers", "counsellor": "counsellors", "admin": "administrator"}
DEMO_ROWS = {"profiles": "profiles", "vacancies": "vacancies", "credentials": "credentials", "portal": "accounts"}


def ready_message(host: str, port: int, demo: bool) -> str:
    """Return the lines saying Puente is ready: its address and, with the demo data, the accounts to sign in with."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    lines = [f"[bold green]Puente is ready:[/] http://{shown}:{port}/  (stop it with Ctrl-C)"]
    if demo:
        from services.portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

        lines.append(f"Sign in with a demo account; the password is [bold]{DEMO_PASSWORD}[/] for all:")
        for role, title in ROLE_NAMES.items():
            emails = [email for email, account_role, _ in DEMO_ACCOUNTS if account_role == role]
            lines += [f"  {title if n == 0 else '':<15}{email}" for n, email in enumerate(emails)]
    return "\n".join(lines)


def demo_summary(created: dict[str, int]) -> str:
    """Return what loading the demo data created, in words ("already there" on a later start)."""
    parts = [f"{count} {DEMO_ROWS.get(name, name)}" for name, count in created.items() if count]
    return "demo data loaded: " + ", ".join(parts) if parts else "demo data: already there"


def watch_backlog(embedded: Embedded, console: Console, stop: threading.Event, *, service: str = "matching",
                  poll_s: float = 0.5, settle_s: float = 2.0) -> None:
    """Show how many events ``service`` still has to apply, until none is left; then say matches are ready.

    Events reach the bus a moment after the demo data is stored (the outbox relay publishes them), so an
    empty backlog counts as done only after ``settle_s``.
    """
    started = time.monotonic()
    left = embedded.backlog(service)
    while not left and time.monotonic() - started < settle_s and not stop.wait(poll_s / 5):
        left = embedded.backlog(service)
    if not left:
        console.print("[green]✓[/] Matches are up to date.")
        return
    console.print(f"Matching is encoding new profiles and vacancies ({left} events); until it is done, the pages "
                  "and GET /api/v1/matches say that matches are still being prepared. The first start also "
                  "loads the encoder model, which takes a minute or two.")
    most = left
    with Progress(TextColumn("  preparing matches"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("matching", total=most)
        while left and not stop.wait(poll_s):
            left = embedded.backlog(service)
            most = max(most, left)
            progress.update(task, total=most, completed=most - left)
    if not left:
        console.print(f"[green]✓[/] Matches are ready ({time.monotonic() - started:.0f} s).")


def start_embedded(settings: Settings, data_dir: Path, *, host: str, port: int, demo: bool,
                   console: Console) -> Embedded:
    """Build and start every service, load the demo data, say Puente is ready, and follow matching's backlog."""
    with console.status("Preparing the services' databases…"):
        embedded = build_embedded(settings, data_dir,
                                  progress=lambda name: console.print(f"  [green]✓[/] {name}: database and API ready"))
    embedded.start_background()
    if demo:
        with console.status("Loading the demo data…"):
            created = load_demo_data(embedded)
        console.print(f"  [green]✓[/] {demo_summary(created)}")
    console.print(ready_message(host, port, demo))
    threading.Thread(target=watch_backlog, args=(embedded, console, embedded.stop), name="matching-progress",
                     daemon=True).start()
    return embedded
