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
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType

from tests.processes import free_port as free_port  # re-exported: benches import it from here

REPO_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPO_ROOT / "scripts" / "opensearch-node.sh"

#: seconds the node gets to report green/yellow health once launched
START_TIMEOUT = 180.0
#: extra seconds for a first build that resolves the jars from Maven Central
BUILD_TIMEOUT = 600.0


def _node_alive(pid: int, port: int) -> bool:
    """Is `pid` still the JVM of the node on `port` (not a dead one, nor a reused pid)?"""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z" and str(port).encode() in command and any(b"faldone." in part for part in command)


def _tail(path: Path, lines: int) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"<no log: {exc}>"
    return "\n".join(text.splitlines()[-lines:])


class OpenSearchNode:
    """A running node started by :func:`start_opensearch` (or ``start_elasticsearch``); stop it
    with :meth:`stop`. ``script`` is the shell script that started it and stops it."""

    def __init__(self, workdir: Path, port: int, script: Path = SCRIPT, *, scheme: str = "http") -> None:
        self.workdir = workdir
        self.port = port
        self.script = script
        self.url = f"{scheme}://127.0.0.1:{port}"
        # a node with security on: who may log in, and the CA that signed its certificate
        self.username = ""
        self.password = ""
        self.ca_cert: Path | None = None
        self._stopped = False
        self._started_pid: int | None = None  # kept in memory: the workdir may be deleted under us

    @property
    def log_path(self) -> Path:
        return self.workdir / "node.log"

    @property
    def pid(self) -> int | None:
        try:
            return int((self.workdir / "node.pid").read_text().strip())
        except (OSError, ValueError):
            return self._started_pid

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)

    def stop(self) -> None:
        """Stop the node (SIGTERM, SIGKILL after 30 s). Safe to call twice."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        subprocess.run(
            ["bash", str(self.script), "stop", str(self.port), str(self.workdir)],
            check=False,
            capture_output=True,
            timeout=60,
        )
        # pytest may have removed an old basetemp (pid file and all) while this session ran:
        # never leave the JVM behind because its pid file is gone
        pid = self._started_pid
        if pid is not None and _node_alive(pid, self.port):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 30
            while _node_alive(pid, self.port) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _node_alive(pid, self.port):
                os.kill(pid, signal.SIGKILL)

    def kill(self) -> None:
        """SIGKILL the node's JVM (a crash, not a shutdown); :meth:`stop` still cleans up."""
        pid = self.pid
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

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
    return start_node(
        "OpenSearch",
        SCRIPT,
        "OPENSEARCH",
        workdir,
        port,
        timeout=timeout,
        settings=settings,
        java_opts=java_opts,
    )


def start_node(
    product: str,
    script: Path,
    env_prefix: str,
    workdir: Path,
    port: int | None = None,
    *,
    timeout: float = START_TIMEOUT,
    settings: Mapping[str, str] | None = None,
    java_opts: str | None = None,
    extra_env: Mapping[str, str] | None = None,
    scheme: str = "http",
) -> OpenSearchNode:
    """Start a node with ``script`` (``start PORT DIR``); the environment variables it reads
    are ``{env_prefix}_START_TIMEOUT``, ``_SETTINGS`` and ``_JAVA_OPTS``."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    chosen = free_port() if port is None else port
    env = dict(os.environ)
    env[f"{env_prefix}_START_TIMEOUT"] = str(int(timeout))
    if settings:
        env[f"{env_prefix}_SETTINGS"] = " ".join(f"{key}={value}" for key, value in settings.items())
    if java_opts is not None:
        env[f"{env_prefix}_JAVA_OPTS"] = java_opts
    env.update(extra_env or {})

    node = OpenSearchNode(workdir, chosen, script, scheme=scheme)
    command = ["bash", str(script), "start", str(chosen), str(workdir)]
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
            f"{product} did not start on port {chosen} within {exc.timeout:.0f}s\n"
            f"--- {node.log_path} (tail) ---\n{node.log_tail()}"
        ) from exc
    if result.returncode != 0:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            node.stop()
        raise RuntimeError(
            f"{product} failed to start on port {chosen} (exit {result.returncode})\n"
            f"--- {script.name} stderr ---\n{result.stderr.strip()}\n"
            f"--- {node.log_path} (tail) ---\n{node.log_tail()}"
        )
    node._started_pid = node.pid
    atexit.register(node.stop)  # never leak a JVM if a caller forgets stop()
    return node
