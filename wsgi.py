"""WSGI entry point: ``gunicorn wsgi:app`` and ``flask --app wsgi``."""

import gc

from formulatrust import create_app

app = create_app()
# Everything made at start-up (mappers, templates, catalogues) lives as long as the process:
# the garbage collector need not walk it again on every full collection, a pause of tens of
# milliseconds under load.
gc.freeze()
