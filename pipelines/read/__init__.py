"""Readers: one per format, each turning bytes into the raw shape the validator checks."""
