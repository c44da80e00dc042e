// The printable report of one scenario: /report?name=<scenario> or /report?scenario=<JSON of a
// ScenarioInput>. It runs the scenario through the public API in the page's language and lays it
// out for one A4 page in black and white (report.css); the words are in report-words.js, the
// constraints' in constraints.js (the dashboard's too).

import { API_WORDS, errorText, inWords, request } from "./api.js";
import { apiText, fmt, lang, translatePage } from "./i18n.js";
import { ticks } from "./charts.js";
import { constraintName, priceSentence, relaxationSentence } from "./constraints.js";
import { t } from "./report-words.js";

const SETTING = "value origin";
const INPUTS = `inputs {
  name base budgetEur { ${SETTING} } mode { ${SETTING} } fragileShareMin { ${SETTING} }
  decarbonisationShareMin { ${SETTING} } maxAidIntensity { ${SETTING} }
  minSpendShare { ${SETTING} } fragileProjectShareMin { ${SETTING} }
  regionEnvelopes { regionCode regionName minEur { value } maxEur { value } }
  departmentEnvelopes { departmentCode } territoryEnvelopes { territoryId }
  sectorFloors { sector shareMin { value } }
  projects { phase { ${SETTING} } regions { ${SETTING} } sectors { ${SETTING} }
    origin { ${SETTING} } }
  objectiveWeights { jobsCreated { ${SETTING} } jobsKept { ${SETTING} }
    co2AvoidedT { ${SETTING} } leverage { ${SETTING} } }
  coFunding { contributions { regionName amountEur { value } } }
  rounds { value { date } }
  controls { lockAwards { value } forceIn { value } forceOut { value } }
  uncertainty { realisationRate { ${SETTING} } targetJobs { ${SETTING} }
    objective { ${SETTING} } robustBudget { value } }
}`;
const PROVENANCE = `provenance {
  data { fingerprint synthetic generatorVersion seed projectCount }
  code { engine highs highspy scipy numpy }
  options { mode timeLimitS mipRelGap }
}`;
const REPORT = `fragment Report on SimulationOutcome {
  __typename
  ... on SimulationResult {
    scenarioName status message mode jobs spentEur unspentEur budgetEur
    fragileShare decarbonisationShare projectsFunded
    regions { code name allocatedEur jobs projectsFunded minEur maxEur }
    bindingConstraints { name label shadowPrice unit text }
    jobsRange { p10 p90 draws }
    ${INPUTS} ${PROVENANCE}
  }
  ... on Infeasible {
    scenarioName message conflicts conflictNames
    relaxations { name label current suggested text unit } ${PROVENANCE}
  }
  ... on InvalidScenario { message problems { path field message } }
}`;
const CONTEXT = `regions { code name }
  laureates: projects(first: 0, filter: {origin: LAUREATE}) { totalCount }
  generated: projects(first: 0, filter: {origin: GENERATED}) { totalCount }`;
const LISTED = 8; // sentences per list: more would push the report onto a second page

const $ = (selector) => document.querySelector(selector);

function element(tag, text = "", className = "") {
  const node = document.createElement(tag);
  if (text) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ---- what to report: the scenario named in the address, or the what-if it carries -----------

function source(params) {
  if (params.has("name")) return { name: params.get("name") };
  if (!params.has("scenario")) return { error: t("noSource") };
  try {
    const scenario = JSON.parse(params.get("scenario"));
    if (scenario === null || typeof scenario !== "object" || Array.isArray(scenario)) {
      return { error: t("notAnObject") };
    }
    return { scenario };
  } catch (error) {
    return { error: t("badJson", { error: error.message }) };
  }
}

async function load(from) {
  if (from.name != null) {
    const query = `${REPORT} query($n: String!) {
      scenario(name: $n) { title ${INPUTS} }
      outcome: runScenario(name: $n) { ...Report } ${CONTEXT} }`;
    const data = await request(query, { n: from.name });
    return { ...data, title: data.scenario?.title || from.name, name: from.name };
  }
  const query = `${REPORT} query($s: ScenarioInput!) {
    outcome: simulate(scenario: $s) { ...Report } ${CONTEXT} }`;
  const data = await request(query, { s: from.scenario });
  return { ...data, title: from.scenario.title || t("whatIf"), name: from.scenario.name };
}

// A sentence is text, an element (the API's words) or a list of both.
function fillList(list, sentences, empty = null) {
  const shown = sentences.slice(0, LISTED).map((s) => {
    const li = element("li");
    li.append(...[s].flat());
    return li;
  });
  if (sentences.length > LISTED) {
    shown.push(element("li", t("more", { n: sentences.length - LISTED })));
  }
  if (!shown.length && empty) shown.push(element("li", empty));
  list.replaceChildren(...shown);
  list.hidden = false;
}

// ---- inputs: the ones that always matter, then every other lever the scenario sets --------

// A long list would take the page's room: its first items and how many more there are.
function capped(list, shown = 3) {
  const head = list.slice(0, shown).join(", ");
  return list.length > shown ? t("andMore", { list: head, n: list.length - shown }) : head;
}

// An envelope's bounds in M€ (the column says so): "20,0–30,0", "≥ 20,0", "≤ 30,0".
function envelope(min, max) {
  if (min != null && max != null) {
    return t("between", { min: fmt.meurNumber(min), max: fmt.meurNumber(max) });
  }
  if (min != null) return t("atLeast", { value: fmt.meurNumber(min) });
  return max != null ? t("atMost", { value: fmt.meurNumber(max) }) : "";
}

function set(setting) {
  return setting && setting.origin !== "DEFAULT";
}

function levers(inputs, regionNames) {
  const out = [];
  const p = inputs.projects;
  if (set(p.phase)) {
    out.push(p.phase.value == null ? t("lPhaseAll") : t("lPhase", { n: p.phase.value }));
  }
  if (set(p.origin)) out.push(t(`lPool${p.origin.value}`));
  if (set(p.regions) && p.regions.value.length) {
    const names = p.regions.value.map((code) => regionNames.get(code) || code);
    out.push(t("lRegions", { list: capped(names) }));
  }
  if (set(p.sectors) && p.sectors.value.length) {
    out.push(t("lSectors", { list: p.sectors.value.join(", ") }));
  }
  if (set(inputs.fragileProjectShareMin)) {
    out.push(t("lFragileProjects", { value: fmt.pct(inputs.fragileProjectShareMin.value) }));
  }
  const bounds = inputs.regionEnvelopes.filter((e) => e.minEur || e.maxEur)
    .map((e) => `${e.regionName} ${envelope(e.minEur?.value, e.maxEur?.value)}`);
  if (bounds.length) out.push(t("lRegionEnvelopes", { list: capped(bounds) }));
  if (inputs.departmentEnvelopes.length) {
    out.push(t("lDepartments", { n: fmt.int(inputs.departmentEnvelopes.length) }));
  }
  if (inputs.territoryEnvelopes.length) {
    out.push(t("lTerritories", { n: fmt.int(inputs.territoryEnvelopes.length) }));
  }
  if (inputs.sectorFloors.length) {
    const floors = inputs.sectorFloors.map((f) => `${f.sector} ${fmt.pct(f.shareMin.value)}`);
    out.push(t("lSectorFloors", { list: capped(floors) }));
  }
  const w = inputs.objectiveWeights;
  if ([w.jobsCreated, w.jobsKept, w.co2AvoidedT, w.leverage].some(set)) {
    out.push(t("lWeights", {
      created: fmt.num(w.jobsCreated.value), kept: fmt.num(w.jobsKept.value),
      co2: fmt.num(w.co2AvoidedT.value), leverage: fmt.num(w.leverage.value),
    }));
  }
  const gifts = inputs.coFunding.contributions.filter((c) => c.amountEur.value > 0);
  if (gifts.length) {
    const list = gifts.map((c) => `${c.regionName} ${fmt.meur(c.amountEur.value)}`);
    out.push(t("lCoFunding", { list: capped(list) }));
  }
  if (inputs.rounds.value.length) out.push(t("lRounds", { n: inputs.rounds.value.length }));
  const c = inputs.controls;
  if (c.lockAwards.value) out.push(t("lLock"));
  if (c.forceIn.value.length) out.push(t("lForceIn", { n: c.forceIn.value.length }));
  if (c.forceOut.value.length) out.push(t("lForceOut", { n: c.forceOut.value.length }));
  const u = inputs.uncertainty;
  if (set(u.realisationRate) && u.realisationRate.value != null) {
    out.push(t("lRealisation", { value: fmt.pct(u.realisationRate.value) }));
  }
  if (set(u.targetJobs) && u.targetJobs.value != null) {
    out.push(t("lTarget", { n: fmt.int(u.targetJobs.value) }));
  }
  if (u.objective.value === "ROBUST") {
    out.push(t("lRobust", { n: fmt.num(u.robustBudget.value ?? 0) }));
  }
  return out;
}

function pairs(rows) {
  $("#inputs").replaceChildren(...rows.map(([label, value]) => {
    const pair = element("div");
    pair.append(element("dt", t("label", { label })), element("dd", value));
    return pair;
  }));
}

function drawInputs(inputs, regionNames) {
  const cap = inputs.maxAidIntensity.value;
  const rows = [
    [t("budget"), fmt.meur(inputs.budgetEur.value)],
    [t("mode"), t(`mode${inputs.mode.value}`)],
    [t("fragileFloor"), fmt.pct(inputs.fragileShareMin.value)],
    [t("decarbonisationFloor"), fmt.pct(inputs.decarbonisationShareMin.value)],
    [t("aidCap"), cap == null ? t("none") : fmt.pct(cap)],
    [t("minSpend"), fmt.pct(inputs.minSpendShare.value)],
    [t("base"), inputs.base || t("none")],
  ];
  pairs(rows);
  const list = levers(inputs, regionNames);
  $("#levers").textContent = list.length
    ? t("levers", { list: list.join(t("separator")) })
    : t("noLevers");
  $("#inputs-section").hidden = false;
}

// A what-if that did not resolve has no resolved inputs: its own fields, as it gave them.
function drawGiven(scenario) {
  pairs(Object.entries(scenario).map(([field, value]) => [field, JSON.stringify(value)]));
  $("#levers").hidden = true;
  $("#inputs-section").hidden = false;
}

// ---- figures, regions ---------------------------------------------------------------------

function figure(id, label, value, note) {
  const box = element("div", "", "figure");
  box.id = id;
  box.append(element("p", label, "label"), element("p", value, "value"));
  if (note) box.append(element("p", note, "sub"));
  return box;
}

function drawFigures(r) {
  const range = r.jobsRange
    ? t("range", { low: fmt.int(r.jobsRange.p10), high: fmt.int(r.jobsRange.p90),
      draws: fmt.int(r.jobsRange.draws) })
    : t("noRange");
  const floors = r.inputs;
  $("#figures").replaceChildren(
    figure("fig-jobs", t("jobs"), fmt.int(r.jobs), range),
    figure("fig-spent", t("spent"), fmt.meur(r.spentEur),
      t("spentOf", { budget: fmt.meur(r.budgetEur), unspent: fmt.meur(r.unspentEur) })),
    figure("fig-fragile", t("fragileShare"), fmt.pct(r.fragileShare),
      t("floor", { value: fmt.pct(floors.fragileShareMin.value) })),
    figure("fig-decarbonisation", t("decarbonisationShare"), fmt.pct(r.decarbonisationShare),
      t("floor", { value: fmt.pct(floors.decarbonisationShareMin.value) })),
    figure("fig-funded", t("funded"), fmt.int(r.projectsFunded),
      t("inRegions", { n: fmt.int(r.regions.filter((g) => g.projectsFunded > 0).length) })),
  );
  if (r.jobsRange) {
    const note = element("p", t("rangeNote"), "note range-note");
    note.id = "range-note";
    $("#figures").after(note);
  }
  $("#figures-section").hidden = false;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs, text = "") {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

// Drawn at its printed size (1 unit = 1 CSS px), so that its text stays at 8 pt on paper.
function regionChart(rows) {
  const width = 322;
  const left = 154;
  const right = 28;
  const rowHeight = 14;
  const top = 16;
  const height = top + rows.length * rowHeight + 2;
  const reach = rows.flatMap((r) => [r.allocatedEur, r.minEur ?? 0, r.maxEur ?? 0]);
  const { step, top: axisTop } = ticks(Math.max(1, ...reach) / 1e6, 4);
  const x = (meur) => left + (meur / axisTop) * (width - left - right);
  const chart = svg("svg", { width, height, viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("chartLabel") });
  for (let tick = 0; tick <= axisTop + 1e-9; tick += step) {
    chart.append(svg("line", { class: "grid", x1: x(tick), x2: x(tick), y1: top - 3, y2: height }));
    const label = fmt.num(tick, 1);
    chart.append(svg("text", { x: x(tick), y: top - 6, "text-anchor": "middle" }, label));
  }
  rows.forEach((region, i) => {
    const y = top + i * rowHeight;
    const meur = region.allocatedEur / 1e6;
    chart.append(svg("text", { x: left - 4, y: y + 10.5, "text-anchor": "end" }, region.name));
    chart.append(svg("rect", { class: "bar", x: left, y: y + 2, height: rowHeight - 4,
      width: Math.max(0, x(meur) - left), "data-code": region.code }));
    const after = Math.max(meur, (region.maxEur ?? 0) / 1e6); // clear of the envelope's stroke
    chart.append(svg("text", { x: x(after) + 3, y: y + 10.5 }, fmt.meurNumber(region.allocatedEur)));
    // An envelope's bounds as black strokes across the row: solid its maximum, dashed its minimum.
    for (const [bound, side] of [[region.minEur, "min"], [region.maxEur, "max"]]) {
      if (bound == null) continue;
      const at = x(bound / 1e6);
      const mark = { class: `bound ${side}`, x1: at, x2: at, y1: y, y2: y + rowHeight };
      chart.append(svg("line", mark));
    }
  });
  return chart;
}

function cells(tag, values) {
  const tr = element("tr");
  values.forEach((value, i) => {
    const cell = element(i === 0 || tag === "th" ? "th" : "td", value);
    if (tag === "th") cell.scope = "col";
    else if (i === 0) cell.scope = "row";
    tr.append(cell);
  });
  return tr;
}

function drawRegions(regions) {
  const rows = [...regions].sort((a, b) => b.allocatedEur - a.allocatedEur);
  // The envelopes' marks and column only when the scenario sets some.
  const bounded = rows.some((r) => r.minEur != null || r.maxEur != null);
  const caption = element("figcaption", t(bounded ? "chartBounds" : "chartLabel"));
  $("#region-chart").replaceChildren(regionChart(rows), caption);
  const sum = (key) => rows.reduce((total, r) => total + r[key], 0);
  const extra = (values, value) => (bounded ? [...values, value] : values);
  const head = element("thead");
  head.append(cells("th", extra([t("region"), t("aid"), t("jobsColumn"), t("projects")],
    t("envelope"))));
  const body = element("tbody");
  body.append(...rows.map((r) => cells("td", extra([r.name, fmt.meurNumber(r.allocatedEur),
    fmt.int(r.jobs), fmt.int(r.projectsFunded)], envelope(r.minEur, r.maxEur)))));
  const foot = element("tfoot");
  foot.append(cells("td", extra([t("total"), fmt.meurNumber(sum("allocatedEur")),
    fmt.int(sum("jobs")), fmt.int(sum("projectsFunded"))], "")));
  $("#region-table").replaceChildren(head, body, foot);
  $("#regions-section").hidden = false;
}

// ---- provenance ---------------------------------------------------------------------------

function drawProvenance(provenance, data) {
  const lines = [];
  const d = provenance?.data;
  if (d) {
    lines.push(t("provData", { fingerprint: d.fingerprint, count: fmt.int(d.projectCount),
      version: d.generatorVersion, seed: d.seed, geography: d.synthetic ? t("synthetic") : "" }));
  } else if (provenance) {
    lines.push(t("noDataVersion"));
  }
  if (provenance) {
    const { code, options } = provenance;
    lines.push(t("provCode", { ...code, limit: fmt.num(options.timeLimitS, 1),
      gap: options.mipRelGap == null ? "" : t("gap", { gap: fmt.pct(options.mipRelGap, 2) }) }));
  }
  lines.push(t("produced", { date: fmt.dateTime(new Date().toISOString()) }));
  $("#provenance").replaceChildren(...lines.map((line) => element("span", line)));
  $("#data-note").textContent = t("dataNote", {
    laureates: fmt.int(data.laureates.totalCount), generated: fmt.int(data.generated.totalCount),
  });
  $("#provenance-section").hidden = false;
}

// ---- the three outcomes -------------------------------------------------------------------

function drawResult(r, regionNames) {
  const status = t(`status${r.status}`);
  $("#report-status").replaceChildren(...(r.status === "OPTIMAL" ? [status]
    : [status, " ", apiText(r.message)]));
  drawInputs(r.inputs, regionNames);
  drawFigures(r);
  drawRegions(r.regions);
  $("#constraints-title").textContent = t("bindingTitle");
  fillList($("#constraints"), r.bindingConstraints.map((b) => priceSentence(b, regionNames)),
    t("noBinding"));
  $("#constraints-section").hidden = false;
}

function drawInfeasible(r, data, regionNames, from) {
  $("#report-status").replaceChildren(t("infeasible"), " ", apiText(r.message));
  if (data.scenario?.inputs) drawInputs(data.scenario.inputs, regionNames);
  else if (from.scenario) drawGiven(from.scenario);
  $("#constraints-title").textContent = t("conflictsTitle");
  const conflicts = r.conflicts.map((text, i) =>
    constraintName(r.conflictNames[i] ?? "", regionNames) ?? apiText(text));
  fillList($("#constraints"), conflicts);
  if (r.relaxations.length) {
    $("#relaxations-title").textContent = t("relaxationsTitle");
    $("#relaxations-title").hidden = false;
    fillList($("#relaxations"), r.relaxations.map((x) => relaxationSentence(x, regionNames)));
  }
  $("#constraints-section").hidden = false;
}

function drawInvalid(r, from) {
  $("#report-status").textContent = t("invalid");
  if (from.scenario) drawGiven(from.scenario);
  $("#constraints-title").textContent = t("problemsTitle");
  fillList($("#constraints"), r.problems.map((p) =>
    inWords(t("problem", { field: p.field || p.path, message: API_WORDS }), apiText(p.message))));
  $("#constraints-section").hidden = false;
}

function drawn(title, name) {
  $("#report-title").textContent = title;
  document.title = `${title} — ${t("pageTitle")}`;
  const date = fmt.date(new Date().toISOString());
  $("#report-meta").textContent = name ? t("meta", { date, name }) : t("metaNoName", { date });
}

async function main() {
  translatePage(t);
  $("#report-status").textContent = t("loading");
  $("#print").addEventListener("click", () => window.print());
  const from = source(new URLSearchParams(window.location.search));
  try {
    if (from.error) {
      drawn(t("noReport"), null);
      $("#report-status").textContent = from.error;
      return;
    }
    drawn(from.name ?? from.scenario.title ?? t("whatIf"), from.name ?? from.scenario.name);
    const data = await load(from);
    const regionNames = new Map(data.regions.map((r) => [r.code, r.name]));
    const outcome = data.outcome;
    drawn(data.title, outcome.scenarioName ?? data.name);
    if (outcome.__typename === "SimulationResult") drawResult(outcome, regionNames);
    else if (outcome.__typename === "Infeasible") drawInfeasible(outcome, data, regionNames, from);
    else drawInvalid(outcome, from);
    drawProvenance(outcome.provenance, data);
  } catch (error) {
    $("#report-status").replaceChildren(...inWords(t("failed", { error: API_WORDS }),
      errorText(error)));
  } finally {
    document.querySelector("main").removeAttribute("aria-busy");
    document.documentElement.lang = lang();
    document.body.dataset.ready = "true";
  }
}

main();
