"""shared/regulation: the regulated-occupation facts every service may read agree with the credentials
service's rulebooks they are generated from."""

import subprocess
import sys
from pathlib import Path

from services.credentials.domain.rules import load_rulebook
from shared.regulation import load_regulation

ROOT = Path(__file__).resolve().parents[2]


def test_every_profession_a_rulebook_regulates_in_a_country_is_regulated_there_and_nothing_else_is():
    rules, regulation = load_rulebook(), load_regulation()
    expected = {
        country: {isco: profession for profession in destination.professions
                  for isco in rules.common["professions"][profession]["occupations"]}
        for country, destination in rules.destinations.items()}
    assert {c: dict(o) for c, o in regulation.countries.items()} == expected
    assert regulation.version == rules.version


def test_the_committed_file_is_what_the_generator_writes_from_the_rulebooks_today():
    done = subprocess.run([sys.executable, "scripts/regulated_occupations.py", "--check"], cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_lookups_name_the_profession_and_an_unregulated_or_unknown_pair_has_none():
    regulation = load_regulation()
    assert regulation.profession("PE", "2221") == "nursing" and regulation.is_regulated("CL", "7411")
    assert not regulation.is_regulated("PE", "7411")  # Peru's rulebook regulates no electrical installation
    assert regulation.profession("PE", "9412") is None and regulation.profession("ZZ", "2221") is None
    assert regulation.profession("PE", None) is None
