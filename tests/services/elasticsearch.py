"""A real single-node Elasticsearch 8.19 on 127.0.0.1 for tests and benchmarks.

Built from Maven Central jars (``tests/services/elasticsearch``: the server jar, the netty4
module, and our small ``faldone-extras`` module for ``GET /`` and the analysis pieces that
are not published); ``scripts/elasticsearch-node.sh`` builds and starts it::

    with start_elasticsearch(tmp_path) as node:
        httpx.get(f"{node.url}/_cluster/health")

No x-pack: plain HTTP and no security (the OpenSearch node carries the security tests).
The jars are used only to test and are never committed or shipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.services.opensearch import REPO_ROOT, START_TIMEOUT, OpenSearchNode, start_node

__all__ = ["SCRIPT", "start_elasticsearch"]

SCRIPT = REPO_ROOT / "scripts" / "elasticsearch-node.sh"


def start_elasticsearch(
    workdir: Path,
    port: int | None = None,
    *,
    timeout: float = START_TIMEOUT,
    settings: Mapping[str, str] | None = None,
    java_opts: str | None = None,
) -> OpenSearchNode:
    """Build if needed, start an Elasticsearch node in ``workdir`` and wait for its health.

    ``java_opts`` replaces the heap flags (default ``-Xms512m -Xmx1g``). Raises RuntimeError
    with the tail of the node's log when it does not start.
    """
    return start_node(
        "Elasticsearch", SCRIPT, "ES", workdir, port, timeout=timeout, settings=settings, java_opts=java_opts
    )
