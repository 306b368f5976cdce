"""`plan_query`: which queries are searched by meaning, and what stays a keyword query."""

from __future__ import annotations

import pytest

from index.query import ast, parse
from index.semantic import QueryPlan, any_words, looks_like_sentence, plan_query

KEYWORD_QUERIES = [
    "fattura rossi",
    "fattura OR nota",
    "fattura AND NOT nota",
    '"nota di credito"~3',
    "fatt* f?ttura",
    "rossi~2",
    "subject:reclamo from:mario.rossi@example.com",
    "date:[2024-01-01 TO 2024-03-31]",
    "complaint:true sender:*",
    "rossi complaint about invoice 2024",  # four words (and a number): a keyword query
    "rimborso non arrivato -spedizione ordine maggio",  # an operator: the user writes the query language
    "(reclamo OR lamentela) rimborso ritardo pacco",
    "",
    "*",
]


@pytest.mark.parametrize("query", KEYWORD_QUERIES)
def test_ordinary_queries_stay_keyword_queries_unchanged(query: str) -> None:
    assert plan_query(query) == QueryPlan("keyword", query, "")


def test_a_plain_sentence_is_hybrid_and_tilde_quotes_ask_for_meaning() -> None:
    assert plan_query("customers angry about late refunds") == QueryPlan(
        "hybrid", "customers angry about late refunds", "customers angry about late refunds"
    )
    assert plan_query("where is the money for my parcel?").keyword == "where is the money for my parcel"
    assert plan_query('~"rimborso mai arrivato"') == QueryPlan("semantic", "", "rimborso mai arrivato")
    assert plan_query('~"rimborso mai arrivato" type:email') == QueryPlan(
        "hybrid", "type:email", "rimborso mai arrivato"
    )
    assert plan_query('~"rimborso" type:email', "semantic") == QueryPlan("semantic", "type:email", "rimborso")
    assert plan_query('~"rimborso" rossi', "keyword") == QueryPlan("keyword", 'rossi "rimborso"', "")
    assert plan_query("fattura", "semantic") == QueryPlan("semantic", "", "fattura")
    assert plan_query("fattura", "hybrid") == QueryPlan("hybrid", "fattura", "fattura")
    assert plan_query("customers angry about late refunds", "keyword").mode == "keyword"
    assert not looks_like_sentence("rossi~ fattura marzo aprile maggio")


def test_bare_words_become_a_ranked_disjunction_and_the_query_language_is_kept() -> None:
    sentence = parse("customers angry about the late refunds angry")
    assert any_words(sentence) == ast.Or(
        tuple(ast.Term(word) for word in ("customers", "angry", "about", "late", "refunds"))
    )
    # stop words of either language are no evidence of anything in a disjunction
    assert any_words(parse("il rimborso non è ancora arrivato")) == ast.Or(
        (ast.Term("rimborso"), ast.Term("ancora"), ast.Term("arrivato"))
    )
    assert any_words(parse("state-of-the-art reports")) == ast.Or(
        (ast.Term("state-of-the-art"), ast.Term("reports"))
    )
    assert any_words(parse("the refund")) == ast.Term("refund")
    assert any_words(parse("it is for the")) == parse("it is for the")
    for kept in (
        "fattura",
        "fattura subject:rossi",
        "fattura OR nota",
        "fatt* rossi",
        '"nota" =rossi',
        "a -b",
    ):
        assert any_words(parse(kept)) == parse(kept)
