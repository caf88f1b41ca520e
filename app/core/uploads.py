"""Uploaded files: checked by their bytes, stored under UPLOAD_FOLDER.

The browser's content type and the file name are never trusted: the real
type is read from the first bytes (magic numbers). Photos are decoded with
Pillow, turned upright, centre-cropped and saved as a 512×512 JPEG; the gym's
logo is shrunk to fit 512×512 and saved as a PNG (transparency kept); documents
are stored as sent. Files get random names under `UPLOAD_FOLDER/<kind>/`,
and callers keep the returned relative path.

A small file can hold a huge image (a 190 KB PNG of 7000×7000 pixels takes
a worker 1.4 s and 460 MB to decode), so every image's size is read from its
header and checked against what its use needs before a pixel is decoded.
"""

import logging
import secrets
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageFile, ImageOps
from werkzeug.security import safe_join

from app.config import ROOT
from app.core.errors import DomainError

log = logging.getLogger(__name__)

MB = 1024 * 1024
PHOTOS = "photos"
CERTIFICATIONS = "certifications"
LOGOS = "logos"
MESSAGES = "messages"
PHOTO_MAX_BYTES = 5 * MB
LOGO_MAX_BYTES = 2 * MB
DOCUMENT_MAX_BYTES = 10 * MB
ATTACHMENT_MAX_BYTES = 5 * MB
THUMBNAIL_SIZE = 512
# Pixels an image may have, by use, read from its header before decoding.
#: a photo becomes 512×512; a 12 MP phone picture (4032×3024) fits
PHOTO_MAX_PIXELS = 4096 * 4096
#: a logo becomes at most 512×512
LOGO_MAX_PIXELS = 4096 * 4096
#: a certificate is kept as sent and must stay legible (an A4 scan at 400 dpi fits)
DOCUMENT_MAX_PIXELS = 25_000_000
#: Pillow's own ceiling for any image opened in this process (it refuses twice this
#: outright); the checks above are tighter and come first for uploads
Image.MAX_IMAGE_PIXELS = max(PHOTO_MAX_PIXELS, LOGO_MAX_PIXELS, DOCUMENT_MAX_PIXELS)

PNG, JPEG, WEBP, PDF = "image/png", "image/jpeg", "image/webp", "application/pdf"
PHOTO_TYPES = (JPEG, PNG, WEBP)
DOCUMENT_TYPES = (PDF, JPEG, PNG)
ATTACHMENT_TYPES = (JPEG, PNG, WEBP, PDF)
#: a message's picture is shrunk to fit this square (never enlarged)
ATTACHMENT_MAX_SIDE = 2560
EXTENSIONS = {PNG: ".png", JPEG: ".jpg", WEBP: ".webp", PDF: ".pdf"}
#: Pillow's name for each image type, so a file decodes only as what it claims
PILLOW_FORMATS = {PNG: "PNG", JPEG: "JPEG", WEBP: "WEBP"}


class UploadError(DomainError):
    """An upload was refused; the message says why, for the field it came from."""


@dataclass(frozen=True)
class StoredFile:
    #: path under UPLOAD_FOLDER, with forward slashes ("photos/3f2a….jpg")
    path: str
    content_type: str
    size_bytes: int


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PNG, JPEG, WebP, PDF), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"%PDF-"):
        return PDF
    return None


def upload_root() -> Path:
    """UPLOAD_FOLDER as an absolute path (relative ones are read from the project root)."""
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    return folder if folder.is_absolute() else ROOT / folder


def absolute_path(relative: str) -> Path | None:
    """Where `relative` lives on disk, or None when it would leave UPLOAD_FOLDER."""
    joined = safe_join(str(upload_root()), relative)
    return Path(joined) if joined else None


def _read(upload, max_bytes: int) -> bytes:
    """The upload's bytes; refuses an empty file or one over `max_bytes`."""
    stream = getattr(upload, "stream", upload)
    data = stream.read(max_bytes + 1) if stream is not None else b""
    if not data:
        raise UploadError(_("The file is empty. Choose another one."))
    if len(data) > max_bytes:
        raise UploadError(_("The file is too large: at most %(mb)d MB.", mb=max_bytes // MB))
    return data


def _too_large(max_pixels: int) -> UploadError:
    return UploadError(
        _(
            "The image has too many pixels: at most %(megapixels)d megapixels. "
            "Use a smaller picture.",
            megapixels=max_pixels // 1_000_000,
        )
    )


def _unreadable(content_type: str, exc: Exception) -> UploadError:
    log.info("unreadable %s upload: %s", content_type, exc)
    return UploadError(_("This image could not be read. Choose another file."))


def _decode(data: bytes, content_type: str, max_pixels: int) -> Image.Image:
    """The image in `data`, fully decoded; UploadError when it is corrupt or has
    more than `max_pixels` pixels.

    `Image.open` reads only the header, so the size is checked before
    anything is decoded; `load()` decodes.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data), formats=[PILLOW_FORMATS[content_type]])
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise _too_large(max_pixels) from exc
    except Exception as exc:  # Pillow raises many types for damaged files
        raise _unreadable(content_type, exc) from exc
    width, height = image.size
    if width * height > max_pixels:
        raise _too_large(max_pixels)
    try:
        with _whole_images_only():
            image.load()
    except Exception as exc:
        raise _unreadable(content_type, exc) from exc
    return image


_TRUNCATED = threading.Lock()


@contextmanager
def _whole_images_only():
    """Refuse a truncated image while decoding an upload. WeasyPrint turns
    Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is imported (a
    worker that rendered an invoice would then take half a photo); an
    upload is decoded with it off."""
    with _TRUNCATED:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def _square_thumbnail(image: Image.Image) -> Image.Image:
    """Upright, centre-cropped, THUMBNAIL_SIZE square, RGB on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    else:
        image = image.convert("RGB")
    return ImageOps.fit(
        image, (THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS, centering=(0.5, 0.5)
    )


def _write(kind: str, extension: str, data: bytes) -> str:
    folder = upload_root() / kind
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}{extension}"
    with open(folder / name, "xb") as out:
        out.write(data)
    return f"{kind}/{name}"


def store_photo(upload) -> StoredFile:
    """Check a photo (JPEG, PNG or WebP, at most 5 MB), store it as a 512×512 JPEG.

    Raises UploadError for an empty, oversized, wrongly typed or corrupt file;
    nothing is written then.
    """
    data = _read(upload, PHOTO_MAX_BYTES)
    content_type = sniff(data)
    if content_type not in PHOTO_TYPES:
        raise UploadError(_("Choose a JPEG, PNG or WebP picture."))
    try:
        thumbnail = _square_thumbnail(_decode(data, content_type, PHOTO_MAX_PIXELS))
    except UploadError:
        raise
    except Exception as exc:
        log.info("photo could not be converted: %s", exc)
        raise UploadError(_("This image could not be read. Choose another file.")) from exc
    out = BytesIO()
    thumbnail.save(out, "JPEG", quality=85, optimize=True)
    jpeg = out.getvalue()
    return StoredFile(_write(PHOTOS, ".jpg", jpeg), JPEG, len(jpeg))


def _fitted_logo(image: Image.Image) -> Image.Image:
    """Upright, at most THUMBNAIL_SIZE on each side (never enlarged), RGB or RGBA."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
    else:
        image = image.convert("RGB")
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE), Image.Resampling.LANCZOS)
    return image


def store_logo(upload) -> StoredFile:
    """Check a logo (JPEG, PNG or WebP, at most 2 MB), store it as a PNG that
    fits in 512×512, keeping its proportions and transparency.

    Raises UploadError for an empty, oversized, wrongly typed or corrupt file;
    nothing is written then.
    """
    data = _read(upload, LOGO_MAX_BYTES)
    content_type = sniff(data)
    if content_type not in PHOTO_TYPES:
        raise UploadError(_("Choose a JPEG, PNG or WebP picture."))
    try:
        logo = _fitted_logo(_decode(data, content_type, LOGO_MAX_PIXELS))
        out = BytesIO()
        logo.save(out, "PNG", optimize=True)
    except UploadError:
        raise
    except Exception as exc:
        log.info("logo could not be converted: %s", exc)
        raise UploadError(_("This image could not be read. Choose another file.")) from exc
    png = out.getvalue()
    stored = StoredFile(_write(LOGOS, ".png", png), PNG, len(png))
    try:
        _write_app_icons(stored.path, logo)
    except BaseException:
        delete_logo(stored.path)
        raise
    return stored


#: the installed app's icons made from a logo: name suffix -> (side, maskable)
APP_ICONS = {"192": (192, False), "512": (512, False), "maskable": (512, True)}
#: a maskable icon's picture stays inside the middle 80% (the "safe zone")
MASKABLE_SAFE = 0.8


def app_icon_path(logo_path: str, name: str) -> str:
    """Where the app icon `name` made from `logo_path` is kept ("logos/x-192.png")."""
    return f"{logo_path.removesuffix('.png')}-{name}.png"


def app_icon(logo: Image.Image, side: int, maskable: bool) -> Image.Image:
    """The logo centred on a white square (home screens show no transparency);
    a maskable one keeps it inside the safe zone, which the launcher may crop to."""
    room = side * (MASKABLE_SAFE * 0.85 if maskable else 0.9)
    picture = logo.copy()
    scale = room / max(picture.size)
    picture = picture.resize(
        (max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
        Image.Resampling.LANCZOS,
    )
    icon = Image.new("RGB", (side, side), "white")
    at = ((side - picture.width) // 2, (side - picture.height) // 2)
    icon.paste(picture, at, picture if picture.mode == "RGBA" else None)
    return icon


def _write_app_icons(logo_path: str, logo: Image.Image) -> None:
    for name, (side, maskable) in APP_ICONS.items():
        out = BytesIO()
        app_icon(logo, side, maskable).save(out, "PNG", optimize=True)
        target = absolute_path(app_icon_path(logo_path, name))
        target.write_bytes(out.getvalue())


def delete_logo(relative: str | None) -> None:
    """Remove a logo and the app icons made from it."""
    if relative:
        for name in APP_ICONS:
            delete_file(app_icon_path(relative, name))
    delete_file(relative)


def store_document(upload, kind: str = CERTIFICATIONS) -> StoredFile:
    """Check a document (PDF, JPEG or PNG, at most 10 MB) and store it as sent.

    Images must decode. Raises UploadError otherwise; nothing is written then.
    """
    data = _read(upload, DOCUMENT_MAX_BYTES)
    content_type = sniff(data)
    if content_type not in DOCUMENT_TYPES:
        raise UploadError(_("Choose a PDF, JPEG or PNG file."))
    if content_type != PDF:
        _decode(data, content_type, DOCUMENT_MAX_PIXELS)
    return StoredFile(_write(kind, EXTENSIONS[content_type], data), content_type, len(data))


def _clean_image(image: Image.Image, content_type: str) -> bytes:
    """The picture upright, at most ATTACHMENT_MAX_SIDE a side, re-encoded in its
    own format with no metadata (EXIF, GPS, comments, text chunks) carried over."""
    image = ImageOps.exif_transpose(image)
    if content_type == JPEG and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.thumbnail((ATTACHMENT_MAX_SIDE, ATTACHMENT_MAX_SIDE), Image.Resampling.LANCZOS)
    clean = image.copy()
    clean.info = {k: v for k, v in image.info.items() if k == "transparency"}
    out = BytesIO()
    if content_type == JPEG:
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif content_type == WEBP:
        clean.save(out, "WEBP", quality=85)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def store_attachment(upload) -> StoredFile:
    """Check a message's file (JPEG, PNG, WebP or PDF, at most 5 MB) by its bytes
    and store it under `messages/`: pictures re-encoded without metadata, PDFs as sent.

    Raises UploadError for an empty, oversized, wrongly typed or corrupt file;
    nothing is written then.
    """
    data = _read(upload, ATTACHMENT_MAX_BYTES)
    content_type = sniff(data)
    if content_type not in ATTACHMENT_TYPES:
        raise UploadError(_("Choose a JPEG, PNG or WebP picture, or a PDF."))
    if content_type != PDF:
        try:
            data = _clean_image(_decode(data, content_type, DOCUMENT_MAX_PIXELS), content_type)
        except UploadError:
            raise
        except Exception as exc:
            log.info("attachment could not be converted: %s", exc)
            raise UploadError(_("This image could not be read. Choose another file.")) from exc
    return StoredFile(_write(MESSAGES, EXTENSIONS[content_type], data), content_type, len(data))


def delete_file(relative: str | None) -> None:
    """Remove a stored file; a missing one or a path outside the folder is ignored."""
    if not relative:
        return
    path = absolute_path(relative)
    if path is None:
        log.warning("refusing to delete %r: outside the upload folder", relative)
        return
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.exception("could not delete upload %s", relative)


def swap_in(
    stored: StoredFile,
    write: Callable[[], str | None],
    delete: Callable[[str | None], None] = delete_file,
) -> None:
    """Put a newly stored file in place of an old one.

    `write` runs the transaction that records `stored.path` and returns the
    path it replaced. If it fails, the new file is deleted (nothing points at
    it); once it has committed, the old file is, with `delete` (a logo's
    takes its app icons along).
    """
    try:
        old = write()
    except BaseException:
        delete(stored.path)
        raise
    delete(old)
