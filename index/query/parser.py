"""Parser of Faldone's query language (lark grammar → `index.query.ast` nodes).

Syntax (operators are upper case; lower-case ``and``/``or``/``not`` are words)::

    fattura rossi            both words (implicit AND: every word counts)
    fattura OR nota          either word; also ``||``
    fattura AND NOT nota     ``a`` without ``b``; also ``&&``, ``!``, ``+a``, ``-b``
    NOT nota                 every document except those with ``nota``
    (a OR b) AND c           grouping; precedence NOT > AND > OR
    "nota di credito"        phrase;  "nota credito"~3  proximity (slop 3)
    fatt*  f?ttura  *ura     prefix and wildcards (never stemmed, accents folded)
    rossi~  rossi~2          fuzzy: up to 1 or 2 typos (default by word length)
    =fatture  ="le fatture"  exact mode: no stemming (still case and accent folded)
    subject:reclamo  from:mario.rossi@example.com  title:(a OR b)  subject:"nota"
    date:[2024-01-01 TO 2024-03-31]   inclusive; ``{ }`` exclusive; ``*`` open end
    date:>2024-01-01  sentiment:<-0.5  size:>=1000   comparisons
    date:2024-03      a whole month (``2024`` a year, ``2024-03-05`` a day)
    complaint:true   sender:*  (field has a value)
    *  or the empty query    every document

Every field of ``index.fields`` can be named, and the aliases of
``FIELD_ALIASES`` (``from:``, ``to:``, ``lang:``…). A malformed query raises
`QuerySyntaxError` with the 0-based position of the offending character.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from lark import Lark, Token, Transformer, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from index.backend import QuerySyntaxError
from index.fields import BOOL_FIELDS, DATE_FIELDS, FLOAT_FIELDS, INT_FIELDS
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
from index.query.values import FieldValueError, bool_value, resolve_field, span, to_range

__all__ = ["parse"]

_GRAMMAR = r"""
start: or_expr?

?or_expr: and_expr
        | and_expr ((_OR | _OROP) and_expr)+     -> or_

?and_expr: unary
         | unary ((_AND | _ANDOP)? unary)+       -> and_

?unary: (_NOT | _BANG | MINUS) unary             -> not_
      | PLUS unary                               -> plus
      | primary

?primary: _LPAR or_expr _RPAR
        | FIELD fvalue                           -> field
        | value

?fvalue: value
       | (LSQ | LCURLY) RVALUE _TO RVALUE (RSQ | RCURLY) -> range
       | CMP RVALUE                              -> compare
       | _LPAR or_expr _RPAR                     -> group

value: EXACT? (TERM | PHRASE)

_OR: "OR"
_OROP: "||"
_AND: "AND"
_ANDOP: "&&"
_NOT: "NOT"
_BANG: "!"
_TO: "TO"
MINUS: "-"
PLUS: "+"
EXACT: "="
_LPAR: "("
_RPAR: ")"
LSQ: "["
LCURLY: "{"
RSQ: "]"
RCURLY: "}"
CMP: /[<>]=?/
FIELD.2: /[A-Za-z_][A-Za-z0-9_]*:/
PHRASE: /"(?:[^"\\]|\\.)*"(?:~\d+)?/
TERM: /[^\s()\[\]{}"!+\-=<>:&|][^\s()\[\]{}"]*/
RVALUE: /[^\s()\[\]{}"]+/

%import common.WS
%ignore WS
"""

_OPERATORS = frozenset(("AND", "OR", "NOT", "TO"))
_FUZZY = re.compile(r"^(.+?)~(\d*)$")
_PHRASE = re.compile(r'^"((?:[^"\\]|\\.)*)"(?:~(\d+))?$', re.DOTALL)
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)
_RANGED = frozenset((*DATE_FIELDS, *FLOAT_FIELDS, *INT_FIELDS))
_TYPED = _RANGED | frozenset(BOOL_FIELDS)


@lru_cache(maxsize=1)
def _lark() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", lexer="contextual", propagate_positions=False)


def _error(message: str, token: Token) -> QuerySyntaxError:
    return QuerySyntaxError(message, token.start_pos or 0)


def _after(field: Token) -> int:
    """Position just after ``field:``, where its value starts."""
    return (field.start_pos or 0) + len(field.value)


def _simplify(kind: type[And] | type[Or], children: list[Node]) -> Node:
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, kind) else (child,))
    return kind(tuple(flat))


def _with_field(node: Node, field: str, at: Token) -> Node:
    """`node` scoped to `field` (used by ``field:(a OR b)``)."""
    if isinstance(node, And | Or):
        return type(node)(tuple(_with_field(child, field, at) for child in node.children))
    if isinstance(node, Not):
        return Not(_with_field(node.child, field, at))
    if isinstance(node, Term | Phrase | Prefix | Wildcard | Fuzzy) and node.field is None:
        return _typed(node, field, at)
    if isinstance(node, MatchAll):
        return Exists(field)
    raise _error(f"cannot nest a field query inside {field}:( )", at)


def _typed(node: Term | Phrase | Prefix | Wildcard | Fuzzy, field: str, at: Token) -> Node:
    """`node` applied to `field`, with values converted for typed fields."""
    if field not in _TYPED:
        return type(node)(**{**node.__dict__, "field": field})
    if not isinstance(node, Term | Phrase):
        message = f"wildcards and fuzzy matching need a text or keyword field; {field} is not one"
        raise QuerySyntaxError(message, _after(at))
    try:
        if field in BOOL_FIELDS:
            return Flag(field, bool_value(field, node.text))
        if field in DATE_FIELDS:
            start, end = span(node.text)
            return Range(field, start, end or start, True, end is None)
        return to_range(field, node.text, node.text, True, True)
    except FieldValueError as err:
        raise QuerySyntaxError(str(err), _after(at)) from err


class _ToAst(Transformer[Token, Node]):
    def start(self, children: list[Node]) -> Node:
        return children[0] if children else MatchAll()

    def or_(self, children: list[Node]) -> Node:
        return _simplify(Or, children)

    def and_(self, children: list[Node]) -> Node:
        return _simplify(And, children)

    def not_(self, children: list[Any]) -> Node:
        child: Node = children[-1]
        return Not(child)

    def plus(self, children: list[Any]) -> Node:
        child: Node = children[-1]
        return child

    def value(self, children: list[Token]) -> Node:
        exact = len(children) == 2
        token = children[-1]
        if token.type == "PHRASE":
            match = _PHRASE.match(token.value)
            assert match is not None  # the grammar only lexes well-formed phrases
            text = _UNESCAPE.sub(r"\1", match[1]).strip()
            slop = int(match[2]) if match[2] else 0
            return Phrase(text, exact=exact, slop=slop) if text else MatchAll()
        return self._word(token, exact)

    @staticmethod
    def _word(token: Token, exact: bool) -> Node:
        text = token.value
        if text in _OPERATORS:
            raise QuerySyntaxError(f"{text} needs a term on both sides", token.start_pos or 0)
        if text == "*":
            return MatchAll()
        fuzzy = _FUZZY.match(text)
        if fuzzy and not any(c in fuzzy[1] for c in "*?"):
            distance = int(fuzzy[2]) if fuzzy[2] else None
            if distance is not None and distance > 2:
                at = (token.start_pos or 0) + len(fuzzy[1]) + 1
                raise QuerySyntaxError("fuzzy distance must be 0, 1 or 2", at)
            return Fuzzy(fuzzy[1], distance)
        body = text[:-1]
        if text.endswith("*") and body and "*" not in body and "?" not in body:
            return Prefix(body)
        if "*" in text or "?" in text:
            return Wildcard(text)
        return Term(text, exact=exact)

    def field(self, children: list[Any]) -> Node:
        token: Token = children[0]
        name = token.value[:-1]
        field = resolve_field(name)
        if field is None:
            raise _error(f"unknown field {name!r}", token)
        node: Node | tuple[str, Any] = children[1]
        if isinstance(node, tuple):  # a range or comparison, still as text
            return self._range(field, node, token)
        return _with_field(node, field, token)

    def range(self, children: list[Token]) -> tuple[str, Any]:
        opening, low, high, closing = children
        return ("range", (low, high, opening.value == "[", closing.value == "]"))

    def compare(self, children: list[Token]) -> tuple[str, Any]:
        op, value = children
        star = Token("RVALUE", "*", start_pos=value.start_pos)
        if op.value.startswith(">"):
            return ("range", (value, star, op.value == ">=", True))
        return ("range", (star, value, True, op.value == "<="))

    def group(self, children: list[Node]) -> Node:
        return children[0]

    @staticmethod
    def _range(field: str, node: tuple[str, Any], at: Token) -> Node:
        low, high, include_low, include_high = node[1]
        if field not in _RANGED:
            raise _error(f"ranges need a date or number field; {field} is not one", at)
        for token, lower, upper in ((low, low.value, "*"), (high, "*", high.value)):
            try:
                to_range(field, lower, upper, True, True)
            except FieldValueError as err:
                raise _error(str(err), token) from err
        return to_range(field, low.value, high.value, include_low, include_high)


def _position(err: UnexpectedInput, query: str) -> int:
    if isinstance(err, UnexpectedEOF):
        return len(query)
    if isinstance(err, UnexpectedToken):
        if err.token.type == "$END":
            return len(query)
        return int(err.token.start_pos or 0)
    position: int | None = err.pos_in_stream if isinstance(err, UnexpectedCharacters) else None
    return position if position is not None else len(query)


def _describe(query: str, position: int) -> str:
    if position >= len(query):
        return "query ends too early (an operator, bracket or quote is missing its other half)"
    char = query[position]
    if char == '"':
        return f"unclosed quote at character {position}"
    return f"unexpected {char!r} at character {position}"


def parse(query: str) -> Node:
    """Parse `query`; raises `QuerySyntaxError` (with a 0-based position) if malformed."""
    if not query.strip():
        return MatchAll()
    try:
        tree: Tree[Token] = _lark().parse(query)
    except UnexpectedInput as err:
        position = _position(err, query)
        raise QuerySyntaxError(_describe(query, position), position) from err
    try:
        return _ToAst().transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, QuerySyntaxError):
            raise err.orig_exc from err
        raise
