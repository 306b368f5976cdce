// Document page: documents similar in meaning (passage vectors, any language), from
// GET /api/documents/{id}/similar → by_meaning. Built with DOM nodes, never from HTML.
"use strict";

async function showSimilarByMeaning(data) {
  const side = document.querySelector(".doc-side");
  if (!side) return;
  let found;
  try {
    found = await fetchJson(`/api/documents/${encodeURIComponent(data.id)}/similar?limit=8`);
  } catch (_) {
    return; // the rest of the page stands without it
  }
  const hits = found.by_meaning || [];
  const items = hits.map((hit) => el("li", {},
    el("a", { href: `/document.html?id=${encodeURIComponent(hit.id)}` }, hit.title || hit.filename || hit.id),
    hit.language ? el("span", { class: "badge" }, String(hit.language).toUpperCase()) : null));
  side.append(section("similar-meaning", t("similarMeaning"),
    items.length ? el("ol", { class: "similar" }, items) : el("p", {}, t("noSimilar"))));
}
