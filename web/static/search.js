// Search page: the URL always holds the search (q, filter, sort, offset), so it can be shared.
const PAGE_SIZE = 20;

function currentParams() {
  return new URLSearchParams(location.search);
}

function go(params) {
  history.pushState(null, "", "/?" + params.toString());
  runSearch();
}

function toggleFilter(field, value) {
  const params = currentParams();
  const item = `${field}:${value}`;
  const filters = params.getAll("filter");
  params.delete("filter");
  const next = filters.includes(item) ? filters.filter((f) => f !== item) : [...filters, item];
  next.forEach((f) => params.append("filter", f));
  params.delete("offset");
  go(params);
}

function renderFacets(facets, active) {
  const aside = document.getElementById("facets");
  aside.innerHTML = "";
  for (const [field, buckets] of Object.entries(facets)) {
    if (!buckets.length) continue;
    const h = document.createElement("h3");
    h.textContent = t("facets." + field);
    const ul = document.createElement("ul");
    for (const b of buckets) {
      const li = document.createElement("li");
      const btn = document.createElement("button");
      btn.type = "button";
      btn.className = active.includes(`${field}:${b.value}`) ? "active" : "";
      btn.dataset.facet = field;
      btn.dataset.value = b.value;
      btn.innerHTML = `<span>${escapeHtml(b.value)}</span><span class="count">${b.count}</span>`;
      btn.addEventListener("click", () => toggleFilter(field, b.value));
      li.appendChild(btn);
      ul.appendChild(li);
    }
    aside.append(h, ul);
  }
}

function renderChips(active) {
  const chips = document.getElementById("chips");
  chips.innerHTML = "";
  for (const item of active) {
    const [field, ...rest] = item.split(":");
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.setAttribute("aria-label", `${t("clear")} ${item}`);
    chip.textContent = `${t("facets." + field)}: ${rest.join(":")} ✕`;
    chip.addEventListener("click", () => toggleFilter(field, rest.join(":")));
    chips.appendChild(chip);
  }
}

function renderHits(data) {
  const results = document.getElementById("results");
  results.innerHTML = "";
  if (!data.hits.length) {
    results.textContent = t("noResults");
    return;
  }
  for (const hit of data.hits) {
    const div = document.createElement("article");
    div.className = "hit";
    const date = hit.date ? hit.date.slice(0, 10) : "";
    const badges = [
      hit.complaint ? `<span class="badge complaint">${t("complaint")}</span>` : "",
      hit.category && hit.category !== "other" ? `<span class="badge">${escapeHtml(hit.category)}</span>` : "",
      hit.language ? `<span class="badge">${escapeHtml(hit.language)}</span>` : "",
    ].join("");
    // Fragments arrive HTML-escaped by the server, with only <mark> added.
    const fragments = hit.highlights.map((h) =>
      `<p class="fragment">${h.page && hit.pages > 1 ? `<span class="badge">${t("page")} ${h.page}</span>` : ""}${h.fragment}</p>`).join("");
    div.innerHTML = `<h2><a href="${hit.url}">${escapeHtml(hit.title || hit.filename)}</a></h2>
      <div class="meta">${badges}${escapeHtml(hit.type)} · ${escapeHtml(hit.filename)} · ${date}
      ${hit.sender ? "· " + escapeHtml(hit.sender) : ""} · <a href="${hit.original_url}">${t("original")}</a></div>${fragments}`;
    results.appendChild(div);
  }
}

function renderPager(data, params) {
  const pager = document.getElementById("pager");
  pager.innerHTML = "";
  const offset = Number(params.get("offset") || 0);
  const add = (label, value) => {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => { params.set("offset", String(value)); go(params); });
    pager.appendChild(b);
  };
  if (offset > 0) add(t("prev"), Math.max(0, offset - PAGE_SIZE));
  if (offset + PAGE_SIZE < data.total) add(t("next"), offset + PAGE_SIZE);
}

async function runSearch() {
  const params = currentParams();
  document.getElementById("q").value = params.get("q") || "";
  document.getElementById("sort").value = params.get("sort") || "relevance";
  const api = new URLSearchParams(params);
  api.set("limit", String(PAGE_SIZE));
  const error = document.getElementById("error");
  const response = await fetch("/api/search?" + api.toString());
  const data = await response.json();
  if (!response.ok) {
    error.hidden = false;
    const err = data.error || {};
    error.textContent = `${err.message || response.statusText}${err.position !== undefined ? ` (pos. ${err.position})` : ""}`;
    return;
  }
  error.hidden = true;
  const active = params.getAll("filter");
  document.getElementById("summary").textContent = `${data.total} ${t("results")} ${t("in")} ${data.took_ms} ms`;
  renderFacets(data.facets, active);
  renderChips(active);
  renderHits(data);
  renderPager(data, params);
}

document.addEventListener("DOMContentLoaded", () => {
  applyStaticText();
  const lang = document.getElementById("lang");
  lang.value = localStorage.getItem("faldone.lang") || "it";
  lang.addEventListener("change", () => setLang(lang.value));
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const params = currentParams();
    params.set("q", document.getElementById("q").value);
    params.set("sort", document.getElementById("sort").value);
    params.delete("offset");
    go(params);
  });
  window.addEventListener("popstate", runSearch);
  runSearch();
});
