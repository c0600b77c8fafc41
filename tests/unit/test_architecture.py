"""The code's shape: the ground floor (shared/) never reaches up, packages import cheaply, no import cycles."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ("profiles", "vacancies", "credentials", "matching", "insights")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def top_level_imports(path: Path) -> set[str]:
    """Return the modules ``path`` imports when it is loaded (not inside functions or TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for folder in ("shared", "services") for p in (ROOT / folder).rglob("*.py")
            if "migrations" not in p.parts}


def test_shared_imports_nothing_from_services():
    offenders = {name: sorted(i for i in top_level_imports(path) if i.startswith("services"))
                 for name, path in project_modules().items() if name.startswith("shared")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_module_imports_itself_back_through_a_cycle():
    modules = project_modules()
    graph = {name: {i for i in top_level_imports(path) if i in modules and i != name}
             for name, path in modules.items()}
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("service", BACKEND + ("portal",))
def test_importing_a_service_package_or_its_domain_loads_no_web_or_database_library(service):
    targets = [f"services.{service}"] + ([f"services.{service}.domain"]
                                         if (ROOT / "services" / service / "domain").is_dir() else [])
    code = ("import sys, importlib\n"
            f"for t in {targets!r}: importlib.import_module(t)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'kafka', 'torch')))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


CORE = ("__init__.py", "app.py", "domain", "adapters", "usecases.py", "ports.py", "api.py", "schemas.py",
        "events.py", "migrations")


@pytest.mark.parametrize("service", BACKEND)
def test_every_backend_service_has_the_one_core_of_files_and_folders(service):
    folder = ROOT / "services" / service
    assert [name for name in CORE if not (folder / name).exists()] == []
    assert (folder / "adapters" / "memory.py").exists() and (folder / "adapters" / "sql.py").exists()


@pytest.mark.parametrize("service", BACKEND + ("portal",))
def test_init_files_hold_a_docstring_and_no_code(service):
    for init in (ROOT / "services" / service).rglob("__init__.py"):
        body = ast.parse(init.read_text()).body
        assert all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body), init
