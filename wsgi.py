"""Entry point for gunicorn and the flask command: `wsgi:app`."""

from app import create_app

app = create_app()
