// Search page. The URL always holds the search (q, filter, sort, date, sentiment, offset): it can be
// shared, and the back button walks through earlier searches.
"use strict";

const DEFAULT_PAGE_SIZE = 20;
const FACET_SIZE = 8;
// Keyword facets in sidebar order; fields the index lacks (e.g. hold, tags) are dropped by /api/ui/config.
let FACETS = ["type", "source", "language", "category", "customer", "sender", "person", "org", "loc",
  "email_address", "phone", "iban", "codice_fiscale", "partita_iva", "money", "reference", "date_mentioned"];
const SENTIMENT = { negative: "sentiment:<-0.3", neutral: "sentiment:[-0.3 TO 0.3]", positive: "sentiment:>0.3" };

// Results per page: 20, or `limit` from the URL (1–100).
function pageSize(p) {
  const n = Number(p.get("limit"));
  return Number.isInteger(n) && n >= 1 && n <= 100 ? n : DEFAULT_PAGE_SIZE;
}

function params() {
  return new URLSearchParams(location.search);
}

function go(next, replace) {
  const query = next.toString();
  const url = query ? "/?" + query : "/";
  if (replace) history.replaceState(null, "", url); else history.pushState(null, "", url);
  runSearch();
}

// -- what the API is asked -------------------------------------------------------------------

function dateRange(value) {
  // "2024" or "2024-03" → inclusive bounds for date_from/date_to.
  const m = /^(\d{4})(?:-(\d{2}))?$/.exec(value || "");
  if (!m) return null;
  const year = Number(m[1]);
  if (!m[2]) return [`${year}-01-01T00:00:00`, `${year}-12-31T23:59:59`];
  const month = Number(m[2]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return [`${m[1]}-${m[2]}-01T00:00:00`, `${m[1]}-${m[2]}-${String(last).padStart(2, "0")}T23:59:59`];
}

function effectiveQuery(p) {
  const q = (p.get("q") || "").trim();
  const clause = SENTIMENT[p.get("sentiment")];
  if (!clause) return q;
  return q ? `(${q}) AND ${clause}` : clause;
}

function apiParams(p) {
  const api = new URLSearchParams();
  api.set("q", effectiveQuery(p));
  p.getAll("filter").forEach((f) => api.append("filter", f));
  const range = dateRange(p.get("date"));
  if (range) { api.set("date_from", range[0]); api.set("date_to", range[1]); }
  api.set("sort", p.get("sort") || "relevance");
  if (p.get("mode")) api.set("mode", p.get("mode"));
  api.set("offset", p.get("offset") || "0");
  api.set("limit", String(pageSize(p)));
  api.set("facets", FACETS.join(","));
  api.set("facet_size", String(FACET_SIZE));
  return api;
}

function facetParams(p) {
  const api = new URLSearchParams();
  api.set("q", (p.get("q") || "").trim());
  p.getAll("filter").forEach((f) => api.append("filter", f));
  const range = dateRange(p.get("date"));
  if (range) { api.set("date_from", range[0]); api.set("date_to", range[1]); }
  if (SENTIMENT[p.get("sentiment")]) api.set("sentiment", p.get("sentiment"));
  api.set("facet_size", String(FACET_SIZE));
  return api;
}

// -- filters -----------------------------------------------------------------------------------

function toggleFilter(field, value) {
  const p = params();
  const item = `${field}:${value}`;
  const filters = p.getAll("filter");
  p.delete("filter");
  const next = filters.includes(item) ? filters.filter((f) => f !== item) : [...filters, item];
  next.forEach((f) => p.append("filter", f));
  p.delete("offset");
  go(p);
}

function toggleParam(name, value) {
  const p = params();
  if (p.get(name) === value) p.delete(name); else p.set(name, value);
  p.delete("offset");
  go(p);
}

function valueLabel(field, value) {
  if (field === "complaint" || field === "sentiment") return t(`values.${value}`);
  return value;
}

// -- rendering ----------------------------------------------------------------------------------

function facetGroup(field, buckets, isActive, onPick) {
  const visible = buckets.filter((b) => b.count > 0 || isActive(b.value));
  if (!visible.length) return null;
  const id = `facet-${field}`;
  return el("section", { class: "facet", "aria-labelledby": id, dataset: { field } },
    el("h3", { id }, t(`facets.${field}`)),
    el("ul", {}, visible.map((b) => el("li", {},
      el("button", {
        type: "button", class: isActive(b.value) ? "active" : "", "aria-pressed": isActive(b.value) ? "true" : "false",
        dataset: { facet: field, value: b.value }, onclick: () => onPick(b.value),
      }, el("span", { class: "label" }, valueLabel(field, b.value)), el("span", { class: "count" }, b.count))))));
}

function histogram(field, buckets, isActive, onPick) {
  if (!buckets.length) return null;
  const max = Math.max(...buckets.map((b) => b.count));
  const id = `facet-${field}`;
  return el("section", { class: "facet histogram", "aria-labelledby": id, dataset: { field } },
    el("h3", { id }, t(`facets.${field}`)),
    el("ul", {}, buckets.map((b) => el("li", {},
      el("button", {
        type: "button", class: isActive(b.value) ? "active" : "", "aria-pressed": isActive(b.value) ? "true" : "false",
        dataset: { facet: field, value: b.value }, onclick: () => onPick(b.value),
        "aria-label": `${b.value}: ${b.count}`,
      },
      el("span", { class: "label" }, b.value),
      el("span", { class: "bar", "aria-hidden": "true" }, el("span", { style: `width:${Math.max(4, (100 * b.count) / max)}%` })),
      el("span", { class: "count" }, b.count))))));
}

function renderFacets(data, extra, p) {
  const nav = document.getElementById("facets");
  const active = p.getAll("filter");
  const groups = [];
  // A field with a selected value shows its other values too (counted without that selection).
  const counts = (field) => (extra && extra.keyword && extra.keyword[field]) || data.facets[field] || [];
  const keyword = (field) => facetGroup(field, counts(field),
    (v) => active.includes(`${field}:${v}`), (v) => toggleFilter(field, v));
  groups.push(keyword("type"), keyword("source"));
  if (extra) {
    const date = p.get("date") || "";
    const years = extra.years || [];
    groups.push(histogram("year", years, (v) => date === v, (v) => toggleParam("date", v)));
    const months = (extra.months || []).filter((b) => years.length <= 1 || (date && b.value.startsWith(date.slice(0, 4))));
    groups.push(histogram("month", months, (v) => date === v, (v) => toggleParam("date", v)));
  }
  groups.push(keyword("language"), keyword("category"));
  if (extra) {
    groups.push(facetGroup("complaint", extra.complaint, (v) => active.includes(`complaint:${v}`),
      (v) => toggleFilter("complaint", v)));
    groups.push(facetGroup("sentiment", extra.sentiment, (v) => p.get("sentiment") === v,
      (v) => toggleParam("sentiment", v)));
  }
  for (const field of FACETS) {
    if (!["type", "source", "language", "category"].includes(field)) groups.push(keyword(field));
  }
  nav.replaceChildren(...groups.filter(Boolean));
}

function renderChips(p) {
  const chips = [];
  for (const item of p.getAll("filter")) {
    const [field, ...rest] = item.split(":");
    const value = rest.join(":");
    chips.push([`${t("facets." + field)}: ${valueLabel(field, value)}`, () => toggleFilter(field, value), item]);
  }
  if (p.get("date")) chips.push([`${t("facets.date")}: ${p.get("date")}`, () => toggleParam("date", p.get("date")), "date"]);
  if (SENTIMENT[p.get("sentiment")]) {
    chips.push([`${t("facets.sentiment")}: ${t("values." + p.get("sentiment"))}`,
      () => toggleParam("sentiment", p.get("sentiment")), "sentiment"]);
  }
  const nodes = chips.map(([label, remove, key]) => el("button", {
    type: "button", class: "chip", dataset: { chip: key }, "aria-label": `${t("clear")}: ${label}`, onclick: remove,
  }, label, el("span", { "aria-hidden": "true" }, " ✕")));
  if (chips.length > 1) {
    nodes.push(el("button", {
      type: "button", class: "chip clear-all", onclick: () => {
        const next = new URLSearchParams();
        if (p.get("q")) next.set("q", p.get("q"));
        if (p.get("sort")) next.set("sort", p.get("sort"));
        go(next);
      },
    }, t("clearAll")));
  }
  document.getElementById("chips").replaceChildren(...nodes);
}

// Server fragments are HTML-escaped text with <mark> added; keep only text and <mark> to be safe.
function safeFragment(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  const copy = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.append(child.textContent);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "MARK") into.append(el("mark", {}, child.textContent));
        else copy(child, into);
      }
    }
  };
  copy(template.content, out);
  return out;
}

function documentUrl(hit, p) {
  const url = new URLSearchParams({ id: hit.id });
  const q = (p.get("q") || "").trim();
  if (q) url.set("q", q);
  return "/document.html?" + url.toString();
}

function renderHits(data, p) {
  const list = document.getElementById("results");
  if (!data.hits.length) {
    list.replaceChildren(el("li", { class: "empty" }, t("noResults")));
    return;
  }
  const offset = Number(p.get("offset") || 0);
  list.replaceChildren(...data.hits.map((hit, i) => {
    const badges = [
      hit.complaint ? el("span", { class: "badge complaint" }, t("complaint")) : null,
      hit.category && hit.category !== "other" ? el("span", { class: "badge" }, hit.category) : null,
      hit.language ? el("span", { class: "badge" }, hit.language) : null,
      typeof hit.sentiment === "number" && Math.abs(hit.sentiment) > 0.3
        ? el("span", { class: `badge ${hit.sentiment < 0 ? "neg" : "pos"}` },
          `${t("sentiment")} ${hit.sentiment.toFixed(2)}`) : null,
    ];
    const meta = [hit.type, hit.filename, formatDate(hit.date), hit.sender, hit.pages > 1 ? `${hit.pages} ${t("pages")}` : null]
      .filter(Boolean).join(" · ");
    const seen = new Set();
    const unique = (hit.highlights || []).filter((h) => !seen.has(h.fragment) && seen.add(h.fragment));
    const fragments = unique.map((h) => el("p", { class: "fragment" },
      h.page ? el("span", { class: "badge page" }, `${t("page")} ${h.page}`) : null, safeFragment(h.fragment)));
    return el("li", { class: "hit", dataset: { index: String(i), id: hit.id, date: hit.date || "" } },
      el("article", { "aria-posinset": String(offset + i + 1), "aria-setsize": String(data.total) },
        el("h2", {}, el("a", { href: documentUrl(hit, p), class: "title" }, hit.title || hit.filename || hit.id)),
        el("div", { class: "meta" }, badges, meta, " · ",
          el("a", { href: hit.original_url, target: "_blank", rel: "noopener" }, t("original"))),
        fragments));
  }));
}

function renderPager(data, p) {
  const pager = document.getElementById("pager");
  const offset = Number(p.get("offset") || 0);
  const size = pageSize(p);
  const pages = Math.max(1, Math.ceil(data.total / size));
  const current = Math.floor(offset / size) + 1;
  if (pages <= 1) { pager.replaceChildren(); return; }
  const link = (label, pageNumber, attrs) => {
    const next = new URLSearchParams(p);
    if (pageNumber > 1) next.set("offset", String((pageNumber - 1) * size)); else next.delete("offset");
    return el("a", { href: "/?" + next.toString(), ...attrs, onclick: (e) => { e.preventDefault(); go(next); window.scrollTo(0, 0); } }, label);
  };
  const items = [];
  if (current > 1) items.push(link(t("prev"), current - 1, { rel: "prev", class: "prev" }));
  const first = Math.max(1, current - 3);
  const last = Math.min(pages, first + 6);
  for (let n = first; n <= last; n += 1) {
    items.push(n === current ? el("span", { class: "current", "aria-current": "page" }, n) : link(n, n, { "aria-label": t("pageOf", { n, m: pages }) }));
  }
  if (current < pages) items.push(link(t("next"), current + 1, { rel: "next", class: "next" }));
  pager.replaceChildren(...items);
}

let searchSeq = 0;
async function runSearch() {
  const p = params();
  const seq = ++searchSeq;
  document.getElementById("q").value = p.get("q") || "";
  document.getElementById("sort").value = p.get("sort") || "relevance";
  document.getElementById("mode").value = p.get("mode") || "auto";
  document.title = p.get("q") ? `${p.get("q")} · Faldone` : "Faldone";
  const area = document.getElementById("result-area");
  area.setAttribute("aria-busy", "true");
  try {
    const [data, extra] = await Promise.all([
      fetchJson("/api/search?" + apiParams(p).toString()),
      fetchJson("/api/ui/facets?" + facetParams(p).toString()).catch(() => null),
    ]);
    if (seq !== searchSeq) return;
    showError("");
    document.getElementById("summary").textContent = `${data.total} ${t(data.total === 1 ? "result" : "results")} ${t("in")} ${data.took_ms} ms`;
    renderFacets(data, extra, p);
    renderChips(p);
    renderHits(data, p);
    renderPager(data, p);
    selected = -1;
  } catch (err) {
    if (seq !== searchSeq) return;
    showError(err.message);
    document.getElementById("results").replaceChildren();
    document.getElementById("summary").textContent = "";
    document.getElementById("pager").replaceChildren();
    renderChips(p);
  } finally {
    if (seq === searchSeq) area.setAttribute("aria-busy", "false");
  }
}

// -- syntax help -------------------------------------------------------------------------------------

function renderSyntaxHelp() {
  document.getElementById("syntax-rows").replaceChildren(...t("helpRows").map(([example, meaning]) =>
    el("tr", {},
      el("td", {}, el("button", {
        type: "button", class: "example", onclick: () => {
          const box = document.getElementById("q");
          box.value = example;
          box.focus();
        },
      }, el("code", {}, example))),
      el("td", {}, meaning))));
}

// -- suggestions -------------------------------------------------------------------------------------

let suggestTimer = null;
let suggestItems = [];
let suggestIndex = -1;

function closeSuggestions() {
  const list = document.getElementById("suggestions");
  list.hidden = true;
  list.replaceChildren();
  suggestItems = [];
  suggestIndex = -1;
  const box = document.getElementById("q");
  box.setAttribute("aria-expanded", "false");
  box.removeAttribute("aria-activedescendant");
}

function withoutLastWord(text) {
  return text.replace(/\S*$/, "").trimEnd();
}

function pickSuggestion(item) {
  const box = document.getElementById("q");
  closeSuggestions();
  if (item.kind === "title") {
    location.href = `/document.html?id=${encodeURIComponent(item.id)}`;
    return;
  }
  const p = params();
  p.set("q", withoutLastWord(box.value));
  if (!p.getAll("filter").includes(`${item.field}:${item.value}`)) p.append("filter", `${item.field}:${item.value}`);
  p.delete("offset");
  go(p);
}

function highlightSuggestion(index) {
  const list = document.getElementById("suggestions");
  const box = document.getElementById("q");
  suggestIndex = index;
  [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
  if (index >= 0) box.setAttribute("aria-activedescendant", `suggestion-${index}`);
  else box.removeAttribute("aria-activedescendant");
}

async function loadSuggestions() {
  const box = document.getElementById("q");
  const word = (box.value.match(/(\S+)$/) || [])[1] || "";
  if (word.length < 2 || /[:"()*~]/.test(word)) { closeSuggestions(); return; }
  let data;
  try { data = await fetchJson(`/api/ui/suggest?prefix=${encodeURIComponent(word)}`); } catch (_) { return; }
  if (box.value.match(/(\S+)$/)?.[1] !== word) return;
  suggestItems = data.suggestions || [];
  const list = document.getElementById("suggestions");
  if (!suggestItems.length) { closeSuggestions(); return; }
  list.replaceChildren(...suggestItems.map((item, i) => el("li", {
    id: `suggestion-${i}`, role: "option", "aria-selected": "false", dataset: { kind: item.kind, field: item.field || "" },
    onmousedown: (e) => { e.preventDefault(); pickSuggestion(item); },
  }, item.kind === "title"
    ? [el("span", { class: "badge" }, t("open")), item.value]
    : [el("span", { class: "badge" }, t(`facets.${item.field}`)), item.value, el("span", { class: "count" }, ` ${item.count}`)])));
  list.hidden = false;
  box.setAttribute("aria-expanded", "true");
  suggestIndex = -1;
}

// -- saved searches ----------------------------------------------------------------------------------

async function loadSaved() {
  const list = document.getElementById("saved");
  let data;
  try { data = await fetchJson("/api/ui/saved-searches"); } catch (_) {
    document.querySelector("section.saved").hidden = true;
    return;
  }
  if (!data.items.length) { list.replaceChildren(el("li", { class: "muted" }, t("noSaved"))); return; }
  list.replaceChildren(...data.items.map((item) => el("li", {},
    el("a", { href: item.url, onclick: (e) => { e.preventDefault(); history.pushState(null, "", item.url); runSearch(); } }, item.name),
    el("button", {
      type: "button", class: "icon", "aria-label": `${t("deleteSaved")}: ${item.name}`, title: t("deleteSaved"),
      onclick: async () => {
        try { await fetchJson(`/api/ui/saved-searches/${item.id}`, { method: "DELETE" }); } catch (err) { showError(err.message); }
        loadSaved();
      },
    }, "✕"))));
}

async function saveSearch(event) {
  event.preventDefault();
  const name = document.getElementById("save-name");
  const p = params();
  p.delete("offset");
  try {
    await fetchJson("/api/ui/saved-searches", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ name: name.value, query: p.toString() }),
    });
    name.value = "";
    loadSaved();
  } catch (err) { showError(err.message); }
}

// -- keyboard: j/k between results, Enter opens --------------------------------------------------------

let selected = -1;
function selectHit(index) {
  const hits = [...document.querySelectorAll("#results .hit")];
  if (!hits.length) return;
  selected = Math.max(0, Math.min(hits.length - 1, index));
  hits.forEach((h, i) => h.classList.toggle("selected", i === selected));
  const link = hits[selected].querySelector("a.title");
  link.focus();
  hits[selected].scrollIntoView({ block: "nearest" });
}

function onKey(event) {
  const target = event.target;
  const typing = target && (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable);
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "j") { event.preventDefault(); selectHit(selected + 1); }
  else if (event.key === "k") { event.preventDefault(); selectHit(selected - 1); }
}

// -- start -----------------------------------------------------------------------------------------------

async function loadConfig() {
  try {
    const config = await fetchJson("/api/ui/config");
    FACETS = config.facets;
  } catch (_) { /* the ui router is missing: keep the default facets */ }
}

document.addEventListener("DOMContentLoaded", async () => {
  applyStaticText();
  renderSyntaxHelp();
  const box = document.getElementById("q");
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    closeSuggestions();
    const p = params();
    const q = box.value.trim();
    if (q) p.set("q", q); else p.delete("q");
    const sort = document.getElementById("sort").value;
    if (sort !== "relevance") p.set("sort", sort); else p.delete("sort");
    const mode = document.getElementById("mode").value;
    if (mode !== "auto") p.set("mode", mode); else p.delete("mode");
    p.delete("offset");
    go(p);
  });
  // A new mode searches again with what is in the box (typed or not yet searched).
  document.getElementById("mode").addEventListener("change", () => {
    document.getElementById("search-form").requestSubmit();
  });
  document.getElementById("sort").addEventListener("change", () => {
    const p = params();
    const sort = document.getElementById("sort").value;
    if (sort !== "relevance") p.set("sort", sort); else p.delete("sort");
    p.delete("offset");
    go(p);
  });
  box.addEventListener("input", () => { clearTimeout(suggestTimer); suggestTimer = setTimeout(loadSuggestions, 150); });
  box.addEventListener("blur", () => setTimeout(closeSuggestions, 100));
  box.addEventListener("keydown", (event) => {
    if (!suggestItems.length) { if (event.key === "Escape") box.blur(); return; }
    if (event.key === "ArrowDown") { event.preventDefault(); highlightSuggestion((suggestIndex + 1) % suggestItems.length); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlightSuggestion(suggestIndex <= 0 ? suggestItems.length - 1 : suggestIndex - 1); }
    else if (event.key === "Escape") { event.preventDefault(); closeSuggestions(); }
    else if (event.key === "Enter" && suggestIndex >= 0) { event.preventDefault(); pickSuggestion(suggestItems[suggestIndex]); }
  });
  document.getElementById("save-form").addEventListener("submit", saveSearch);
  document.addEventListener("keydown", onKey);
  window.addEventListener("popstate", runSearch);
  await loadConfig();
  runSearch();
  loadSaved();
});
