"""Intake: files received over HTTP (``POST /api/inlamning``), turned into upload jobs.

Owns ``upload`` (streaming a multipart body into jobs within the limits, the daily quota, the
short wait for a job). The jobs themselves and their runner are ``pipelines.uploads``; the app
never writes the warehouse.

May import: the spine (``dashboard.context``), ``dashboard.security`` (who may send),
``dashboard.serving`` (how many threads a worker has) and ``pipelines``. Never ``pages``,
``views`` or ``opendata``.
"""
