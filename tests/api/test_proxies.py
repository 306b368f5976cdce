"""X-Forwarded-For is believed only from FALDONE_TRUSTED_PROXIES (real `faldone serve`).

uvicorn on its own believes the header from any local client, so a forged
address used to dodge the per-address login limit and was written to the audit
log. Now the peer address counts unless the peer is a configured proxy.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from core.audit import AuditLog
from core.catalog import Catalog
from tests.processes import faldone_env, free_port, http_up, start, stop, wait_for
from tests.support import make_settings

pytestmark = pytest.mark.integration

FORGED = "203.0.113.77"


def _failed_logins(tmp_path: Path, trusted: str) -> tuple[list[int], list[str]]:
    data = tmp_path / "data"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = faldone_env(data, FALDONE_PORT=str(port), FALDONE_AUTH_DISABLED="false")
    if trusted:
        env["FALDONE_TRUSTED_PROXIES"] = trusted
    api = start(["serve", "--no-worker"], env, tmp_path / "serve.log")
    try:
        wait_for(lambda: http_up(f"{base}/healthz") or api.poll() is not None, 180, "the API")
        assert api.poll() is None, (tmp_path / "serve.log").read_text()
        statuses = []
        for attempt in range(5):  # a new forged address each time, as an attacker would send
            answer = httpx.post(
                f"{base}/api/auth/login",
                json={"username": "admin", "password": "guess"},
                headers={"X-Forwarded-For": f"{FORGED[:-2]}{attempt + 10}"},
            )
            statuses.append(answer.status_code)
    finally:
        stop(api)
    catalog = Catalog(make_settings(data).resolved_catalog_url)
    ips = [e.ip for e in AuditLog(catalog).entries(action="auth.login_failed")]
    catalog.close()
    return statuses, ips


def test_forged_forwarded_for_from_a_local_client_is_ignored(tmp_path: Path) -> None:
    statuses, ips = _failed_logins(tmp_path, trusted="")
    assert 429 in statuses  # the forged addresses did not reset the limit
    assert ips and set(ips) == {"127.0.0.1"}  # and none was written to the audit log


def test_a_trusted_proxy_s_forwarded_for_is_believed(tmp_path: Path) -> None:
    statuses, ips = _failed_logins(tmp_path, trusted="127.0.0.1")
    assert statuses == [401] * 5  # five different client addresses behind the proxy
    assert len(set(ips)) == 5 and all(ip.startswith(FORGED[:-2]) for ip in ips)
