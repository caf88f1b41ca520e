"""Entry point for gunicorn and the flask command: `wsgi:app`.

The config comes from CUPO_ENV, which `Procfile` sets to production and
`bin/dev` to development; unset, only the `flask` command assumes
development, and gunicorn refuses to start (`app.config.config_for`).
"""

from app import create_app

app = create_app()
