"""Validation: the reporting contract applied to what the readers produced."""
