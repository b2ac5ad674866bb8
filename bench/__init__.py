"""Measuring the product from outside: the benchmark and the load test (``make bench``).

Owns ``ingest`` (the pipelines at 1x and 10x the demo data, then the dashboard's benchmark),
``dashboard`` (every callback's round trip and bytes, the first load in headless Chromium) and
``loadtest`` (many clients against one served app or the reference cluster, with publishes
mid-run). Nothing here is imported by the product: ``dashboard`` and ``pipelines`` never import
``bench`` (``tests/test_layout.py``).

May import: ``dashboard`` and ``pipelines`` (what it measures; the app is run as the reader
meets it, ``python -m dashboard`` and ``dashboard.serving.cluster``). Never ``tests``.
"""
