// Quality dashboard: figures from /api/metrics/*, drawn with the vendored Chart.js.
// The URL holds the scope (q, dates, filters, interval, domains, SLA) so a view can be shared.
// Every bar and point opens the search that produced it (the API sends the link with each figure).
"use strict";

const DASH_TEXT = {
  it: {
    skip: "Vai ai dati", archive: "Archivio", ingest: "Acquisizione", quality: "Qualità",
    query: "Ricerca", queryHint: "es. consegna OR ritardo, from:rossi@…", from: "Dal", to: "Al",
    interval: "Periodo", day: "Giorno", week: "Settimana", month: "Mese", language: "Lingua", channel: "Canale",
    source: "Fonte", category: "Categoria", customer: "Cliente", domains: "Domini aziendali", sla: "SLA (ore)",
    update: "Aggiorna", all: "Tutte",
    complaintsTitle: "Reclami per periodo", sentimentTitle: "Sentiment per periodo",
    responseTitle: "Tempo alla prima risposta (ore)", channelTitle: "Reclami per canale e lingua",
    categoryTitle: "Documenti per categoria", whoTitle: "Reclami per cliente", orgTitle: "Reclami per organizzazione citata",
    entitiesTitle: "Più citati nei reclami", entityField: "Tipo di entità", org: "Organizzazioni", person: "Persone",
    reference: "Riferimenti", openTitle: "Reclami senza risposta (dal più vecchio)", received: "Ricevuto",
    waiting: "In attesa da", subject: "Oggetto",
    complaints: "Reclami", complaintShare: "% reclami", documents: "Documenti", avgSentiment: "Sentiment medio",
    negativeShare: "% negativi", median: "Mediana", p90: "90° percentile", slaShare: "% entro SLA",
    current: "Periodo", previous: "Periodo precedente", negative: "Negativi",
    kpiDocuments: "Documenti", kpiComplaints: "Reclami", kpiLikely: "Probabili reclami", likelyComplaints: "Probabili reclami", kpiNegative: "Negativi", kpiSentiment: "Sentiment medio",
    kpiMedian: "Risposta mediana", kpiSla: "Entro SLA", kpiOpen: "Senza risposta", ofDocuments: "dei documenti",
    hours: "ore", days: "giorni", overdue: "oltre lo SLA", cases: "casi", noData: "Nessun dato per questa selezione",
    noDomains: "Indica i domini e-mail dell'azienda per misurare i tempi di risposta.",
    demo: "Dati dimostrativi: {n} documenti della società fittizia Casa Aurora (fonte \"demo\").",
    periodVs: "{from} – {to} rispetto a {pfrom} – {pto}", responseNote: "{cases} reclami via e-mail, {answered} con risposta; SLA {sla} ore.",
    none: "Nessun reclamo in attesa.", email: "e-mail", lang: "lingua",
  },
  en: {
    skip: "Skip to figures", archive: "Archive", ingest: "Ingest", quality: "Quality",
    query: "Search", queryHint: "e.g. delivery OR late, from:rossi@…", from: "From", to: "To",
    interval: "Period", day: "Day", week: "Week", month: "Month", language: "Language", channel: "Channel",
    source: "Source", category: "Category", customer: "Customer", domains: "Company domains", sla: "SLA (hours)",
    update: "Update", all: "All",
    complaintsTitle: "Complaints per period", sentimentTitle: "Sentiment per period",
    responseTitle: "Time to first reply (hours)", channelTitle: "Complaints by channel and language",
    categoryTitle: "Documents by category", whoTitle: "Complaints by customer", orgTitle: "Complaints by organisation named",
    entitiesTitle: "Most named in complaints", entityField: "Entity type", org: "Organisations", person: "People",
    reference: "References", openTitle: "Complaints without a reply (oldest first)", received: "Received",
    waiting: "Waiting for", subject: "Subject",
    complaints: "Complaints", complaintShare: "% complaints", documents: "Documents", avgSentiment: "Average sentiment",
    negativeShare: "% negative", median: "Median", p90: "90th percentile", slaShare: "% within SLA",
    current: "Period", previous: "Previous period", negative: "Negative",
    kpiDocuments: "Documents", kpiComplaints: "Complaints", kpiLikely: "Likely complaints", likelyComplaints: "Likely complaints", kpiNegative: "Negative", kpiSentiment: "Average sentiment",
    kpiMedian: "Median reply", kpiSla: "Within SLA", kpiOpen: "Unanswered", ofDocuments: "of documents",
    hours: "hours", days: "days", overdue: "past the SLA", cases: "cases", noData: "No data for this selection",
    noDomains: "Enter the company's e-mail domains to measure response times.",
    demo: "Demo data: {n} documents of the fictional company Casa Aurora (source \"demo\").",
    periodVs: "{from} – {to} against {pfrom} – {pto}", responseNote: "{cases} complaint e-mails, {answered} answered; SLA {sla} hours.",
    none: "No complaint is waiting.", email: "e-mail", lang: "language",
  },
};

const COLORS = { complaint: "#a61b10", accent: "#0b5cad", soft: "#9ec5ee", muted: "#8c959f", good: "#11652f", amber: "#c05600" };
const FILTER_FIELDS = ["language", "type", "source", "category", "customer"];

function dashLang() {
  const lang = localStorage.getItem("faldone.lang");
  if (lang === "it" || lang === "en") return lang;
  return (navigator.language || "it").toLowerCase().startsWith("it") ? "it" : "en";
}

function d(key, vars) {
  let text = DASH_TEXT[dashLang()][key] ?? DASH_TEXT.it[key] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

const dash = { charts: {}, links: {}, data: {}, ready: false };
window.faldoneDashboard = dash;

function applyText() {
  document.documentElement.lang = dashLang();
  document.querySelectorAll("[data-d]").forEach((node) => { node.textContent = d(node.dataset.d); });
  document.querySelectorAll("[data-d-placeholder]").forEach((node) => { node.placeholder = d(node.dataset.dPlaceholder); });
  document.querySelectorAll("[data-d-label]").forEach((node) => { node.setAttribute("aria-label", d(node.dataset.dLabel)); });
}

// ---- scope: form <-> URL <-> API parameters ------------------------------------------------

function readUrl() {
  const params = new URLSearchParams(location.search);
  for (const id of ["q", "date_from", "date_to", "interval", "domains", "sla"]) {
    if (params.has(id)) document.getElementById(id).value = params.get(id);
  }
  const filters = params.getAll("filter");
  for (const field of FILTER_FIELDS) {
    const found = filters.find((f) => f.startsWith(field + ":"));
    document.getElementById("f-" + field).value = found ? found.slice(field.length + 1) : "";
  }
  if (params.has("entity")) document.getElementById("entity-field").value = params.get("entity");
}

// A DOM element with attributes and children; text is never parsed as HTML.
function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, v] of Object.entries(attrs || {})) if (v !== undefined && v !== null && v !== "") node.setAttribute(key, String(v));
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== "") node.append(child);
  return node;
}

function value(id) { return document.getElementById(id).value.trim(); }

function scopeParams() {
  const params = new URLSearchParams();
  if (value("q")) params.set("q", value("q"));
  if (value("date_from")) params.set("date_from", value("date_from"));
  if (value("date_to")) params.set("date_to", value("date_to"));
  for (const field of FILTER_FIELDS) {
    const v = value("f-" + field);
    if (v) params.append("filter", `${field}:${v}`);
  }
  return params;
}

function writeUrl() {
  const params = scopeParams();
  params.set("interval", value("interval"));
  if (value("domains")) params.set("domains", value("domains"));
  params.set("sla", value("sla") || "48");
  params.set("entity", value("entity-field"));
  history.replaceState(null, "", "/dashboard.html?" + params.toString());
}

function api(path, extra) {
  const params = scopeParams();
  for (const [key, v] of Object.entries(extra || {})) if (v !== undefined && v !== "") params.set(key, v);
  return `/api/metrics/${path}?${params.toString()}`;
}

async function getJson(url) {
  const response = await fetch(url);
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (data && data.error) || {};
    throw new Error(`${err.message || response.statusText}${err.position !== undefined ? ` (pos. ${err.position})` : ""}`);
  }
  return data;
}

// ---- formatting ---------------------------------------------------------------------------

const locale = () => (dashLang() === "it" ? "it-IT" : "en-GB");
const pct = (share) => (share === null || share === undefined ? "–" : `${(share * 100).toFixed(1)}%`);
const num = (n, digits) => (n === null || n === undefined ? "–" : Number(n).toLocaleString(locale(), { maximumFractionDigits: digits ?? 0 }));

function periodLabel(iso, interval) {
  const date = new Date(iso + "T00:00:00Z");
  const options = interval === "month" ? { month: "short", year: "2-digit" } : { day: "2-digit", month: "short" };
  return new Intl.DateTimeFormat(locale(), { ...options, timeZone: "UTC" }).format(date);
}

function age(hours) {
  return hours >= 48 ? `${num(hours / 24, 1)} ${d("days")}` : `${num(hours, 1)} ${d("hours")}`;
}

// ---- charts -------------------------------------------------------------------------------

function draw(id, config, linkOf) {
  if (dash.charts[id]) dash.charts[id].destroy();
  const canvas = document.getElementById(id);
  const box = canvas.parentElement;
  const points = config.data.datasets.reduce((n, ds) => n + ds.data.filter((v) => v !== null && v !== 0).length, 0);
  box.classList.toggle("empty", points === 0);
  box.dataset.empty = d("noData");
  dash.links[id] = linkOf;
  config.options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: "nearest", intersect: true },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
    onClick: (_event, elements) => {
      if (!elements.length) return;
      const url = linkOf(elements[0].datasetIndex, elements[0].index);
      if (url) location.assign(url);
    },
    onHover: (event, elements) => { event.native.target.style.cursor = elements.length ? "pointer" : "default"; },
    ...config.options,
  };
  dash.charts[id] = new Chart(canvas, config);
}

function renderTrend(trend, interval) {
  const buckets = trend.buckets;
  const labels = buckets.map((b) => periodLabel(b.start, interval));
  draw("chart-complaints", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { type: "bar", label: d("complaints"), data: buckets.map((b) => b.complaints), backgroundColor: COLORS.complaint, yAxisID: "y", order: 2, stack: "c" },
        // Counted apart: below the complaint threshold, above the model's "likely complaint" threshold.
        { type: "bar", label: d("likelyComplaints"), data: buckets.map((b) => b.likely_complaints || 0), backgroundColor: COLORS.amber, yAxisID: "y", order: 3, stack: "c" },
        { type: "line", label: d("complaintShare"), data: buckets.map((b) => (b.complaint_share === null ? null : +(b.complaint_share * 100).toFixed(1))),
          borderColor: COLORS.accent, backgroundColor: COLORS.accent, yAxisID: "y1", tension: 0.25, pointRadius: 3, order: 1 },
      ],
    },
    options: {
      scales: {
        x: { stacked: true },
        y: { beginAtZero: true, stacked: true, ticks: { precision: 0 }, title: { display: true, text: d("complaints") } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
      },
    },
  }, (ds, i) => (ds === 1 ? buckets[i].links.likely_complaints : buckets[i].links.complaints));

  draw("chart-sentiment", {
    type: "bar",
    data: {
      labels,
      datasets: [
        { type: "line", label: d("avgSentiment"), data: buckets.map((b) => b.avg_sentiment), borderColor: COLORS.good,
          backgroundColor: COLORS.good, yAxisID: "y", tension: 0.25, pointRadius: 3, spanGaps: true, order: 1 },
        { type: "bar", label: d("negativeShare"), data: buckets.map((b) => (b.negative_share === null ? null : +(b.negative_share * 100).toFixed(1))),
          backgroundColor: COLORS.soft, yAxisID: "y1", order: 2 },
      ],
    },
    options: {
      scales: {
        y: { min: -1, max: 1, title: { display: true, text: d("avgSentiment") } },
        y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
      },
    },
  }, (ds, i) => (ds === 0 ? buckets[i].links.documents : buckets[i].links.negative));
}

function horizontalBars(id, rows, label, color) {
  draw(id, {
    type: "bar",
    data: { labels: rows.map((r) => r.label), datasets: [{ label, data: rows.map((r) => r.count), backgroundColor: rows.map((r) => r.color || color) }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  }, (_ds, i) => rows[i].link);
}

function renderBreakdowns(complaints, documents) {
  const f = complaints.fields;
  const channel = [
    ...(f.type || []).map((r) => ({ ...r, label: r.value === "email" ? d("email") : r.value, color: COLORS.complaint })),
    ...(f.language || []).map((r) => ({ ...r, label: `${d("lang")}: ${r.value}`, color: COLORS.amber })),
  ];
  horizontalBars("chart-channel", channel, d("complaints"), COLORS.complaint);
  // Customers from the registry; without a registry, the organisations the complaints name.
  const byCustomer = (f.customer || []).length > 0;
  const who = (byCustomer ? f.customer : f.org || []).map((r) => ({ ...r, label: r.value }));
  document.getElementById("h-who").textContent = d(byCustomer ? "whoTitle" : "orgTitle");
  horizontalBars("chart-who", who, d("complaints"), byCustomer ? COLORS.accent : COLORS.complaint);
  const categories = (documents.fields.category || []).map((r) => ({ ...r, label: r.value, color: r.value === "complaint" ? COLORS.complaint : COLORS.accent }));
  horizontalBars("chart-category", categories, d("documents"), COLORS.accent);
}

function renderEntities(entities, field) {
  const rows = entities.fields[field] || [];
  const day = (iso) => new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso + "T00:00:00Z"));
  document.getElementById("entities-period").textContent = d("periodVs", {
    from: day(entities.period.from), to: day(entities.period.to), pfrom: day(entities.previous.from), pto: day(entities.previous.to),
  });
  draw("chart-entities", {
    type: "bar",
    data: {
      labels: rows.map((r) => r.value),
      datasets: [
        { label: `${d("current")} (${entities.period.complaints})`, data: rows.map((r) => r.count), backgroundColor: COLORS.complaint },
        { label: `${d("previous")} (${entities.previous.complaints})`, data: rows.map((r) => r.previous), backgroundColor: COLORS.muted },
      ],
    },
    options: { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  }, (ds, i) => (ds === 0 ? rows[i].link : rows[i].previous_link));
}

function renderResponse(response, interval) {
  const note = document.getElementById("response-note");
  const rows = document.getElementById("open-rows");
  rows.innerHTML = "";
  if (!response) {
    note.textContent = d("noDomains");
    draw("chart-response", { type: "line", data: { labels: [], datasets: [] } }, () => null);
    return;
  }
  const buckets = response.buckets;
  note.textContent = d("responseNote", { cases: response.totals.cases, answered: response.totals.answered, sla: response.sla_hours });
  draw("chart-response", {
    type: "bar",
    data: {
      labels: buckets.map((b) => periodLabel(b.start, interval)),
      datasets: [
        { type: "line", label: d("median"), data: buckets.map((b) => b.median_hours), borderColor: COLORS.accent, backgroundColor: COLORS.accent, spanGaps: true, yAxisID: "y", order: 1 },
        { type: "line", label: d("p90"), data: buckets.map((b) => b.p90_hours), borderColor: COLORS.amber, backgroundColor: COLORS.amber, borderDash: [5, 4], spanGaps: true, yAxisID: "y", order: 1 },
        { type: "bar", label: d("slaShare"), data: buckets.map((b) => (b.sla_share === null ? null : +(b.sla_share * 100).toFixed(1))), backgroundColor: "#cfe3d6", yAxisID: "y1", order: 2 },
      ],
    },
    options: {
      scales: {
        y: { beginAtZero: true, title: { display: true, text: d("hours") } },
        y1: { min: 0, max: 100, position: "right", grid: { drawOnChartArea: false }, ticks: { callback: (v) => `${v}%` } },
      },
    },
  }, (_ds, i) => buckets[i].link);
  if (!response.open_cases.length) {
    rows.append(h("tr", {}, h("td", { colspan: 4, class: "muted" }, d("none"))));
  }
  for (const c of response.open_cases) {
    rows.append(h("tr", {},
      h("td", {}, new Intl.DateTimeFormat(locale(), { dateStyle: "medium", timeStyle: "short" }).format(new Date(c.opened))),
      h("td", { class: c.overdue ? "overdue" : "" }, age(c.age_hours), c.overdue ? ` · ${d("overdue")}` : ""),
      h("td", {}, c.sender),
      h("td", {}, h("a", { href: c.url }, c.subject || c.id))));
  }
}

function kpi(label, main, sub, href, bad) {
  return h("a", { class: "kpi", href: href || "#" },
    h("div", { class: "label" }, label), h("div", { class: "value" + (bad ? " bad" : "") }, main), h("div", { class: "sub" }, sub || ""));
}

function renderKpis(trend, response) {
  const box = document.getElementById("kpis");
  box.innerHTML = "";
  const totals = trend.totals;
  const weighted = trend.buckets.reduce((acc, b) => (b.avg_sentiment === null ? acc : [acc[0] + b.avg_sentiment * b.documents, acc[1] + b.documents]), [0, 0]);
  box.append(
    kpi(d("kpiDocuments"), num(totals.documents), "", totals.links.documents),
    kpi(d("kpiComplaints"), num(totals.complaints), `${pct(totals.complaint_share)} ${d("ofDocuments")}`, totals.links.complaints, true),
    kpi(d("kpiLikely"), num(totals.likely_complaints || 0), `${pct(totals.likely_complaint_share)} ${d("ofDocuments")}`, totals.links.likely_complaints),
    kpi(d("kpiNegative"), num(totals.negative), `${pct(totals.negative_share)} ${d("ofDocuments")}`, totals.links.negative),
    kpi(d("kpiSentiment"), weighted[1] ? num(weighted[0] / weighted[1], 2) : "–", "", totals.links.documents),
  );
  if (response) {
    const r = response.totals;
    box.append(
      kpi(d("kpiMedian"), r.median_hours === null ? "–" : `${num(r.median_hours, 1)} h`, `p90 ${r.p90_hours === null ? "–" : num(r.p90_hours, 1) + " h"}`, "#h-response"),
      kpi(d("kpiSla"), pct(r.sla_share), `SLA ${response.sla_hours} h · ${r.cases} ${d("cases")}`, "#h-response"),
      kpi(d("kpiOpen"), num(response.open_total), `${r.overdue} ${d("overdue")}`, "#h-open", r.overdue > 0),
    );
  }
}

function setCsvLinks(interval, sla, domains, entity) {
  const targets = {
    trend: api("trend", { interval, format: "csv" }),
    breakdown: api("breakdown", { fields: "type,language,customer,org", measure: "complaints", format: "csv" }),
    "breakdown-documents": api("breakdown", { fields: "category", measure: "documents", format: "csv" }),
    entities: api("entities", { fields: entity, format: "csv" }),
    "response-time": api("response-time", { interval, sla_hours: sla, company_domains: domains, format: "csv" }),
    "open-complaints": api("open-complaints", { sla_hours: sla, company_domains: domains, format: "csv" }),
  };
  document.querySelectorAll("a[data-csv]").forEach((a) => {
    a.href = targets[a.dataset.csv];
    a.setAttribute("download", "");
  });
}

async function load() {
  dash.ready = false;
  const error = document.getElementById("error");
  error.hidden = true;
  writeUrl();
  const interval = value("interval") || "week";
  const sla = value("sla") || "48";
  const domains = value("domains");
  const entity = value("entity-field") || "org";
  setCsvLinks(interval, sla, domains, entity);
  try {
    const [trend, complaints, documents, entities, response] = await Promise.all([
      getJson(api("trend", { interval })),
      getJson(api("breakdown", { fields: "type,language,customer,org", measure: "complaints", size: 10 })),
      getJson(api("breakdown", { fields: "category", measure: "documents", size: 10 })),
      getJson(api("entities", { fields: "org,person,reference,customer", size: 10 })),
      domains ? getJson(api("response-time", { interval, sla_hours: sla, company_domains: domains })) : Promise.resolve(null),
    ]);
    dash.data = { trend, complaints, documents, entities, response };
    renderKpis(trend, response);
    renderTrend(trend, interval);
    renderBreakdowns(complaints, documents);
    renderEntities(entities, entity);
    renderResponse(response, interval);
  } catch (err) {
    error.hidden = false;
    error.textContent = err.message;
  }
  dash.ready = true;
}

document.addEventListener("DOMContentLoaded", async () => {
  applyText();
  const lang = document.getElementById("lang");
  lang.value = dashLang();
  lang.addEventListener("change", () => { localStorage.setItem("faldone.lang", lang.value); location.reload(); });
  readUrl();
  try {
    const config = await getJson("/api/metrics/config");
    if (!value("domains")) document.getElementById("domains").value = (config.company_domains.length ? config.company_domains : [config.demo.company_domain].filter(Boolean)).join(",");
    if (!new URLSearchParams(location.search).has("sla")) document.getElementById("sla").value = String(config.sla_hours);
    if (config.demo.documents) {
      const note = document.getElementById("demo-note");
      note.hidden = false;
      note.textContent = d("demo", { n: config.demo.documents });
    }
  } catch (_) { /* the figures below report their own errors */ }
  document.getElementById("controls").addEventListener("submit", (event) => { event.preventDefault(); load(); });
  document.getElementById("entity-field").addEventListener("change", () => {
    writeUrl();
    setCsvLinks(value("interval"), value("sla"), value("domains"), value("entity-field"));
    if (dash.data.entities) renderEntities(dash.data.entities, value("entity-field"));
  });
  document.getElementById("interval").addEventListener("change", load);
  load();
});
