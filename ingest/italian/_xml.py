"""Namespace-agnostic reading of untrusted XML (defusedxml: no entity or DTD tricks)."""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from ingest.errors import CorruptDocument

__all__ = ["ForbiddenXml", "child", "children", "find", "local", "parse_xml", "text_of"]


class ForbiddenXml(CorruptDocument):
    """XML with a DTD, entities or similar constructs: refused outright, never read as text."""


def parse_xml(data: bytes, what: str) -> Element:
    """The root element of `data`; `CorruptDocument` with the parser's position if it does not parse."""
    try:
        root = safe_et.fromstring(data, forbid_dtd=True)
    except ParseError as err:
        raise CorruptDocument(f"{what} is not well-formed XML: {err}") from err
    except DefusedXmlException as err:
        raise ForbiddenXml(f"{what} uses forbidden XML constructs: {type(err).__name__}") from err
    except (ValueError, LookupError) as err:  # unknown encoding declared
        raise CorruptDocument(f"{what} cannot be decoded: {err}") from err
    if not isinstance(root, Element):
        raise CorruptDocument(f"{what} has no root element")
    return root


def local(tag: str) -> str:
    """`{namespace}Name` or `prefix:Name` → `Name`."""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def children(node: Element | None, name: str) -> list[Element]:
    """Direct children of `node` named `name` in any namespace."""
    if node is None:
        return []
    return [sub for sub in node if local(sub.tag) == name]


def child(node: Element | None, name: str) -> Element | None:
    found = children(node, name)
    return found[0] if found else None


def _descendants(node: Element, name: str) -> Iterator[Element]:
    for sub in node.iter():
        if sub is not node and local(sub.tag) == name:
            yield sub


def find(node: Element | None, *path: str) -> Element | None:
    """The first element at `path`; a leading ``"//"`` step searches all descendants."""
    current: list[Element] = [node] if node is not None else []
    deep = False
    for step in path:
        if step == "//":
            deep = True
            continue
        nxt: list[Element] = []
        for item in current:
            nxt.extend(_descendants(item, step) if deep else children(item, step))
        current, deep = nxt, False
        if not current:
            return None
    return current[0] if current else None


def text_of(node: Element | None, *path: str) -> str:
    """Stripped text at `path` below `node` ('' when absent); inner whitespace runs collapsed."""
    found = find(node, *path) if path else node
    if found is None or found.text is None:
        return ""
    return " ".join(found.text.split())
