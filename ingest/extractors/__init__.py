"""One extractor per file format; see base.py."""
