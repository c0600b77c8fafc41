"""Installable on a phone: the web app manifest, its icons, a service worker that keeps only the look of the pages
and an offline page (never a page with people's data), and pages that stay light."""

import gzip
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from services.portal import web
from services.portal.adapters.memory import match_item
from tests.unit.portal.workspace_helpers import add_person, add_vacancy, place, rank, text

HARNESS = Path(__file__).with_name("sw_harness.js")


def test_the_manifest_describes_an_installable_app_that_opens_on_the_counsellors_list(visitor):
    response = visitor.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "Puente" and manifest["short_name"] == "Puente"
    assert manifest["start_url"] == "/workspace/" and manifest["display"] == "standalone"
    assert manifest["theme_color"] == web.THEME_COLOUR == "#123c69" and manifest["lang"] == "en"
    assert {i["sizes"] for i in manifest["icons"]} == {"any", "192x192", "512x512"}
    spanish = visitor.get("/manifest.webmanifest", headers={"Accept-Language": "es"})
    assert json.loads(spanish.data)["description"] == "Puente conecta a personas migrantes con empleos decentes."


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_icon_the_manifest_names_is_served_with_its_declared_size_and_type(visitor):
    for icon in json.loads(visitor.get("/manifest.webmanifest").data)["icons"]:
        response = visitor.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == icon["type"], icon
        if icon["type"] == "image/png":
            width, height = png_size(response.data)
            assert f"{width}x{height}" == icon["sizes"]
        else:
            assert b"<svg" in response.data and b'viewBox="0 0 512 512"' in response.data


def test_every_page_links_the_manifest_the_theme_colour_the_icons_and_the_worker(visitor, counsellor):
    for client, path in ((visitor, "/"), (visitor, "/signin"), (counsellor, "/workspace/")):
        page = text(client.get(path))
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, path
        assert '<meta name="theme-color" content="#123c69">' in page and 'data-sw="/sw.js"' in page, path
        assert 'rel="apple-touch-icon" href="/assets/portal/icons/icon-192.png"' in page, path
    script = text(visitor.get("/assets/portal/portal.js"))
    assert "navigator.serviceWorker.register(worker" in script


def test_the_service_worker_is_served_from_the_root_filled_in_and_checked_on_every_visit(visitor):
    response = visitor.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["Service-Worker-Allowed"] == "/"
    source = text(response)
    assert "__VERSION__" not in source and "__ASSETS__" not in source and "__OFFLINE__" not in source
    assets = json.loads(source.split("var ASSETS = ")[1].split(";")[0])
    assert assets == [f"/assets/portal/{name}" for name in web.OFFLINE_ASSETS]
    for path in (*assets, "/offline"):  # one missing file would make the worker's installation fail
        assert visitor.get(path).status_code == 200, path
    assert f'var CACHE = "puente-{web.offline_version()}";' in source


def test_a_changed_stylesheet_gives_a_new_worker_version(tmp_path, monkeypatch):
    copy = tmp_path / "static"
    shutil.copytree(web.STATIC, copy)
    monkeypatch.setattr(web, "STATIC", copy)
    before = web.offline_version()
    (copy / "portal.css").write_text((copy / "portal.css").read_text() + "\n.new { color: red; }\n")
    assert web.offline_version() != before


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js to run the service worker")
def test_the_worker_keeps_the_assets_and_the_offline_page_and_never_a_page(visitor, tmp_path):
    worker = tmp_path / "sw.js"
    worker.write_bytes(visitor.get("/sw.js").data)
    run = subprocess.run(["node", str(HARNESS), str(worker)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    kept = sorted([f"/assets/portal/{name}" for name in web.OFFLINE_ASSETS] + ["/offline"])
    assert sorted(out["installed"]) == kept
    assert out["caches"] == ["other-app", f"puente-{web.offline_version()}"]  # the old version's cache is gone
    assert out["page_online"] == {"path": "/workspace/", "body": "network /workspace/"}
    assert out["stored_after_pages"] == kept and out["stored_at_end"] == kept  # no page was ever stored
    assert out["asset"]["path"] == "/assets/portal/portal.css" and out["asset_from_network"] is False
    assert out["page_offline"]["path"] == "/offline"
    assert out["unknown_offline"] is None and out["post"] is None and out["other_origin"] is None


def test_the_offline_page_names_nobody_and_holds_no_form_even_for_someone_signed_in(counsellor):
    response = counsellor.get("/offline", headers={"Accept-Language": "pt"})
    page = text(response)
    assert response.status_code == 200 and "Sem conexão" in page
    for private in ("csrf_token", "orientacion@centro-cucuta.example", "Centro de orientación", "<form",
                    "Sign out", "Sair"):
        assert private not in page
    assert response.headers["Cache-Control"] == "no-cache"


def test_the_queue_page_stays_light_on_a_slow_connection(counsellor, profiles, fake, matching, capsys):
    vacancy = add_vacancy(fake, profiles, "Cocinero")
    for n in range(30):
        pid = add_person(profiles, f"Persona{n:02d}", "Apellido Largo", contact_days_ago=40 if n % 5 == 0 else 0,
                         desired_occupations=["5120"])
        if n % 6 == 1:
            place(profiles, pid, vacancy, "introduced", "applied", "interview")
        if n % 4 == 2:
            rank(matching, pid, match_item(vacancy, 0.8))
    page = counsellor.get("/workspace/")
    assert page.status_code == 200 and page.data.count(b'class="person-row"') == 20
    html = len(page.data)
    css, js = (len(counsellor.get(f"/assets/portal/{name}").data) for name in ("portal.css", "portal.js"))
    zipped = len(gzip.compress(page.data))
    with capsys.disabled():
        print(f"\nqueue page: {html} bytes of HTML ({zipped} gzipped), portal.css {css}, portal.js {js}; "
              f"first visit {html + css + js} bytes, later visits {html} (assets from the worker's cache)")
    assert html < 40_000 and html + css + js < 60_000
