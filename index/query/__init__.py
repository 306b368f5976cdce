"""Faldone's query language: grammar and parser (`parse`) producing the typed AST of `index.query.ast`.

The syntax is documented in `index.query.parser`.
"""

from index.query import ast
from index.query.parser import parse

__all__ = ["ast", "parse"]
