"""Run an outbox relay or a consumer as a separate process, optionally dying at a chosen moment.

Used by the integration tests to kill a relay after the broker acknowledged a batch but before the rows
were marked, and a consumer after its effect was stored but before its offset was committed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from shared.consumer import EventConsumer, SqlInbox
from shared.db import make_engine, session_factory
from shared.kafka_bus import KafkaBus
from shared.outbox import OutboxRelay, SqlOutboxStore
from tests.conftest import ROOT, TEST_SCHEMAS
from tests.support import NOTED, applied_counts, apply_notes

RELAY_CRASH, CONSUMER_CRASH = 17, 18


class CrashingRelay(OutboxRelay):
    """Dies after the broker acknowledged a batch, before a single row of it is marked published."""

    def __init__(self, *args, crash: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.crash = crash

    def _settle(self, batch, results):
        if self.crash and any(r is None for r in results):
            os._exit(RELAY_CRASH)
        return super()._settle(batch, results)


class CrashingConsumer(EventConsumer):
    """Dies once K effects are committed to the database, before their offsets are committed."""

    def __init__(self, *args, crash_after: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.crash_after = crash_after

    def _commit_offsets(self, messages):
        if self.crash_after and self.outcomes["done"] >= self.crash_after:
            os._exit(CONSUMER_CRASH)
        super()._commit_offsets(messages)


def main(argv=None) -> int:
    from shared.events import SchemaRegistry

    p = argparse.ArgumentParser()
    p.add_argument("role", choices=["relay", "consume"])
    p.add_argument("--db", required=True)
    p.add_argument("--bootstrap", required=True)
    p.add_argument("--topic")
    p.add_argument("--group")
    p.add_argument("--expect", type=int, default=0)
    p.add_argument("--crash", action="store_true")
    p.add_argument("--crash-after", type=int, default=0)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--timeout", type=float, default=120)
    args = p.parse_args(argv)

    engine = make_engine(args.db)
    sessions = session_factory(engine)
    bus = KafkaBus(args.bootstrap, "harness")
    deadline = time.monotonic() + args.timeout
    if args.role == "relay":
        store = SqlOutboxStore(sessions)
        relay = CrashingRelay(store, bus.producer(), batch_size=args.batch, crash=args.crash)
        while store.pending_count() and time.monotonic() < deadline:
            relay.relay_once()
        return 0 if store.pending_count() == 0 else 1

    registry = SchemaRegistry([ROOT / "contracts" / "schemas", TEST_SCHEMAS])
    consumer = CrashingConsumer(
        bus.subscribe(args.group, [args.topic]), group=args.group, handlers={NOTED: apply_notes}, registry=registry,
        inbox=SqlInbox(sessions, args.group), dead_letters=bus.producer(), crash_after=args.crash_after)
    while applied_counts(engine)[1] < args.expect and time.monotonic() < deadline:
        consumer.run_once(0.5, max_records=10)  # small batches: the crash lands after exactly 30 effects
    # Commit what remains fetched-and-done before leaving cleanly.
    consumer.subscription.close()
    return 0 if applied_counts(engine)[1] >= args.expect else 1


if __name__ == "__main__":
    sys.exit(main())
