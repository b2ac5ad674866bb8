"""Open data: the published figures for scripts and analysts, beside the dashboard.

Owns ``bulk`` (``/data/``: each version's marts as Parquet and CSV with the manifest, and the
definitions). The Kolada-compatible read API (``dashboard/api/``) joins this package in a later
slice of issue 18 (it is being changed in parallel, so it stays where it is for now).

May import: the spine (``dashboard.context``, ``dashboard.data``, ``dashboard.i18n``),
``dashboard.security`` (who may read which file, and what may be cached) and ``pipelines``
(the export manifest, the published versions). Never ``pages``, ``views`` or ``intake``.
"""
