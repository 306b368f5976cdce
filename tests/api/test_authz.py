"""Authorization: every endpoint, every role, no credentials; and nothing hidden leaks.

`EXPECTED` is the access table the product promises; the routes declare their own
access (`api.access.require`). The walk takes its endpoints from the app itself (its
OpenAPI operations, its pages and mounts), so a route added later by anyone is walked
too, and the test fails until the route is given a line in `EXPECTED`.
"""

from __future__ import annotations

import inspect
import io
import itertools
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount

from api.state import ScopedBackend, ScopedCatalog
from core.catalog import Catalog
from index.backend import SearchBackend, SearchRequest
from tests.api._legal_support import PASSWORD, PUBLIC_WORD, ROLES, SECRET_WORD, Seeded, seed

PUBLIC = {"anonymous", *ROLES}
EVERYONE = set(ROLES)
LEGAL = {"legal", "admin"}
QUALITY = {"quality", "admin"}
WRITERS = {"staff", "legal", "admin"}
REVIEWERS = {"quality", "staff", "admin"}  # the complaint review queue
ADMIN = {"admin"}

EXPECTED: dict[tuple[str, str], set[str]] = {
    # health, login and static files
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/login"): PUBLIC,
    ("POST", "/api/auth/login"): PUBLIC,
    ("*", "/static"): PUBLIC,
    # pages and API docs
    ("GET", "/"): EVERYONE,
    ("GET", "/document.html"): EVERYONE,
    ("GET", "/ingest.html"): EVERYONE,
    ("GET", "/dashboard.html"): QUALITY,
    ("GET", "/review.html"): REVIEWERS,
    ("GET", "/api/review"): REVIEWERS,
    ("POST", "/api/review/{doc_id}"): REVIEWERS,
    ("GET", "/legal.html"): LEGAL,
    ("GET", "/audit.html"): LEGAL,
    ("GET", "/docs"): EVERYONE,
    ("GET", "/docs/oauth2-redirect"): EVERYONE,
    ("GET", "/redoc"): EVERYONE,
    ("GET", "/openapi.json"): EVERYONE,
    # own account
    ("POST", "/api/auth/logout"): EVERYONE,
    ("GET", "/api/auth/me"): EVERYONE,
    ("POST", "/api/auth/password"): EVERYONE,
    ("GET", "/api/auth/keys"): EVERYONE,
    ("POST", "/api/auth/keys"): EVERYONE,
    ("DELETE", "/api/auth/keys/{key_id}"): EVERYONE,
    # search, documents, metrics
    ("GET", "/api/search"): EVERYONE,
    ("GET", "/api/metrics/sentiment"): QUALITY,
    ("GET", "/api/documents/{doc_id}"): EVERYONE,
    ("GET", "/api/documents/{doc_id}/original"): EVERYONE,
    ("GET", "/api/documents/{doc_id}/similar"): EVERYONE,
    ("GET", "/api/documents/export/fields.csv"): EVERYONE,
    ("POST", "/api/documents"): WRITERS,
    ("DELETE", "/api/documents/{doc_id}"): LEGAL,
    # ingest
    ("GET", "/api/ingest/status"): EVERYONE,
    ("GET", "/api/jobs"): EVERYONE,
    ("POST", "/api/jobs/{job_id}/retry"): ADMIN,
    ("GET", "/api/quarantine"): EVERYONE,
    # web page helpers (api/routes/ui.py, once included)
    ("GET", "/api/ui/config"): EVERYONE,
    ("GET", "/api/ui/facets"): EVERYONE,
    ("GET", "/api/ui/suggest"): EVERYONE,
    ("GET", "/api/ui/saved-searches"): EVERYONE,
    ("POST", "/api/ui/saved-searches"): EVERYONE,
    ("DELETE", "/api/ui/saved-searches/{search_id}"): EVERYONE,
    ("GET", "/api/ui/documents/{doc_id}/tree"): EVERYONE,
    ("GET", "/api/ui/documents/{doc_id}/pages/{number}.png"): EVERYONE,
    # quality dashboard (api/routes/metrics.py) and Prometheus (api/observability.py), once included
    ("GET", "/api/metrics/config"): QUALITY,
    ("GET", "/api/metrics/trend"): QUALITY,
    ("GET", "/api/metrics/breakdown"): QUALITY,
    ("GET", "/api/metrics/entities"): QUALITY,
    ("GET", "/api/metrics/response-time"): QUALITY,
    ("GET", "/api/metrics/open-complaints"): QUALITY,
    ("GET", "/metrics"): ADMIN,
    # corrections (api/routes/annotations.py, once included)
    ("POST", "/api/documents/{doc_id}/corrections"): WRITERS,
    ("GET", "/api/documents/{doc_id}/corrections"): EVERYONE,
    # legal
    ("GET", "/api/legal/matters"): LEGAL,
    ("POST", "/api/legal/matters"): LEGAL,
    ("GET", "/api/legal/matters/{matter_id}"): LEGAL,
    ("POST", "/api/legal/matters/{matter_id}/documents"): LEGAL,
    ("POST", "/api/legal/matters/{matter_id}/release"): LEGAL,
    ("GET", "/api/legal/retention/policies"): LEGAL,
    ("PUT", "/api/legal/retention/policies"): LEGAL,
    ("DELETE", "/api/legal/retention/policies/{name}"): LEGAL,
    ("GET", "/api/legal/retention/report"): LEGAL,
    ("POST", "/api/legal/retention/run"): LEGAL,
    ("GET", "/api/legal/export"): LEGAL,
    ("GET", "/api/audit"): LEGAL,
    ("GET", "/api/audit.csv"): LEGAL,
    ("GET", "/api/audit/verify"): LEGAL,
    # administration
    ("GET", "/api/admin/users"): ADMIN,
    ("POST", "/api/admin/users"): ADMIN,
    ("PATCH", "/api/admin/users/{username}"): ADMIN,
    ("POST", "/api/admin/users/{username}/password"): ADMIN,
    ("DELETE", "/api/admin/users/{username}"): ADMIN,
    ("GET", "/api/admin/collections"): ADMIN,
    ("PUT", "/api/admin/collections"): ADMIN,
    ("DELETE", "/api/admin/collections"): ADMIN,
    ("GET", "/api/admin/sources"): ADMIN,
}

# Endpoints whose side effects would spoil the walk for the roles after them.
_DESTRUCTIVE = {("DELETE", "/api/documents/{doc_id}"), ("POST", "/api/legal/retention/run")}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, module_catalog_url: str | None) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("authz"), module_catalog_url)
    with TestClient(data.app):
        yield data
    data.close()


def _endpoints(seeded: Seeded) -> list[tuple[str, str]]:
    """Every operation of the OpenAPI schema, every page outside it, every mount."""
    found = [
        (method.upper(), path)
        for path, operations in seeded.app.openapi()["paths"].items()
        for method in operations
    ]
    for route in seeded.app.routes:
        if isinstance(route, APIRoute) and not route.include_in_schema:
            found += [(method, route.path) for method in sorted(route.methods or ()) if method != "HEAD"]
        elif isinstance(route, Mount):
            found.append(("*", route.path))
    return found


def _fill(path: str, seeded: Seeded) -> str:
    values = {
        "doc_id": seeded.secret.id,
        "job_id": "1",
        "matter_id": "1",
        "key_id": "999",
        "username": "nobody",
        "name": "nopolicy",
        "search_id": "999",
        "number": "1",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    while "{" in path:  # a parameter we do not know yet
        start, end = path.index("{"), path.index("}")
        path = path[:start] + "x" + path[end + 1 :]
    return path


def _call(client: TestClient, method: str, path: str) -> Any:
    if path == "/static":
        path, method = "/static/i18n.js", "GET"
    params = {"q": PUBLIC_WORD, "pattern": "nothing"}  # the hidden document matches it too
    if method in ("GET", "DELETE", "*"):
        return client.request("GET" if method == "*" else method, path, params=params)
    return client.request(method, path, params=params, json={})


def test_every_route_is_in_the_access_table(seeded: Seeded) -> None:
    missing = [e for e in _endpoints(seeded) if e not in EXPECTED]
    assert not missing, f"add these endpoints to EXPECTED (and declare their access): {missing}"
    stale = [e for e in EXPECTED if e not in _endpoints(seeded)]
    assert not stale, f"EXPECTED names endpoints the app does not have: {stale}"


@pytest.mark.parametrize("who", ["anonymous", "staff", "quality", "legal", "hruser", "admin"])
def test_every_endpoint_answers_each_role_as_promised_and_leaks_nothing(seeded: Seeded, who: str) -> None:
    role = "staff" if who == "hruser" else who
    client = seeded.client(None if who == "anonymous" else who)
    markers = seeded.markers()
    failures = []
    for method, path in _endpoints(seeded):
        allowed = role in EXPECTED.get((method, path), set())
        if (method, path) in _DESTRUCTIVE and allowed:
            continue  # exercised in test_holds / test_retention
        url = _fill(path, seeded)
        response = _call(client, method, url)
        status = response.status_code
        if status >= 500:
            failures.append(f"{method} {path}: {status} {response.text[:200]}")
        elif not allowed and status != (401 if who == "anonymous" else 403):
            failures.append(f"{method} {path}: {who} got {status}, expected to be refused")
        elif allowed and status in (401, 403):
            failures.append(f"{method} {path}: {who} refused ({status}) {response.text[:200]}")
        # The audit log is the record of what people did, for legal oversight: legal sees all of it.
        if who not in ("admin", "hruser") and not path.startswith("/api/audit"):
            body = response.content.decode("utf-8", "replace")
            leaked = [m for m in markers if m in body and m not in url]  # an id we sent may be echoed
            if leaked:
                failures.append(f"{method} {path}: {who} saw {leaked}")
    assert not failures, "\n".join(failures)


def test_hidden_document_is_a_404_like_a_missing_one(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    for suffix in ("", "/original"):
        hidden = staff.get(f"/api/documents/{seeded.secret.id}{suffix}")
        missing = staff.get(f"/api/documents/{'0' * 32}{suffix}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["error"]["code"] == missing.json()["error"]["code"]
    assert staff.get(f"/api/documents/{seeded.docs['invoice'].id}").status_code == 200
    hr = seeded.client("hruser")
    document = hr.get(f"/api/documents/{seeded.secret.id}").json()
    assert [c["id"] for c in document["children"]] == [seeded.docs["secret_child"].id]


def test_search_totals_facets_highlights_and_metrics_only_count_visible_documents(seeded: Seeded) -> None:
    query = {"q": PUBLIC_WORD, "facets": "source,category,type"}
    staff = seeded.client("staff").get("/api/search", params=query).json()
    admin = seeded.client("admin").get("/api/search", params=query).json()
    assert staff["total"] == 2 and admin["total"] == 3
    assert {b["value"] for b in staff["facets"]["source"]} == {"public"}
    assert sum(b["count"] for b in staff["facets"]["category"]) == 2
    assert all(SECRET_WORD not in h["fragment"] for hit in staff["hits"] for h in hit["highlights"])
    # a filter cannot widen the scope
    widened = seeded.client("staff").get("/api/search", params={"q": "", "filter": "source:hr"}).json()
    assert widened["total"] == 0
    assert seeded.client("staff").get("/api/search", params={"q": SECRET_WORD}).json()["total"] == 0
    assert seeded.client("hruser").get("/api/search", params={"q": SECRET_WORD}).json()["total"] == 2

    def histogram_total(role: str) -> int:
        client = seeded.client(role)
        buckets = client.get("/api/metrics/sentiment", params={"interval": "month"}).json()["buckets"]
        return sum(b["count"] for b in buckets)

    assert histogram_total("quality") == 2
    assert histogram_total("admin") == 4


def test_the_checks_of_search_by_meaning_are_scoped_too(seeded: Seeded) -> None:
    """`matching_ids` and `keyword_ranking` (index.semantic's checks) see only the user's sources."""
    state = seeded.app.state.faldone
    public_only = ScopedBackend(state.backend, ["public"], state.catalog)
    everything = ScopedBackend(state.backend, None, state.catalog)
    ids = [doc.id for doc in seeded.docs.values()]
    request = SearchRequest(query="", highlight=False)
    assert seeded.secret.id in everything.matching_ids(request, ids)
    visible = public_only.matching_ids(request, ids)
    assert visible and seeded.secret.id not in visible
    assert {seeded.docs[name].source for name in seeded.docs if seeded.docs[name].id in visible} == {"public"}
    hidden = ScopedBackend(state.backend, ["nowhere"], state.catalog)
    assert hidden.matching_ids(request, ids) == set()
    ranking = public_only.keyword_ranking(SearchRequest(query=PUBLIC_WORD, limit=50, highlight=False))
    assert ranking.total == len(ranking.hits) > 0 and seeded.secret.id not in {h.id for h in ranking.hits}


def test_the_scoped_catalog_finds_only_visible_roots_and_refuses_worker_writes(seeded: Seeded) -> None:
    catalog = seeded.app.state.faldone.catalog
    roots = sorted({doc.root_id for doc in seeded.docs.values()})
    everything = catalog.ids_for_roots(roots)
    assert seeded.secret.root_id in everything
    public_only = ScopedCatalog(catalog, ["public"])
    visible = public_only.ids_for_roots(roots)
    assert visible and seeded.secret.root_id not in visible
    assert {catalog.document(root).source for root in visible} == {"public"}  # type: ignore[union-attr]
    assert ScopedCatalog(catalog, None).ids_for_roots(roots) == everything
    with pytest.raises(PermissionError):
        public_only.complete_many([])


def test_ingest_views_are_scoped(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    jobs = staff.get("/api/jobs").json()["jobs"]
    assert jobs and {j["source"] for j in jobs} == {"public"}
    assert staff.get("/api/ingest/status").json()["documents"] == 2


def test_query_cost_is_bounded(seeded: Seeded) -> None:
    staff = seeded.client("staff")
    assert staff.get("/api/search", params={"q": "*a*"}).status_code == 400
    many = " OR ".join(f"ab{i}*" for i in range(12))
    assert staff.get("/api/search", params={"q": many}).status_code == 400
    assert staff.get("/api/search", params={"q": "fatt*"}).status_code == 200
    assert staff.get("/api/search", params={"offset": 20_000}).status_code in (400, 422)


def test_sessions_need_the_csrf_token_and_keys_do_not(seeded: Seeded) -> None:
    client = seeded.client()
    login = client.post("/api/auth/login", json={"username": "legal", "password": PASSWORD})
    assert login.status_code == 200
    cookie = login.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    body = {"name": "csrf-test", "query": PUBLIC_WORD}
    refused = client.post("/api/legal/matters", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf"
    token = login.json()["csrf_token"]
    assert client.post("/api/legal/matters", json=body, headers={"X-CSRF-Token": token}).status_code == 201
    keyed = seeded.client("legal").post("/api/legal/matters", json={**body, "name": "csrf-test-2"})
    assert keyed.status_code == 201
    assert client.post("/api/auth/logout", headers={"X-CSRF-Token": token}).status_code == 200
    assert client.get("/api/search").status_code == 401


def test_bearer_and_bad_keys(seeded: Seeded) -> None:
    client = seeded.client()
    bearer = {"Authorization": f"Bearer {seeded.keys['staff']}"}
    assert client.get("/api/auth/me", headers=bearer).json()["role"] == "staff"
    assert client.get("/api/auth/me", headers={"X-API-Key": "fk_wrong"}).status_code == 401


def test_login_is_throttled_per_user_and_address_with_growing_delays(seeded: Seeded) -> None:
    attacker = TestClient(seeded.app, client=("203.0.113.9", 40000))
    owner = TestClient(seeded.app, client=("198.51.100.7", 40000))
    wrong = {"username": "quality", "password": "nope"}
    for _ in range(3):  # a few typos cost nothing
        assert attacker.post("/api/auth/login", json=wrong).status_code == 401
    throttled = attacker.post("/api/auth/login", json={"username": "quality", "password": PASSWORD})
    assert throttled.status_code == 429
    # the same user from another address is not locked out by the stranger's guesses
    right = owner.post("/api/auth/login", json={"username": "quality", "password": PASSWORD})
    assert right.status_code == 200
    seeded.app.state.login_limiter.__init__()  # reset for the other tests


def test_login_delays_grow_with_each_failure() -> None:
    from api.auth import LoginLimiter

    limiter = LoginLimiter()
    waits = []
    for _ in range(8):
        limiter.failed("admin", "203.0.113.9")
        waits.append(limiter.retry_after("admin", "203.0.113.9"))
    assert waits[:2] == [0, 0]  # free failures
    assert all(a < b for a, b in itertools.pairwise(waits[2:])), waits  # then growing
    assert limiter.retry_after("admin", "198.51.100.7") == 0  # never a global lock on the name
    for _ in range(3 * 5):  # one address spraying many names meets the curve too
        limiter.failed(f"user{_}", "192.0.2.1")
    assert limiter.retry_after("someone-else", "192.0.2.1") > 0


def test_first_run_creates_an_admin_who_must_change_the_password(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.app import create_app
    from tests.support import make_settings

    settings = make_settings(tmp_path / "data", auth_disabled=False)
    with TestClient(create_app(settings)) as client:
        printed = capsys.readouterr().err
        password = next(line.strip() for line in printed.splitlines() if len(line.strip()) == 20)
        login = client.post("/api/auth/login", json={"username": "admin", "password": password})
        assert login.json()["must_change_password"] is True
        token = login.json()["csrf_token"]
        blocked = client.get("/api/search")
        assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "password_change_required"
        new = "a much longer new password"
        changed = client.post(
            "/api/auth/password",
            json={"current_password": password, "new_password": new},
            headers={"X-CSRF-Token": token},
        )
        assert changed.status_code == 200
        assert client.get("/api/search").status_code == 200
    # a second start prints nothing
    with TestClient(create_app(settings)):
        assert "one-time password" not in capsys.readouterr().err


def test_scopes_know_every_method_of_the_interfaces() -> None:
    """A new Catalog or SearchBackend method must be taught to the scopes (or it would leak)."""

    def public(cls: type) -> set[str]:
        return {n for n, _ in inspect.getmembers(cls) if not n.startswith("_")}

    catalog_known = set(vars(ScopedCatalog)) | ScopedCatalog.PASSTHROUGH
    assert public(Catalog) - catalog_known == set()
    backend_known = set(vars(ScopedBackend)) | {"name"}
    assert public(SearchBackend) - backend_known == set()


def test_a_page_sends_an_anonymous_browser_to_the_login_page(seeded: Seeded) -> None:
    page = seeded.client().get("/legal.html", headers={"Accept": "text/html"})
    assert page.status_code == 401 and "url=/login" in page.text
    api = seeded.client().get("/api/search", headers={"Accept": "text/html"})
    assert api.status_code == 401 and api.json()["error"]["code"] == "unauthenticated"


# -- every legal action × scope ---------------------------------------------------------------
# The `legal` user sees the source "public" only; "hr" holds the hidden family.


@pytest.fixture
def fresh(tmp_path_factory: pytest.TempPathFactory, catalog_url: str | None) -> Iterator[Seeded]:
    data = seed(tmp_path_factory.mktemp("legal-scope"), catalog_url)
    with TestClient(data.app):
        yield data
    data.close()


def _matter(client: TestClient, name: str, ids: list[str]) -> int:
    created = client.post("/api/legal/matters", json={"name": name, "document_ids": ids})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


MATTER_ACTIONS: dict[str, tuple[str, str, bool]] = {  # (method, path, sends the letter's id)
    "view": ("GET", "/api/legal/matters/{id}", False),
    "add": ("POST", "/api/legal/matters/{id}/documents", True),
    "export": ("GET", "/api/legal/export?matter_id={id}", False),
    "release": ("POST", "/api/legal/matters/{id}/release", False),
}
# matter kind -> action -> status for the `legal` user of "public"
MATTER_SCOPE: dict[str, dict[str, int]] = {
    "hidden": {"view": 404, "add": 404, "export": 404, "release": 404},  # holds only hr documents
    "mixed": {"view": 200, "add": 403, "export": 403, "release": 403},  # hr and public documents
    "visible": {"view": 200, "add": 200, "export": 200, "release": 200},  # public documents only
}


@pytest.mark.parametrize("kind", sorted(MATTER_SCOPE))
@pytest.mark.parametrize("action", list(MATTER_ACTIONS))
def test_every_matter_action_is_limited_to_the_users_sources(fresh: Seeded, kind: str, action: str) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    ids = {
        "hidden": [fresh.secret.id],
        "mixed": [fresh.secret.id, fresh.docs["invoice"].id],
        "visible": [fresh.docs["invoice"].id],
    }[kind]
    matter_id = _matter(admin, f"matter {kind}", ids)
    method, path, sends_letter = MATTER_ACTIONS[action]
    payload: dict[str, Any] | None = {"document_ids": [fresh.docs["letter"].id]} if sends_letter else None
    if action == "release":
        payload = {"reason": "chiusa"}
    answer = legal.request(method, path.replace("{id}", str(matter_id)), json=payload)
    assert answer.status_code == MATTER_SCOPE[kind][action], answer.text[:300]
    if answer.status_code == 403:
        assert answer.json()["error"]["code"] == "out_of_scope"
    if action != "export" or answer.status_code != 200:  # a zip is checked below
        assert not [m for m in fresh.markers() if m in answer.text]
    else:
        with zipfile.ZipFile(io.BytesIO(answer.content)) as exported:
            names = "\n".join(exported.namelist())
        assert fresh.docs["invoice"].id in names and fresh.secret.id not in names
    if action == "view" and answer.status_code == 200:
        assert answer.json()["documents"] == 1  # the hidden document is never counted
    # the matter is intact when the action was refused: an admin still sees it whole and active
    shown = admin.get(f"/api/legal/matters/{matter_id}").json()
    assert shown["documents"] == len(ids) + (1 if (kind, action) == ("visible", "add") else 0)
    assert shown["active"] is ((kind, action) != ("visible", "release"))


def test_matter_lists_count_only_visible_documents(fresh: Seeded) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    _matter(admin, "hidden", [fresh.secret.id])
    _matter(admin, "mixed", [fresh.secret.id, fresh.docs["invoice"].id])
    listed = {m["name"]: m["documents"] for m in legal.get("/api/legal/matters").json()["matters"]}
    assert listed == {"mixed": 1}
    everything = {m["name"]: m["documents"] for m in admin.get("/api/legal/matters").json()["matters"]}
    assert everything == {"hidden": 1, "mixed": 2}


def test_a_query_hold_binds_only_the_creators_sources(fresh: Seeded) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    created = legal.post("/api/legal/matters", json={"name": "fatture", "query": PUBLIC_WORD})
    assert created.status_code == 201, created.text
    matter = admin.get(f"/api/legal/matters/{created.json()['id']}").json()
    assert fresh.secret.id not in matter["document_ids"] and matter["documents"] == 2
    assert "source:" in matter["query"]  # the restriction is stored, visible to an admin
    # the hidden document matches the words but is not held: its owners may still delete it
    assert admin.delete(f"/api/documents/{fresh.secret.id}").status_code == 200
    assert admin.delete(f"/api/documents/{fresh.docs['invoice'].id}").status_code == 409


@pytest.mark.parametrize(
    ("source_pattern", "category", "status"),
    [("hr", "", 403), ("h*", "", 403), ("*", "", 403), ("", "invoice", 403), ("public", "invoice", 200)],
)
def test_retention_policies_of_a_legal_user_stay_in_their_sources(
    fresh: Seeded, source_pattern: str, category: str, status: int
) -> None:
    body = {"name": "p", "source_pattern": source_pattern, "category": category, "days": 1}
    answer = fresh.client("legal").put("/api/legal/retention/policies", json=body)
    assert answer.status_code == status, answer.text
    names = [p["name"] for p in fresh.client("admin").get("/api/legal/retention/policies").json()["policies"]]
    assert names == (["p"] if status == 200 else [])


def test_retention_policies_of_other_groups_cannot_be_changed_removed_or_listed(fresh: Seeded) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    hr_policy = {"name": "hr-1y", "source_pattern": "hr", "years": 1}
    assert admin.put("/api/legal/retention/policies", json=hr_policy).status_code == 200
    hijack = {**hr_policy, "source_pattern": "public"}
    assert legal.put("/api/legal/retention/policies", json=hijack).status_code == 403
    assert legal.delete("/api/legal/retention/policies/hr-1y").status_code == 403
    assert [p["name"] for p in legal.get("/api/legal/retention/policies").json()["policies"]] == []
    policies = admin.get("/api/legal/retention/policies").json()["policies"]
    assert [(p["name"], p["source_pattern"]) for p in policies] == [("hr-1y", "hr")]


def test_retention_dry_run_and_run_do_the_same_within_the_users_sources(fresh: Seeded) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    # An admin's policy for every invoice: the public invoice and the hidden hr one have expired.
    policy = {"name": "invoices", "category": "invoice", "days": 1}
    assert admin.put("/api/legal/retention/policies", json=policy).status_code == 200
    dry = legal.get("/api/legal/retention/report").json()
    assert [e["root_id"] for e in dry["expired"]] == [fresh.docs["invoice"].id]
    assert dry["examined"] == 2  # the public families only: hidden ones are not even counted
    ran = legal.post("/api/legal/retention/run").json()
    assert [e["root_id"] for e in ran["expired"]] == [e["root_id"] for e in dry["expired"]]
    assert ran["deleted_documents"] == 1
    assert admin.get(f"/api/documents/{fresh.secret.id}").status_code == 200  # the other group's stays
    assert admin.get(f"/api/documents/{fresh.docs['invoice'].id}").status_code == 404
    remaining = admin.get("/api/legal/retention/report").json()["expired"]
    assert [e["root_id"] for e in remaining] == [fresh.secret.id]


def test_a_legal_user_deletes_only_documents_of_their_sources(fresh: Seeded) -> None:
    admin, legal = fresh.client("admin"), fresh.client("legal")
    hidden = legal.delete(f"/api/documents/{fresh.secret.id}")
    assert hidden.status_code == 404  # like a missing document: only the id the caller sent is named
    assert not [m for m in fresh.markers() if m in hidden.text and m != fresh.secret.id]
    assert admin.get(f"/api/documents/{fresh.secret.id}").status_code == 200
    assert legal.delete(f"/api/documents/{fresh.docs['letter'].id}").status_code == 200
    assert admin.get(f"/api/documents/{fresh.docs['letter'].id}").status_code == 404
