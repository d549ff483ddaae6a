#include "svweb/page.hpp"

#include <string_view>

#include "svweb/sha256.hpp"

namespace svweb {
namespace {

constexpr std::string_view kStyle = R"CSS(
:root { color-scheme: light dark; --up: #1a7f37; --down: #8c959f; --bad: #cf222e; --warn: #9a6700; }
body { font: 15px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 0.5em; max-width: 80em; }
header { display: flex; flex-wrap: wrap; gap: 0.5em 1em; align-items: baseline; }
h1 { font-size: 1.3em; margin: 0.2em 0; }
#conn { font-size: 0.85em; opacity: 0.7; }
#msg { min-height: 1.4em; margin: 0.3em 0; font-size: 0.9em; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25em 0.5em; border-bottom: 1px solid #8884; vertical-align: top; }
th { font-size: 0.85em; }
td[data-field=status] { word-break: break-word; font-family: ui-monospace, monospace; font-size: 0.9em; }
tr[data-state=up] td[data-field=state] { color: var(--up); font-weight: 600; }
tr[data-state=down] td[data-field=state], tr[data-state=unsupervised] td[data-field=state] { color: var(--down); }
tr[data-state=failed] td[data-field=state], tr[data-state=backoff] td[data-field=state],
tr[data-state=error] td[data-field=state] { color: var(--bad); font-weight: 600; }
tr[data-state=finishing] td[data-field=state] { color: var(--warn); }
button { font: inherit; font-size: 0.85em; margin: 0.1em; padding: 0.2em 0.5em; }
details { display: inline; }
summary { display: inline; cursor: pointer; font-size: 0.85em; }
pre#log { white-space: pre-wrap; word-break: break-word; font-size: 0.85em; }
@media (max-width: 720px) {
  thead { display: none; }
  table, tbody, tr, td { display: block; }
  tr { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); border: 1px solid #8886;
       border-radius: 6px; margin: 0.5em 0; padding: 0.3em; }
  td { border: 0; padding: 0.1em 0.3em; }
  td[data-label=service], td[data-field=status], td[data-label=control] { grid-column: 1 / -1; }
  td::before { content: attr(data-label) ": "; font-size: 0.8em; font-weight: normal; color: CanvasText; opacity: 0.7; }
  td[data-label=service]::before { content: ""; }
  td[data-label=service] { font-weight: 600; }
}
)CSS";

constexpr std::string_view kIndexScript = R"JS(
"use strict";
const control = document.body.dataset.control === "1";
const tbody = document.querySelector("#services tbody");
const msg = document.getElementById("msg");
const conn = document.getElementById("conn");
const token = document.getElementById("token");
const fields = ["state", "pid", "seconds", "ready", "exit", "restarts", "checks", "status"];
const labels = ["state", "pid", "seconds", "ready", "last exit", "restarts", "failed checks", "status"];
const main = ["restart", "up", "down"];
const more = ["once", "pause", "continue", "hup", "alrm", "int", "term", "kill", "usr1", "usr2", "quit"];
const rows = new Map();
if (token) {
  token.value = sessionStorage.getItem("svweb-token") || "";
  token.addEventListener("input", () => sessionStorage.setItem("svweb-token", token.value));
}
function show(v) { return v === null || v === undefined ? "" : String(v); }
function values(o) {
  let state = o.policy || o.state || (o.supervised ? "error" : "unsupervised");
  let exit = "";
  if (o.exit_code !== null && o.exit_code !== undefined) exit = "code " + o.exit_code;
  else if (o.exit_signal !== null && o.exit_signal !== undefined) exit = "signal " + o.exit_signal;
  return {
    state: state, pid: show(o.pid), seconds: show(o.seconds),
    ready: o.error ? "" : (o.ready ? "yes" : "no"), exit: exit,
    restarts: show(o.restarts), checks: show(o.check_failures),
    status: o.error ? o.error : show(o.status_text),
  };
}
function button(action, name) {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.action = action;
  b.dataset.service = name;
  b.textContent = action;
  return b;
}
function makeRow(name) {
  const tr = document.createElement("tr");
  tr.dataset.service = name;
  const td = document.createElement("td");
  td.dataset.label = "service";
  if (name.indexOf("/") < 0) {
    const a = document.createElement("a");
    a.href = "/log/" + encodeURIComponent(name);
    a.textContent = name;
    a.title = "log of " + name;
    td.append(a);
  } else {
    td.textContent = name;
  }
  tr.append(td);
  // The cells are kept with the row: a refresh of 1,000 services then
  // looks up no selector.
  tr.cells_ = {};
  fields.forEach((f, i) => {
    const c = document.createElement("td");
    c.dataset.field = f;
    c.dataset.label = labels[i];
    tr.append(c);
    tr.cells_[f] = c;
  });
  if (control) {
    const c = document.createElement("td");
    c.dataset.label = "control";
    main.forEach(a => c.append(button(a, name)));
    const d = document.createElement("details");
    const s = document.createElement("summary");
    s.textContent = "more";
    d.append(s);
    more.forEach(a => d.append(button(a, name)));
    c.append(d);
    tr.append(c);
  }
  return tr;
}
function render(list) {
  const seen = new Set();
  let prev = null, at = 0;
  for (const o of list) {
    const dir = String(o.dir);
    const name = prev && dir === prev.dir + "/log" ? prev.name + "/log" : dir.slice(dir.lastIndexOf("/") + 1);
    prev = { dir: dir, name: name };
    seen.add(name);
    let tr = rows.get(name);
    if (!tr) { tr = makeRow(name); rows.set(name, tr); }
    if (tbody.children[at] !== tr) tbody.insertBefore(tr, tbody.children[at] || null);
    at++;
    const v = values(o);
    if (tr.dataset.state !== v.state) tr.dataset.state = v.state;
    for (const f of fields) {
      const c = tr.cells_[f];
      if (c.textContent !== v[f]) c.textContent = v[f];
    }
  }
  for (const [name, tr] of rows) if (!seen.has(name)) { tr.remove(); rows.delete(name); }
}
let timer = null;
async function refresh() {
  clearTimeout(timer);
  try {
    const r = await fetch("/api/services", { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    render(await r.json());
    conn.textContent = "updated " + new Date().toLocaleTimeString();
  } catch (e) {
    conn.textContent = "cannot reach svweb: " + e.message;
  }
  // A page nobody sees asks every 30 s, and at once when shown again.
  timer = setTimeout(refresh, document.hidden ? 30000 : 1000);
}
document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
tbody.addEventListener("click", async ev => {
  const b = ev.target.closest("button[data-action]");
  if (!b) return;
  const name = b.dataset.service, action = b.dataset.action;
  const url = "/api/services/" + name.split("/").map(encodeURIComponent).join("/") + "/" + action;
  try {
    const r = await fetch(url, { method: "POST", headers: { "X-Svweb-Token": token ? token.value : "" } });
    msg.textContent = r.status === 204 ? action + " sent to " + name
      : action + " " + name + ": " + r.status + " " + (await r.text()).trim();
  } catch (e) {
    msg.textContent = action + " " + name + ": " + e.message;
  }
  refresh();
});
refresh();
)JS";

constexpr std::string_view kLogScript = R"JS(
"use strict";
const name = decodeURIComponent(location.pathname.slice("/log/".length));
const pre = document.getElementById("log");
const info = document.getElementById("info");
document.getElementById("name").textContent = name;
document.title = "log of " + name;
const keep = 2000;
let lines = [], from = null, ino = null;
async function poll() {
  let again = 1000;
  try {
    let url = "/api/log/" + encodeURIComponent(name);
    if (from !== null) url += "?from=" + from + "&ino=" + ino;
    const r = await fetch(url, { cache: "no-store" });
    if (!r.ok) throw new Error("HTTP " + r.status);
    const j = await r.json();
    info.textContent = j.error ? j.error : "";
    if (j.reset) lines = [];
    if (j.reset || j.lines.length) {
      const bottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 4;
      lines = lines.concat(j.lines);
      if (lines.length > keep) lines = lines.slice(lines.length - keep);
      pre.textContent = lines.length ? lines.join("\n") + "\n" : "";
      if (bottom) window.scrollTo(0, document.body.scrollHeight);
    }
    from = j.offset;
    ino = j.ino;
    if (j.more) again = 0;
  } catch (e) {
    info.textContent = "cannot reach svweb: " + e.message;
  }
  setTimeout(poll, again);
}
poll();
)JS";

std::string hash(std::string_view s) {
  unsigned char d[32];
  sha256(s, d);
  char b[64];
  size_t n = base64(d, sizeof d, b);
  return "'sha256-" + std::string(b, n) + "'";
}

}  // namespace

void build_pages(bool control, Pages& out) {
  std::string head =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  std::string style = "<style>" + std::string(kStyle) + "</style>\n";
  out.index = head + "<title>svweb</title>\n" + style + "</head>\n<body data-control=\"" +
              (control ? "1" : "0") + "\">\n<header><h1>services</h1><span id=\"conn\"></span>";
  if (control)
    out.index += "<label>token <input id=\"token\" type=\"password\" autocomplete=\"off\"></label>";
  out.index +=
      "</header>\n<p id=\"msg\" role=\"status\"></p>\n<table id=\"services\"><thead><tr>"
      "<th>service</th><th>state</th><th>pid</th><th>seconds</th><th>ready</th><th>last exit</th>"
      "<th>restarts</th><th>failed checks</th><th>status</th>";
  if (control) out.index += "<th>control</th>";
  out.index += "</tr></thead>\n<tbody></tbody></table>\n<script>" + std::string(kIndexScript) +
               "</script>\n</body></html>\n";
  out.log = head + "<title>log</title>\n" + style + "</head>\n<body data-control=\"" +
            (control ? "1" : "0") +
            "\">\n<header><h1>log of <span id=\"name\"></span></h1><a href=\"/\">services</a>"
            "<span id=\"info\"></span></header>\n<pre id=\"log\"></pre>\n<script>" +
            std::string(kLogScript) + "</script>\n</body></html>\n";
  out.csp = "default-src 'none'; script-src " + hash(kIndexScript) + " " + hash(kLogScript) +
            "; style-src " + hash("" + std::string(kStyle)) +
            "; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; "
            "frame-ancestors 'none'";
}

}  // namespace svweb
