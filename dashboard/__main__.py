"""``python -m dashboard``: serve the app, or manage its accounts (``users ...``)."""

from dashboard.cli import app

if __name__ == "__main__":
    app(prog_name="python -m dashboard")
