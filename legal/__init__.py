"""Legal services: holds, retention and deletion, exports. They receive the search backend;
index deletions are queued for the worker (the index writer)."""
