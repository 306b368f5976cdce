// Audit page: pages of entries (newest first), filters, CSV export and the chain check.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const PAGE = 100;
  let offset = 0;
  let total = 0;

  async function get(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.status === 401) {
      location.assign("/login?next=" + encodeURIComponent(location.pathname));
      throw new Error("login");
    }
    if (!response.ok) throw new Error((await response.json()).error.message);
    return response.json();
  }

  function filters() {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData($("filters"))) {
      if (!value) continue;
      params.set(key, key === "until" ? `${value}T23:59:59` : key === "since" ? `${value}T00:00:00` : value);
    }
    return params;
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text == null ? "" : String(text);
    row.appendChild(td);
  }

  async function load() {
    const params = filters();
    $("csv").href = "/api/audit.csv?" + params.toString();
    params.set("offset", offset);
    params.set("limit", PAGE);
    const data = await get("/api/audit?" + params.toString());
    total = data.total;
    const body = $("entries").querySelector("tbody");
    body.replaceChildren();
    for (const e of data.entries) {
      const row = document.createElement("tr");
      cell(row, e.id); cell(row, e.at); cell(row, e.actor); cell(row, e.role); cell(row, e.action);
      cell(row, e.target); cell(row, e.ip); cell(row, JSON.stringify(e.detail));
      body.appendChild(row);
    }
    $("position").textContent = total ? `${offset + 1}–${Math.min(offset + PAGE, total)} / ${total}` : "0";
    $("newer").disabled = offset === 0;
    $("older").disabled = offset + PAGE >= total;
  }

  function show(err) {
    $("error").textContent = err.message;
    $("error").hidden = false;
  }

  $("filters").addEventListener("submit", (event) => { event.preventDefault(); offset = 0; load().catch(show); });
  $("newer").addEventListener("click", () => { offset = Math.max(0, offset - PAGE); load().catch(show); });
  $("older").addEventListener("click", () => { offset += PAGE; load().catch(show); });
  $("verify").addEventListener("click", async () => {
    try {
      const result = await get("/api/audit/verify");
      $("verify-out").textContent = result.ok
        ? `integra / intact: ${result.checked} · ${result.head_hash}`
        : `MANOMESSA / TAMPERED: #${result.first_bad_id} (${result.problem})`;
    } catch (err) { show(err); }
  });
  load().catch(show);
})();
