"""HTTP API (FastAPI): routes, access, the web pages' JSON; nothing else."""
