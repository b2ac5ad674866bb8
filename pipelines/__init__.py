"""Pipelines: received files -> validated rows -> DuckDB warehouse with the marts the app reads."""
