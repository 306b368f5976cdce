"""Real external services (OpenSearch, ...) started locally for tests and benchmarks."""
