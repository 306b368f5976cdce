"""Search: the query language, the `SearchBackend` interface and its backends."""
