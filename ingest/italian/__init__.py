"""Italian back-office formats: FatturaPA e-invoices, CAdES signed files, PEC certified mail.

Parsing lives here, one module per format; the thin `Extractor` subclasses that
route to it are ``ingest/extractors/fatturapa.py``, ``p7m.py`` and ``pec.py``.
Every function is pure (bytes in, plain data out) and never raises a library
exception: bad input becomes an `ingest.errors.IngestError` or a warning.
"""
