"""Helpers for the trainers tests: real images and PDFs, uploads, probes."""

import io
import os
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.core.audit import AuditEntry
from app.core.uploads import MB
from app.trainers.models import Certification, Trainer
from tests.accounts.support import page_text


def image_bytes(size=(800, 600), fmt="PNG", mode="RGB", colour="teal", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, fmt, **save)
    return out.getvalue()


def noisy_png(min_bytes: int) -> bytes:
    """A real PNG of random pixels, at least `min_bytes` long (noise does not compress)."""
    side = int((min_bytes / 3) ** 0.5) + 64
    data = image_bytes_from(os.urandom(side * side * 3), (side, side))
    assert len(data) > min_bytes
    return data


def image_bytes_from(raw: bytes, size) -> bytes:
    out = io.BytesIO()
    Image.frombytes("RGB", size, raw).save(out, "PNG", compress_level=1)
    return out.getvalue()


def two_colour_jpeg(orientation: int | None = None) -> bytes:
    """600×300: left half red, right half blue; optionally an EXIF orientation."""
    image = Image.new("RGB", (600, 300), "red")
    image.paste(Image.new("RGB", (300, 300), "blue"), (300, 0))
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    image.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def pdf_bytes(padding: int = 0) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + b"%" + b"x" * padding + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def file_storage(data: bytes, filename="upload.png", content_type="image/png") -> FileStorage:
    """What the form hands a service (the browser's name and type are lies, sometimes)."""
    return FileStorage(io.BytesIO(data), filename=filename, content_type=content_type)


def upload(data: bytes, filename="upload.png", content_type="image/png"):
    """A file for the test client's multipart `data`."""
    return (io.BytesIO(data), filename, content_type)


def stored_files(folder: Path) -> list[Path]:
    if not folder.exists():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file())


def open_image(path: Path) -> Image.Image:
    image = Image.open(path)
    image.load()
    return image


def trainer_audit(db, trainer: Trainer, action: str | None = None) -> list[AuditEntry]:
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity_type == "Trainer", AuditEntry.entity_id == str(trainer.id))
        .order_by(AuditEntry.id)
    )
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def fresh_trainer(db, trainer_id: int) -> Trainer:
    return db.session.get(Trainer, trainer_id, populate_existing=True)


def certifications(db, trainer: Trainer) -> list[Certification]:
    query = (
        select(Certification)
        .where(Certification.trainer_id == trainer.id)
        .order_by(Certification.id)
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def listed_trainer_user_ids(response) -> list[int]:
    """Account ids of the rows in the admin trainers list, in page order."""
    return [int(i) for i in re.findall(r'<tr data-user-id="(\d+)"', page_text(response))]


def over(limit_mb: int) -> int:
    return limit_mb * MB + 1
