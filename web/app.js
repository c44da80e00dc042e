import * as api from "./api.js";
import { curveChart, fmt, regionBars } from "./charts.js";
import {
  buildEnvelopeRows, clearFieldErrors, effectiveShare, fieldError, readScenario, showBaseValues,
} from "./form.js";
import { item, paragraph, tableRow } from "./dom.js";
import { buildLeverInputs, clearLeverRows } from "./leverform.js";
import { showLevers } from "./levers.js";
import { buildUncertaintyInputs, showRange } from "./ranges.js";
import { startPareto } from "./pareto.js";
import { drawMap, isOverseas } from "./map.js";

const $ = (selector) => document.querySelector(selector);
const DEFAULT_BASE = "france-relance-2020";

// Constraint names the engine reports (Infeasible.conflictNames) and the field each one sits on.
const CONFLICT_FIELDS = {
  budget: "budgetEur",
  min_spend: "minSpendShare",
  fragile_share: "fragileShareMin",
  decarbonisation_share: "decarbonisationShareMin",
  max_aid_intensity: "maxAidIntensity",
};
const CURVE_LABELS = {
  FRAGILE_SHARE_MIN: { label: "fragile-territory floor (share of euros)", field: "fragileShareMin" },
  DECARBONISATION_SHARE_MIN: { label: "decarbonisation floor (share of euros)",
    field: "decarbonisationShareMin" },
};

const state = { scenarios: [], regions: [], compareOrder: [] };

// ---- progress and errors -------------------------------------------------------------------

async function busy(label, work) {
  const progress = $("#progress");
  const text = $("#progress-text");
  const started = performance.now();
  const tick = () => {
    text.textContent = `${label}… ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  tick();
  const timer = setInterval(tick, 100);
  progress.hidden = false;
  $("#results").setAttribute("aria-busy", "true");
  document.querySelectorAll("button").forEach((b) => { b.disabled = true; });
  $("#api-error").hidden = true;
  try {
    return await work();
  } catch (error) {
    $("#api-error").textContent = error.message;
    $("#api-error").hidden = false;
    return null;
  } finally {
    clearInterval(timer);
    progress.hidden = true;
    $("#results").setAttribute("aria-busy", "false");
    // A panel still computing on its own (data-working) keeps its button disabled.
    document.querySelectorAll("button").forEach((b) => { b.disabled = "working" in b.dataset; });
  }
}

// ---- showing an outcome --------------------------------------------------------------------

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
  if (outcome.__typename === "InvalidScenario") return showInvalid(outcome);
  if (outcome.__typename === "Infeasible") return showInfeasible(outcome);
  $("#status-message").textContent = `${outcome.message} Solved in ${outcome.solver.timeS
    .toFixed(2)} s.`;
  $("#kpi-jobs").textContent = fmt.int(outcome.jobs);
  const funding = outcome.funding;
  // Regional money comes on top of the State's budget: say whose euros were spent.
  const offered = funding && funding.rule
    ? funding.regions.reduce((sum, region) => sum + region.contributionEur, 0) : 0;
  $("#kpi-spent").innerHTML = `${fmt.meur(outcome.spentEur)} M EUR<small>of ${fmt
    .meur(outcome.budgetEur)} M EUR${offered ? ` State + ${fmt.meur(offered)} M EUR the regions`
    + " offer" : ""}</small>`;
  $("#kpi-unspent").textContent = `${fmt.meur(outcome.unspentEur)} M EUR`;
  $("#kpi-fragile").innerHTML = `${fmt.pct(outcome.fragileShare)}<small>of euros; ${fmt
    .pct(outcome.fragileProjectShare)} of projects</small>`;
  $("#kpi-decarbonisation").innerHTML = `${fmt.pct(outcome.decarbonisationShare)}<small>of euros
    </small>`;
  $("#kpi-projects").textContent = fmt.int(outcome.projectsFunded);
  const binding = outcome.bindingConstraints.map((b) => item(`${capital(b.text)}.`,
    `Binding: ${b.label}.`));
  if (!binding.length) binding.push(item("No constraint holds the optimum back."));
  $("#binding").replaceChildren(...binding);
  $("#unspent-reasons").replaceChildren(...outcome.unspentReasons.map((r) => item(r)));
  $("#baselines tbody").replaceChildren(...outcome.baselines.map((b) => {
    const gain = b.jobsGainedByOptimum;
    return tableRow([b.label + (b.feasible ? "" : " (breaks a constraint)"), fmt.int(b.jobs),
      `${gain >= 0 ? "+" : "−"}${fmt.int(Math.abs(gain))}`]);
  }));
  showLevers(outcome);
  regionBars($("#region-bars"), outcome.regions);
  drawMap($("#map"), $("#map-note"), source);
  $("#overseas tbody").replaceChildren(...outcome.regions.filter((r) => isOverseas(r.code))
    .map((r) => tableRow([r.name, fmt.meur(r.allocatedEur), fmt.int(r.jobs)])));
  return outcome;
}

function showInvalid(outcome) {
  $("#status-message").textContent = "The scenario is not valid: nothing was solved.";
  const loose = [];
  for (const problem of outcome.problems) {
    const region = problem.path.match(/^constraints\.regions\.([^.]+)/);
    if (!fieldError(problem.field, problem.message, region && region[1], problem.path)) {
      loose.push(`${problem.path}: ${problem.message}`);
    }
  }
  $("#infeasible").replaceChildren(paragraph(
    loose.length ? loose.join("; ") : "Fix the fields marked in red."));
  return outcome;
}

function showInfeasible(outcome) {
  $("#status-message").textContent = "No allocation meets every constraint.";
  const box = $("#infeasible");
  box.replaceChildren(paragraph(`${outcome.message}`));
  if (outcome.relaxations.length) {
    const list = document.createElement("ul");
    list.append(...outcome.relaxations.map((r) => item(`${capital(r.text)}.`)));
    box.append(paragraph("Any one of these changes makes it feasible:"), list);
  }
  for (const relaxation of outcome.relaxations) {
    const region = relaxation.name.match(/^region_(\w+)_(min|max)$/);
    fieldError(CONFLICT_FIELDS[relaxation.name], `Conflict: ${relaxation.text}.`,
      region && region[1]);
  }
  return outcome;
}

function capital(text) {
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}

// ---- comparison ----------------------------------------------------------------------------

// `unit` is an outcome's measuredIn: SHARE, EUROS, JOBS or PROJECTS.
function formatValue(unit, value) {
  if (unit === "EUROS") return `${fmt.meur(value)} M EUR`;
  if (unit === "SHARE") return fmt.pct(value);
  return fmt.int(value);
}

function delta(text, value) {
  const span = document.createElement("span");
  span.className = value > 0 ? "up" : value < 0 ? "down" : "";
  span.textContent = text;
  return span;
}

function signed(unit, value) {
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  if (unit === "SHARE") return `${sign}${Math.abs(value * 100).toFixed(1)} pt`;
  return `${sign}${formatValue(unit, Math.abs(value))}`;
}

function withDelta(main, unit, change, first) {
  const cell = document.createElement("span");
  cell.textContent = main;
  if (!first) {
    cell.append(" ", delta(`(${signed(unit, change)})`, change));
  }
  return cell;
}

function showComparison(comparison) {
  const names = comparison.names;
  const titles = names.map((n) => state.scenarios.find((s) => s.name === n)?.title ?? n);
  const head = (first) => tableRow([first, ...titles], true);
  $("#compare-outcomes").replaceChildren(head("Outcome"),
    tableRow(["status", ...comparison.statuses]),
    ...comparison.outcomes.map((o) => tableRow([o.label, ...o.values.map((v, i) =>
      withDelta(formatValue(o.measuredIn, v), o.measuredIn, o.deltas[i], i === 0))])));
  $("#compare-inputs").replaceChildren(head("Input"), ...(comparison.inputs.length
    ? comparison.inputs.map((d) => tableRow([d.path, ...d.values.map((v) => JSON.stringify(v))]))
    : [tableRow(["(no difference)", ...names.map(() => "")])]));
  $("#compare-regions").replaceChildren(head("Region"), ...comparison.regions.map((r) =>
    tableRow([r.name, ...r.allocatedEur.map((v, i) =>
      withDelta(fmt.meur(v), "EUROS", r.allocatedDeltaEur[i], i === 0))])));
  $("#comparison").hidden = false;
}

// ---- wiring --------------------------------------------------------------------------------

async function run(source, heading) {
  const work = source.name != null ? () => api.runScenario(source.name)
    : () => api.simulate(source.scenario);
  const outcome = await busy("Solving", work);
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
  run({ scenario },
    changed.length ? `Result — ${baseTitle()}, changed` : `Result — ${baseTitle()}`);
}

async function onCurve(event) {
  event.preventDefault();
  const parameter = $("#curve-parameter").value;
  const from = Number($("#curve-from").value);
  const to = Number($("#curve-to").value);
  const count = Math.round(Number($("#curve-points").value));
  $("#curve-message").textContent = "";
  if (![from, to, count].every(Number.isFinite) || count < 2 || to <= from) {
    $("#curve-message").textContent = "Give a range with 'to' above 'from' and at least 2 points.";
    return;
  }
  const values = Array.from({ length: count }, (_, i) => (from + ((to - from) * i) / (count - 1))
    / 100);
  const { scenario } = readScenario();
  const curve = await busy("Drawing the curve", () => api.tradeOffCurve(scenario, parameter,
    values));
  if (!curve) return;
  if (curve.__typename === "InvalidScenario") {
    $("#curve-message").textContent = curve.problems.map((p) => `${p.path}: ${p.message}`)
      .join("; ");
    return;
  }
  const { label, field } = CURVE_LABELS[parameter];
  curveChart($("#curve"), curve.points, { label, current: effectiveShare(field) });
}

async function onCompare(event) {
  event.preventDefault();
  const names = state.compareOrder;
  $("#compare-message").textContent = "";
  if (names.length < 2) {
    $("#compare-message").textContent = "Tick at least two scenarios.";
    return;
  }
  const comparison = await busy("Comparing", () => api.compareScenarios(names));
  if (!comparison) return;
  if (comparison.__typename === "InvalidScenario") {
    $("#compare-message").textContent = comparison.message;
    return;
  }
  showComparison(comparison);
}

// The scenario the form starts from: its description, and its values behind the empty fields.
async function showBase(name) {
  const entry = state.scenarios.find((s) => s.name === name);
  $("#base-description").textContent = entry ? entry.description : "";
  await showBaseValues(name);
}

function buildChoices(scenarios) {
  $("#compare-choices").replaceChildren(...scenarios.map((s) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = s.name;
    box.addEventListener("change", () => {
      state.compareOrder = state.compareOrder.filter((n) => n !== s.name);
      if (box.checked) state.compareOrder.push(s.name);
    });
    label.append(box, ` ${s.title}`);
    label.title = s.description;
    return label;
  }));
}

async function start() {
  const loaded = await busy("Loading", async () => {
    const [scenarios, regions] = await Promise.all([api.listScenarios(), api.listRegions()]);
    state.scenarios = scenarios;
    state.regions = regions;
    $("#base").replaceChildren(...scenarios.map((s) => new Option(
      `${s.title} (${s.name}${s.source === "SAVED" ? ", saved" : ""})`, s.name)));
    $("#base").value = scenarios.some((s) => s.name === DEFAULT_BASE) ? DEFAULT_BASE
      : scenarios[0]?.name ?? "";
    state.baseName = $("#base").value;
    buildEnvelopeRows(regions);
    buildLeverInputs(regions);
    buildUncertaintyInputs();
    buildChoices(scenarios);
    await showBase($("#base").value);
    return true;
  });
  $("#scenario-form").addEventListener("submit", onRun);
  $("#run-saved").addEventListener("click", () => {
    const name = $("#base").value;
    run({ name }, `Result — ${baseTitle()}`);
  });
  $("#reset").addEventListener("click", () => {
    $("#scenario-form").reset();
    $("#base").value = state.baseName;
    clearLeverRows();
    clearFieldErrors();
  });
  $("#base").addEventListener("change", () => {
    state.baseName = $("#base").value;
    busy("Loading", () => showBase($("#base").value));
  });
  $("#curve-form").addEventListener("submit", onCurve);
  startPareto(() => readScenario());
  $("#compare-form").addEventListener("submit", onCompare);
  document.body.dataset.ready = "true";
  if (loaded) {
    const name = $("#base").value;
    await run({ name }, `Result — ${baseTitle()}`);
  }
}

start();
