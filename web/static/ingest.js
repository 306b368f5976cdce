// Ingest page: upload by drag and drop with per-file progress; live counts, docs/s, ETA and a progress
// bar; the quarantined files with their reason and a retry button.
"use strict";

const REFRESH_MS = 2000;
const retried = new Map(); // job id → true once queued again from this page

function duration(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  if (seconds < 90) return `${Math.round(seconds)} ${t("seconds")}`;
  return `${Math.round(seconds / 60)} ${t("minutes")}`;
}

function renderStatus(s) {
  const finished = s.done + s.failed;
  const total = finished + s.queued + s.running;
  const percent = total ? Math.round((100 * finished) / total) : 100;
  const bar = document.getElementById("progress");
  bar.setAttribute("aria-valuenow", String(percent));
  bar.querySelector(".fill").style.width = `${percent}%`;
  document.getElementById("progress-text").textContent = `${finished} / ${total} · ${percent}%`;
  const cards = [
    ["queued", s.queued], ["running", s.running], ["done", s.done], ["failed", s.failed],
    ["documents", s.documents], ["rate", s.docs_per_second], ["eta", duration(s.eta_seconds)],
  ];
  document.getElementById("cards").replaceChildren(...cards.map(([key, value]) =>
    el("div", { class: `card ${key === "failed" && value ? "bad" : ""}`, dataset: { card: key } },
      el("div", { class: "n" }, value), el("div", { class: "label" }, t(key)))));
}

function renderFailures(jobs) {
  const body = document.querySelector("#failures tbody");
  document.getElementById("no-failures").hidden = jobs.length > 0 || retried.size > 0;
  const rows = jobs.map((job) => el("tr", { dataset: { job: String(job.id), state: job.state } },
    el("td", {}, job.id),
    el("td", {}, job.filename, el("div", { class: "muted small" }, job.mime_type || "")),
    el("td", { class: "reason" }, job.error_code ? el("span", { class: "badge complaint" }, job.error_code) : null, job.error),
    el("td", {}, el("button", {
      type: "button", class: "retry", "aria-label": `${t("retry")}: ${job.filename}`,
      onclick: async (event) => {
        event.target.disabled = true;
        try {
          await fetchJson(`/api/jobs/${job.id}/retry`, { method: "POST" });
          retried.set(job.id, job.filename);
          refresh();
        } catch (err) { showError(err.message); event.target.disabled = false; }
      },
    }, t("retry")))));
  for (const [id, filename] of retried) {
    if (jobs.some((j) => j.id === id)) { retried.delete(id); continue; }
    rows.push(el("tr", { dataset: { job: String(id), state: "queued" }, class: "retried" },
      el("td", {}, id), el("td", {}, filename), el("td", {}, el("span", { class: "badge state-queued" }, t("retried"))), el("td", {})));
  }
  body.replaceChildren(...rows);
}

async function refresh() {
  try {
    const s = await fetchJson("/api/ingest/status");
    renderStatus(s);
    renderFailures(s.recent_failures || []);
    showError("");
  } catch (err) { showError(err.message); }
}

// One request per file, so each file has its own progress bar.
function uploadOne(file) {
  const bar = el("progress", { max: "100", value: "0", "aria-label": file.name });
  const state = el("span", { class: "state muted" }, t("uploading"));
  const item = el("li", { dataset: { file: file.name } }, el("span", { class: "name" }, file.name),
    el("span", { class: "muted small" }, formatSize(file.size)), bar, state);
  document.getElementById("uploads").prepend(item);
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/documents");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total); });
    xhr.addEventListener("load", () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch (_) { data = null; }
      if (xhr.status === 401) { goToLogin(); return; }
      if (xhr.status >= 200 && xhr.status < 300 && data) {
        bar.value = 100;
        const job = data.jobs[0];
        item.dataset.state = job.duplicate ? "duplicate" : "queued";
        state.textContent = `${job.duplicate ? t("duplicate") : t("uploaded")} · #${job.job_id}`;
      } else {
        item.dataset.state = "error";
        state.textContent = `${t("uploadFailed")}: ${(data && data.error && data.error.message) || xhr.statusText}`;
        state.className = "state error-text";
      }
      resolve();
    });
    xhr.addEventListener("error", () => {
      item.dataset.state = "error";
      state.textContent = t("uploadFailed");
      resolve();
    });
    const form = new FormData();
    form.append("files", file);
    xhr.send(form);
  });
}

async function upload(files) {
  await Promise.all([...files].map(uploadOne));
  refresh();
}

document.addEventListener("DOMContentLoaded", () => {
  applyStaticText();
  const drop = document.getElementById("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files); });
  const input = document.getElementById("files");
  input.addEventListener("change", () => { upload(input.files); input.value = ""; });
  refresh();
  setInterval(refresh, REFRESH_MS);
});
