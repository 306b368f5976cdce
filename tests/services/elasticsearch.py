"""A real single-node Elasticsearch 8.19 on 127.0.0.1 for tests and benchmarks.

Built from Maven Central jars (``tests/services/elasticsearch``: the server jar, the netty4
module, and our small ``faldone-extras`` module for ``GET /`` and the analysis pieces that
are not published); ``scripts/elasticsearch-node.sh`` builds and starts it::

    with start_elasticsearch(tmp_path) as node:
        httpx.get(f"{node.url}/_cluster/health")

`start_secure_elasticsearch` starts one with Elasticsearch's own security on (the x-pack-core
and x-pack-security modules, also from Maven Central): HTTPS with a certificate signed by a
CA made for the occasion (`tests.services.tls`), and basic authentication against the file
realm with a random password. The jars are used only to test, never committed or shipped.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from tests.services.opensearch import REPO_ROOT, START_TIMEOUT, OpenSearchNode, free_port, start_node
from tests.services.tls import make_pki

__all__ = ["SCRIPT", "start_elasticsearch", "start_secure_elasticsearch"]

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


def _pbkdf2(password: str) -> str:
    """A password hash the file realm reads: ``{PBKDF2}cost$salt$key`` (PBKDF2-HMAC-SHA512, 256 bits)."""
    salt = os.urandom(32)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, 10_000, 32)
    return f"{{PBKDF2}}10000${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def start_secure_elasticsearch(
    workdir: Path, port: int | None = None, *, username: str = "faldone", timeout: float = START_TIMEOUT
) -> OpenSearchNode:
    """An Elasticsearch node with security on: https only, `username` (a superuser) with a
    random password. The returned node has ``url`` (https), ``username``, ``password`` and
    ``ca_cert`` (the PEM a client must trust)."""
    workdir = Path(workdir).resolve()
    config = workdir / "config"
    pki = make_pki(config / "certs")
    password = secrets.token_urlsafe(18)
    (config / "users").write_text(f"{username}:{_pbkdf2(password)}\n")
    (config / "users_roles").write_text(f"superuser:{username}\n")
    curl_config = workdir / "curl.cfg"  # the health check's credentials: a file, never argv
    curl_config.write_text(f'user = "{username}:{password}"\ncacert = "{pki.ca_cert}"\n')
    curl_config.chmod(0o600)
    chosen = free_port() if port is None else port
    node = start_node(
        "Elasticsearch (security on)",
        SCRIPT,
        "ES",
        workdir,
        chosen,
        timeout=timeout,
        extra_env={"ES_SECURITY": "1", "ES_SCHEME": "https", "ES_CURL_CONFIG": str(curl_config)},
        scheme="https",
    )
    node.username, node.password, node.ca_cert = username, password, pki.ca_cert
    return node
