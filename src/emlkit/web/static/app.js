// emlkit playground: talks to the JSON API of `eml serve`. Everything shown is set with
// textContent (never innerHTML), and pictures are <img> data URLs, so nothing is interpreted.
"use strict";

const $ = (id) => document.getElementById(id);
const SVGNS = "http://www.w3.org/2000/svg";

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers["Content-Type"] = "application/json";
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  let data = null;
  try { data = await r.json(); } catch (e) { data = null; }
  if (!r.ok) {
    const msg = data && data.error ? data.error : `HTTP ${r.status}`;
    throw new Error(msg);
  }
  return data;
}

function show(id, on) { $(id).classList.toggle("hidden", !on); }
function setText(id, text) { $(id).textContent = text == null ? "" : String(text); }

function fillTable(tableId, rows) {
  const tbody = $(tableId).querySelector("tbody");
  tbody.replaceChildren();
  for (const cells of rows) {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      if (c && typeof c === "object" && "code" in c) {
        const code = document.createElement("code");
        code.textContent = c.code;
        td.appendChild(code);
      } else {
        td.textContent = c == null ? "" : String(c);
      }
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}

function svgImage(imgId, svgText) {
  const img = $(imgId);
  if (!svgText) { img.removeAttribute("src"); img.classList.add("hidden"); return; }
  img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svgText);
  img.classList.remove("hidden");
}

function el(name, attrs, text) {
  const e = document.createElementNS(SVGNS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = String(text);
  return e;
}

// A line plot of [x, y] points into an <svg viewBox="0 0 600 240">; logY plots log10(y).
function linePlot(svgId, points, opts) {
  const svg = $(svgId);
  svg.replaceChildren();
  const W = 600, H = 240, L = 55, R = 10, T = 10, B = 30;
  const pts = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && (!opts.logY || p[1] > 0))
    .map((p) => [p[0], opts.logY ? Math.log10(p[1]) : p[1]]);
  svg.appendChild(el("line", { x1: L, y1: H - B, x2: W - R, y2: H - B, class: "axis" }));
  svg.appendChild(el("line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  if (pts.length === 0) {
    svg.appendChild(el("text", { x: W / 2 - 60, y: H / 2 }, opts.empty || "no data yet"));
    return;
  }
  let x0 = Math.min(...pts.map((p) => p[0])), x1 = Math.max(...pts.map((p) => p[0]));
  let y0 = Math.min(...pts.map((p) => p[1])), y1 = Math.max(...pts.map((p) => p[1]));
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) { y1 = y0 + 1; y0 = y0 - 1; }
  const sx = (x) => L + (x - x0) / (x1 - x0) * (W - L - R);
  const sy = (y) => H - B - (y - y0) / (y1 - y0) * (H - T - B);
  svg.appendChild(el("polyline", { points: pts.map((p) => `${sx(p[0]).toFixed(1)},${sy(p[1]).toFixed(1)}`).join(" "), class: "curve" }));
  const fmtY = (v) => opts.logY ? `1e${v.toFixed(1)}` : v.toFixed(1);
  svg.appendChild(el("text", { x: 2, y: T + 10 }, fmtY(y1)));
  svg.appendChild(el("text", { x: 2, y: H - B }, fmtY(y0)));
  svg.appendChild(el("text", { x: L, y: H - 8 }, String(x0)));
  svg.appendChild(el("text", { x: W - R - 40, y: H - 8 }, String(x1)));
  svg.appendChild(el("text", { x: W / 2 - 30, y: H - 8 }, opts.xLabel || ""));
}

function guard(errorId, button, fn) {
  return async (ev) => {
    if (ev) ev.preventDefault();
    setText(errorId, "");
    $(button).disabled = true;
    try { await fn(); } catch (e) { setText(errorId, e.message); }
    finally { $(button).disabled = false; }
  };
}

function parseAt(text) {
  const at = {};
  for (const part of text.split(",")) {
    const p = part.trim();
    if (!p) continue;
    const i = p.indexOf("=");
    if (i < 1) throw new Error(`bad value ${JSON.stringify(p)}: expected NAME=VALUE, e.g. x=0.5`);
    at[p.slice(0, i).trim()] = p.slice(i + 1).trim();
  }
  return at;
}

// ---------------------------------------------------------------- Compile
async function runCompile() {
  const backend = $("compile-backend").value;
  const atText = $("compile-at").value.trim();
  const body = {
    formula: $("compile-formula").value, format: $("compile-format").value,
    let: $("compile-let").checked, domain: $("compile-domain").value, backend,
    at: atText ? parseAt(atText) : null,
    dps: backend === "numpy" ? null : parseInt($("compile-dps").value, 10),
  };
  let d;
  try { d = await api("POST", "/api/compile", body); }
  catch (e) {
    if (body.at && /missing a value|unknown variable/.test(e.message)) {
      body.at = null;  // show the tree even when the point does not fit the variables
      d = await api("POST", "/api/compile", body);
      setText("compile-error", e.message);
    } else { throw e; }
  }
  setText("compile-stats", `K = ${d.K}, depth = ${d.depth}, DAG size = ${d.dag_size}` +
    (d.variables.length ? `; variables: ${d.variables.join(", ")}` : "; no variables"));
  setText("compile-decompiled", d.decompiled == null ? d.decompiled_note : d.decompiled);
  setText("compile-value", d.value ? d.value.text : "(give a value for each variable)");
  setText("compile-digits", d.value ? `(${d.value.digits_note})` : "");
  setText("compile-text", d.text);
  setText("compile-textlen", d.text.length + (d.text_cut ? ", cut" : ""));
  svgImage("compile-tree", d.svg);
  setText("compile-tree-note", d.svg ? "The DAG: shared nodes drawn once, in orange; solid edges: exp argument, dashed: ln argument." : d.svg_note);
  show("compile-out", true);
}

// ---------------------------------------------------------------- Identify
function engineRows(engine) {
  return engine.results.map((r) => [{ code: r.formula }, r.kind, r.digits_matched, r.verified_digits, r.significance]);
}

async function runIdentify() {
  const mk = $("identify-maxk").value;
  const d = await api("POST", "/api/identify", { number: $("identify-number").value, max_K: mk ? parseInt(mk, 10) : null });
  setText("identify-message", d.eml.message + (d.eml.complete ? "" : " (search cut short: " + d.eml.notes.join("; ") + ")"));
  fillTable("identify-eml", d.eml.candidates.map((c) => [c.K, c.digits, c.certified ? "yes" : "no", { code: c.formula }, { code: c.eml || "" }]));
  setText("identify-engine-note", d.engine.available ? (d.engine.note || `${d.engine.results.length} result(s)`) : "unavailable: " + d.engine.note);
  fillTable("identify-engine", engineRows(d.engine));
  $("identify-engine").classList.toggle("hidden", !d.engine.results.length);
  show("identify-out", true);
}

// ---------------------------------------------------------------- PCF
async function runPCF() {
  const d = await api("POST", "/api/pcf", { a: $("pcf-a").value, b: $("pcf-b").value, digits: parseInt($("pcf-digits").value, 10) });
  setText("pcf-limit", d.limit == null ? `(${d.status})` : d.limit);
  setText("pcf-digits-note", `(${d.digits} digits ${d.proven ? "proven" : "checked"}, ${d.status}${d.method ? ", " + d.method : ""}${d.depth ? ", depth " + d.depth : ""}${d.reason ? "; " + d.reason : ""})`);
  setText("pcf-delta", d.delta == null ? "" : `irrationality measure estimate delta = ${d.delta}`);
  linePlot("pcf-plot", d.curve, { xLabel: "depth n", empty: "no convergence to plot" });
  setText("pcf-engine-note", d.engine.available ? (d.engine.note || "") : "unavailable: " + d.engine.note);
  fillTable("pcf-engine", engineRows(d.engine));
  $("pcf-engine").classList.toggle("hidden", !d.engine.results.length);
  show("pcf-out", true);
}

// ---------------------------------------------------------------- Fit
let fitJob = null;

async function runFit() {
  show("fit-out", false);
  linePlot("fit-plot", [], { logY: true, empty: "waiting for the gradient path..." });
  const d = await api("POST", "/api/fit", {
    csv: $("fit-csv").value, max_depth: parseInt($("fit-depth").value, 10),
    time_limit: parseFloat($("fit-seconds").value),
  });
  fitJob = d.job;
  setText("fit-status", `fitting ${d.target} from ${d.variables.join(", ")} (${d.rows} rows)...`);
  $("fit-cancel").disabled = false;
  while (fitJob === d.job) {
    await new Promise((res) => setTimeout(res, 400));
    const s = await api("GET", `/api/jobs/${encodeURIComponent(d.job)}`);
    linePlot("fit-plot", s.loss, { logY: true, xLabel: "step", empty: "no training yet (" + s.stage + ")" });
    setText("fit-status", `${s.state}: ${s.stage}, ${s.seconds} s`);
    if (s.state === "running") continue;
    fitJob = null;
    $("fit-cancel").disabled = true;
    if (s.state === "error") throw new Error(s.error);
    if (s.state === "done") {
      if (!s.loss.length) linePlot("fit-plot", [], { logY: true, empty: "no training needed: found by the exact search" });
      showFit(s.result);
    }
  }
}

function showFit(r) {
  setText("fit-formula", r.formula);
  setText("fit-stats", `${r.exact ? "exact (verified on held-out samples)" : "not exact"}; R² = ${r.r2}; K = ${r.K}, depth = ${r.depth}; ${r.seconds} s`);
  setText("fit-eml", r.eml);
  svgImage("fit-tree", r.svg);
  if (r.loss_curve.length) linePlot("fit-plot", r.loss_curve.map((v, i) => [i, v]), { logY: true, xLabel: "step" });
  show("fit-out", true);
}

async function cancelFit() {
  if (!fitJob) return;
  const id = fitJob;
  fitJob = null;
  const s = await api("DELETE", `/api/jobs/${encodeURIComponent(id)}`);
  setText("fit-status", `${s.state} after ${s.seconds} s`);
  $("fit-cancel").disabled = true;
}

function readFile() {
  const f = $("fit-file").files[0];
  if (!f) return;
  if (f.size > 1000000) { setText("fit-error", "the file is larger than 1 MB"); return; }
  const reader = new FileReader();
  reader.onload = () => { $("fit-csv").value = reader.result; };
  reader.readAsText(f);
}

// ---------------------------------------------------------------- Search
const names = (id) => $(id).value.split(",").map((s) => s.trim()).filter((s) => s);

async function runBootstrap() {
  const d = await api("POST", "/api/bootstrap", {
    constants: names("boot-constants"), functions: names("boot-functions"),
    operations: names("boot-operations"), max_K: parseInt($("boot-maxk").value, 10),
  });
  setText("boot-verdict", d.verdict);
  svgImage("boot-graph", d.svg);
  fillTable("boot-chain", d.chain.map((s, i) => [i + 1, s.label, s.K, { code: s.blocks }, s.expanded_K, s.digits]));
  show("boot-out", true);
}

let formsLoaded = false;
async function loadForms() {
  if (formsLoaded) return;
  const d = await api("GET", "/api/forms");
  formsLoaded = true;
  fillTable("forms", d.forms.map((f) => [f.name, f.domain, f.K == null ? `> ${f.searched_to_K}` : f.K, f.depth ?? "",
    f.searched_to_K, f.proven_shortest ? "yes" : "no", { code: f.eml || "(none found)" }]));
}

// ---------------------------------------------------------------- tabs and start-up
function openPanel(name) {
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.panel === name);
  for (const p of document.querySelectorAll(".panel")) p.classList.toggle("active", p.id === "panel-" + name);
  if (name === "search") loadForms().catch((e) => setText("boot-error", e.message));
}

async function start() {
  for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => openPanel(b.dataset.panel));
  $("compile-form").addEventListener("submit", guard("compile-error", "compile-run", runCompile));
  $("identify-form").addEventListener("submit", guard("identify-error", "identify-run", runIdentify));
  $("pcf-form").addEventListener("submit", guard("pcf-error", "pcf-run", runPCF));
  $("fit-form").addEventListener("submit", guard("fit-error", "fit-run", runFit));
  $("fit-cancel").addEventListener("click", () => cancelFit().catch((e) => setText("fit-error", e.message)));
  $("fit-file").addEventListener("change", readFile);
  $("boot-form").addEventListener("submit", guard("boot-error", "boot-run", runBootstrap));
  linePlot("fit-plot", [], { logY: true, empty: "no fit yet" });
  try {
    const f = await api("GET", "/api/features");
    setText("version", `emlkit ${f.version}`);
    if (!f.pcf) {
      setText("pcf-unavailable", "This panel is unavailable: the continued-fraction engine (emlkit.pcf) is not part of this build.");
      $("pcf-run").disabled = true;
    }
  } catch (e) { setText("compile-error", "cannot reach the server: " + e.message); }
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
