"""Entry point for gunicorn: `gunicorn wsgi:app`."""
import gc

from courier import create_app

app = create_app()
# The ~150,000 objects of the loaded app live as long as the worker: moved out of the collector's
# way, so that a full collection, every so often, does not stop one request for 100+ ms to look
# at them all again (it did on the board: p95 three times its p50).
gc.freeze()
