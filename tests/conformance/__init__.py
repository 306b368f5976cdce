"""Conformance suite: every `SearchBackend` must give these answers."""
