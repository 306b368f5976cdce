"""A real single-node OpenSearch on 127.0.0.1 for tests and benchmarks.

The node is OpenSearch 2.19 embedded in a tiny Java launcher built from Maven Central jars
(``tests/services/opensearch``); ``scripts/opensearch-node.sh`` builds it when needed and
starts/stops it, and this module drives that script::

    with start_opensearch(tmp_path) as node:
        httpx.get(f"{node.url}/_cluster/health")

Needs ``java`` (17+), ``mvn`` (first build only; later builds run offline from ~/.m2),
``curl`` and ``bash``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "opensearch-node.sh"

#: seconds the node gets to report green/yellow health once launched
START_TIMEOUT = 180.0
#: extra seconds for a first build that resolves the jars from Maven Central
BUILD_TIMEOUT = 600.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<no log: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


class OpenSearchNode:
    """A running node started by :func:`start_opensearch`; stop it with :meth:`stop`."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.workdir = workdir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self._stopped = False

    @property
    def log_path(self) -> Path:
        return self.workdir / "node.log"

    @property
    def pid(self) -> int | None:
        try:
            return int((self.workdir / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return None

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)

    def stop(self) -> None:
        """Stop the node (SIGTERM, SIGKILL after 30 s). Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        subprocess.run(
            ["bash", str(SCRIPT), "stop", str(self.port), str(self.workdir)],
            check=False,
            capture_output=True,
            timeout=60,
        )

    def __enter__(self) -> OpenSearchNode:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"OpenSearchNode(url={self.url!r}, workdir={str(self.workdir)!r}, pid={self.pid})"


def start_opensearch(
    workdir: Path,
    port: int | None = None,
    *,
    timeout: float = START_TIMEOUT,
    settings: Mapping[str, str] | None = None,
    java_opts: str | None = None,
) -> OpenSearchNode:
    """Build the launcher if needed, start a node in ``workdir`` and wait for its health.

    ``port`` defaults to a free one. ``settings`` are extra node settings (e.g.
    ``{"search.max_buckets": "20000"}``); ``java_opts`` replaces the default JVM flags
    (``-Xms512m -Xmx1g ...``). Raises RuntimeError, with the tail of the node's log, when
    the build or the start fails or health is not green/yellow within ``timeout`` seconds.
    """
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    chosen = free_port() if port is None else port
    env = dict(os.environ)
    env["OPENSEARCH_START_TIMEOUT"] = str(int(timeout))
    if settings:
        env["OPENSEARCH_SETTINGS"] = " ".join(f"{key}={value}" for key, value in settings.items())
    if java_opts is not None:
        env["OPENSEARCH_JAVA_OPTS"] = java_opts

    node = OpenSearchNode(workdir, chosen)
    command = ["bash", str(SCRIPT), "start", str(chosen), str(workdir)]
    try:
        result = subprocess.run(
            command,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout + BUILD_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        node.stop()
        raise RuntimeError(
            f"OpenSearch did not start on port {chosen} within {exc.timeout:.0f}s\n"
            f"--- {node.log_path} (tail) ---\n{node.log_tail()}"
        ) from exc
    if result.returncode != 0:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            node.stop()
        raise RuntimeError(
            f"OpenSearch failed to start on port {chosen} (exit {result.returncode})\n"
            f"--- {SCRIPT.name} stderr ---\n{result.stderr.strip()}\n"
            f"--- {node.log_path} (tail) ---\n{node.log_tail()}"
        )
    atexit.register(node.stop)  # never leak a JVM if a caller forgets stop()
    return node
