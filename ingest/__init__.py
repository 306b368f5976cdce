"""Ingestion: sources, type detection, extractors per format, the worker."""
