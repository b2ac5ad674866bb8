"""Serving: how the app's bytes reach the reader, and the processes that serve them.

Owns ``serve`` (gunicorn on ``127.0.0.1:$PORT``: ``python -m dashboard``), ``workers`` (a worker's
threads, which the upload wait plans around), ``compression`` (brotli copies of the big static
files, on-the-fly compression of the rest), ``geo`` (the boundary GeoJSON route, coordinates
rounded), ``plotly_partial`` (the partial plotly.js bundle in ``dashboard/vendor/plotly/``) and
``cluster`` (the reference deployment: haproxy in front of several app servers, ``make
serve-cluster``; its ``Server`` is one app server on a free port, which the tests and ``bench/``
start too).

May import: the spine (``dashboard.app`` only from ``serve``, which starts it; ``dashboard.data``),
``dashboard.components`` (the map's boundary file names) and ``pipelines``. Never ``pages``,
``views``, ``security``, ``intake`` or ``opendata``.
"""
