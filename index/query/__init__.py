"""Faldone query language: grammar, parser, AST."""
