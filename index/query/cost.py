"""The query-cost policy: searches that would cost the engine far more than they are worth.

It belongs to the query language, not to HTTP: every caller (the API, the command
line) checks a request with `check_query_cost` before it reaches a backend, and a
refusal is a `QueryTooCostly` (the API answers 400 with its `reason`).
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from index.backend import SearchError, SearchRequest
from index.query import ast
from index.query.parser import parse

__all__ = [
    "MAX_CLAUSES",
    "MAX_DATE",
    "MAX_EXPANSIONS",
    "MAX_FACETS",
    "MAX_FACET_SIZE",
    "MAX_WINDOW",
    "MIN_DATE",
    "MIN_LITERAL",
    "QueryTooCostly",
    "check_query_cost",
]

MAX_EXPANSIONS = 8  # wildcard, prefix and fuzzy terms in one query
MIN_LITERAL = 2  # letters a wildcard/prefix term must fix
MAX_CLAUSES = 256
MAX_WINDOW = 10_100  # offset + limit
MAX_FACETS = 30
MAX_FACET_SIZE = 200
# Dates the engines can store (nanoseconds since 1970 fit in 64 bits), with a margin.
MIN_DATE = datetime(1700, 1, 1)
MAX_DATE = datetime(2200, 12, 31, 23, 59, 59)


class QueryTooCostly(SearchError):
    """A search refused by the cost policy; `reason` is a stable code for clients."""

    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, reason: str = "query_too_costly") -> None:
        super().__init__(message, reason=reason)
        self.reason = reason


def _walk(node: ast.Node) -> list[ast.Node]:
    nodes: list[ast.Node] = [node]
    if isinstance(node, ast.And | ast.Or):
        for child in node.children:
            nodes += _walk(child)
    elif isinstance(node, ast.Not):
        nodes += _walk(node.child)
    return nodes


def _date_in_range(value: datetime) -> bool:
    return MIN_DATE <= value.replace(tzinfo=None) <= MAX_DATE


def check_query_cost(request: SearchRequest, tree: ast.Node | None = None) -> None:
    """Refuse `request` if it is too costly; `tree` is its parsed query when the caller has it."""
    if request.offset + request.limit > MAX_WINDOW:
        raise QueryTooCostly(f"offset + limit may not exceed {MAX_WINDOW}; use search_after")
    if len(request.facets) > MAX_FACETS or request.facet_size > MAX_FACET_SIZE:
        raise QueryTooCostly(f"at most {MAX_FACETS} facets of {MAX_FACET_SIZE} values")
    for bound in (request.date_from, request.date_to):
        if bound is not None and not _date_in_range(bound):
            raise QueryTooCostly(
                f"dates must lie between {MIN_DATE:%Y} and {MAX_DATE:%Y}", reason="date_out_of_range"
            )
    if tree is None:
        if not request.query.strip():
            return
        tree = parse(request.query)
    nodes = _walk(tree)
    if len(nodes) > MAX_CLAUSES:
        raise QueryTooCostly(f"the query has more than {MAX_CLAUSES} clauses")
    expansions = 0
    for node in nodes:
        if isinstance(node, ast.Wildcard):
            expansions += 1
            if sum(1 for c in node.pattern if c not in "*?") < MIN_LITERAL:
                raise QueryTooCostly(f"wildcard {node.pattern!r} needs at least {MIN_LITERAL} letters")
        elif isinstance(node, ast.Prefix):
            expansions += 1
            if len(node.prefix) < MIN_LITERAL:
                raise QueryTooCostly(f"prefix {node.prefix!r}* needs at least {MIN_LITERAL} letters")
        elif isinstance(node, ast.Fuzzy):
            expansions += 1
        elif isinstance(node, ast.Range):
            for value in (node.lower, node.upper):
                if isinstance(value, datetime) and not _date_in_range(value):
                    raise QueryTooCostly(
                        f"dates must lie between {MIN_DATE:%Y} and {MAX_DATE:%Y}", reason="date_out_of_range"
                    )
                if isinstance(value, int) and not -(2**63) <= value < 2**63:
                    raise QueryTooCostly(f"{node.field}: number out of range")
    if expansions > MAX_EXPANSIONS:
        raise QueryTooCostly(f"at most {MAX_EXPANSIONS} wildcard, prefix or fuzzy terms per query")
