import * as api from "./api.js";
import { curveChart, regionBars, statusWord } from "./charts.js";
import {
  buildEnvelopeRows, clearFieldErrors, effectiveShare, fieldError, readScenario, showBaseValues,
} from "./form.js";
import { apiText, fmt, lang, messages } from "./i18n.js";
import { capital, item, paragraph, tableRow } from "./dom.js";
import { baselineLabel, bindingItem } from "./explain.js";
import { startComparison } from "./comparison.js";
import { reportLink, resultExport, resultFileName } from "./links.js";
import { buildLeverInputs, clearLeverRows } from "./leverform.js";
import { showLevers } from "./levers.js";
import { buildUncertaintyInputs, showRange } from "./ranges.js";
import { startPareto } from "./pareto.js";
import { drawMap, isOverseas } from "./map.js";
import { readTyped } from "./numberinput.js";
import { track } from "./work.js";

const $ = (selector) => document.querySelector(selector);
const DEFAULT_BASE = "france-relance-2020";
const CURVE_CHUNK = 5; // values per tradeOffCurve request: progress after each, cancel between
// The server's limit on a curve's points (schema/whatif.py MAX_CURVE_POINTS): sent in chunks,
// a larger count would go through as thousands of requests.
const MAX_CURVE_POINTS = 200;

const t = messages({
  loading: { fr: "Chargement", en: "Loading" },
  solving: { fr: "Résolution", en: "Solving" },
  drawing: { fr: "Tracé de la courbe", en: "Drawing the curve" },
  saved: { fr: "{title} ({name}, enregistré)", en: "{title} ({name}, saved)" },
  shipped: { fr: "{title} ({name})", en: "{title} ({name})" },
  result: { fr: "Résultat — {title}", en: "Result — {title}" },
  resultChanged: { fr: "Résultat — {title}, modifié", en: "Result — {title}, changed" },
  solved: {
    fr: "{head} ({mode}) : {jobs} emplois pour {spent}, {fragile} des euros aux territoires "
      + "fragiles, {decarbonisation} à la décarbonation. Résolu en {seconds} s.",
    en: "{message} Solved in {seconds} s.",
  },
  solvedOther: { fr: "{message} Résolu en {seconds} s.", en: "{message} Solved in {seconds} s." },
  OPTIMAL: { fr: "Optimum", en: "Optimal" },
  FEASIBLE: { fr: "Presque optimal (optimum non prouvé)",
    en: "Near-optimal (optimality not proven)" },
  CONTINUOUS: { fr: "aide au prorata", en: "continuous" },
  ALL_OR_NOTHING: { fr: "tout ou rien", en: "all-or-nothing" },
  budgetOf: { fr: "sur {budget}", en: "of {budget}" },
  budgetWithRegions: { fr: "sur {budget} de l'État + {offered} offerts par les régions",
    en: "of {budget} State + {offered} the regions offer" },
  ofEuros: { fr: "des euros", en: "of euros" },
  ofEurosAndProjects: { fr: "des euros ; {share} des projets",
    en: "of euros; {share} of projects" },
  noBinding: { fr: "Aucune contrainte ne retient l'optimum.",
    en: "No constraint holds the optimum back." },
  breaks: { fr: "{label} (enfreint une contrainte)", en: "{label} (breaks a constraint)" },
  invalid: { fr: "Le scénario n'est pas valide : rien n'a été résolu.",
    en: "The scenario is not valid: nothing was solved." },
  fixFields: { fr: "Corrigez les champs signalés en rouge.", en: "Fix the fields marked in red." },
  problem: { fr: "{path} : {message}", en: "{path}: {message}" },
  infeasible: { fr: "Aucune répartition ne respecte toutes les contraintes.",
    en: "No allocation meets every constraint." },
  relaxations: { fr: "Une seule de ces modifications suffit à le rendre réalisable :",
    en: "Any one of these changes makes it feasible:" },
  conflict: { fr: "Conflit : {text}.", en: "Conflict: {text}." },
  idleTitle: { fr: "Résultat", en: "Result" },
  idle: { fr: "Lancez un scénario pour voir l'allocation.",
    en: "Run a scenario to see the allocation." },
  asInBase: { fr: "comme le scénario de départ", en: "as in the base" },
  needValue: { fr: "« {label} » : saisissez une valeur.", en: "{label}: type a value." },
  tooManyPoints: {
    fr: "« {label} » : {max} points au plus (vous en demandez {count}).",
    en: "{label}: at most {max} points (you asked for {count}).",
  },
  curveScenario: { fr: "Le scénario du formulaire n'est pas valide : corrigez les champs "
    + "signalés en rouge, la courbe part de ce scénario.",
    en: "The scenario in the form is not valid: fix the fields marked in red; the curve starts "
    + "from that scenario." },
  curveRange: {
    fr: "Donnez une plage où « à » dépasse « de », et au moins 2 points.",
    en: "Give a range with 'to' above 'from' and at least 2 points.",
  },
  FRAGILE_SHARE_MIN: { fr: "plancher territoires fragiles (part des euros)",
    en: "fragile-territory floor (share of euros)" },
  DECARBONISATION_SHARE_MIN: { fr: "plancher de décarbonation (part des euros)",
    en: "decarbonisation floor (share of euros)" },
});

// Constraint names the engine reports (Infeasible.conflictNames) and the field each one sits on.
const CONFLICT_FIELDS = {
  budget: "budgetEur",
  min_spend: "minSpendShare",
  fragile_share: "fragileShareMin",
  decarbonisation_share: "decarbonisationShareMin",
  max_aid_intensity: "maxAidIntensity",
};
// The curve's parameter and the form field whose value the chart marks.
const CURVE_FIELDS = {
  FRAGILE_SHARE_MIN: "fragileShareMin",
  DECARBONISATION_SHARE_MIN: "decarbonisationShareMin",
};

const state = { scenarios: [], regions: [] };

// ---- showing an outcome --------------------------------------------------------------------

// Text, then a <small> aside, in a KPI cell.
function figure(cell, main, aside = null) {
  const parts = [main];
  if (aside) {
    const small = document.createElement("small");
    small.textContent = aside;
    parts.push(small);
  }
  cell.replaceChildren(...parts);
}

function statusMessage(outcome) {
  const seconds = fmt.num(outcome.solver.timeS, 2);
  if (lang() === "fr" && ["OPTIMAL", "FEASIBLE"].includes(outcome.status)) {
    return [t("solved", { head: t(outcome.status), mode: t(outcome.mode),
      jobs: fmt.int(outcome.jobs), spent: fmt.meur(outcome.spentEur),
      fragile: fmt.pct(outcome.fragileShare),
      decarbonisation: fmt.pct(outcome.decarbonisationShare), seconds })];
  }
  return api.inWords(t("solvedOther", { message: api.API_WORDS, seconds }),
    apiText(outcome.message));
}

// `source` is how the result was asked for: {name} of a scenario or a {scenario} input.
function showOutcome(outcome, heading, source) {
  clearFieldErrors();
  const ok = outcome.__typename === "SimulationResult";
  $("#kpis").hidden = !ok;
  $("#explain").hidden = !ok;
  $("#levers").hidden = !ok;
  $("#allocation").hidden = !ok;
  $("#infeasible").hidden = ok;
  showRange(ok ? outcome : null);
  $("#results-title").textContent = heading;
  showExports(source);
  if (outcome.__typename === "InvalidScenario") return showInvalid(outcome);
  if (outcome.__typename === "Infeasible") return showInfeasible(outcome);
  $("#status-message").replaceChildren(...statusMessage(outcome));
  $("#kpi-jobs").textContent = fmt.int(outcome.jobs);
  const funding = outcome.funding;
  // Regional money comes on top of the State's budget: say whose euros were spent.
  const offered = funding && funding.rule
    ? funding.regions.reduce((sum, region) => sum + region.contributionEur, 0) : 0;
  const budget = fmt.meur(outcome.budgetEur);
  figure($("#kpi-spent"), fmt.meur(outcome.spentEur), offered
    ? t("budgetWithRegions", { budget, offered: fmt.meur(offered) }) : t("budgetOf", { budget }));
  $("#kpi-unspent").textContent = fmt.meur(outcome.unspentEur);
  figure($("#kpi-fragile"), fmt.pct(outcome.fragileShare),
    t("ofEurosAndProjects", { share: fmt.pct(outcome.fragileProjectShare) }));
  figure($("#kpi-decarbonisation"), fmt.pct(outcome.decarbonisationShare), t("ofEuros"));
  $("#kpi-projects").textContent = fmt.int(outcome.projectsFunded);
  const binding = outcome.bindingConstraints.map((b) => bindingItem(b, state.regions));
  if (!binding.length) binding.push(item(t("noBinding")));
  $("#binding").replaceChildren(...binding);
  $("#unspent-reasons").replaceChildren(...outcome.unspentReasons
    .map((r) => api.apiElement("li", r)));
  $("#baselines tbody").replaceChildren(...outcome.baselines.map((b) => {
    const label = baselineLabel(b);
    return tableRow([b.feasible ? label : t("breaks", { label }), fmt.int(b.jobs),
      fmt.signedInt(b.jobsGainedByOptimum)]);
  }));
  showLevers(outcome);
  regionBars($("#region-bars"), outcome.regions);
  drawMap($("#map"), $("#map-note"), source);
  $("#overseas tbody").replaceChildren(...outcome.regions.filter((r) => isOverseas(r.code))
    .map((r) => tableRow([r.name, fmt.meurNumber(r.allocatedEur), fmt.int(r.jobs)])));
  return outcome;
}

// The result's downloads and report, whatever its outcome: an infeasible or invalid scenario's
// files say so.
function showExports(source) {
  const box = $("#result-exports");
  if (!box) return;
  for (const kind of ["xlsx", "csv"]) {
    const link = $(`#export-${kind}`);
    link.href = resultExport(source, kind);
    link.setAttribute("download", resultFileName(source, kind));
  }
  $("#report-link").href = reportLink(source);
  box.hidden = false;
}

function showInvalid(outcome) {
  $("#status-message").textContent = t("invalid");
  const loose = [];
  for (const problem of outcome.problems) {
    const region = problem.path.match(/^constraints\.regions\.([^.]+)/);
    if (!fieldError(problem.field, apiText(problem.message), region && region[1], problem.path)) {
      loose.push(t("problem", { path: problem.path, message: problem.message }));
    }
  }
  $("#infeasible").replaceChildren(loose.length ? api.apiElement("p", loose.join("; "))
    : paragraph(t("fixFields")));
  return outcome;
}

function showInfeasible(outcome) {
  $("#status-message").textContent = t("infeasible");
  const box = $("#infeasible");
  box.replaceChildren(api.apiElement("p", outcome.message));
  if (outcome.relaxations.length) {
    const list = document.createElement("ul");
    list.append(...outcome.relaxations.map((r) => api.apiElement("li", `${capital(r.text)}.`)));
    box.append(paragraph(t("relaxations")), list);
  }
  for (const relaxation of outcome.relaxations) {
    const region = relaxation.name.match(/^region_(\w+)_(min|max)$/);
    const conflict = document.createElement("span");
    conflict.append(...api.inWords(t("conflict", { text: api.API_WORDS }),
      apiText(relaxation.text)));
    fieldError(CONFLICT_FIELDS[relaxation.name], conflict, region && region[1]);
  }
  return outcome;
}

// ---- wiring --------------------------------------------------------------------------------

// A solve: cancelled, it leaves the page as it was.
async function run(source, heading) {
  const outcome = await track(t("solving"), (progress, signal) => (source.name != null
    ? api.runScenario(source.name, { signal }) : api.simulate(source.scenario, { signal })));
  if (outcome) showOutcome(outcome, heading, source);
}

function baseTitle() {
  const name = $("#base").value;
  return state.scenarios.find((s) => s.name === name)?.title ?? name;
}

function onRun(event) {
  event.preventDefault();
  const { scenario, errors } = readScenario();
  clearFieldErrors();
  if (errors.length) {
    errors.forEach(([field, message, path]) => fieldError(field, message, null, path));
    return;
  }
  const changed = Object.keys(scenario).filter((k) => !["name", "base"].includes(k));
  const title = baseTitle();
  run({ scenario }, t(changed.length ? "resultChanged" : "result", { title }));
}

// The curve in chunks of CURVE_CHUNK values: the count moves after each, a cancel stops it
// between chunks (and aborts the one under way); the chunks' points make one curve.
function drawCurve(scenario, parameter, values) {
  return track(t("drawing"), async (progress, signal) => {
    const points = [];
    progress(0, values.length);
    for (let i = 0; i < values.length; i += CURVE_CHUNK) {
      signal.throwIfAborted();
      const chunk = values.slice(i, i + CURVE_CHUNK);
      const curve = await api.tradeOffCurve(scenario, parameter, chunk, { signal });
      if (curve.__typename === "InvalidScenario") return curve;
      points.push(...curve.points);
      progress(points.length, values.length);
    }
    return { __typename: "TradeOffCurve", points };
  }, { place: $("#curve-form") });
}

// The text of the label of the curve's field `id`, in the page's language.
function curveLabel(id) {
  return $(`#${id}`).closest("label").querySelector("span").textContent;
}

// The curve's range and count, or {error} naming the field at fault.
function readCurveRange() {
  const read = {};
  for (const [part, kind] of [["from", "percent"], ["to", "percent"], ["points", "whole"]]) {
    const label = curveLabel(`curve-${part}`);
    const found = readTyped($(`#curve-${part}`), label, kind);
    if (found.error) return found;
    if (found.value === null) return { error: t("needValue", { label }) };
    read[part] = found.value;
  }
  if (read.points > MAX_CURVE_POINTS) {
    const label = curveLabel("curve-points");
    return { error: t("tooManyPoints", { label, max: fmt.int(MAX_CURVE_POINTS),
      count: fmt.int(read.points) }) };
  }
  if (read.points < 2 || read.to <= read.from) return { error: t("curveRange") };
  return read;
}

async function onCurve(event) {
  event.preventDefault();
  const parameter = $("#curve-parameter").value;
  $("#curve-message").textContent = "";
  const range = readCurveRange();
  if (range.error) {
    $("#curve-message").textContent = range.error;
    return;
  }
  // The curve runs the form's scenario: a field refused is refused here too, nothing sent.
  const { scenario, errors } = readScenario();
  clearFieldErrors();
  if (errors.length) {
    errors.forEach(([field, message, path]) => fieldError(field, message, null, path));
    $("#curve-message").textContent = t("curveScenario");
    return;
  }
  const { from, to, points: count } = range;
  const values = Array.from({ length: count }, (_, i) => from + ((to - from) * i) / (count - 1));
  const curve = await drawCurve(scenario, parameter, values);
  if (!curve) return;
  if (curve.__typename === "InvalidScenario") {
    $("#curve-message").replaceChildren(apiText(curve.problems.map((p) => t("problem",
      { path: p.path, message: p.message })).join("; ")));
    return;
  }
  curveChart($("#curve"), curve.points, { label: t(parameter),
    current: effectiveShare(CURVE_FIELDS[parameter]) });
}

// The scenario the form starts from: its description, and its values behind the empty fields.
async function showBase(name) {
  const entry = state.scenarios.find((s) => s.name === name);
  $("#base-description").textContent = entry ? entry.description : "";
  await showBaseValues(name);
}

// What the page shows before its first answer, in its language: a first load that fails
// leaves these.
function showIdle() {
  $("#results-title").textContent = t("idleTitle");
  $("#status-message").textContent = t("idle");
  for (const select of ["#mode", "#matching-rule"]) {
    $(`${select} option[value='']`).textContent = t("asInBase");
  }
}

async function start() {
  showIdle();
  const loaded = await track(t("loading"), async () => {
    const [scenarios, regions] = await Promise.all([api.listScenarios(), api.listRegions()]);
    state.scenarios = scenarios;
    state.regions = regions;
    $("#base").replaceChildren(...scenarios.map((s) => new Option(t(s.source === "SAVED"
      ? "saved" : "shipped", { title: s.title, name: s.name }), s.name)));
    $("#base").value = scenarios.some((s) => s.name === DEFAULT_BASE) ? DEFAULT_BASE
      : scenarios[0]?.name ?? "";
    state.baseName = $("#base").value;
    buildEnvelopeRows(regions);
    buildLeverInputs(regions);
    buildUncertaintyInputs();
    startComparison(scenarios);
    await showBase($("#base").value);
    return true;
  });
  $("#scenario-form").addEventListener("submit", onRun);
  $("#run-saved").addEventListener("click", () => {
    const name = $("#base").value;
    run({ name }, t("result", { title: baseTitle() }));
  });
  $("#reset").addEventListener("click", () => {
    $("#scenario-form").reset();
    $("#base").value = state.baseName;
    clearLeverRows();
    clearFieldErrors();
  });
  $("#base").addEventListener("change", () => {
    state.baseName = $("#base").value;
    track(t("loading"), () => showBase($("#base").value));
  });
  $("#curve-form").addEventListener("submit", onCurve);
  startPareto(() => readScenario());
  document.body.dataset.ready = "true";
  if (loaded) {
    const name = $("#base").value;
    await run({ name }, t("result", { title: baseTitle() }));
  }
}

start();
