"""app.core.uploads: the real type from the bytes, sizes, thumbnails, safe paths."""

import pytest
from PIL import Image, ImageFile

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


@pytest.fixture
def decoder_calls(monkeypatch):
    """Every call that decodes pixels: `load()` and the codec Pillow fetches for it."""
    calls = []
    real_load, real_getdecoder = ImageFile.ImageFile.load, Image._getdecoder

    def load(self):
        calls.append(("load", self.size))
        return real_load(self)

    def getdecoder(mode, decoder_name, *args, **kwargs):
        calls.append(("decoder", decoder_name))
        return real_getdecoder(mode, decoder_name, *args, **kwargs)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image, "_getdecoder", getdecoder)
    return calls


def huge_png() -> bytes:
    """A real 7000×7000 PNG of one colour: 49 megapixels in a few kilobytes."""
    data = image_bytes((7000, 7000), mode="1", colour=1, optimize=True)
    assert len(data) < 200 * 1024
    return data


def test_store_photo_refuses_a_7000_square_png_from_its_header_without_decoding(
    uploads_dir, decoder_calls
):
    with pytest.raises(UploadError) as refused:
        uploads.store_photo(file_storage(huge_png()))

    assert str(refused.value) == (
        "The image has too many pixels: at most 16 megapixels. Use a smaller picture."
    )
    assert decoder_calls == []
    assert stored_files(uploads_dir) == []


@pytest.mark.parametrize(
    ("store", "megapixels"),
    [(uploads.store_logo, 16), (uploads.store_document, 25)],
    ids=["logo", "certificate"],
)
def test_logo_and_certificate_images_are_refused_over_their_pixels_without_decoding(
    uploads_dir, decoder_calls, store, megapixels
):
    with pytest.raises(UploadError, match=f"at most {megapixels} megapixels"):
        store(file_storage(huge_png()))

    assert decoder_calls == []
    assert stored_files(uploads_dir) == []


def test_store_photo_refuses_pillows_decompression_bombs_as_too_many_pixels(uploads_dir):
    data = image_bytes((10000, 10000), mode="1", colour=1, optimize=True)  # over Pillow's ceiling

    with pytest.raises(UploadError, match="at most 16 megapixels"):
        uploads.store_photo(file_storage(data))

    assert stored_files(uploads_dir) == []


def test_store_photo_decodes_a_photo_of_a_12_megapixel_phone(uploads_dir, decoder_calls):
    stored = uploads.store_photo(file_storage(image_bytes((4032, 3024), fmt="JPEG")))

    assert open_image(uploads_dir / stored.path).size == (512, 512)
    assert ("load", (4032, 3024)) in decoder_calls  # the spy sees a real decode


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
