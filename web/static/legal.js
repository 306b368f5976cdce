// Legal page: holds (matters), exports and retention. Text is always set with textContent.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);

  // A JSON call through the shared fetchJson (i18n.js): CSRF header, login redirect, error message.
  function api(method, url, body) {
    const options = { method, credentials: "same-origin" };
    if (body !== undefined) {
      options.headers = { "Content-Type": "application/json" };
      options.body = JSON.stringify(body);
    }
    return fetchJson(url, options);
  }
  window.faldoneApi = api;

  function show(err) {
    $("error").textContent = err.message;
    $("error").hidden = false;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    row.appendChild(td);
    return td;
  }

  async function loadMatters() {
    const data = await api("GET", "/api/legal/matters");
    const body = $("matters").querySelector("tbody");
    body.replaceChildren();
    for (const m of data.matters) {
      const row = document.createElement("tr");
      cell(row, m.id); cell(row, m.name); cell(row, m.custodian); cell(row, m.query); cell(row, m.documents);
      cell(row, m.active ? "attivo / active" : `rilasciato / released ${m.released_at.slice(0, 10)} (${m.released_by}): ${m.release_reason}`);
      const actions = cell(row, "");
      if (m.active) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "Rilascia / Release";
        button.addEventListener("click", async () => {
          const reason = prompt("Motivo del rilascio / Reason for the release");
          if (!reason) return;
          try { await api("POST", `/api/legal/matters/${m.id}/release`, { reason }); await loadMatters(); }
          catch (err) { show(err); }
        });
        actions.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  async function loadPolicies() {
    const data = await api("GET", "/api/legal/retention/policies");
    const body = $("policies").querySelector("tbody");
    body.replaceChildren();
    for (const p of data.policies) {
      const row = document.createElement("tr");
      cell(row, p.name); cell(row, p.category || "*"); cell(row, p.source_pattern || "*");
      cell(row, `${p.years}y ${p.months}m ${p.days}d`); cell(row, p.basis);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.textContent = "Elimina / Remove";
      remove.addEventListener("click", async () => {
        try { await api("DELETE", `/api/legal/retention/policies/${encodeURIComponent(p.name)}`); await loadPolicies(); }
        catch (err) { show(err); }
      });
      cell(row, "").appendChild(remove);
      body.appendChild(row);
    }
  }

  $("new-matter").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const ids = String(form.get("document_ids") || "").split(/\s+/).filter(Boolean);
    try {
      await api("POST", "/api/legal/matters", {
        name: form.get("name"), custodian: form.get("custodian"), description: form.get("description"),
        query: form.get("query"), document_ids: ids,
      });
      event.target.reset();
      await loadMatters();
    } catch (err) { show(err); }
  });

  $("export").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const params = new URLSearchParams();
    if (form.get("matter_id")) params.set("matter_id", form.get("matter_id"));
    else params.set("q", form.get("q") || "");
    location.assign("/api/legal/export?" + params.toString());  // streamed download
  });

  $("policy").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    try {
      await api("PUT", "/api/legal/retention/policies", {
        name: form.get("name"), category: form.get("category"), source_pattern: form.get("source_pattern"),
        years: Number(form.get("years")), months: Number(form.get("months")), days: Number(form.get("days")),
        basis: form.get("basis"),
      });
      await loadPolicies();
    } catch (err) { show(err); }
  });

  $("report").addEventListener("click", async () => {
    try {
      const report = await api("GET", "/api/legal/retention/report");
      const lines = [`${report.examined} esaminati / examined`, `${report.expired.length} scaduti / expired:`];
      for (const e of report.expired) lines.push(`  ${e.root_id}  ${e.filename}  (${e.policy}, ${e.expires.slice(0, 10)})`);
      lines.push(`${report.held.length} scaduti ma bloccati / expired but held:`);
      for (const e of report.held) lines.push(`  ${e.root_id}  ${e.filename}  ← ${e.held_by.join(", ")}`);
      $("report-out").textContent = lines.join("\n");
    } catch (err) { show(err); }
  });

  $("logout").addEventListener("click", async () => {
    try { await api("POST", "/api/auth/logout"); } finally { location.assign("/login"); }
  });

  loadMatters().catch(show);
  loadPolicies().catch(show);
})();
