"""Support pages, one module per audience."""

from flask import send_from_directory

from app.core.errors import NotYours
from app.core.uploads import absolute_path, upload_root


def send_photo(reply) -> object:
    """A ticket reply's photo, never cached."""
    if not reply.photo_path or absolute_path(reply.photo_path) is None:
        raise NotYours()
    response = send_from_directory(upload_root(), reply.photo_path, max_age=0)
    response.cache_control.private = True
    response.cache_control.no_store = True
    return response
