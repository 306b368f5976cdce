"""The query language: every construct, precedence, and error positions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from index.backend import QuerySyntaxError
from index.query import parse
from index.query.ast import (
    And,
    Exists,
    Flag,
    Fuzzy,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Range,
    Term,
    Wildcard,
)

a, b, c = Term("a"), Term("b"), Term("c")


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, tzinfo=UTC)


CASES: list[tuple[str, Node]] = [
    ("", MatchAll()),
    ("   ", MatchAll()),
    ("*", MatchAll()),
    ("a", a),
    ("a b", And((a, b))),
    ("a AND b", And((a, b))),
    ("a && b", And((a, b))),
    ("a OR b", Or((a, b))),
    ("a || b", Or((a, b))),
    ("a OR b AND c", Or((a, And((b, c))))),
    ("a OR b c", Or((a, And((b, c))))),
    ("(a OR b) AND c", And((Or((a, b)), c))),
    ("a AND NOT b", And((a, Not(b)))),
    ("a NOT b", And((a, Not(b)))),
    ("a !b", And((a, Not(b)))),
    ("+a -b", And((a, Not(b)))),
    ("NOT b", Not(b)),
    ("NOT (a OR b)", Not(Or((a, b)))),
    ("a AND b AND c", And((a, b, c))),
    ("and or not", And((Term("and"), Term("or"), Term("not")))),
    ("ANDROID", Term("ANDROID")),
    ("e-mail 10:30", And((Term("e-mail"), Term("10:30")))),
    ('"nota di credito"', Phrase("nota di credito")),
    ('"nota credito"~3', Phrase("nota credito", slop=3)),
    (r'"il \"faldone\""', Phrase('il "faldone"')),
    ("x*", Prefix("x")),
    ("fatt*", Prefix("fatt")),
    ("f?ttura", Wildcard("f?ttura")),
    ("*ura", Wildcard("*ura")),
    ("rossi~", Fuzzy("rossi")),
    ("rossi~2", Fuzzy("rossi", 2)),
    ("=fatture", Term("fatture", exact=True)),
    ('="le fatture"', Phrase("le fatture", exact=True)),
    ("subject:reclamo", Term("reclamo", field="subject")),
    ("Subject:reclamo", Term("reclamo", field="subject")),
    ('subject:"nota di credito"', Phrase("nota di credito", field="subject")),
    ("title:(a OR b)", Or((Term("a", field="title"), Term("b", field="title")))),
    ("title:(a -b)", And((Term("a", field="title"), Not(Term("b", field="title"))))),
    ("from:m@x.it", Term("m@x.it", field="sender")),
    ("to:m@x.it", Term("m@x.it", field="recipients")),
    ("sender:*@acme.com", Wildcard("*@acme.com", field="sender")),
    ("sender:*", Exists("sender")),
    ("filename:fattura*", Prefix("fattura", field="filename")),
    ("complaint:true", Flag("complaint", True)),
    ("complaint:no", Flag("complaint", False)),
    ("size:1000", Range("size", 1000, 1000)),
    ("size:>=1000", Range("size", 1000, None)),
    ("size:>1000", Range("size", 1000, None, include_lower=False)),
    ("sentiment:<-0.5", Range("sentiment", None, -0.5, include_upper=False)),
    ("sentiment:<=-0.5", Range("sentiment", None, -0.5)),
    ("sentiment:[-1 TO -0.5]", Range("sentiment", -1.0, -0.5)),
    ("sentiment:{-1 TO -0.5}", Range("sentiment", -1.0, -0.5, False, False)),
    ("date:[2024-01-01 TO 2024-03-31]", Range("date", day(2024, 1, 1), day(2024, 4, 1), True, False)),
    ("date:{2024-01-01 TO 2024-03-31}", Range("date", day(2024, 1, 2), day(2024, 3, 31), True, False)),
    ("date:[2024-01-01 TO *]", Range("date", day(2024, 1, 1), None)),
    ("date:[* TO 2024]", Range("date", None, day(2025, 1, 1), True, False)),
    ("date:>2024-01-01", Range("date", day(2024, 1, 2), None)),
    ("date:<2024-01-01", Range("date", None, day(2024, 1, 1), True, False)),
    ("date:2024-03", Range("date", day(2024, 3, 1), day(2024, 4, 1), True, False)),
    ("date:2024-03-05", Range("date", day(2024, 3, 5), day(2024, 3, 6), True, False)),
    (
        "date:>=2024-03-05T10:00:00",
        Range("date", datetime(2024, 3, 5, 10, tzinfo=UTC), None),
    ),
    ("fattura -complaint:true", And((Term("fattura"), Not(Flag("complaint", True))))),
]


@pytest.mark.parametrize(("query", "expected"), CASES, ids=[q or "<empty>" for q, _ in CASES])
def test_parse(query: str, expected: Node) -> None:
    assert parse(query) == expected


def test_every_field_and_alias_is_accepted() -> None:
    from index.fields import FIELD_ALIASES, FLOAT_FIELDS, INT_FIELDS, KEYWORD_FIELDS, TEXT_FIELDS

    for name in (*KEYWORD_FIELDS, *TEXT_FIELDS):
        assert parse(f"{name}:x") == Term("x", field=name)
    for alias, field in FIELD_ALIASES.items():
        node = parse(f"{alias}:{'1' if field in (*FLOAT_FIELDS, *INT_FIELDS) else 'x'}")  # total:1
        assert node.field == field  # type: ignore[union-attr]


ERRORS: list[tuple[str, int]] = [
    ("a AND", 5),
    ("(a", 2),
    ("a)", 1),
    ('"abc', 0),
    ('a "abc', 2),
    ("OR a", 0),
    ("a OR OR b", 5),
    ("nope:x", 0),
    ("subject:", 8),
    ("date:[2024-13-01 TO *]", 6),
    ("date:[2024-01-01 TO 2024-99]", 20),
    ("date:[2024-01-01 2024-02-01]", 17),
    ("size:abc", 5),
    ("complaint:maybe", 10),
    ("subject:[a TO b]", 0),
    ("size:fo*", 5),
    ("rossi~3", 6),
    ("a && && b", 5),
]


@pytest.mark.parametrize(("query", "position"), ERRORS, ids=[q for q, _ in ERRORS])
def test_syntax_error_position(query: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(query)
    assert caught.value.position == position
    assert str(caught.value)


def test_public_surface() -> None:
    import index.backends
    import index.query

    assert index.query.__all__ == ["ast", "parse"]
    assert index.backends.__all__ == ["UnknownBackend", "backend_names", "open_backend", "register_backend"]
