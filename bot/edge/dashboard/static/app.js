// The organisers' dashboard: reads the Mini App's launch parameters, calls the JSON API with
// the signed initData, and draws each page. Every word comes from the bot's catalogs (/api/me).
"use strict";

const launch = new URLSearchParams(location.hash.slice(1));
const webview = window.TelegramWebviewProxy;
const initData = (window.Telegram && Telegram.WebApp && Telegram.WebApp.initData)
  || launch.get("tgWebAppData") || "";
let T = {};
let state = { tab: "overview", unit: null, statuses: "", course: null, lunit: null, lpath: [] };

// To the Telegram client: a native app's proxy, or the page around the frame (Telegram Web).
function post(event, data) {
  const payload = data === undefined ? "" : JSON.stringify(data);
  if (webview) webview.postEvent(event, payload);
  else if (window.parent !== window) window.parent.postMessage(JSON.stringify({ eventType: event, eventData: data }), "*");
}

function applyTheme() {
  let theme = {};
  try { theme = JSON.parse(launch.get("tgWebAppThemeParams") || "{}"); } catch (e) { theme = {}; }
  const root = document.documentElement;
  for (const [key, value] of Object.entries(theme)) {
    root.style.setProperty("--tg-" + key.replace(/_/g, "-"), value);
  }
  if (!Object.keys(theme).length) return;
  root.classList.add("tg");
  root.style.colorScheme = isDark(theme.bg_color) ? "dark" : "light"; // form controls, scrollbars
}

function isDark(colour) {
  const hex = /^#?([0-9a-f]{6})$/i.exec(colour || "");
  if (!hex) return false;
  const n = parseInt(hex[1], 16);
  return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) < 128;
}

function t(key, values) {
  let text = T[key] || key;
  for (const [name, value] of Object.entries(values || {})) text = text.split("{" + name + "}").join(value);
  return text;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "onclick") node.addEventListener("click", value);
    else if (value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function query(params) {
  const given = Object.entries(params || {}).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return given.length ? "?" + new URLSearchParams(given).toString() : "";
}

async function api(path, params) {
  const response = await fetch("api/" + path + query(params), { headers: { Authorization: "tma " + initData } });
  if (!response.ok) throw Object.assign(new Error(path), { status: response.status });
  return response.json();
}

async function download(table, params) {
  const file = table + ".xlsx";
  const url = new URL("api/export/" + table + query({ ...params, tma: initData }), location.href).href;
  if (webview) { post("web_app_request_file_download", { url, file_name: file }); return; }
  const response = await fetch("api/export/" + table + query(params), { headers: { Authorization: "tma " + initData } });
  if (!response.ok) return;
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob), download: file });
  document.body.append(link);
  link.click();
  link.remove();
}

function exportButton(table, params) {
  return el("button", { class: "action", type: "button", "data-export": table, onclick: () => download(table, params) }, t("dashboard.page.export"));
}

const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
const day = (iso) => (iso ? iso.slice(0, 10) : "—");

function state_of(line) {
  return line.passing === null ? "none" : line.passing ? "pass" : "fail";
}

function table(head, rows, numeric) {
  return el("table", {},
    el("thead", {}, el("tr", {}, head.map((h, i) => el("th", { class: numeric.includes(i) ? "n" : null }, h)))),
    el("tbody", {}, rows));
}

function row(cells, numeric, onclick, chosen) {
  return el("tr", { class: onclick ? "link" : null, onclick, "aria-selected": chosen ? "true" : null },
    cells.map((c, i) => el("td", { class: numeric.includes(i) ? "n" : null }, c)));
}

function trend(figure, rate) {
  if (figure.previous === null || figure.previous === undefined) return "";
  const show = (v) => (v === null ? "—" : rate ? pct(v) : v);
  return t("dashboard.page.trend", { recent: show(figure.recent), previous: show(figure.previous) });
}

async function overview() {
  const data = await api("overview");
  const rates = ["attendance", "must_read"];
  const cards = data.figures.map((f) => {
    const rate = rates.includes(f.key);
    const arrow = f.previous === null || f.recent === null ? "" : f.recent > f.previous ? " ▲" : f.recent < f.previous ? " ▼" : "";
    return el("div", { class: "card", "data-figure": f.key },
      el("div", { class: "muted" }, t("dashboard.page." + f.key)),
      el("div", { class: "value" }, rate ? pct(f.value) : f.value ?? "—",
        el("span", { class: arrow.includes("▲") ? "up" : "down" }, arrow)),
      el("div", { class: "muted" }, trend(f, rate)));
  });
  const states = Object.entries(data.proposals_by_status).map(([s, n]) => row([t("dashboard.status." + s), n], [1]));
  return [el("div", { class: "cards" }, cards), el("h2", {}, t("dashboard.page.by_status")), table(["", ""], states, [1])];
}

function crumbs(path, onpick) {
  const parts = [];
  path.forEach((c, i) => {
    if (i) parts.push(" / ");
    parts.push(i === path.length - 1 ? el("b", {}, c.name) : el("a", { href: "#", onclick: (e) => { e.preventDefault(); onpick(c.id); } }, c.name));
  });
  return el("div", { class: "crumbs" }, parts);
}

async function coverage() {
  const data = await api("coverage", { unit: state.unit });
  const out = [];
  const total = data.total;
  out.push(crumbs(data.path, (id) => { state.unit = id; draw(); }));
  if (data.path.length > 1) {
    const parent = data.path[data.path.length - 2].id;
    out.push(el("button", { class: "action", type: "button", id: "up", onclick: () => { state.unit = parent; draw(); } }, t("dashboard.page.up")));
  }
  out.push(el("div", { class: "card", id: "coverage-total" },
    el("div", { class: "value" }, pct(total.share), " ", el("span", { class: "pill " + state_of(total) }, t("dashboard.page.target", { target: Math.round(total.target * 100) }))),
    el("div", { class: "muted" }, total.population ? `${total.covered} / ${total.population} · ` + t("dashboard.page.gap", { gap: total.gap }) : t("dashboard.page.no_data"))));
  const chart = el("div", { id: "chart" });
  chart.innerHTML = data.svg; // drawn and escaped on the server
  out.push(chart);
  const numeric = [1, 2, 3];
  if (data.children.length) {
    out.push(el("h2", {}, t("dashboard.page.units")), exportButton("coverage_units", { unit: state.unit }));
    out.push(table([t("dashboard.col.unit"), t("dashboard.col.population"), t("dashboard.col.share"), t("dashboard.col.gap")],
      data.children.map((c) => row([c.name, c.population, el("span", { class: "pill " + state_of(c) }, pct(c.share)), c.gap], numeric,
        c.drillable ? () => { state.unit = c.id; draw(); } : null)), numeric));
  }
  out.push(el("h2", {}, t("dashboard.page.enterprises")), exportButton("coverage_enterprises", { unit: state.unit }));
  out.push(table([t("dashboard.col.enterprise"), t("dashboard.col.population"), t("dashboard.col.share"), t("dashboard.col.gap")],
    data.enterprises.map((e) => row([e.name, e.population, el("span", { class: "pill " + state_of(e) }, pct(e.share)), e.gap], numeric)), numeric));
  return out;
}

async function teams() {
  const data = await api("activity");
  const n = [1, 2, 3];
  return [
    el("h2", {}, t("dashboard.page.teams")), exportButton("teams", {}),
    table([t("dashboard.col.team"), t("dashboard.col.recent"), t("dashboard.col.members"), t("dashboard.col.last")],
      data.teams.map((x) => row([x.name, x.recent, x.members, day(x.last)], n)), n),
    el("h2", {}, t("dashboard.page.pairings")), exportButton("pairings", {}),
    table([t("dashboard.col.expert"), t("dashboard.col.recent"), t("dashboard.col.enterprise"), t("dashboard.col.last")],
      data.pairings.map((p) => row([p.expert + (p.overdue ? " ⚠" : ""), p.recent, p.enterprise || "—", day(p.last)], [1, 3])), [1, 3]),
  ];
}

async function openProposal(id) {
  const p = await api("proposals/" + id);
  const body = document.getElementById("detail-body");
  body.replaceChildren(
    el("h2", {}, (p.line.number || "") + " " + (p.line.title || "")),
    el("div", { class: "muted" }, t("dashboard.status." + p.line.status), " · ", p.line.enterprise || "—"),
    el("p", {}, el("b", {}, t("dashboard.page.author") + "："), p.author || t("dashboard.page.anonymous")),
    el("p", {}, el("b", {}, t("dashboard.page.problem") + "："), p.problem || "—"),
    el("p", {}, el("b", {}, t("dashboard.page.solution") + "："), p.solution || "—"),
    el("p", {}, el("b", {}, t("dashboard.page.benefit") + "："), p.benefit || "—"),
    el("h2", {}, t("dashboard.page.history")),
    el("ul", {}, p.history.map(([at, from, to]) => el("li", {}, day(at) + " " + t("dashboard.status." + from) + " → " + t("dashboard.status." + to)))));
  document.getElementById("detail").showModal();
}

async function proposals() {
  const [summary, list] = await Promise.all([
    api("proposals/summary"),
    api("proposals", { status: state.statuses, unit: state.unit }),
  ]);
  const steps = [["submitted", summary.submitted], ["reviewed", summary.reviewed], ["accepted", summary.accepted], ["implemented", summary.implemented]];
  const top = Math.max(1, summary.submitted);
  const funnel = steps.map(([key, n]) => el("div", { "data-step": key },
    el("div", { class: "muted" }, (key === "submitted" ? t("dashboard.status.submitted") : t("dashboard.page." + key)) + " · " + n),
    el("div", { class: "bar", style: `width:${Math.max(2, (100 * n) / top)}%` })));
  const median = summary.median_days ?? "—";
  const p90 = summary.p90_days ?? "—";
  const pick = el("select", { id: "status-filter" },
    el("option", { value: "" }, t("dashboard.page.all_states")),
    ["submitted", "under_review", "needs_info", "accepted", "implemented", "rejected"].map((s) =>
      el("option", { value: s, ...(state.statuses === s ? { selected: "" } : {}) }, t("dashboard.status." + s))));
  pick.addEventListener("change", () => { state.statuses = pick.value; draw(); });
  const n = [2];
  return [
    el("h2", {}, t("dashboard.page.funnel")), funnel,
    el("p", { id: "decision-time" }, t("dashboard.page.decision_time", { median, p90 })),
    el("h2", {}, t("dashboard.page.oldest")),
    table([t("dashboard.col.title"), t("dashboard.col.enterprise"), t("dashboard.col.waiting")],
      summary.oldest.map((p) => row([p.title || p.number, p.enterprise || "—", t("dashboard.page.days", { n: p.waiting_days })], n, () => openProposal(p.id))), n),
    el("h2", {}, t("dashboard.page.list")), pick, exportButton("proposals", { status: state.statuses, unit: state.unit }),
    table([t("dashboard.col.title"), t("dashboard.col.status"), t("dashboard.col.submitted")],
      list.map((p) => row([p.title || p.number, t("dashboard.status." + p.status), day(p.submitted_at)], [], () => openProposal(p.id))), []),
  ];
}

async function learning() {
  const data = await api("learning", { course: state.course, unit: state.lunit });
  const en = T._locale === "en";
  const n = [1, 2, 3];
  const course = data.courses.find((c) => c.id === data.course_id);
  const out = [
    el("h2", {}, t("dashboard.page.courses")), exportButton("courses", {}),
    table([t("dashboard.col.course"), t("dashboard.col.started"), t("dashboard.col.finished"), t("dashboard.col.completion")],
      data.courses.map((c) => row([en ? c.title_en : c.title_zh, c.started, c.finished, pct(c.completion)], n,
        () => { state.course = c.id; draw(); }, c.id === data.course_id)), n),
  ];
  if (course && (data.units.length || state.lpath.length)) {
    out.push(el("h2", {}, t("dashboard.page.by_unit", { course: en ? course.title_en : course.title_zh })));
    if (state.lpath.length) {
      out.push(el("button", { class: "action", type: "button", id: "learning-up", onclick: () => { state.lunit = state.lpath.pop() ?? null; draw(); } }, t("dashboard.page.up")));
    }
    out.push(
      exportButton("learning_units", { course: data.course_id, unit: state.lunit }),
      table([t("dashboard.col.unit"), t("dashboard.col.people"), t("dashboard.col.finished"), t("dashboard.col.completion")],
        data.units.map((u) => row([u.name, u.people, u.finished, pct(u.completion)], n,
          u.drillable ? () => { state.lpath.push(state.lunit); state.lunit = u.id; draw(); } : null)), n));
  }
  return out;
}

const PAGES = { overview, coverage, teams, proposals, learning };

async function draw() {
  const main = document.getElementById("main");
  document.querySelectorAll("nav button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.tab === state.tab)));
  try {
    main.replaceChildren(...(await PAGES[state.tab]()).flat());
  } catch (error) {
    const key = error.status === 403 ? "dashboard.page.forbidden" : error.status === 401 ? "dashboard.page.unauthorized" : "dashboard.page.no_data";
    main.replaceChildren(el("div", { class: "error", id: "error" }, t(key)));
  }
  main.dataset.ready = state.tab;
}

async function start() {
  applyTheme();
  post("web_app_ready");
  post("web_app_expand");
  let me;
  try {
    me = await api("me");
  } catch (error) {
    const status = error.status === 403 ? "forbidden" : "unauthorized";
    let lang = "";
    try { lang = JSON.parse(new URLSearchParams(initData).get("user") || "{}").language_code || ""; } catch (e) { lang = ""; }
    try { T = await (await fetch("api/texts" + query({ lang }))).json(); } catch (e) { T = {}; }
    document.title = t("dashboard.page.title");
    document.getElementById("main").replaceChildren(el("div", { class: "error", id: "error" }, t("dashboard.page." + status)));
    document.getElementById("main").dataset.ready = status;
    return;
  }
  T = { ...me.texts, _locale: me.locale };
  document.documentElement.lang = me.locale === "en" ? "en" : "zh";
  document.title = t("dashboard.page.title");
  document.getElementById("title").textContent = t("dashboard.page.title");
  document.getElementById("scope").textContent = me.scope || t("dashboard.page.scope_all");
  document.getElementById("detail-close").textContent = t("dashboard.page.close");
  document.getElementById("detail-close").addEventListener("click", () => document.getElementById("detail").close());
  const tabs = document.getElementById("tabs");
  for (const tab of Object.keys(PAGES)) {
    tabs.append(el("button", { type: "button", role: "tab", "data-tab": tab, onclick: () => { state.tab = tab; draw(); } }, t("dashboard.page.tab_" + tab)));
  }
  await draw();
}

start();
