// Complaint review queue: the documents the model is least sure about, confirmed or corrected in one click.
"use strict";
(function () {
  const TEXT = {
    it: {
      archive: "Archivio", quality: "Qualità", review: "Revisione", title: "Reclami da confermare",
      intro: "I documenti su cui il modello è meno sicuro. Una conferma o una correzione insegna al modello al prossimo addestramento.",
      language: "Lingua", all: "Tutte", empty: "Nessun documento da rivedere.",
      summary: "{n} da rivedere su {total} documenti valutati · {reviewed} già rivisti",
      probability: "Probabilità di reclamo", model: "Il modello dice", complaint: "Reclamo", likely: "Probabile reclamo",
      notComplaint: "Non è un reclamo", yes: "È un reclamo", no: "Non è un reclamo", open: "Apri",
      saved: "Salvato: {verdict}", train: "{n} correzioni registrate: `faldone nlp train` le insegna al modello.",
      category: "Categoria", sentiment: "Sentiment",
    },
    en: {
      archive: "Archive", quality: "Quality", review: "Review", title: "Complaints to confirm",
      intro: "The documents the model is least sure about. Each confirmation or correction teaches the model at its next training.",
      language: "Language", all: "All", empty: "Nothing to review.",
      summary: "{n} to review out of {total} scored documents · {reviewed} already reviewed",
      probability: "Complaint probability", model: "The model says", complaint: "Complaint", likely: "Likely complaint",
      notComplaint: "Not a complaint", yes: "It is a complaint", no: "Not a complaint", open: "Open",
      saved: "Saved: {verdict}", train: "{n} corrections recorded: `faldone nlp train` teaches them to the model.",
      category: "Category", sentiment: "Sentiment",
    },
  };
  const $ = (id) => document.getElementById(id);
  const r = (key, vars) => {
    const value = TEXT[currentLang()][key] || key;
    return vars ? value.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m)) : value;
  };
  const state = { ready: false, items: [], thresholds: null };
  window.faldoneReview = state;

  function verdictOf(item, thresholds) {
    if (item.complaint) return r("complaint");
    if (item.complaint_probability >= thresholds.likely_complaint) return r("likely");
    return r("notComplaint");
  }

  function card(item, thresholds) {
    const percent = Math.round(item.complaint_probability * 100);
    const status = el("output", { class: "verdict", "aria-live": "polite" });
    const decide = async (complaint, button) => {
      for (const b of button.parentNode.querySelectorAll("button")) b.disabled = true;
      try {
        await fetchJson(`/api/review/${encodeURIComponent(item.id)}`, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ complaint }),
        });
        status.textContent = r("saved", { verdict: complaint ? r("yes") : r("no") });
        li.classList.add("done");
        li.dataset.verdict = complaint ? "complaint" : "not-complaint";
        state.reviewed += 1;
        hint();
      } catch (err) {
        for (const b of button.parentNode.querySelectorAll("button")) b.disabled = false;
        showError(err.message);
      }
    };
    const yes = el("button", { type: "button", class: "yes", onclick: (e) => decide(true, e.currentTarget) }, r("yes"));
    const no = el("button", { type: "button", class: "no", onclick: (e) => decide(false, e.currentTarget) }, r("no"));
    const li = el("li", { class: "review-item", dataset: { id: item.id } },
      el("h3", {}, el("a", { href: `/document.html?id=${encodeURIComponent(item.id)}` }, item.title || item.filename)),
      el("p", { class: "meta" },
        `${r("model")}: `, el("strong", {}, verdictOf(item, thresholds)),
        ` · ${r("probability")}: `,
        el("meter", { min: 0, max: 100, value: percent, low: Math.round(thresholds.likely_complaint * 100),
          high: Math.round(thresholds.complaint * 100), optimum: 0, title: `${percent}%` }),
        ` ${percent}% · ${r("category")}: ${item.category} · ${r("sentiment")}: ${item.sentiment.toFixed(2)}`,
        item.date ? ` · ${formatDate(item.date)}` : "", ` · ${item.language}`),
      el("p", { class: "snippet" }, item.snippet),
      el("p", { class: "actions" }, yes, " ", no, " ", status));
    return li;
  }

  function hint() {
    $("train-hint").textContent = state.reviewed ? r("train", { n: state.reviewed }) : "";
  }

  async function load() {
    const params = new URLSearchParams({ limit: "20" });
    const language = $("f-language").value;
    if (language) params.set("language", language);
    const data = await fetchJson(`/api/review?${params.toString()}`);
    state.items = data.items;
    state.thresholds = data.thresholds;
    state.reviewed = data.reviewed;
    $("queue").replaceChildren(...data.items.map((item) => card(item, data.thresholds)));
    $("empty").hidden = data.items.length > 0;
    $("summary").textContent = r("summary", { n: data.items.length, total: data.considered, reviewed: data.reviewed });
    hint();
    state.ready = true;
  }

  document.documentElement.lang = currentLang();
  document.querySelectorAll("[data-r]").forEach((node) => { node.textContent = r(node.dataset.r); });
  const lang = $("lang");
  lang.value = currentLang();
  lang.addEventListener("change", () => setLang(lang.value));
  $("f-language").addEventListener("change", () => { state.ready = false; load().catch((e) => showError(e.message)); });
  load().catch((e) => showError(e.message));
})();
