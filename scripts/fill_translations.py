"""Fill msgstr entries of the shared catalogues from a Python dict file, then recompile.

Usage: python scripts/fill_translations.py FILE.py ...
Each FILE defines T = {msgid: (es, pt, fr)} or T = {msgid: {"fr": ..., ...}} (only the languages named).
English entries get msgstr = msgid. Existing translations are replaced only when FILE names them.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

DIR = Path(__file__).resolve().parents[1] / "shared" / "translations"


def main(paths: list[str]) -> None:
    table: dict[str, dict[str, str]] = {}
    for path in paths:
        for msgid, value in runpy.run_path(path)["T"].items():
            value = value if isinstance(value, dict) else dict(zip(("es", "pt", "fr"), value, strict=True))
            table.setdefault(msgid, {}).update(value)
    for lang in ("es", "pt", "fr", "en"):
        po = DIR / lang / "LC_MESSAGES" / "messages.po"
        catalog = read_po(po.open("rb"), locale=lang)
        for message in catalog:
            if not message.id:
                continue
            if lang == "en":
                message.string = message.string or message.id
            elif lang in table.get(message.id, {}):
                message.string = table[message.id][lang]
        with po.open("wb") as f:
            write_po(f, catalog)
        with (po.with_suffix(".mo")).open("wb") as f:
            write_mo(f, catalog)


if __name__ == "__main__":
    main(sys.argv[1:])
