"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from courier import create_app

app = create_app()
