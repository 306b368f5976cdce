// Italian and English labels, shared helpers. The language is remembered in localStorage.
"use strict";

const FALDONE_TEXT = {
  it: {
    search: "Cerca", placeholder: "Cerca nell'archivio: parole, \"frasi\", from:rossi, date:2024-03",
    results: "risultati", result: "risultato", in: "in", noResults: "Nessun risultato.", original: "Originale", open: "Apri",
    download: "Scarica", page: "pag.", pages: "pagine",
    facets: {
      type: "Tipo", language: "Lingua", category: "Categoria", source: "Fonte", sender: "Mittente",
      customer: "Clienti", person: "Persone", org: "Organizzazioni", loc: "Luoghi", email_address: "Indirizzi e-mail",
      phone: "Telefoni", iban: "IBAN", codice_fiscale: "Codice fiscale", partita_iva: "Partita IVA",
      money: "Importi", date_mentioned: "Date citate", reference: "Riferimenti", complaint: "Reclamo",
      sentiment: "Sentiment", year: "Anno", month: "Mese", date: "Data", hold: "Blocco legale", tags: "Etichette",
      supplier_name: "Fornitore", invoice_number: "Numero fattura", document_type: "Tipo documento", pec_type: "PEC",
      signer: "Firmatario",
    },
    values: {
      true: "sì", false: "no", negative: "negativo", neutral: "neutro", positive: "positivo",
    },
    sort: "Ordina", relevance: "Pertinenza", newest: "Più recenti", oldest: "Meno recenti",
    mode: "Modo di ricerca", modeAuto: "Automatico", modeKeyword: "Parole", modeSemantic: "Significato",
    modeHybrid: "Parole + significato", byMeaning: "trovato per significato",
    similarMeaning: "Documenti simili (per significato, anche in altre lingue)", noSimilar: "Nessun documento simile.",
    prev: "← Precedenti", next: "Successivi →", pageOf: "Pagina {n} di {m}",
    ingest: "Acquisizione", archive: "Archivio", quality: "Qualità", legal: "Legale", language: "Lingua",
    help: "Guida alla sintassi", helpIntro: "Le parole sono unite da AND. Radici italiane e inglesi, accenti ignorati.",
    helpRows: [
      ["fattura rossi", "entrambe le parole"], ["reclamo OR lamentela", "una delle due"],
      ["rimborso -newsletter", "la prima, senza la seconda"], ["\"nota di credito\"", "la frase esatta"],
      ["\"consegna ritardo\"~5", "parole entro 5 posizioni"], ["fatt*", "prefisso"], ["rossi~", "con refusi"],
      ["=fatture", "senza radici"], ["from:rossi@example.it", "un campo (subject:, to:, type:, lang:, person:, org:, iban:, cf:…)"],
      ["date:[2024-01-01 TO 2024-03-31]", "intervallo di date"], ["date:2024-03", "un mese intero"],
      ["sentiment:<-0.5", "confronto"], ["complaint:true", "solo reclami"],
    ],
    suggestions: "Suggerimenti", savedSearches: "Ricerche salvate", save: "Salva ricerca", saveName: "Nome della ricerca", saveNameShort: "Nome…",
    deleteSaved: "Elimina ricerca salvata", noSaved: "Nessuna ricerca salvata.", filters: "Filtri",
    clear: "Rimuovi filtro", clearAll: "Rimuovi tutti", facetsLabel: "Filtri per campo", more: "altri",
    keyboard: "Tasti: / cerca · j/k risultato successivo/precedente · Invio apre",
    metadata: "Metadati", text: "Testo", entities: "Entità", attachments: "Allegati", parent: "E-mail padre",
    thread: "Conversazione", complaint: "Reclamo", noComplaint: "Non è un reclamo", sentiment: "Sentiment",
    category: "Categoria", unreadable: "Non leggibile", preview: "Anteprima", openOriginal: "Apri l'originale",
    noPreview: "Anteprima non disponibile per questo tipo di file.", thisDoc: "questo documento",
    matches: "occorrenze", nextMatch: "Occorrenza successiva (n)", highlightOf: "Evidenziato", correct: "Correggi", correctionSaved: "Correzione salvata",
    correctionsUnavailable: "Correzione non ancora disponibile",
    filename: "File", mime: "Tipo MIME", date: "Data", size: "Dimensione", source: "Fonte",
    from: "Da", to: "A", cc: "Cc", subject: "Oggetto", messageId: "Message-ID", ocr: "OCR",
    folder: "Cartella", camera: "Fotocamera", taken: "Scattata il", gps: "GPS", warnings: "Avvisi di lettura",
    queued: "In coda", running: "In corso", done: "Completati", failed: "In quarantena", rate: "doc/s", eta: "Fine stimata",
    documents: "Documenti", progress: "Avanzamento", retry: "Riprova", retried: "Rimesso in coda",
    upload: "Carica file", dropHere: "Trascina qui i file", orChoose: "oppure scegli dal computer",
    uploading: "Caricamento…", uploaded: "In coda", duplicate: "Già presente", uploadFailed: "Errore",
    failures: "File non leggibili", noFailures: "Nessun file in quarantena.", reason: "Motivo", file: "File",
    uploads: "Caricamenti", seconds: "s", minutes: "min", loading: "Caricamento…",
  },
  en: {
    search: "Search", placeholder: "Search the archive: words, \"phrases\", from:rossi, date:2024-03",
    results: "results", result: "result", in: "in", noResults: "No results.", original: "Original", open: "Open",
    download: "Download", page: "p.", pages: "pages",
    facets: {
      type: "Type", language: "Language", category: "Category", source: "Source", sender: "Sender",
      customer: "Customers", person: "People", org: "Organisations", loc: "Places", email_address: "E-mail addresses",
      phone: "Phones", iban: "IBAN", codice_fiscale: "Tax code", partita_iva: "VAT number",
      money: "Amounts", date_mentioned: "Dates mentioned", reference: "References", complaint: "Complaint",
      sentiment: "Sentiment", year: "Year", month: "Month", date: "Date", hold: "Legal hold", tags: "Tags",
      supplier_name: "Supplier", invoice_number: "Invoice number", document_type: "Document type", pec_type: "PEC",
      signer: "Signer",
    },
    values: {
      true: "yes", false: "no", negative: "negative", neutral: "neutral", positive: "positive",
    },
    sort: "Sort", relevance: "Relevance", newest: "Newest", oldest: "Oldest",
    mode: "Search mode", modeAuto: "Automatic", modeKeyword: "Words", modeSemantic: "Meaning",
    modeHybrid: "Words + meaning", byMeaning: "found by meaning",
    similarMeaning: "Similar documents (by meaning, in any language)", noSimilar: "No similar documents.",
    prev: "← Previous", next: "Next →", pageOf: "Page {n} of {m}",
    ingest: "Ingest", archive: "Archive", quality: "Quality", legal: "Legal", language: "Language",
    help: "Query syntax", helpIntro: "Words are joined by AND. Italian and English stems, accents ignored.",
    helpRows: [
      ["invoice rossi", "both words"], ["complaint OR grievance", "either word"],
      ["refund -newsletter", "the first, without the second"], ["\"credit note\"", "the exact phrase"],
      ["\"delivery delay\"~5", "words within 5 positions"], ["inv*", "prefix"], ["rossi~", "with typos"],
      ["=invoices", "no stemming"], ["from:rossi@example.it", "a field (subject:, to:, type:, lang:, person:, org:, iban:, cf:…)"],
      ["date:[2024-01-01 TO 2024-03-31]", "date range"], ["date:2024-03", "a whole month"],
      ["sentiment:<-0.5", "comparison"], ["complaint:true", "complaints only"],
    ],
    suggestions: "Suggestions", savedSearches: "Saved searches", save: "Save search", saveName: "Name of the search", saveNameShort: "Name…",
    deleteSaved: "Delete saved search", noSaved: "No saved searches.", filters: "Filters",
    clear: "Remove filter", clearAll: "Remove all", facetsLabel: "Filters by field", more: "more",
    keyboard: "Keys: / search · j/k next/previous result · Enter opens",
    metadata: "Metadata", text: "Text", entities: "Entities", attachments: "Attachments", parent: "Parent e-mail",
    thread: "Thread", complaint: "Complaint", noComplaint: "Not a complaint", sentiment: "Sentiment",
    category: "Category", unreadable: "Unreadable", preview: "Preview", openOriginal: "Open the original",
    noPreview: "No preview for this type of file.", thisDoc: "this document",
    matches: "matches", nextMatch: "Next match (n)", highlightOf: "Highlighted", correct: "Correct", correctionSaved: "Correction saved",
    correctionsUnavailable: "Corrections not available yet",
    filename: "File", mime: "MIME type", date: "Date", size: "Size", source: "Source",
    from: "From", to: "To", cc: "Cc", subject: "Subject", messageId: "Message-ID", ocr: "OCR",
    folder: "Folder", camera: "Camera", taken: "Taken", gps: "GPS", warnings: "Reading notes",
    queued: "Queued", running: "Running", done: "Done", failed: "Quarantined", rate: "docs/s", eta: "ETA",
    documents: "Documents", progress: "Progress", retry: "Retry", retried: "Queued again",
    upload: "Upload files", dropHere: "Drop files here", orChoose: "or choose from your computer",
    uploading: "Uploading…", uploaded: "Queued", duplicate: "Already archived", uploadFailed: "Error",
    failures: "Unreadable files", noFailures: "No file in quarantine.", reason: "Reason", file: "File",
    uploads: "Uploads", seconds: "s", minutes: "min", loading: "Loading…",
  },
};

function currentLang() {
  const lang = localStorage.getItem("faldone.lang");
  if (lang === "it" || lang === "en") return lang;
  return (navigator.language || "it").toLowerCase().startsWith("it") ? "it" : "en";
}

function t(key, vars) {
  let value = FALDONE_TEXT[currentLang()];
  for (const part of key.split(".")) value = value === undefined ? undefined : value[part];
  if (value === undefined) return key.split(".").pop();
  if (typeof value === "string" && vars) {
    return value.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  }
  return value;
}

function setLang(lang) {
  localStorage.setItem("faldone.lang", lang);
  location.reload();
}

function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Build an element: el("a", {href: "/", class: "x"}, "text", child). Text is never parsed as HTML.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function formatDate(iso, withTime) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const options = withTime ? { dateStyle: "medium", timeStyle: "short" } : { dateStyle: "medium" };
  return new Intl.DateTimeFormat(currentLang() === "it" ? "it-IT" : "en-GB", options).format(d);
}

function formatSize(bytes) {
  if (bytes === undefined || bytes === null) return "";
  const units = ["B", "KB", "MB", "GB"];
  let n = Number(bytes);
  let u = 0;
  while (n >= 1024 && u < units.length - 1) { n /= 1024; u += 1; }
  return `${u ? n.toFixed(1) : n} ${units[u]}`;
}

function showError(message) {
  const box = document.getElementById("error");
  if (!box) return;
  box.hidden = !message;
  box.textContent = message || "";
}

// The session's CSRF token (double submit: the server sets the `faldone_csrf` cookie).
function csrfToken() {
  const match = document.cookie.match(/(?:^|;\s*)faldone_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function goToLogin() {
  location.assign(`/login?${new URLSearchParams({ next: location.pathname + location.search }).toString()}`);
}

async function fetchJson(url, options) {
  const opts = { ...(options || {}) };
  const method = (opts.method || "GET").toUpperCase();
  if (!["GET", "HEAD"].includes(method)) opts.headers = { ...(opts.headers || {}), "X-CSRF-Token": csrfToken() };
  const response = await fetch(url, opts);
  let data = null;
  try { data = await response.json(); } catch (_) { data = null; }
  if (response.status === 401) goToLogin();
  if (!response.ok) {
    const err = (data && data.error) || {};
    const position = err.position !== undefined ? ` (pos. ${err.position})` : "";
    const error = new Error(`${err.message || (data && data.detail && JSON.stringify(data.detail)) || response.statusText}${position}`);
    error.status = response.status;
    throw error;
  }
  return data;
}

function applyStaticText() {
  document.documentElement.lang = currentLang();
  document.querySelectorAll("[data-t]").forEach((node) => { node.textContent = t(node.dataset.t); });
  document.querySelectorAll("[data-t-placeholder]").forEach((node) => { node.placeholder = t(node.dataset.tPlaceholder); });
  document.querySelectorAll("[data-t-label]").forEach((node) => { node.setAttribute("aria-label", t(node.dataset.tLabel)); });
  document.querySelectorAll("[data-t-title]").forEach((node) => { node.title = t(node.dataset.tTitle); });
  const select = document.getElementById("lang");
  if (select) {
    select.value = currentLang();
    select.addEventListener("change", () => setLang(select.value));
  }
  const here = location.pathname === "/" ? "/" : location.pathname;
  document.querySelectorAll("header nav a").forEach((a) => {
    if (a.getAttribute("href") === here) a.setAttribute("aria-current", "page");
  });
}

// Keyboard: "/" jumps to the search box on every page (or to the search page).
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))) return;
  event.preventDefault();
  const box = document.getElementById("q");
  if (box) { box.focus(); box.select(); } else { location.href = "/"; }
});
