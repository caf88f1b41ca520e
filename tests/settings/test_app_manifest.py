"""The member app's web manifest and home-screen icons: public, complete, and
made from the gym's logo when it has one (at upload time, removed with it)."""

import io

import pytest
from PIL import Image

from app.core.uploads import APP_ICONS, app_icon_path
from app.settings.models import GymSettings
from app.settings.services import change_logo, remove_logo
from app.settings.views import short_name
from tests.settings.test_logo import logo_files
from tests.trainers.support import file_storage, image_bytes, stored_files

pytestmark = pytest.mark.usefixtures("uploads_dir")

MANIFEST = "/app/manifest.webmanifest"


def _icon(client, src: str) -> Image.Image:
    response = client.get(src)
    assert response.status_code == 200, src
    assert response.mimetype == "image/png"
    assert "public" in response.headers["Cache-Control"]
    return Image.open(io.BytesIO(response.get_data()))


def test_the_manifest_names_the_gym_and_scopes_the_member_app(client, db):
    db.session.add(GymSettings(id=1, gym_name="Cupo Fitness Roma", default_language="es"))
    db.session.commit()

    response = client.get(MANIFEST)

    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    assert "no-cache" in response.headers["Cache-Control"]
    manifest = response.get_json()
    assert manifest["name"] == "Cupo Fitness Roma"
    assert manifest["short_name"] == "Cupo Fitness"
    assert (manifest["start_url"], manifest["scope"], manifest["id"]) == ("/app/", "/app/", "/app/")
    assert manifest["display"] == "standalone"
    assert (manifest["lang"], manifest["dir"]) == ("es", "ltr")
    assert manifest["theme_color"].startswith("#") and manifest["background_color"]


def test_every_icon_is_fetchable_at_the_size_it_claims(client, db):
    icons = client.get(MANIFEST).get_json()["icons"]

    assert {icon.get("purpose", "any") for icon in icons} == {"any", "maskable"}
    assert {icon["sizes"] for icon in icons} >= {"192x192", "512x512"}
    for icon in icons:
        side = int(icon["sizes"].split("x")[0])
        assert _icon(client, icon["src"]).size == (side, side)


def test_a_logo_makes_the_icons_at_upload_and_takes_them_away_when_removed(
    client, db, factories, uploads_dir
):
    admin = factories.admin()
    before = client.get(MANIFEST).get_json()["icons"]
    red = image_bytes((400, 200), colour="red")

    change_logo(file_storage(red), actor=admin)

    logo = db.session.get(GymSettings, 1).logo_path
    assert stored_files(uploads_dir) == logo_files(uploads_dir, logo)
    icons = client.get(MANIFEST).get_json()["icons"]
    assert [i["src"] for i in icons] != [i["src"] for i in before]  # new URLs, no stale cache
    for icon in icons:
        image = _icon(client, icon["src"]).convert("RGB")
        side = image.width
        assert image.getpixel((side // 2, side // 2)) == (255, 0, 0)  # the logo, centred
        assert image.getpixel((1, 1)) == (255, 255, 255)  # on white: no transparency
    maskable = next(i for i in icons if i.get("purpose") == "maskable")
    image = _icon(client, maskable["src"]).convert("RGB")
    # inside the safe zone: the middle 80% holds the whole logo
    assert image.getpixel((int(512 * 0.1) + 2, 256)) == (255, 255, 255)
    assert _icon(client, "/app/icons/apple-touch.png").size == (512, 512)

    remove_logo(actor=admin)

    assert stored_files(uploads_dir) == []
    for name in APP_ICONS:
        assert not (uploads_dir / app_icon_path(logo, name)).exists()
    assert _icon(client, "/app/icons/192.png").size == (192, 192)  # the default again


def test_an_unknown_icon_is_404(client, db):
    assert client.get("/app/icons/1024.png").status_code == 404
    assert client.get("/app/icons/..%2Fsecret.png").status_code == 404


def test_the_member_layout_links_the_manifest_theme_and_touch_icon(client, db, factories, login):
    login(factories.member())

    page = client.get("/app/").get_data(as_text=True)

    assert f'<link rel="manifest" href="{MANIFEST}">' in page
    assert '<meta name="theme-color" content="#206bc4">' in page  # the default
    assert 'rel="apple-touch-icon" href="/app/icons/apple-touch.png' in page


def test_the_manifest_and_the_member_layout_take_the_gyms_theme_colour(
    client, db, factories, login
):
    assert client.get(MANIFEST).get_json()["theme_color"] == "#206bc4"
    db.session.add(GymSettings(id=1, theme_colour="#0b7a3e"))
    db.session.commit()
    login(factories.member())

    manifest = client.get(MANIFEST).get_json()
    page = client.get("/app/").get_data(as_text=True)

    assert manifest["theme_color"] == "#0b7a3e"
    assert manifest["background_color"] == "#ffffff"  # the icons' own white, behind them
    assert '<meta name="theme-color" content="#0b7a3e">' in page


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Cupo", "Cupo"),
        ("Cupo Fitness Roma", "Cupo Fitness"),
        ("Supercalifragilistic", "Supercalifra"),
    ],
)
def test_the_home_screen_label_is_cut_at_a_word(name, short):
    assert short_name(name) == short
