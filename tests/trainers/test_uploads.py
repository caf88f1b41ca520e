"""app.core.uploads: the real type from the bytes, sizes, thumbnails, safe paths."""

import pytest
from PIL import Image

from app.core import uploads
from app.core.uploads import UploadError
from tests.trainers.support import file_storage, image_bytes, open_image, pdf_bytes, stored_files


@pytest.fixture(autouse=True)
def english(app, db):
    with app.test_request_context(headers={"Cookie": "cupo_lang=en"}):
        yield


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (image_bytes(fmt="PNG"), "image/png"),
        (image_bytes(fmt="JPEG"), "image/jpeg"),
        (image_bytes(fmt="WEBP"), "image/webp"),
        (pdf_bytes(), "application/pdf"),
        (image_bytes(fmt="GIF"), None),
        (b"<html><script>alert(1)</script>", None),
        (b"", None),
    ],
    ids=["png", "jpeg", "webp", "pdf", "gif", "html", "empty"],
)
def test_sniff_reads_the_type_from_the_bytes(data, expected):
    assert uploads.sniff(data) == expected


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_store_photo_makes_a_512_jpeg_from_each_photo_type(uploads_dir, fmt):
    stored = uploads.store_photo(file_storage(image_bytes((300, 900), fmt=fmt)))

    image = open_image(uploads_dir / stored.path)
    assert (image.format, image.size, image.mode) == ("JPEG", (512, 512), "RGB")
    assert stored.path.startswith("photos/")
    assert (stored.content_type, stored.size_bytes) == (
        "image/jpeg",
        (uploads_dir / stored.path).stat().st_size,
    )


def test_store_photo_accepts_exactly_5_mb(uploads_dir):
    data = image_bytes((64, 64))
    data += b"\0" * (uploads.PHOTO_MAX_BYTES - len(data))  # trailing bytes after IEND

    stored = uploads.store_photo(file_storage(data))

    assert open_image(uploads_dir / stored.path).size == (512, 512)


def test_store_photo_refuses_an_image_with_too_many_pixels(uploads_dir):
    data = image_bytes((8000, 8000), mode="1", colour=1)

    with pytest.raises(UploadError, match="The image is too large"):
        uploads.store_photo(file_storage(data))

    assert stored_files(uploads_dir) == []


def test_store_photo_keeps_palette_images_with_transparency_readable(uploads_dir):
    image = Image.new("P", (100, 100), 0)
    image.info["transparency"] = 0
    data = image_bytes()
    from io import BytesIO

    out = BytesIO()
    image.save(out, "PNG", transparency=0)
    data = out.getvalue()

    stored = uploads.store_photo(file_storage(data))

    assert open_image(uploads_dir / stored.path).size == (512, 512)


def test_stored_names_are_random(uploads_dir):
    first = uploads.store_document(file_storage(pdf_bytes(), "same.pdf"))
    second = uploads.store_document(file_storage(pdf_bytes(), "same.pdf"))

    assert first.path != second.path
    assert "same" not in first.path
    assert len(stored_files(uploads_dir)) == 2


@pytest.mark.parametrize("path", ["../secret", "/etc/passwd", "photos/../../x", ""])
def test_absolute_path_refuses_paths_outside_the_folder(path):
    assert path == "" or uploads.absolute_path(path) is None


def test_delete_file_ignores_paths_outside_the_folder(tmp_path, uploads_dir):
    outside = tmp_path / "keep.txt"
    outside.write_text("keep")

    uploads.delete_file("../keep.txt")
    uploads.delete_file("photos/missing.jpg")
    uploads.delete_file(None)

    assert outside.read_text() == "keep"


def test_upload_root_reads_a_relative_folder_from_the_project_root(app, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", "instance/uploads")

    assert uploads.upload_root() == uploads.ROOT / "instance" / "uploads"
