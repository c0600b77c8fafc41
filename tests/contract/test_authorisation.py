"""The authorisation matrix (docs/authorisation.yaml), sent cell by cell to every service and page, in process.

Every operation of the committed OpenAPI documents and every page of the portal's URL map must have a row; every
row is sent as every role of the matrix and must get the status its cell names; a row that ``reveals`` something
must show it to the roles it names and to nobody else; and docs/authorisation.md must show this very matrix.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.contract.calls import API, PAGES, Call
from tests.contract.world import FORGED, World, build_world

ROOT = Path(__file__).resolve().parents[2]
MATRIX = yaml.safe_load((ROOT / "docs" / "authorisation.yaml").read_text(encoding="utf-8"))
COLUMNS = list(MATRIX["columns"])
API_ROWS = {row["call"]: row for row in MATRIX["api"]}
PAGE_ROWS = {row["call"]: row for row in MATRIX["pages"]}
METHODS = ("get", "put", "post", "delete", "patch")
# Not pages: the portal's health probes and its OpenAPI document (every service has them, none is secret).
NOT_PAGES = {"GET /healthz", "GET /readyz", "GET /api/v1/openapi.json"}


def documented_operations() -> set[str]:
    """Return "METHOD /path" of every operation in the committed OpenAPI documents."""
    found = set()
    for document in sorted((ROOT / "contracts" / "openapi").glob("*.json")):
        for path, item in json.loads(document.read_text(encoding="utf-8"))["paths"].items():
            found |= {f"{method.upper()} {path}" for method in item if method in METHODS}
    return found


def operation(call: str) -> str:
    """Return the operation of a row's call, without its [case]."""
    return call.split(" [")[0]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = build_world(tmp_path_factory.mktemp("authorisation"))
    yield world
    world.embedded.shutdown()


def send_api(world: World, role: str, call: Call):
    kwargs = {"data": call.data} if call.data is not None else {"json": call.json}
    return world.call(role, call.method, call.path, query_string=call.query, headers=call.headers, **kwargs)


def send_page(world: World, role: str, call: Call):
    browser = world.browser(role)
    if call.method == "GET":
        return browser.get(call.path, query_string=call.query)
    response = browser.open(call.path, method=call.method, data={"csrf_token": world.page_csrf(role), **call.form})
    if call.path == "/signout":
        world.browsers.pop(role, None)  # that browser is signed out now
    return response


def check_row(world: World, row: dict, builder, send, identities) -> list[str]:
    """Send one row as every role and return what differs from the matrix."""
    wrong = []
    reveals = row.get("reveals")
    world.settle()  # what the previous rows published is applied everywhere before this row is asked
    for column in COLUMNS:
        for role in identities(column):
            response = send(world, role, builder(world))
            expected = row["expect"][column]
            if response.status_code != expected:
                wrong.append(f"{column} ({role}): got {response.status_code}, the matrix says {expected}: "
                             f"{response.get_data(as_text=True)[:200]}")
            elif reveals and response.status_code < 300:
                shown = world.ids[reveals["thing"]] in response.get_data(as_text=True)
                if shown != (column in reveals["to"]):
                    wrong.append(f"{column}: {reveals['thing']} {'shown' if shown else 'missing'}")
    return wrong


def test_every_operation_of_every_openapi_document_has_a_row_and_every_row_an_operation():
    rows = {operation(call) for call in API_ROWS}
    assert documented_operations() - rows == set(), "operations without a row in docs/authorisation.yaml"
    assert rows - documented_operations() == set(), "rows naming no documented operation"


def test_every_page_of_the_portal_has_a_row_and_every_row_a_page(world):
    portal = world.embedded.containers["portal"].extras["local_apps"]["portal"]
    pages = {f"{method} {rule.rule}" for rule in portal.url_map.iter_rules()
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"}) if not rule.rule.startswith("/api/")}
    pages -= NOT_PAGES
    assert pages - set(PAGE_ROWS) == set(), "pages without a row in docs/authorisation.yaml"
    assert set(PAGE_ROWS) - pages == set(), "rows naming no page"


def test_every_row_names_every_column_and_has_a_request_to_send():
    for rows, builders in ((API_ROWS, API), (PAGE_ROWS, PAGES)):
        assert set(rows) == set(builders), "rows and tests/contract/calls.py name different calls"
        for call, row in rows.items():
            assert list(row["expect"]) == COLUMNS, call
            assert set(row.get("reveals", {}).get("to", [])) <= set(COLUMNS), call


@pytest.mark.parametrize("call", list(API_ROWS))
def test_each_api_call_gets_the_status_the_matrix_names_for_every_role(world, call):
    def identities(column):
        return FORGED if column == "forged" else (column,)  # each way of forging a token gets the same answer

    assert check_row(world, API_ROWS[call], API[call], send_api, identities) == []


@pytest.mark.parametrize("call", list(PAGE_ROWS))
def test_each_page_gets_the_status_the_matrix_names_for_every_role(world, call):
    assert check_row(world, PAGE_ROWS[call], PAGES[call], send_page, lambda column: (column,)) == []


def test_a_signed_out_person_is_sent_to_sign_in_and_back_to_the_page_they_asked_for(world):
    response = world.browser("anonymous").get("/workspace/people/new")
    assert response.status_code == 302 and response.location.endswith("/signin?next=/workspace/people/new")


def test_the_document_shows_the_matrix():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "authorisation_doc.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
