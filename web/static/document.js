// Document page: badges, metadata, entities (each one a filtered search), the family (parent e-mail,
// attachments as a tree), the thread in order, the text with the query's matches marked, and the
// original previewed inline and downloadable. Everything is built with DOM nodes, never from HTML.
"use strict";

// Entity label → keyword field of the index (index/fields.py ENTITY_FIELDS).
const ENTITY_FIELDS = {
  PERSON: "person", ORG: "org", LOC: "loc", EMAIL: "email_address", PHONE: "phone", IBAN: "iban",
  CODICE_FISCALE: "codice_fiscale", PARTITA_IVA: "partita_iva", MONEY: "money", DATE: "date_mentioned",
  REFERENCE: "reference",
};
const PREVIEW_PAGES = 10;

function docLink(doc, attrs) {
  return el("a", { href: `/document.html?id=${encodeURIComponent(doc.id)}`, ...attrs }, doc.title || doc.filename || doc.id);
}

function section(id, title, ...children) {
  return el("section", { class: "panel", id, "aria-labelledby": `${id}-title` }, el("h3", { id: `${id}-title` }, title), ...children);
}

// -- the query's terms, marked in the text ------------------------------------------------------------

const ACCENTS = { a: "aàáâäã", e: "eèéêë", i: "iìíîï", o: "oòóôöõ", u: "uùúûü", c: "cç", n: "nñ" };

function termPattern(term, prefix) {
  const chars = [...term.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()].map((c) => {
    if (c === "*") return "[\\p{L}\\p{N}]*";
    if (c === "?") return "[\\p{L}\\p{N}]";
    if (ACCENTS[c]) return `[${ACCENTS[c]}]`;
    return c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return chars.join("") + (prefix ? "[\\p{L}\\p{N}]*" : "");
}

// `"nota di credito" fattur* -newsletter from:rossi` → a regex for nota, credito, fattur…, rossi.
function queryRegex(q) {
  if (!q) return null;
  const patterns = [];
  const re = /(-|\bNOT\s+)?(?:[\w.]+:)?(=)?("([^"]*)"|[^\s()"]+)/gu;
  for (const m of q.matchAll(re)) {
    if (m[1]) continue; // negated: nothing to mark
    const exact = Boolean(m[2]);
    const words = m[4] !== undefined ? m[4].split(/\s+/) : [m[3]];
    for (let word of words) {
      word = word.replace(/^[+]/, "").replace(/~\d*$/, "").replace(/^[[{]|[\]}]$/g, "");
      if (!word || ["AND", "OR", "NOT", "TO"].includes(word) || /^[<>=]/.test(word) || word === "*") continue;
      if (/[\\]/.test(word)) continue;
      const wild = /[*?]/.test(word);
      // A rough stem: Italian and English endings vary in the last letters.
      const stem = !exact && !wild && word.length > 4 ? word.slice(0, word.length - (word.length > 6 ? 2 : 1)) : word;
      patterns.push(termPattern(stem, !exact && !wild && stem !== word));
    }
  }
  if (!patterns.length) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${patterns.join("|")})(?![\\p{L}\\p{N}])`, "giu");
}

function markedText(text, regex) {
  const out = document.createDocumentFragment();
  if (!regex) { out.append(text); return [out, 0]; }
  let last = 0;
  let count = 0;
  for (const m of text.matchAll(regex)) {
    if (!m[0]) continue;
    out.append(text.slice(last, m.index), el("mark", { class: "q" }, m[0]));
    last = m.index + m[0].length;
    count += 1;
  }
  out.append(text.slice(last));
  return [out, count];
}

// -- parts of the page ---------------------------------------------------------------------------------------

function badges(data, config) {
  const ann = data.annotations || {};
  const sentiment = typeof ann.sentiment === "number" ? ann.sentiment : 0;
  const tone = sentiment < -0.3 ? "neg" : sentiment > 0.3 ? "pos" : "";
  const wrap = el("div", { class: "badges", id: "badges" },
    el("span", { class: `badge ${ann.complaint ? "complaint" : ""}`, dataset: { badge: "complaint" } },
      ann.complaint ? t("complaint") : t("noComplaint")),
    el("span", { class: `badge ${tone}`, dataset: { badge: "sentiment" } }, `${t("sentiment")} ${sentiment.toFixed(2)}`),
    ann.category ? el("span", { class: "badge", dataset: { badge: "category" } }, `${t("category")}: ${ann.category}`) : null,
    ann.language ? el("span", { class: "badge", dataset: { badge: "language" } }, ann.language) : null);
  wrap.append(correctionControl(data, config));
  return wrap;
}

// HOOK (corrections): another component owns `POST /api/documents/{id}/corrections`, taking
// {kind: "complaint" | "category", value}. The control appears only when /api/ui/config reports
// that route; one correction is sent per changed field.
function correctionControl(data, config) {
  if (!config || !config.corrections) return el("span", { id: "corrections-hook", hidden: true });
  const ann = data.annotations || {};
  const complaint = el("input", { type: "checkbox", id: "fix-complaint", checked: Boolean(ann.complaint) });
  const categories = config.categories && config.categories.length ? config.categories : [ann.category || "other"];
  const category = el("select", { id: "fix-category", "aria-label": t("category") },
    categories.map((c) => el("option", { value: c, selected: c === ann.category }, c)));
  const status = el("span", { class: "muted small", role: "status" });
  const send = (kind, value) => fetchJson(`/api/documents/${encodeURIComponent(data.id)}/corrections`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind, value }),
  });
  return el("details", { class: "correct", id: "corrections" },
    el("summary", {}, t("correct")),
    el("form", {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          if (complaint.checked !== Boolean(ann.complaint)) await send("complaint", complaint.checked);
          if (category.value !== ann.category) await send("category", category.value);
          status.textContent = t("correctionSaved");
        } catch (err) { status.textContent = err.message; }
      },
    }, el("label", {}, complaint, " ", t("complaint")), " ", el("label", {}, t("category"), " ", category), " ",
    el("button", { type: "submit" }, t("correct")), " ", status));
}

function metadata(data) {
  const email = data.email;
  const rows = [
    ["filename", data.filename], ["mime", data.mime_type], ["date", formatDate(data.date, true)],
    ["size", formatSize(data.size)], ["source", data.source], ["sha256", data.sha256],
  ];
  if (email) {
    rows.push(["from", email.sender], ["to", (email.to || []).join(", ")], ["cc", (email.cc || []).join(", ")],
      ["subject", email.subject], ["messageId", email.message_id]);
  }
  const meta = data.metadata || {};
  const camera = [meta.camera_make, meta.camera_model].filter(Boolean).join(" ");
  const gps = meta.gps && meta.gps.latitude !== undefined ? `${meta.gps.latitude}, ${meta.gps.longitude}` : "";
  rows.push(["folder", meta.folder], ["camera", camera], ["taken", meta.taken], ["gps", gps]);
  return section("metadata", t("metadata"), el("dl", {}, rows.filter(([, v]) => v).map(([k, v]) =>
    [el("dt", {}, k === "sha256" ? "SHA-256" : t(k)), el("dd", { class: k === "sha256" ? "mono" : "" }, v)])),
    warnings(data));
}

// What the reader could not do with this file (a picture not decoded, text cut at the NLP limit…).
function warnings(data) {
  const list = data.warnings || [];
  if (!list.length) return null;
  return el("div", { id: "warnings", class: "notice", role: "note" },
    el("strong", {}, t("warnings")), el("ul", {}, list.map((w) => el("li", {}, w))));
}

// Italian back office: FatturaPA data, the signature of a .p7m, the PEC envelope and its receipts.
function bilingual(it, en) {
  return (localStorage.getItem("faldone.lang") || "it") === "en" ? en : it;
}

function definitionList(rows) {
  return el("dl", {}, rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) =>
    [el("dt", {}, k), el("dd", {}, String(v))]));
}

function italianSections(data) {
  const meta = data.metadata || {};
  const sections = [];
  const invoice = meta.invoice;
  if (invoice) {
    const party = (p) => p ? [p.name, p.vat_id || p.vat, p.codice_fiscale].filter(Boolean).join(" · ") : "";
    sections.push(section("invoice", bilingual("Fattura elettronica", "E-invoice"), definitionList([
      [bilingual("Tipo", "Type"), [invoice.document_type, invoice.document_type_label].filter(Boolean).join(" ")],
      [bilingual("Numero", "Number"), invoice.number], [bilingual("Data", "Date"), invoice.date],
      [bilingual("Fornitore", "Supplier"), party(invoice.supplier)],
      [bilingual("Cliente", "Customer"), party(invoice.customer)],
      [bilingual("Totale", "Total"), invoice.total !== undefined ? `${invoice.total} ${invoice.currency || ""}` : ""],
      [bilingual("Imponibile", "Taxable"), invoice.taxable_total], ["IVA / VAT", invoice.vat_total],
    ])));
  }
  const signature = meta.signature;
  if (signature) {
    sections.push(section("signature", bilingual("Firma digitale", "Digital signature"), definitionList([
      [bilingual("Firmatario", "Signer"), signature.signer], ["CF", signature.codice_fiscale],
      [bilingual("Emittente", "Issuer"), signature.issuer], [bilingual("Firmato il", "Signed at"), signature.signing_time],
      [bilingual("Verifica crittografica", "Cryptographic check"),
        signature.verified ? bilingual("la firma corrisponde al contenuto", "signature matches the content")
          : bilingual("la firma NON corrisponde", "signature does NOT verify")],
      [bilingual("Nota", "Note"), signature.note],
    ])));
  }
  const pec = meta.pec;
  const links = data.pec_links;
  if (pec || (links && links.summary && links.summary.length)) {
    const rows = pec ? [[bilingual("Tipo", "Type"), pec.type], [bilingual("Mittente", "Sender"), pec.sender],
      [bilingual("Data", "Date"), pec.date], ["Message-ID", pec.ref_message_id || pec.message_id]] : [];
    const receipts = links && links.summary ? el("ul", { id: "pec-receipts" }, links.summary.map((line) => el("li", {}, line))) : "";
    sections.push(section("pec", "PEC", definitionList(rows), receipts));
  }
  return sections;
}

function entities(data) {
  const groups = {};
  for (const e of data.entities || []) {
    const key = e.label;
    groups[key] = groups[key] || new Map();
    groups[key].set(e.value, (groups[key].get(e.value) || 0) + 1);
  }
  const labels = Object.keys(groups);
  if (!labels.length) return null;
  return section("entities", t("entities"), labels.map((label) => {
    const field = ENTITY_FIELDS[label];
    return el("div", { class: "entity-group" },
      el("h4", {}, field ? t(`facets.${field}`) : label),
      el("ul", { class: "tags" }, [...groups[label]].map(([value, n]) => el("li", {},
        field
          ? el("a", { href: "/?" + new URLSearchParams({ filter: `${field}:${value}` }).toString(), class: "entity", dataset: { field, value } },
            value, n > 1 ? el("span", { class: "count" }, ` ×${n}`) : null)
          : el("span", {}, value)))));
  }));
}

function treeList(node, currentId) {
  const items = [
    ...node.children.map((child) => el("li", {},
      el("span", { class: "badge" }, child.mime_type.split("/").pop()),
      docLink(child, child.id === currentId ? { "aria-current": "page" } : {}),
      el("span", { class: "muted small" }, ` ${formatSize(child.size)}`),
      child.children.length || child.quarantined.length ? treeList(child, currentId) : null)),
    ...node.quarantined.map((q) => el("li", { class: "unreadable" },
      el("span", { class: "badge complaint" }, t("unreadable")), `${q.filename}: `, el("span", { class: "reason" }, q.reason))),
  ];
  return el("ul", { class: "tree" }, items);
}

function family(data, tree) {
  const parts = [];
  if (data.parent) {
    parts.push(section("parent", t("parent"), el("p", {},
      el("span", { class: "badge" }, data.parent.mime_type.split("/").pop()), docLink(data.parent),
      data.parent.sender ? el("span", { class: "muted" }, ` · ${data.parent.sender}`) : null,
      data.parent.date ? el("span", { class: "muted" }, ` · ${formatDate(data.parent.date, true)}`) : null)));
  }
  const node = tree || {
    children: data.children.map((c) => ({ ...c, size: null, children: [], quarantined: [] })),
    quarantined: data.quarantined_children,
  };
  if (node.children.length || node.quarantined.length) {
    parts.push(section("children", t("attachments"), treeList(node, data.id)));
  }
  if (data.thread && data.thread.length) {
    parts.push(section("thread", `${t("thread")} (${data.thread.length})`, el("ol", { class: "thread" },
      data.thread.map((m) => el("li", { class: m.id === data.id ? "current" : "" },
        el("span", { class: "muted small" }, formatDate(m.date, true)), " ",
        m.id === data.id ? el("strong", { "aria-current": "page" }, m.title || m.filename) : docLink(m),
        m.sender ? el("span", { class: "muted small" }, ` · ${m.sender}`) : null)))));
  }
  return parts;
}

function preview(data) {
  const original = data.original_url;
  const links = el("p", { class: "actions" },
    el("a", { href: original, target: "_blank", rel: "noopener", id: "original", class: "button" }, t("openOriginal")), " ",
    el("a", { href: `${original}?download=true`, id: "download", class: "button", download: data.filename || "" }, `⬇ ${t("download")}`));
  let body;
  const pageCount = (data.pages || []).length;
  if (data.mime_type === "application/pdf") {
    const count = Math.max(1, pageCount);
    const images = [];
    for (let n = 1; n <= Math.min(count, PREVIEW_PAGES); n += 1) {
      images.push(el("figure", { class: "page-preview" },
        el("img", { src: `/api/ui/documents/${encodeURIComponent(data.id)}/pages/${n}.png`, alt: `${t("preview")} ${t("page")} ${n}`, loading: n <= 2 ? "eager" : "lazy" }),
        el("figcaption", {}, `${t("page")} ${n}`)));
    }
    body = el("div", { class: "pdf-pages", id: "preview-pages" }, images,
      count > PREVIEW_PAGES ? el("p", { class: "muted" }, `… ${count - PREVIEW_PAGES} ${t("pages")}`) : null);
  } else if (data.mime_type.startsWith("image/") && ["png", "jpeg", "gif", "webp"].includes(data.mime_type.split("/")[1])) {
    body = el("img", { src: original, alt: data.filename, class: "image-preview", id: "preview-image" });
  } else if (data.mime_type.startsWith("text/") || data.mime_type.startsWith("message/")) {
    // The text above is the readable form; the original is one click away.
    return section("preview", t("original"), links);
  } else {
    body = el("p", { class: "muted" }, t("noPreview"));
  }
  return section("preview", t("preview"), links, body);
}

function textSection(data, q) {
  const regex = queryRegex(q);
  let total = 0;
  const pages = (data.pages || []).map((p) => {
    const [content, count] = markedText(p.text, regex);
    total += count;
    return el("section", { class: "page", "aria-label": `${t("page")} ${p.number}`, id: `page-${p.number}` },
      el("p", { class: "badge" }, `${t("page")} ${p.number}${p.ocr ? ` · ${t("ocr")}` : ""}`),
      el("pre", {}, content));
  });
  let cursor = -1;
  const next = el("button", {
    type: "button", id: "next-match", onclick: () => {
      const marks = document.querySelectorAll("mark.q");
      if (!marks.length) return;
      marks.forEach((m) => m.classList.remove("current"));
      cursor = (cursor + 1) % marks.length;
      marks[cursor].classList.add("current");
      marks[cursor].scrollIntoView({ block: "center" });
    },
  }, "↓");
  next.setAttribute("aria-label", t("nextMatch"));
  next.title = t("nextMatch");
  const info = q
    ? el("p", { class: "muted", id: "match-count" }, `${t("highlightOf")}: “${q}” — ${total} ${t("matches")} `, total ? next : null)
    : null;
  return section("text", t("text"), info, el("div", { class: "text-pages", tabindex: "0", "aria-label": t("text") }, pages));
}

async function loadDocument() {
  applyStaticText();
  const url = new URLSearchParams(location.search);
  const id = url.get("id");
  const q = url.get("q") || "";
  const main = document.getElementById("doc");
  let data;
  try {
    data = await fetchJson(`/api/documents/${encodeURIComponent(id || "")}`);
  } catch (err) {
    showError(err.message);
    main.replaceChildren();
    main.setAttribute("aria-busy", "false");
    return;
  }
  const [tree, config] = await Promise.all([
    fetchJson(`/api/ui/documents/${encodeURIComponent(id)}/tree`).catch(() => null),
    fetchJson("/api/ui/config").catch(() => null),
  ]);
  document.title = `${data.title || data.filename} · Faldone`;
  const back = q ? `/?${new URLSearchParams({ q }).toString()}` : "/";
  main.replaceChildren(
    el("p", { class: "crumbs" }, el("a", { href: back, onclick: (e) => { if (history.length > 1 && document.referrer.startsWith(location.origin + "/?")) { e.preventDefault(); history.back(); } } }, `← ${t("archive")}`)),
    el("h2", { id: "title" }, data.title || data.filename),
    badges(data, config),
    el("div", { class: "doc-grid" },
      el("div", { class: "doc-main" }, textSection(data, q), preview(data)),
      el("div", { class: "doc-side" }, typeof keyFieldsSection === "function" ? keyFieldsSection(data) : null,
        metadata(data), ...italianSections(data), ...family(data, tree), entities(data))),
  );
  if (typeof highlightFieldBoxes === "function") highlightFieldBoxes(data);
  if (typeof showSimilarByMeaning === "function") showSimilarByMeaning(data);
  main.setAttribute("aria-busy", "false");
}

// Keyboard: n jumps to the next match of the query in the text.
document.addEventListener("keydown", (event) => {
  const target = event.target;
  if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
  if (target && (["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) || target.isContentEditable)) return;
  const next = document.getElementById("next-match");
  if (next) { event.preventDefault(); next.click(); }
});

document.addEventListener("DOMContentLoaded", loadDocument);
