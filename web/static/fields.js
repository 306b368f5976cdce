// Key fields of an invoice or receipt on the document page: each value with its confidence, the box it
// was read from highlighted on the scan, and a one-click correction (POST …/corrections, kind "field").
// Loaded before document.js, which calls keyFieldsSection(data, config) and highlightFieldBoxes(data).
"use strict";

const FIELD_LABELS = {
  doc_date: ["Data documento", "Document date"], supplier: ["Fornitore", "Supplier"],
  supplier_vat: ["P.IVA fornitore", "Supplier VAT id"], number: ["Numero", "Number"],
  total: ["Totale", "Total"], currency: ["Valuta", "Currency"], tax: ["IVA / imposta", "Tax"],
  due_date: ["Scadenza", "Due date"], iban: ["IBAN", "IBAN"],
};
const DOC_TYPE_LABELS = {
  invoice: ["Fattura", "Invoice"], receipt: ["Scontrino / ricevuta", "Receipt"],
  credit_note: ["Nota di credito", "Credit note"], contract: ["Contratto", "Contract"],
  letter: ["Lettera", "Letter"], email: ["E-mail", "E-mail"], other: ["Altro", "Other"],
};

function fieldText(pair) {
  return (localStorage.getItem("faldone.lang") || "it") === "en" ? pair[1] : pair[0];
}

function fieldRow(data, field, onSaved) {
  const value = el("span", { class: "field-value", dataset: { value: field.name } }, field.value);
  const source = field.source === "user" ? fieldText(["corretto", "corrected"]) : `${Math.round((field.confidence || 0) * 100)}%`;
  const meta = el("span", { class: "muted small field-confidence" }, ` ${source}`);
  const edit = el("button", { type: "button", class: "field-edit", "aria-label": `${fieldText(["Correggi", "Correct"])} ${fieldText(FIELD_LABELS[field.name])}` }, "✎");
  const row = el("tr", { dataset: { field: field.name }, class: field.box ? "has-box" : "" },
    el("th", { scope: "row" }, fieldText(FIELD_LABELS[field.name] || [field.name, field.name])), el("td", {}, value, meta, " ", edit));
  row.addEventListener("mouseenter", () => selectFieldBox(field.name));
  row.addEventListener("focusin", () => selectFieldBox(field.name));
  edit.addEventListener("click", () => {
    const input = el("input", { type: "text", value: field.value, class: "field-input", "aria-label": fieldText(FIELD_LABELS[field.name]) });
    const status = document.getElementById("fields-status");
    const form = el("form", {
      class: "field-form",
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          const answer = await fetchJson(`/api/documents/${encodeURIComponent(data.id)}/corrections`, {
            method: "POST", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ kind: "field", value: { name: field.name, value: input.value } }),
          });
          const saved = (answer.fields || []).find((f) => f.name === field.name);
          onSaved(answer.fields || []);
          status.textContent = saved ? `${t("correctionSaved")}: ${saved.value}` : t("correctionSaved");
        } catch (err) { status.textContent = err.message; }
      },
    }, input, " ", el("button", { type: "submit" }, t("correct")));
    value.replaceWith(form);
    edit.hidden = true;
    input.focus();
  });
  return row;
}

function keyFieldsSection(data) {
  const meta = data.metadata || {};
  const fields = Array.isArray(meta.fields) ? meta.fields : [];
  if (!fields.length && !meta.doc_type) return null;
  const body = el("tbody", {});
  const render = (list) => {
    body.replaceChildren(...list.map((f) => fieldRow(data, f, (updated) => { meta.fields = updated; render(updated); highlightFieldBoxes(data); })));
  };
  render(fields);
  const type = meta.doc_type ? el("p", { id: "doc-type" }, el("span", { class: "badge", dataset: { badge: "doc_type" } },
    fieldText(DOC_TYPE_LABELS[meta.doc_type] || [meta.doc_type, meta.doc_type]))) : null;
  const csv = el("a", { href: `/api/documents/export/fields.csv?${new URLSearchParams({ q: `id:${data.id}` }).toString()}`, class: "small" }, "CSV");
  return section("fields", fieldText(["Dati del documento", "Key fields"]), type,
    el("table", { class: "fields-table" }, body), el("p", { class: "muted small", role: "status", id: "fields-status" }),
    el("p", { class: "actions" }, csv));
}

// Boxes are in the page image's pixels: drawn in percentages over the preview of that page.
function previewFor(page) {
  const image = document.getElementById("preview-image");
  if (image) return page === 1 ? image : null;
  const figures = document.querySelectorAll("#preview-pages figure img");
  return figures[page - 1] || null;
}

function highlightFieldBoxes(data) {
  document.querySelectorAll(".field-box").forEach((box) => box.remove());
  const fields = ((data.metadata || {}).fields || []).filter((f) => f.box && f.box.page_width && f.box.page_height);
  for (const field of fields) {
    const image = previewFor(field.box.page);
    if (!image) continue;
    let frame = image.parentElement;
    if (!frame.classList.contains("field-frame")) {
      frame = el("span", { class: "field-frame" });
      image.replaceWith(frame);
      frame.append(image);
    }
    const b = field.box;
    frame.append(el("span", {
      class: "field-box", dataset: { field: field.name }, title: `${fieldText(FIELD_LABELS[field.name] || [field.name, field.name])}: ${field.value}`,
      style: `left:${(100 * b.x) / b.page_width}%;top:${(100 * b.y) / b.page_height}%;width:${(100 * b.w) / b.page_width}%;height:${(100 * b.h) / b.page_height}%`,
    }));
  }
  selectFieldBox("total");
}

function selectFieldBox(name) {
  document.querySelectorAll(".field-box").forEach((box) => box.classList.toggle("selected", box.dataset.field === name));
  document.querySelectorAll(".fields-table tr").forEach((row) => row.classList.toggle("selected", row.dataset.field === name));
}
