"""A message's files: checked by their bytes, pictures re-encoded without metadata."""

import io

import pytest
from PIL import Image, PngImagePlugin

from app.core import uploads
from tests.trainers.support import file_storage, image_bytes, pdf_bytes


@pytest.fixture
def stored(app, uploads_dir):
    def store(data, name="x"):
        with app.app_context():
            kept = uploads.store_attachment(file_storage(data, name))
        return kept, uploads_dir / kept.path

    return store


def test_png_text_chunks_are_dropped(stored):
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Secret Person")
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "red").save(out, "PNG", pnginfo=info)

    kept, path = stored(out.getvalue())

    assert kept.content_type == "image/png"
    assert "Author" not in Image.open(path).info


def test_webp_keeps_its_type_and_loses_its_exif(stored):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    data = image_bytes((60, 40), "WEBP", exif=exif.tobytes())
    assert Image.open(io.BytesIO(data)).getexif()

    kept, path = stored(data)

    assert kept.content_type == "image/webp"
    assert not Image.open(path).getexif()


def test_a_huge_picture_is_shrunk_to_2560_pixels(stored):
    kept, path = stored(image_bytes((4000, 1000), "JPEG"))

    assert Image.open(path).size == (2560, 640)


def test_a_pdf_is_kept_byte_for_byte(stored):
    data = pdf_bytes()

    kept, path = stored(data, "plan.pdf")

    assert (kept.content_type, path.read_bytes()) == ("application/pdf", data)


def test_a_corrupt_picture_is_refused(stored, uploads_dir):
    broken = image_bytes()[:200]

    with pytest.raises(uploads.UploadError):
        stored(broken)
    assert not any(p.is_file() for p in uploads_dir.rglob("*"))


def test_a_corrupt_picture_is_refused_after_weasyprint_was_loaded(stored, uploads_dir):
    """WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole
    process when imported (a worker that rendered an invoice)."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with pytest.raises(uploads.UploadError):
            stored(image_bytes()[:200])
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    assert not any(p.is_file() for p in uploads_dir.rglob("*"))
