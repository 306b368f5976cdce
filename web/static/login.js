// Login page: POST /api/auth/login, then a forced password change when required.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  let current = "";
  let csrf = "";

  function next() {
    const target = new URLSearchParams(location.search).get("next") || "/";
    // Only paths of this site: never "//host" or "https://…".
    return target.startsWith("/") && !target.startsWith("//") ? target : "/";
  }

  function fail(message) {
    $("error").textContent = message;
    $("error").hidden = false;
  }

  async function errorOf(response) {
    try {
      const body = await response.json();
      return body.error ? body.error.message : response.statusText;
    } catch (_) {
      return response.statusText;
    }
  }

  $("login").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("error").hidden = true;
    current = $("password").value;
    const response = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("username").value, password: current }),
      credentials: "same-origin",
    });
    if (!response.ok) return fail(await errorOf(response));
    const body = await response.json();
    csrf = body.csrf_token;
    if (body.must_change_password) {
      $("login").hidden = true;
      $("change").hidden = false;
      $("new-password").focus();
      return;
    }
    location.assign(next());
  });

  $("change").addEventListener("submit", async (event) => {
    event.preventDefault();
    const fresh = $("new-password").value;
    if (fresh !== $("new-password-2").value) return fail("Le password non coincidono / Passwords differ");
    const response = await fetch("/api/auth/password", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ current_password: current, new_password: fresh }),
      credentials: "same-origin",
    });
    if (!response.ok) return fail(await errorOf(response));
    location.assign(next());
  });
})();
