"""Bulk import: a per-row report, bad rows never sink the batch, and the same file creates nothing twice."""

import io
import json

from rich.console import Console

from services.profiles.bulk import import_file
from tests.unit.profiles.factories import LIMA, make_service

HEADER = ("given_names,family_names,date_of_birth,nationalities,document_type,document_number,document_country,"
          "phone,country,city,languages,skills_text,skills,experience_title,experience_occupation,"
          "desired_occupations,availability,consent_matching,consent_introductions,consent_statistics\n")
CSV = HEADER + (
    "Wilmer,Arias,1989-02-11,VE,national_id,V-20.111.222,VE,+51 912 000 111,PE,Lima,es:native;en:A1,"
    "Pañete y muros,S1001;S1002,Albañil,7112,7112,immediate,sí,no,sí\n"
    "Nadège,Joseph,1994-10-03,HT,passport,HT7654321,HT,,PE,Lima,ht:native;fr:C1;es:A2,"
    "Cocina,S3001,,,5120,within_month,oui,oui,non\n"
    ",SinNombre,2030-01-01,VE,,,,,XX,,es:native,,S9999,,,,,sí,sí,sí\n"
    "Wilmer José,Arias,1989-02-11,VE,national_id,20111222,VE,,PE,Lima,es:native,,,,,,,sí,sí,sí\n"
)


def quiet():
    return Console(file=io.StringIO(), force_terminal=False)


def test_a_csv_file_is_imported_row_by_row_with_a_report(tmp_path):
    path = tmp_path / "centro.csv"
    path.write_text(CSV, encoding="utf-8")
    profiles, store = make_service()
    report = import_file(profiles, path, LIMA, lang="es", console=quiet())
    assert [r.status for r in report.rows] == ["created", "created", "invalid", "duplicate"]
    assert report.counts == {"created": 2, "invalid": 1, "duplicate": 1}
    bad = {e["pointer"] for e in report.rows[2].errors}
    assert "/identity/given_names" in bad
    assert report.rows[3].profile_id == report.rows[0].profile_id  # same cédula: not registered twice
    assert len(store.profiles) == 2 and len(store.events) == 2
    nadege = store.profiles[report.rows[1].profile_id]
    assert [lang.code for lang in nadege.details.languages] == ["ht", "fr", "es"]
    assert nadege.consents_to("introductions") and not nadege.consents_to("statistics")


def test_importing_the_same_file_again_creates_nothing(tmp_path):
    path = tmp_path / "centro.csv"
    path.write_text(CSV, encoding="utf-8")
    profiles, store = make_service()
    import_file(profiles, path, LIMA, console=quiet())
    again = import_file(profiles, path, LIMA, console=quiet())
    assert [r.status for r in again.rows] == ["already_imported", "already_imported", "invalid", "duplicate"]
    assert len(store.profiles) == 2 and len(store.events) == 2


def test_json_lines_rows_use_the_api_shape_and_a_broken_line_is_only_that_line(tmp_path):
    good = {"identity": {"given_names": "Kelly", "family_names": "Baptiste", "date_of_birth": "1990-01-01"},
            "location": {"country": "BR", "city": "Boa Vista"}, "skills": ["S4003"],
            "consents": {"matching": True, "introductions": False, "statistics": False}}
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "extra": 1}) + "\n", encoding="utf-8")
    profiles, store = make_service()
    console = quiet()
    report = import_file(profiles, path, LIMA, lang="pt", console=console)
    assert [r.status for r in report.rows] == ["created", "invalid", "invalid"]
    assert report.rows[2].errors == [{"pointer": "/extra", "reason": "Campo desconhecido."}]
    assert len(store.profiles) == 1
    assert "feed.jsonl" in console.file.getvalue()  # the progress bar was drawn
    assert [json.loads(line)["status"] for line in report.to_jsonl().splitlines()] == ["created", "invalid",
                                                                                     "invalid"]


def test_a_row_with_a_control_character_in_any_text_is_refused_on_that_field_and_the_rest_imported(tmp_path):
    path = tmp_path / "centro.csv"
    rows = CSV.splitlines(keepends=True)
    rows[1] = rows[1].replace("Pañete y muros", "Pañete\x00y muros")
    path.write_text("".join(rows[:3]), encoding="utf-8")
    profiles, store = make_service()
    report = import_file(profiles, path, LIMA, lang="es", console=quiet())
    assert [r.status for r in report.rows] == ["invalid", "created"]
    assert report.rows[0].errors == [{"pointer": "/skills_text",
                                      "reason": "Quite los caracteres de control (como NUL o escape) de este texto."}]
    assert len(store.profiles) == 1
