"""Every list exports as CSV and XLSX with the rows and columns its page shows for the same filters, and an
anonymised file holds pseudonyms instead of names, contacts and documents; driven through the pages, on fakes."""

import csv
import io
import re
from datetime import UTC, datetime

import openpyxl
import pytest

from services.portal.accounts import Organisation
from services.portal.adapters.memory import match_item
from services.portal.exports import Sheet, pseudonym, render, safe_text
from tests.unit.portal.conftest import OTHER_CENTRE, signed_in_as
from tests.unit.portal.workspace_helpers import (
    EMPLOYER_ID,
    OTHER_CENTRE_ID,
    add_person,
    add_vacancy,
    place,
    rank,
    text,
)

EMPLOYER_ORG = Organisation(EMPLOYER_ID, "Constructora Andina", "employer")
TAG = re.compile(r"<[^>]+>")


def plain(html: str) -> str:
    """Return the text of an HTML fragment, whitespace squeezed."""
    return " ".join(TAG.sub(" ", html).replace("&amp;", "&").replace("&#39;", "'").split())


def csv_rows(response) -> list[dict]:
    """Return the rows of a CSV export (which starts with a byte-order mark for spreadsheet programs)."""
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:])))


def xlsx_rows(response) -> tuple[list[dict], dict]:
    """Return the rows of an XLSX export's first sheet and its filters sheet as a dict."""
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    first, filters = book.worksheets
    values = list(first.iter_rows(values_only=True))
    headers = values[0]
    rows = [{h: ("" if v is None else v) for h, v in zip(headers, row, strict=True)} for row in values[1:]]
    return rows, {row[0]: row[1] for row in filters.iter_rows(min_row=2, values_only=True)}


def screen_people(client, path: str) -> list[dict]:
    """Return the people rows a counsellor sees on the list, following its "Next page" links."""
    rows = []
    while path:
        page = text(client.get(path))
        for block in page.split('<li class="person-row">')[1:]:
            block = block.split("</li>")[0]
            name = plain(re.search(r"<h3>(.*?)</h3>", block, re.S).group(1))
            paragraphs = re.findall(r"<p( class=\"hint\")?>(.*?)</p>", block, re.S)
            facts = plain(paragraphs[0][1])
            occupations = plain(paragraphs[1][1]) if len(paragraphs) > 1 else ""
            rows.append({"name": name, "facts": facts, "occupations": occupations})
        following = re.search(r'href="(/workspace/\?cursor=[^"]+)"', page)
        path = following.group(1).replace("&amp;", "&") if following else None
    return rows


def expected_facts(row: dict) -> str:
    place_ = f'{row["City"]}, {row["Country"]}' if row["City"] else row["Country"]
    return " ".join(p for p in (row["Stage"], place_) if p)


@pytest.fixture
def centre_people(profiles, fake):
    """Twenty-five people of the Cúcuta centre (more than a page), a few in the pipeline, and one elsewhere."""
    vacancy = add_vacancy(fake, profiles, "Cocinero")
    ids = []
    for n in range(25):
        languages = [{"code": "es", "level": "native"}] + ([{"code": "en", "level": "B1"}] if n % 3 == 0 else [])
        ids.append(add_person(profiles, f"Persona{n:02d}", f"Apellido{n:02d}", languages=languages,
                              desired_occupations=["5120"] if n % 2 else [], **(
                                  {"location": {"country": "CO", "city": "Cúcuta" if n % 4 else None,
                                                "willing_to_relocate": False, "relocation_countries": []}})))
    for pid in ids[:3]:
        place(profiles, pid, vacancy, "introduced")
    add_person(profiles, "Ajena", "Otrocentro", centre=OTHER_CENTRE_ID)
    return ids


# -- the centre's people ----------------------------------------------------------------------------------
def test_the_people_export_holds_every_row_of_the_list_across_its_pages_in_its_order(counsellor, centre_people):
    screen = screen_people(counsellor, "/workspace/?language=es")
    assert len(screen) == 25  # two pages on screen
    exported = csv_rows(counsellor.get("/workspace/export.csv?language=es"))
    assert [r["Person"] for r in exported] == [s["name"] for s in screen]
    assert [expected_facts(r) for r in exported] == [s["facts"].split(" · ")[0] for s in screen]
    assert [r["Occupations"] for r in exported] == [s["occupations"] for s in screen]
    assert {r["Last contact"] for r in exported} == {datetime.now(UTC).date().isoformat()}
    assert list(exported[0]) == ["Person", "Stage", "City", "Country", "Last contact", "Occupations"]
    assert "Ajena Otrocentro" not in {r["Person"] for r in exported}


@pytest.mark.parametrize("query", ["language=en", "stage=introduced", "occupation=5120&language=en",
                                   "q=Persona1"])
def test_the_people_export_holds_exactly_the_rows_the_list_shows_for_the_same_filters(counsellor, centre_people,
                                                                                      query):
    screen = screen_people(counsellor, f"/workspace/?{query}")
    assert 0 < len(screen) < 25
    for fmt in ("csv", "xlsx"):
        response = counsellor.get(f"/workspace/export.{fmt}?{query}")
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)[0]
        assert [r["Person"] for r in rows] == [s["name"] for s in screen], fmt
        assert [expected_facts(r) for r in rows] == [s["facts"].split(" · ")[0] for s in screen], fmt


def test_the_xlsx_export_names_its_filters_and_holds_dates_as_dates(counsellor, centre_people):
    rows, filters = xlsx_rows(counsellor.get("/workspace/export.xlsx?stage=introduced&language=en"))
    assert len(rows) == 1 and rows[0]["Stage"] == "Introduced"
    assert filters["Stage"] == "Introduced" and filters["Speaks"] == "English"
    assert filters["Anonymised"] == "No" and filters["Centre"] == "Centro de orientación Cúcuta"
    assert isinstance(rows[0]["Last contact"], datetime)


def test_the_anonymised_people_export_holds_no_name_phone_email_or_document(counsellor, profiles, centre_people):
    person = profiles.profiles[centre_people[0]]
    person["identity"]["email"] = "persona00@correo.example"
    for fmt in ("csv", "xlsx"):
        response = counsellor.get(f"/workspace/export.{fmt}?anonymised=1&q=Persona00")
        raw = response.data.decode("utf-8", "replace") if fmt == "csv" else xlsx_dump(response)
        for secret in ("Persona00", "Apellido00", "+57 300 123 4567", "573001234567", "VE-1234567",
                       "persona00@correo.example", centre_people[0]):
            assert secret not in raw, (fmt, secret)
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)[0]
        assert [r["Person"] for r in rows] == [pseudonym(app_key(counsellor), "centre-cucuta", centre_people[0])]
        assert response.headers["Content-Disposition"].startswith('attachment; filename="people-anonymised-')


def xlsx_dump(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    return "\n".join(str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row)


def app_key(client) -> str:
    return client.application.config["SECRET_KEY"]


def test_a_person_keeps_one_pseudonym_in_their_centres_exports_and_another_centre_cannot_link_it(app, counsellor,
                                                                                               centre_people):
    first = csv_rows(counsellor.get("/workspace/export.csv?anonymised=1"))
    again = csv_rows(counsellor.get("/workspace/export.csv?anonymised=1&language=en"))
    assert set(r["Person"] for r in again) <= set(r["Person"] for r in first)
    assert len({r["Person"] for r in first}) == 25 and all(re.fullmatch(r"P-[0-9A-F]{10}", r["Person"])
                                                           for r in first)
    key = app_key(counsellor)
    assert pseudonym(key, "centre-cucuta", centre_people[0]) != pseudonym(key, "centre-lima", centre_people[0])


def test_an_export_is_never_cached_and_says_it_is_a_file_to_download(counsellor, centre_people):
    response = counsellor.get("/workspace/export.xlsx")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith(f'{datetime.now(UTC).date().isoformat()}.xlsx"')
    assert counsellor.get("/workspace/export.pdf").status_code == 404


def test_an_export_with_a_filter_the_list_refuses_goes_back_to_the_list_which_says_why(counsellor, centre_people):
    response = counsellor.get("/workspace/export.csv?occupation=zzzzqqq")
    assert response.status_code == 302 and "occupation=zzzzqqq" in response.location
    assert "We do not know this occupation" in text(counsellor.get(response.location))


def test_the_list_links_to_its_exports_with_its_own_filters(counsellor, centre_people):
    page = text(counsellor.get("/workspace/?language=en&stage=introduced"))
    assert 'href="/workspace/export.csv?language=en&amp;stage=introduced"' in page
    assert 'href="/workspace/export.xlsx?anonymised=1&amp;language=en&amp;stage=introduced"' in page


def test_only_counsellors_export_people_and_only_their_own_centres(app, counsellor, visitor, profiles, centre_people):
    employer = signed_in_as(app, "rrhh@constructora.example", "employer", EMPLOYER_ORG)
    assert employer.get("/workspace/export.csv").status_code == 403
    assert visitor.get("/workspace/export.csv").status_code == 302
    lima = signed_in_as(app, "orientacion@centro-lima.example", "counsellor", OTHER_CENTRE)
    assert [r["Person"] for r in csv_rows(lima.get("/workspace/export.csv"))] == ["Ajena Otrocentro"]
    assert lima.get(f"/workspace/people/{centre_people[0]}/matches/export.csv").status_code == 404


# -- a person's matches -----------------------------------------------------------------------------------
def screen_matches(client, path: str) -> list[dict]:
    """Return the matches a counsellor sees, following the "More matches" links."""
    rows = []
    while path:
        page = text(client.get(path))
        for block in page.split('<li class="match')[1:]:
            block = block.split("</ol>")[0]
            head = plain(re.search(r"<h2>(.*?)</h2>", block, re.S).group(1))
            hint = plain(re.search(r'<p class="hint">(.*?)</p>', block, re.S).group(1))
            tags = [plain(t) for t in re.findall(r'<span class="tag[^"]*">(.*?)</span>', block, re.S)]
            pay = re.search(r"<dt>Pay</dt>\s*<dd>([\d,]+) (\w+) a month", block)
            rows.append({"rank": head.split(".")[0], "title": head.split(". ", 1)[1], "hint": hint, "tags": tags,
                         "pay": pay.group(1).replace(",", "") if pay else "", "currency": pay.group(2) if pay else ""})
        following = re.search(r'href="(/workspace/people/[^"]+/matches\?at=[^"]+)"', page)
        path = following.group(1).replace("&amp;", "&") if following else None
    return rows


@pytest.fixture
def ranked_person(profiles, fake, matching):
    """A person with fourteen ranked vacancies in three countries, some blocked, some in another trade."""
    pid = add_person(profiles, "Yolanda", "Castillo")
    items = []
    for n in range(14):
        country = ("CO", "PE", "CL")[n % 3]
        vid = add_vacancy(fake, profiles, f"Trabajo {n:02d}", country=country, city=f"Ciudad{n}",
                          amount=1_500_000 + n * 10_000)
        blockers = ({"code": "language", "message": "Needs B2 Spanish", "next_step": "A course"},) if n % 4 == 3 else ()
        items.append(match_item(vid, 0.9 - n / 100, blockers=blockers, matched=("S4501",), missing=("S9",),
                                distance=0 if n % 5 else 3))
    place(profiles, pid, items[1]["vacancy_id"])
    rank(matching, pid, *items)
    return pid


@pytest.mark.parametrize("query", ["", "eligible=1", "country=CO", "eligible=1&country=PE&trade=same"])
def test_a_persons_matches_export_holds_the_matches_the_page_shows_for_the_same_filters(counsellor, ranked_person,
                                                                                        query):
    path = f"/workspace/people/{ranked_person}/matches"
    screen = screen_matches(counsellor, f"{path}?{query}" if query else path)
    assert screen
    for fmt in ("csv", "xlsx"):
        response = counsellor.get(f"{path}/export.{fmt}?{query}")
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)[0]
        assert [str(r["Rank"]) for r in rows] == [s["rank"] for s in screen], fmt
        assert [r["Job"] for r in rows] == [s["title"] for s in screen], fmt
        assert [f'{r["Employer"]} · {r["City"]}, {r["Country"]}' for r in rows] == [
            s["hint"].split(" · posted")[0] for s in screen], fmt
        assert [str(r["Pay a month"]) for r in rows] == [s["pay"] for s in screen], fmt
        for row, seen in zip(rows, screen, strict=True):
            assert (row["Can apply now"] == "Yes") == ("Can apply now" in seen["tags"])
            assert row["Trade"] in seen["tags"] and (not row["Stage"] or row["Stage"] in seen["tags"])
        assert all(r["Person"] == "Yolanda Castillo" for r in rows)


def test_the_matches_export_says_what_blocks_a_job_and_the_anonymised_one_names_no_one(counsellor, ranked_person):
    rows = csv_rows(counsellor.get(f"/workspace/people/{ranked_person}/matches/export.csv"))
    blocked = [r for r in rows if r["Can apply now"] == "No"]
    assert blocked and all(r["What stands in the way"] == "Needs B2 Spanish Next step: A course" for r in blocked)
    assert rows[1]["Stage"] == "Proposed" and rows[0]["Skills they have"] == "S4501"
    hidden = counsellor.get(f"/workspace/people/{ranked_person}/matches/export.xlsx?anonymised=1")
    dump = xlsx_dump(hidden)
    assert "Yolanda" not in dump and "Castillo" not in dump and ranked_person not in dump
    assert "Yolanda" not in hidden.headers["Content-Disposition"]


# -- the employer's lists ---------------------------------------------------------------------------------
def employer_with_candidates(app, profiles, fake, matching):
    employer = signed_in_as(app, "rrhh@constructora.example", "employer", EMPLOYER_ORG)
    vacancy = add_vacancy(fake, profiles, "Albañil de obra")
    introduced = add_person(profiles, "Inés", "Introducida", languages=[{"code": "es", "level": "native"}])
    profiles.profiles[introduced]["identity"]["email"] = "ines@correo.example"
    suggested = add_person(profiles, "Sonia", "Sugerida")
    matching.owners[vacancy] = EMPLOYER_ID
    matching.ranked[vacancy] = [
        match_item(vacancy, 0.8, matched=("S4501",), languages=({"code": "es", "required": "B1"},))
        | {"profile_id": suggested},
        match_item(vacancy, 0.45, missing=("S9",)) | {"profile_id": "p-other"},
        match_item(vacancy, 0.7) | {"profile_id": introduced}]
    place(profiles, introduced, vacancy, "introduced")
    return employer, vacancy, introduced, suggested


def test_the_candidates_export_holds_the_introduced_and_the_suggested_as_the_page_shows_them(
        app, profiles, fake, matching):
    employer, vacancy, introduced, suggested = employer_with_candidates(app, profiles, fake, matching)
    page = text(employer.get(f"/employer/vacancies/{vacancy}/candidates"))
    shown = [plain(h) for h in re.findall(r"<h3>(.*?)</h3>", page, re.S)]
    assert shown == ["Inés Introducida", "Candidate 1", "Candidate 2"]
    rows = csv_rows(employer.get(f"/employer/vacancies/{vacancy}/candidates/export.csv"))
    assert [r["Candidate"] for r in rows] == shown
    assert rows[0]["Phone"] == "+57 300 123 4567" and rows[0]["Email address"] == "ines@correo.example"
    assert rows[0]["Stage"] == "Introduced" and rows[0]["Languages"] == "Spanish native"
    assert [r["Fit"] for r in rows[1:]] == ["Strong fit, Same trade", "Good fit, Same trade"]
    assert rows[1]["Languages"] == "Spanish B1" and rows[2]["Skills missing"] == "S9"
    assert [r["List"] for r in rows] == ["Introduced to you", "Suggested candidates", "Suggested candidates"]


def test_the_anonymised_candidates_export_holds_no_name_phone_email_or_profile_id(app, profiles, fake, matching):
    employer, vacancy, introduced, suggested = employer_with_candidates(app, profiles, fake, matching)
    for fmt in ("csv", "xlsx"):
        response = employer.get(f"/employer/vacancies/{vacancy}/candidates/export.{fmt}?anonymised=1")
        raw = response.data.decode("utf-8", "replace") if fmt == "csv" else xlsx_dump(response)
        for secret in ("Inés", "Introducida", "+57 300 123 4567", "ines@correo.example", "VE-1234567", introduced,
                       suggested):
            assert secret not in raw, (fmt, secret)
        rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)[0]
        assert all(re.fullmatch(r"P-[0-9A-F]{10}", r["Candidate"]) for r in rows) and len(rows) == 3


def test_another_employer_cannot_export_a_vacancys_candidates(app, profiles, fake, matching):
    _, vacancy, _, _ = employer_with_candidates(app, profiles, fake, matching)
    fake.vacancies[vacancy]["status"] = "held"
    stranger = signed_in_as(app, "x@other.example", "employer", Organisation("employer-other", "Other", "employer"))
    assert stranger.get(f"/employer/vacancies/{vacancy}/candidates/export.csv").status_code == 404


def test_the_vacancy_export_holds_the_employers_list_with_its_statuses_pay_and_candidates(
        app, profiles, fake, matching):
    employer, vacancy, _, _ = employer_with_candidates(app, profiles, fake, matching)
    held = add_vacancy(fake, profiles, "Cocinero", status="held", amount=500000)
    add_vacancy(fake, profiles, "Ajena", employer="employer-other")
    page = text(employer.get("/employer/vacancies"))
    titles = [plain(t) for t in re.findall(r'<li class="vacancy">\s*<h2>(.*?)</h2>', page, re.S)]
    rows = csv_rows(employer.get("/employer/vacancies/export.csv"))
    assert [r["Job"] for r in rows] == titles == ["Cocinero", "Albañil de obra"]
    by_title = {r["Job"]: r for r in rows}
    assert by_title["Albañil de obra"]["Status"] == "Published" and by_title["Cocinero"]["Status"] == "Held for review"
    assert by_title["Albañil de obra"]["Eligible candidates"] == "3"
    assert by_title["Cocinero"]["Eligible candidates"] == ""
    assert by_title["Cocinero"]["Pay"] == "500000" and by_title["Cocinero"]["Paid"] == "per month"
    assert "Eligible candidates: 3" in page and held in page
    assert 'href="/employer/vacancies/export.xlsx"' in page and "anonymised" not in page


# -- cells a spreadsheet would run ------------------------------------------------------------------------
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text_and_a_phone_number_is_kept():
    assert safe_text("=HYPERLINK(\"http://evil\",\"x\")").startswith("'=")
    assert safe_text("@SUM(A1)") == "'@SUM(A1)" and safe_text("-2+3+cmd|' /C calc'!A0").startswith("'")
    assert safe_text("+57 300 123 4567") == "+57 300 123 4567" and safe_text("Cocinero") == "Cocinero"
    sheet = Sheet("t", [("a", "A")], [{"a": "=1+1"}], [("f", "=2")])
    book = openpyxl.load_workbook(io.BytesIO(render(sheet, "xlsx")))
    cell = book.worksheets[0]["A2"]
    assert cell.data_type == "s" and not str(cell.value).startswith("=")
    assert render(sheet, "csv").decode("utf-8-sig").splitlines()[1] == "'=1+1"


def test_a_hostile_vacancy_title_reaches_the_export_as_text(counsellor, profiles, fake, matching):
    pid = add_person(profiles)
    vid = add_vacancy(fake, profiles, '=HYPERLINK("http://evil.example","Ver")')
    rank(matching, pid, match_item(vid, 0.8))
    rows = csv_rows(counsellor.get(f"/workspace/people/{pid}/matches/export.csv"))
    assert rows[0]["Job"] == '\'=HYPERLINK("http://evil.example","Ver")'
