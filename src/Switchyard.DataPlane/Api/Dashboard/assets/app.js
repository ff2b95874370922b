// Switchyard dashboard: reads Traefik's API shapes (../api/...) and redraws every 2 seconds (polling keeps it
// working behind any proxy and through api@internal routes). Data is only ever inserted as text, never as HTML.
"use strict";

const api = (path) => fetch("../api/" + path, { cache: "no-store" }).then((r) => {
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
});

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const badge = (status) => el("span", { class: "badge " + status }, status);
const list = (values) => (values || []).join(", ");

function diagnostics(item) {
  return (item.diagnostics || []).map((d) =>
    el("span", { class: "diag " + d.severity, title: d.code }, (d.location || d.resource || "") + ": " + d.message));
}

function matches(item, query) {
  if (!query) return true;
  return JSON.stringify([item.name, item.rule, item.service, item.type, item.middlewares]).toLowerCase().includes(query);
}

function fill(table, rows, empty) {
  const body = table.tBodies[0];
  const columns = table.tHead.rows[0].cells.length;
  body.replaceChildren(...(rows.length ? rows : [el("tr", { class: "empty" }, el("td", { colspan: columns }, empty))]));
}

function routerRow(r) {
  const tls = r.tls ? ["yes", r.tls.certResolver ? " (" + r.tls.certResolver + ")" : "", r.tls.options && r.tls.options !== "default" ? " options " + r.tls.options : ""].join("") : "";
  return el("tr", { "data-name": r.name },
    el("td", null, badge(r.status)),
    el("td", null, r.name),
    el("td", null, el("code", null, r.rule || "")),
    el("td", null, list(r.entryPoints)),
    el("td", null, tls),
    el("td", null, r.middlewares ? el("ol", { class: "mw" }, r.middlewares.map((m) => el("li", null, m))) : ""),
    el("td", null, r.service || ""),
    el("td", null, diagnostics(r)));
}

function serviceRow(s) {
  const servers = (s.serverHealth || []).map((h) =>
    el("span", { class: "server", "data-url": h.url }, badge(h.status), " ", h.url,
      h.active ? " · active " + h.active : "", h.passive ? " · passive " + h.passive : "",
      h.lastCheck && !h.lastCheck.healthy ? " · " + h.lastCheck.detail : "", h.terminating ? " · terminating" : ""));
  return el("tr", { "data-name": s.name },
    el("td", null, badge(s.status)),
    el("td", null, s.name),
    el("td", null, s.type),
    el("td", null, servers.length ? servers : el("span", { class: "muted" }, "—")),
    el("td", null, list(s.usedBy)),
  );
}

function middlewareRow(m) {
  return el("tr", { "data-name": m.name },
    el("td", null, badge(m.status)),
    el("td", null, m.name),
    el("td", null, m.type),
    el("td", null, list(m.usedBy)),
    el("td", null, diagnostics(m)));
}

let last = null;

function render() {
  if (!last) return;
  const q = document.getElementById("search").value.trim().toLowerCase();
  const { overview, entrypoints, raw } = last;
  const routers = Object.values(raw.routers || {}).filter((r) => matches(r, q));
  const services = Object.values(raw.services || {}).filter((s) => matches(s, q));
  const middlewares = Object.values(raw.middlewares || {}).filter((m) => matches(m, q));
  const h = overview.http;
  document.getElementById("overview").replaceChildren(el("div", { class: "cards" },
    ["routers", "services", "middlewares"].map((k) => el("div", { class: "card" },
      el("b", null, h[k].total + " " + k), h[k].warnings + " warnings, " + h[k].errors + " errors")),
    el("div", { class: "card" }, el("b", null, "Features"),
      "metrics: " + (overview.features.metrics || "off") + ", access log: " + (overview.features.accessLog ? "on" : "off"))));
  document.getElementById("entrypoints").replaceChildren(...entrypoints.map((e) =>
    el("div", { class: "card", "data-name": e.name }, el("b", null, e.name), e.address, e.tls ? " · TLS" : "", e.admin ? " · admin" : "")));
  const none = q ? "Nothing matches \u201c" + q + "\u201d." : null;
  fill(document.getElementById("routers"), routers.map(routerRow), none || "No routers yet: apply an IngressRoute and it shows up here.");
  fill(document.getElementById("services"), services.map(serviceRow), none || "No services.");
  fill(document.getElementById("middlewares"), middlewares.map(middlewareRow), none || "No middlewares.");
}

async function refresh() {
  try {
    const [overview, entrypoints, raw] = await Promise.all([api("overview"), api("entrypoints"), api("rawdata")]);
    last = { overview, entrypoints, raw };
    render();
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    document.getElementById("updated").textContent = "cannot reach the API (" + e.message + "), retrying";
  }
}

api("version").then((v) => { document.getElementById("version").textContent = "v" + v.Version; }).catch(() => {});
document.getElementById("search").addEventListener("input", render);
refresh();
setInterval(refresh, 2000);
