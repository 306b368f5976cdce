// Ingest page: live counts, docs/s and ETA; failures with their reason and a retry button; upload.
async function refresh() {
  const response = await fetch("/api/ingest/status");
  const s = await response.json();
  const eta = s.eta_seconds === null ? "–" : `${Math.round(s.eta_seconds)} s`;
  const cards = [["queued", s.queued], ["running", s.running], ["done", s.done], ["failed", s.failed],
    ["rate", s.docs_per_second], ["eta", eta]];
  document.getElementById("cards").innerHTML = cards.map(([k, v]) =>
    `<div class="card" data-card="${k}"><div class="n">${escapeHtml(v)}</div>${t(k)}</div>`).join("");
  const body = document.querySelector("#failures tbody");
  body.innerHTML = "";
  for (const job of s.recent_failures) {
    const tr = document.createElement("tr");
    tr.innerHTML = `<td>${job.id}</td><td>${escapeHtml(job.filename)}</td><td>${escapeHtml(job.error)}</td><td></td>`;
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = t("retry");
    button.addEventListener("click", async () => {
      await fetch(`/api/jobs/${job.id}/retry`, { method: "POST" });
      refresh();
    });
    tr.lastChild.appendChild(button);
    body.appendChild(tr);
  }
}

async function upload(files) {
  const form = new FormData();
  for (const f of files) form.append("files", f);
  await fetch("/api/documents", { method: "POST", body: form });
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  applyStaticText();
  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
  document.getElementById("files").addEventListener("change", (e) => upload(e.target.files));
  refresh();
  setInterval(refresh, 2000);
});
