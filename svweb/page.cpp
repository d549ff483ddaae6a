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
table { border-collapse: collapse; width: 100%; overflow-anchor: none; }
thead th { position: sticky; top: 0; background: Canvas; }
tr.pad td { padding: 0; border: 0; }
#count { font-size: 0.85em; opacity: 0.7; }
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
  tr.pad { display: block; border: 0; margin: 0; padding: 0; }
  tr.pad td::before { content: none; }
}
)CSS";

constexpr std::string_view kIndexScript = R"JS(
"use strict";
// The list is kept in arrays; only the rows in view, and kOverscan more on
// each side, are in the DOM, between two spacer rows that stand for the
// rest, so that the scroll bar is the whole list's. Rows differ in height
// (a long STATUS wraps, "more" opens, a narrow screen makes cards): each
// row shown is measured, the others count as the mean of the first rows
// measured. A refresh or a scroll touches only the rows shown.
const control = document.body.dataset.control === "1";
const table = document.getElementById("services");
const tbody = table.tBodies[0];
const msg = document.getElementById("msg");
const conn = document.getElementById("conn");
const token = document.getElementById("token");
const filter = document.getElementById("filter");
const count = document.getElementById("count");
const fields = ["state", "pid", "seconds", "ready", "exit", "restarts", "checks", "status"];
const labels = ["state", "pid", "seconds", "ready", "last exit", "restarts", "failed checks", "status"];
const main = ["restart", "up", "down"];
const more = ["once", "pause", "continue", "hup", "alrm", "int", "term", "kill", "usr1", "usr2", "quit"];
const kOverscan = 8, kGuess = 32;
let list = [];      // svstat -j's objects, in svweb's order
let names = [];     // each one's row name: NAME or NAME/log
let lower = [];     // the names in lower case, for the filter
let view = [];      // the indices into list of the rows the filter keeps
let tops = new Float64Array(1);  // tops[k]: where view[k] starts; tops[view.length]: the height of all
const heights = new Map();  // name -> measured height (px) in this layout
let estimate = 0;   // the height of a row not measured yet
let width = innerWidth;
const shown = new Map();  // name -> tr, the rows in the DOM
let query = "";
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
function spacer() {
  const tr = document.createElement("tr");
  tr.className = "pad";
  tr.setAttribute("aria-hidden", "true");
  const td = document.createElement("td");
  td.colSpan = table.tHead.rows[0].cells.length;
  tr.append(td);
  tbody.append(tr);
  return tr;
}
const padTop = spacer(), padEnd = spacer();
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
  // The cells are kept with the row: a refresh looks up no selector.
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
function fill(tr, o) {
  const v = values(o);
  if (tr.dataset.state !== v.state) tr.dataset.state = v.state;
  for (const f of fields) {
    const c = tr.cells_[f];
    if (c.textContent !== v[f]) c.textContent = v[f];
  }
}
function rowHeight(k) {
  const h = heights.get(names[view[k]]);
  return h === undefined ? estimate || kGuess : h;
}
function layout() {
  const n = view.length;
  if (tops.length < n + 1) tops = new Float64Array(n + 1);
  let y = 0;
  for (let k = 0; k < n; k++) { tops[k] = y; y += rowHeight(k); }
  tops[n] = y;
}
// The first row that ends below y (list coordinates); view.length if none.
function rowAt(y) {
  let lo = 0, hi = view.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tops[mid + 1] > y) hi = mid; else lo = mid + 1;
  }
  return lo;
}
// Puts view[a..b) between the spacers. Rows that stay are not moved (a
// focused button keeps its focus); rows that leave are dropped.
function put(a, b) {
  const keep = new Set();
  for (let k = a; k < b; k++) keep.add(names[view[k]]);
  for (const [name, tr] of shown) if (!keep.has(name)) { tr.remove(); shown.delete(name); }
  let at = padTop;
  for (let k = a; k < b; k++) {
    const i = view[k], name = names[i];
    let tr = shown.get(name);
    if (!tr) { tr = makeRow(name); shown.set(name, tr); }
    if (tr.data_ !== list[i]) { tr.data_ = list[i]; fill(tr, list[i]); }
    const index = String(k + 2);  // the head is row 1
    if (tr.getAttribute("aria-rowindex") !== index) tr.setAttribute("aria-rowindex", index);
    if (at.nextSibling !== tr) tbody.insertBefore(tr, at.nextSibling);
    at = tr;
  }
}
function pads(a, b) {
  padTop.firstChild.style.height = tops[a] + "px";
  padEnd.firstChild.style.height = tops[view.length] - tops[b] + "px";
}
// Measures the rows shown; true when one differs from what tops assumed.
function measure(a, b) {
  let changed = false, tr = padTop.nextSibling, sum = 0;
  let y = tr.getBoundingClientRect().top;
  for (let k = a; k < b; k++, tr = tr.nextSibling) {
    const next = tr.nextSibling.getBoundingClientRect().top;
    const h = next - y;
    y = next;
    if (Math.abs(h - rowHeight(k)) > 0.5) changed = true;
    heights.set(names[view[k]], h);
    sum += h;
  }
  if (!estimate && b > a && sum > 0) { estimate = sum / (b - a); changed = true; }
  return changed;
}
function draw() {
  // The first row in view stays where it is while rows above it are built
  // or measured: the page scrolls by as much as they move it.
  let anchor = null, was = 0;
  for (let tr = padTop.nextSibling; tr !== padEnd; tr = tr.nextSibling) {
    const r = tr.getBoundingClientRect();
    if (r.bottom > 0) { anchor = tr; was = r.top; break; }
  }
  for (let pass = 0; pass < 3; pass++) {
    const y = -tbody.getBoundingClientRect().top;
    const a = Math.max(0, rowAt(y) - kOverscan);
    const b = Math.min(view.length, rowAt(y + innerHeight) + 1 + kOverscan);
    put(a, b);
    pads(a, b);
    if (!measure(a, b)) break;
    layout();
    pads(a, b);
  }
  if (anchor && anchor.isConnected) {
    const d = anchor.getBoundingClientRect().top - was;
    if (Math.abs(d) >= 1) scrollBy(0, d);
  }
}
let frame = 0;
function later() { if (!frame) frame = requestAnimationFrame(() => { frame = 0; draw(); }); }
addEventListener("scroll", later, { passive: true });
addEventListener("resize", () => {
  // Another width, another layout (cards below 720 px): measure again.
  if (innerWidth !== width) { width = innerWidth; heights.clear(); estimate = 0; layout(); }
  later();
});
tbody.addEventListener("toggle", later, true);  // "more" opened or closed
function select() {
  view = [];
  for (let i = 0; i < names.length; i++) if (!query || lower[i].includes(query)) view.push(i);
  layout();
  table.setAttribute("aria-rowcount", String(view.length + 1));
  const text = query ? view.length + " of " + names.length + " services" : names.length + " services";
  if (count.textContent !== text) count.textContent = text;
}
filter.addEventListener("input", () => { query = filter.value.toLowerCase(); select(); draw(); });
function render(l) {
  list = l;
  names = new Array(l.length);
  lower = new Array(l.length);
  let dir0 = null, name0 = null;
  for (let i = 0; i < l.length; i++) {
    const dir = String(l[i].dir);
    const name = name0 !== null && dir === dir0 + "/log" ? name0 + "/log" : dir.slice(dir.lastIndexOf("/") + 1);
    names[i] = name;
    lower[i] = name.toLowerCase();
    dir0 = dir;
    name0 = name;
  }
  select();
  draw();
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
      "<label>filter <input id=\"filter\" type=\"search\" autocomplete=\"off\" spellcheck=\"false\" "
      "aria-controls=\"services\"></label><span id=\"count\" role=\"status\"></span>"
      "</header>\n<p id=\"msg\" role=\"status\"></p>\n<table id=\"services\"><thead><tr aria-rowindex=\"1\">"
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
