// Document page: metadata, badges, entities, family (parent, attachments), thread, text, original.
function link(doc) {
  return `<a href="/document.html?id=${encodeURIComponent(doc.id)}">${escapeHtml(doc.title || doc.filename)}</a>`;
}

function list(items, render) {
  return items.length ? `<ul>${items.map((i) => `<li>${render(i)}</li>`).join("")}</ul>` : "";
}

async function loadDocument() {
  applyStaticText();
  const id = new URLSearchParams(location.search).get("id");
  const response = await fetch(`/api/documents/${encodeURIComponent(id)}`);
  const data = await response.json();
  if (!response.ok) {
    const error = document.getElementById("error");
    error.hidden = false;
    error.textContent = (data.error && data.error.message) || response.statusText;
    return;
  }
  document.title = `Faldone · ${data.title || data.filename}`;
  const ann = data.annotations || {};
  const email = data.email;
  const rows = [
    ["filename", data.filename], ["type", data.mime_type], ["date", data.date], ["size", `${data.size} B`],
    ["sha256", data.sha256], ["source", data.source], ["language", ann.language],
    ["category", ann.category], [t("sentiment"), ann.sentiment],
  ];
  if (email) {
    rows.push(["from", email.sender], ["to", (email.to || []).join(", ")], ["cc", (email.cc || []).join(", ")],
      ["subject", email.subject], ["message-id", email.message_id]);
  }
  const entities = list(data.entities, (e) =>
    `<a href="/?q=${encodeURIComponent(`"${e.value}"`)}"><span class="badge">${escapeHtml(e.label)}</span>${escapeHtml(e.value)}</a>`);
  const quarantined = list(data.quarantined_children, (q) =>
    `${escapeHtml(q.filename)}: <span class="error">${escapeHtml(q.reason)}</span>`);
  document.getElementById("doc").innerHTML = `
    <h2>${escapeHtml(data.title || data.filename)}
      ${ann.complaint ? `<span class="badge complaint">${t("complaint")}</span>` : ""}</h2>
    <p><a id="original" href="${data.original_url}">${t("original")}</a> ·
       <a href="${data.original_url}?download=true">⬇ download</a></p>
    <h3 data-t="metadata">${t("metadata")}</h3>
    <dl>${rows.filter(([, v]) => v !== undefined && v !== null && v !== "")
      .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("")}</dl>
    ${data.parent ? `<h3>${t("parent")}</h3><p id="parent">${link(data.parent)}</p>` : ""}
    ${data.children.length || data.quarantined_children.length ? `<h3>${t("attachments")}</h3>
      <div id="children">${list(data.children, link)}${quarantined}</div>` : ""}
    ${data.thread.length ? `<h3>${t("thread")}</h3><div id="thread">${list(data.thread, (d) =>
      `${escapeHtml((d.date || "").slice(0, 16))} · ${escapeHtml(d.sender)} · ${link(d)}`)}</div>` : ""}
    ${entities ? `<h3>${t("entities")}</h3>${entities}` : ""}
    <h3>${t("text")}</h3>
    ${data.pages.map((p) => `<section aria-label="${t("page")} ${p.number}"><p class="badge">${t("page")} ${p.number}${p.ocr ? " · OCR" : ""}</p><pre>${escapeHtml(p.text)}</pre></section>`).join("")}
  `;
}

document.addEventListener("DOMContentLoaded", loadDocument);
