"""Key fields of invoices and receipts as CSV, for the accounting system.

``GET /api/documents/export/fields.csv?q=…&filter=…`` answers one row per
matching document (newest first, at most `limit`), with the key fields
(`nlp.fields.FIELD_NAMES`, users' corrections included) and the document type.
Amounts use a dot as decimal mark, dates are ISO; ``delimiter=;`` suits a
spreadsheet set to Italian. The search runs with the caller's visibility, like
``/api/search``. Corrections go through ``POST /api/documents/{id}/corrections``
with ``{"kind": "field", "value": {"name": "total", "value": "1234.56"}}``.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.access import ANY, audited, require
from api.openapi import text_answer
from api.routes.search import build_request
from api.state import AppState, get_state
from nlp.fields import FIELD_NAMES, fields_from_dicts

__all__ = ["router"]

router = APIRouter(prefix="/api/documents", tags=["fields"])

_PAGE = 100


@router.get(
    "/export/fields.csv",
    summary="Key fields of the matching documents, as CSV",
    dependencies=[Depends(require(*ANY)), Depends(audited("search", counted=True))],
    response_class=Response,
    responses=text_answer("text/csv"),
)
def export_fields(
    state: Annotated[AppState, Depends(get_state)],
    q: Annotated[str, Query(description="Query in Faldone's query language", max_length=4000)] = "",
    filter: Annotated[list[str], Query(description="field:value, repeatable")] = [],  # noqa: B006
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    delimiter: Literal[",", ";"] = ",",
) -> Response:
    state.backend.refresh()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["id", "filename", "doc_type", *FIELD_NAMES])
    written = 0
    while written < limit:
        request = build_request(q, filter, None, None, sort="date_desc", offset=written,
                                limit=min(_PAGE, limit - written), highlight=False)  # fmt: skip
        hits = state.backend.search(request).hits
        for hit in hits:
            doc = state.catalog.document(hit.id)
            if doc is None:
                continue
            values = {f.name: f.value for f in fields_from_dicts(doc.metadata.get("fields"))}
            writer.writerow([doc.id, doc.filename, doc.metadata.get("doc_type", ""),
                             *(values.get(name, "") for name in FIELD_NAMES)])  # fmt: skip
        written += len(hits)
        if len(hits) < _PAGE:
            break
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="faldone-fields.csv"'},
    )
