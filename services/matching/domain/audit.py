"""The fairness audit: exposure in top-k slots and placement rates per group of profiles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from services.matching.domain.readmodels import Placement, ProfileView

# Matching holds no nationality, sex, age, disability or ethnicity (the events carry none), so it can only
# group by what it does hold for its own work: the registering centre and the country a person is in.
AUDIT_GROUPS = ("centre", "country")


def audit_report(top_slots: Iterable[str], profiles: Sequence[ProfileView], placements: Iterable[Placement],
                 *, by: str, min_group: int = 5) -> list[dict[str, Any]]:
    """Return, per group, its share of top-k slots beside its share of profiles, and its placement rate.

    ``top_slots`` holds one profile id per top-k slot over every open vacancy's ranking. Groups with fewer
    than ``min_group`` profiles keep their counts but not their rates, which would point at individuals.
    """
    if by not in AUDIT_GROUPS:
        raise ValueError(f"by must be one of {AUDIT_GROUPS}")
    group_of = {p.profile_id: getattr(p, by) for p in profiles}
    people: dict[str, int] = {}
    for g in group_of.values():
        people[g] = people.get(g, 0) + 1
    slots: dict[str, int] = dict.fromkeys(people, 0)
    total_slots = 0
    for profile_id in top_slots:
        if profile_id in group_of:
            slots[group_of[profile_id]] += 1
            total_slots += 1
    hired: dict[str, set[str]] = {g: set() for g in people}
    for p in placements:
        if p.outcome == "hired" and p.profile_id in group_of:
            hired[group_of[p.profile_id]].add(p.profile_id)
    total_people = sum(people.values())
    out = []
    for group in sorted(people):
        shown = people[group] >= min_group
        slot_share = slots[group] / total_slots if total_slots else 0.0
        people_share = people[group] / total_people
        out.append({
            "group": group, "profiles": people[group], "top_slots": slots[group], "placed": len(hired[group]),
            "exposure": round(slot_share, 4) if shown else None,
            "exposure_ratio": round(slot_share / people_share, 4) if shown else None,
            "placement_rate": round(len(hired[group]) / people[group], 4) if shown else None,
        })
    return out
