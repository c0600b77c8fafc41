"""Where the benchmarks' development data comes from, and a clear stop naming what is missing when it is not there.

matching-dev (160 vacancies, 36 profiles, graded relevance, planted decent-work violations) is not in the
repository: it is handed to Puente's developers beside the checkout, as ``../shared/data/matching-dev``.
"""

from __future__ import annotations

from pathlib import Path

DEFAULT = Path("../shared/data/matching-dev")
WHERE_FROM = ("matching-dev is not part of the repository: it is handed to Puente's developers beside the "
              "checkout, as ../shared/data/matching-dev. Ask the maintainers for it, or pass the path of your copy.")


def require_data(path: Path, *files: str) -> Path:
    """Return ``path`` when it is a folder holding ``files`` (or, with no ``files``, an existing file); otherwise
    stop the benchmark with a message naming the missing path and where the data comes from."""
    wanted = [path / name for name in files] if files else [path]
    missing = [p for p in wanted if not p.is_file()]
    if missing:
        names = ", ".join(str(p.resolve()) for p in missing)
        raise SystemExit(f"benchmark data not found: {names}\n{WHERE_FROM}")
    return path
