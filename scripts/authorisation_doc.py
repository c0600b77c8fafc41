"""Render the authorisation matrix (docs/authorisation.yaml) into the tables of docs/authorisation.md.

Usage: python scripts/authorisation_doc.py [--check]
Replaces what stands between the ``matrix`` markers of the document; ``--check`` only says (exit 1) whether the
document differs from the matrix. tests/contract/test_authorisation.py runs the check.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MATRIX = ROOT / "docs" / "authorisation.yaml"
DOC = ROOT / "docs" / "authorisation.md"
START, END = "<!-- matrix: rendered from docs/authorisation.yaml by scripts/authorisation_doc.py -->", \
    "<!-- end of matrix -->"
HEADINGS = {"anonymous": "anonymous", "forged": "forged or expired", "employer": "employer (owner)",
            "other_employer": "other employer", "counsellor": "counsellor (owning centre)",
            "other_centre": "counsellor (other centre)", "ministry": "ministry", "admin": "admin"}
SERVICES = ("vacancies", "profiles", "credentials", "matching", "insights", "portal")


def load() -> dict:
    """Return the matrix as written."""
    return yaml.safe_load(MATRIX.read_text(encoding="utf-8"))


def cell(status: int, role: str, reveals: dict | None) -> str:
    """Return one cell: ✓ or ✗ with the status, and whether the row's thing shows in the answer."""
    mark = "✓" if status < 400 else "✗"
    text = f"{mark} {status}"
    if reveals and status < 300:
        text += " sees it" if role in reveals["to"] else " not shown"
    return text


def table(rows: list[dict], columns: list[str]) -> list[str]:
    """Return the Markdown lines of one table."""
    lines = ["| call | what | " + " | ".join(HEADINGS[c] for c in columns) + " |",
             "| --- | --- | " + " | ".join("---" for _ in columns) + " |"]
    for row in rows:
        what = row["what"]
        if row.get("reveals"):
            what += f" (*{row['reveals']['thing'].replace('_', ' ')}*)"
        call = row["call"].replace("|", "\\|")
        lines.append(f"| `{call}` | {what} | "
                     + " | ".join(cell(row["expect"][c], c, row.get("reveals")) for c in columns) + " |")
    return lines


def render(matrix: dict) -> str:
    """Return the Markdown of the matrix: one table per service's API, then the portal's pages."""
    columns = list(matrix["columns"])
    out = [START, "", "Columns:", ""]
    out += [f"- **{HEADINGS[c]}**: {text}" for c, text in matrix["columns"].items()]
    out += ["", "✓ allowed, ✗ refused, with the status the call gets: 401 without valid credentials, 403 for the wrong "
                "role or organisation, 404 where even the existence would tell something, 409 for a conflict, "
                "302 a page's redirect (to sign in, when signed out). *sees it* / *not shown*: whether the thing in "
                "italics is in the answer.", ""]
    for service in SERVICES:
        rows = [r for r in matrix["api"] if r["service"] == service]
        out += [f"### {service} API", "", *table(rows, columns), ""]
    out += ["### portal pages", "", *table(matrix["pages"], columns), "", END]
    return "\n".join(out)


def rewrite(doc: str, rendered: str) -> str:
    """Return the document with the text between the markers replaced."""
    head, found, rest = doc.partition(START)
    if not found:
        raise SystemExit(f"{DOC} has no marker {START!r}")
    _, found, tail = rest.partition(END)
    if not found:
        raise SystemExit(f"{DOC} has no marker {END!r}")
    return head + rendered + tail


def main(argv: list[str]) -> int:
    doc = DOC.read_text(encoding="utf-8")
    wanted = rewrite(doc, render(load()))
    if "--check" in argv:
        if doc != wanted:
            print(f"{DOC.relative_to(ROOT)} differs from {MATRIX.relative_to(ROOT)}: "
                  "run python scripts/authorisation_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
