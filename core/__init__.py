"""Shared foundation: settings, the Document model, the catalog and the archive."""
