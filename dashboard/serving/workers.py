"""The shape of one gunicorn worker, which other parts of the app plan around.

A module of its own so that ``dashboard.intake.upload`` can read it without importing
``serve`` (which imports the app, which installs the upload route: a circle).
"""

# Threads per worker (gthread). dashboard/intake/upload.py lets at most half of them wait for an
# upload job (``?vanta=1``), so the others stay free for readers.
THREADS = 4
