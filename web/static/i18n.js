// Italian and English labels; the choice is remembered in localStorage.
const FALDONE_TEXT = {
  it: {
    search: "Cerca", placeholder: "Cerca nell'archivio: parole, \"frasi\", from:rossi, date:[2024-01-01 TO 2024-03-31]",
    results: "risultati", in: "in", noResults: "Nessun risultato.", original: "Originale", open: "Apri",
    page: "pag.", facets: { type: "Tipo", language: "Lingua", category: "Categoria", source: "Fonte",
      sender: "Mittente", customer: "Cliente", person: "Persone", org: "Organizzazioni" },
    sort: "Ordina", relevance: "Pertinenza", newest: "Più recenti", oldest: "Meno recenti",
    prev: "Precedenti", next: "Successivi", ingest: "Acquisizione", archive: "Archivio",
    help: "Sintassi: AND OR NOT, \"frase\", campo:valore, prefisso*, refuso~, \"a b\"~5",
    metadata: "Metadati", text: "Testo", entities: "Entità", attachments: "Allegati", parent: "Documento padre",
    thread: "Conversazione", complaint: "Reclamo", sentiment: "Sentiment", unreadable: "Non leggibili",
    queued: "In coda", running: "In corso", done: "Completati", failed: "In quarantena", rate: "doc/s", eta: "Fine stimata",
    retry: "Riprova", upload: "Carica file", dropHere: "Trascina qui i file o scegli", clear: "Rimuovi filtro",
  },
  en: {
    search: "Search", placeholder: "Search the archive: words, \"phrases\", from:rossi, date:[2024-01-01 TO 2024-03-31]",
    results: "results", in: "in", noResults: "No results.", original: "Original", open: "Open",
    page: "p.", facets: { type: "Type", language: "Language", category: "Category", source: "Source",
      sender: "Sender", customer: "Customer", person: "People", org: "Organisations" },
    sort: "Sort", relevance: "Relevance", newest: "Newest", oldest: "Oldest",
    prev: "Previous", next: "Next", ingest: "Ingest", archive: "Archive",
    help: "Syntax: AND OR NOT, \"phrase\", field:value, prefix*, typo~, \"a b\"~5",
    metadata: "Metadata", text: "Text", entities: "Entities", attachments: "Attachments", parent: "Parent document",
    thread: "Thread", complaint: "Complaint", sentiment: "Sentiment", unreadable: "Unreadable",
    queued: "Queued", running: "Running", done: "Done", failed: "Quarantined", rate: "docs/s", eta: "ETA",
    retry: "Retry", upload: "Upload files", dropHere: "Drop files here or choose", clear: "Remove filter",
  },
};

function t(key) {
  const lang = localStorage.getItem("faldone.lang") || "it";
  const parts = key.split(".");
  let value = FALDONE_TEXT[lang];
  for (const p of parts) value = value ? value[p] : undefined;
  return value === undefined ? key : value;
}

function setLang(lang) {
  localStorage.setItem("faldone.lang", lang);
  document.documentElement.lang = lang;
  location.reload();
}

function escapeHtml(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function applyStaticText() {
  document.documentElement.lang = localStorage.getItem("faldone.lang") || "it";
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
  document.querySelectorAll("[data-t-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.tPlaceholder); });
  document.querySelectorAll("[data-t-label]").forEach((el) => { el.setAttribute("aria-label", t(el.dataset.tLabel)); });
}
