"""The query-cost policy lives with the query language: refusals carry a stable reason."""

from __future__ import annotations

from datetime import datetime

import pytest

from index.backend import SearchRequest
from index.query import parse
from index.query.cost import MAX_EXPANSIONS, QueryTooCostly, check_query_cost


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (SearchRequest(query="*a*"), "query_too_costly"),
        (SearchRequest(query=" OR ".join(f"ab{i}*" for i in range(MAX_EXPANSIONS + 1))), "query_too_costly"),
        (SearchRequest(offset=20_000), "query_too_costly"),
        (SearchRequest(facets=[f"f{i}" for i in range(31)]), "query_too_costly"),
        (SearchRequest(date_from=datetime(1200, 1, 1)), "date_out_of_range"),
        (SearchRequest(query="date:[1200-01-01 TO 1300-01-01]"), "date_out_of_range"),
    ],
)
def test_costly_requests_are_refused_with_a_reason(request_: SearchRequest, reason: str) -> None:
    with pytest.raises(QueryTooCostly) as refused:
        check_query_cost(request_)
    assert refused.value.reason == reason


def test_a_reasonable_request_passes_and_a_parsed_tree_is_used_as_given() -> None:
    check_query_cost(SearchRequest(query="fatt* AND rossi~ AND NOT spam"))
    # The tree the caller parsed is the one judged (the text is not parsed again).
    with pytest.raises(QueryTooCostly):
        check_query_cost(SearchRequest(query="fattura"), parse("*a*"))
