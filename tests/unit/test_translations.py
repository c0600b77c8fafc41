"""Every string a person reads (pages and API messages) is translated into es, pt, en and fr, and the compiled
catalogues are current."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "shared" / "translations"
LANGS = ("es", "pt", "en", "fr")


def catalogue(lang):
    return read_po((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb"))


def template_ids(out: Path):
    """Extract the messages of the code and templates as they are now."""
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-k", "N_", "--no-location", "-o", str(out), "."],
                   cwd=ROOT, capture_output=True, check=True)
    return {m.id for m in read_po(out.open("rb")) if m.id}


def test_the_template_holds_every_message_of_the_code_and_the_pages(tmp_path):
    committed = {m.id for m in read_po((TRANSLATIONS / "messages.pot").open("rb")) if m.id}
    assert template_ids(tmp_path / "now.pot") == committed, "run scripts/translations"


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation(lang):
    template = {m.id for m in read_po((TRANSLATIONS / "messages.pot").open("rb")) if m.id}
    translated = {m.id: m.string for m in catalogue(lang) if m.id}
    missing = sorted(i for i in template if not translated.get(i))
    fuzzy = sorted(m.id for m in catalogue(lang) if m.id and m.fuzzy)
    assert not missing and not fuzzy


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_matches_its_source(lang):
    compiled = read_mo((TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb"))
    assert {m.id: m.string for m in compiled if m.id} == {m.id: m.string for m in catalogue(lang) if m.id}


@pytest.mark.parametrize("lang", ("es", "pt", "fr"))
def test_placeholders_survive_translation(lang):
    import re

    for message in catalogue(lang):
        if message.id:
            assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(re.findall(r"%\(\w+\)s", message.string))
