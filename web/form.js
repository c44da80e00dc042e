// The scenario form: what the planner typed, as a ScenarioInput, and the base's values shown
// beside it (read from the typed Scenario.inputs), with errors put next to their field.
import * as api from "./api.js";
import { clearLeverErrors, leverError, readLevers, showLeverBase } from "./leverform.js";
import { readUncertainty, showUncertaintyBase } from "./ranges.js";

const $ = (selector) => document.querySelector(selector);

// Form inputs: ScenarioInput field, how the planner types it, how the API wants it.
const FIELDS = {
  budgetEur: { input: "#budget", ...millions() },
  fragileShareMin: { input: "#fragile", ...percent() },
  fragileProjectShareMin: { input: "#fragile-projects", ...percent() },
  decarbonisationShareMin: { input: "#decarbonisation", ...percent() },
  minSpendShare: { input: "#min-spend", ...percent() },
  maxAidIntensity: { input: "#aid-cap", none: "no cap", ...percent() },
};

// Objective weights: ObjectiveWeightsInput field -> its input (a weight left empty keeps the
// base's).
const WEIGHTS = {
  jobsCreated: "#weight-jobs-created",
  jobsKept: "#weight-jobs-kept",
  co2AvoidedT: "#weight-co2",
  leverage: "#weight-leverage",
};

let baseValues = {}; // ScenarioInput field -> the base's value, for the curve's marker

function percent() {
  return { toApi: (v) => v / 100, toForm: (v) => +(v * 100).toFixed(4) };
}

function millions() {
  return { toApi: (v) => Math.round(v * 1e6), toForm: (v) => v / 1e6 };
}

export function clearFieldErrors() {
  document.querySelectorAll("[data-field]").forEach((field) => {
    field.classList.remove("invalid");
    field.querySelector(".error").textContent = "";
  });
  document.querySelectorAll("#envelope-rows td.error").forEach((cell) => {
    cell.textContent = "";
    cell.parentElement.querySelectorAll("td").forEach((td) => td.classList.remove("invalid"));
  });
  clearLeverErrors();
}

// Puts a message next to the ScenarioInput field (or the envelope row, or the lever input its
// scenario-file path names) it is about.
export function fieldError(field, message, regionCode = null, path = null) {
  if (leverError(path, message)) return true;
  const row = regionCode && document.querySelector(`#envelope-rows tr[data-code="${regionCode}"]`);
  if (row) {
    $("#envelopes").open = true;
    row.querySelector("td.error").textContent = message;
    row.querySelectorAll("td").forEach((td) => td.classList.add("invalid"));
    return true;
  }
  const box = field && document.querySelector(`[data-field="${field}"]`);
  if (!box) return false;
  box.classList.add("invalid");
  if (box.tagName === "DETAILS") box.open = true;
  const error = box.querySelector(".error");
  error.textContent = error.textContent ? `${error.textContent} ${message}` : message;
  return true;
}

function readNumber(selector, field, errors) {
  const input = $(selector);
  if (input.validity.badInput) {
    errors.push([field, "enter a number"]);
    return null;
  }
  if (input.value.trim() === "") return null;
  const value = Number(input.value);
  if (!Number.isFinite(value)) errors.push([field, "enter a number"]);
  return value;
}

export function readScenario() {
  const errors = [];
  const scenario = { name: "what-if", base: $("#base").value || null };
  for (const [field, spec] of Object.entries(FIELDS)) {
    const value = readNumber(spec.input, field, errors);
    if (value !== null) scenario[field] = spec.toApi(value);
  }
  if ($("#mode").value) scenario.mode = $("#mode").value;
  const envelopes = [];
  for (const row of document.querySelectorAll("#envelope-rows tr")) {
    const min = readNumber(`#min-${row.dataset.code}`, "regionEnvelopes", errors);
    const max = readNumber(`#max-${row.dataset.code}`, "regionEnvelopes", errors);
    if (min !== null || max !== null) {
      envelopes.push({ regionCode: row.dataset.code,
        minEur: min === null ? null : Math.round(min * 1e6),
        maxEur: max === null ? null : Math.round(max * 1e6) });
    }
  }
  if (envelopes.length) scenario.regionEnvelopes = envelopes;
  const weights = {};
  for (const [field, selector] of Object.entries(WEIGHTS)) {
    const value = readNumber(selector, "objectiveWeights", errors);
    if (value !== null) weights[field] = value;
  }
  if (Object.keys(weights).length) scenario.objectiveWeights = weights;
  readLevers(scenario, errors);
  readUncertainty(scenario, errors);
  return { scenario, errors };
}

// Shows the values the base scenario gives, as placeholders (empty fields keep them), and
// which scenario of its chain set each one, as the field's tooltip.
export async function showBaseValues(name) {
  const inputs = (name && await api.scenarioInputs(name)) || {};
  const values = {};
  for (const [field, spec] of Object.entries(FIELDS)) {
    const setting = inputs[field];
    if (setting && setting.value !== null) values[field] = setting.value;
    showSetting($(spec.input), setting, (v) => `${spec.toForm(v)}`, spec.none ?? "as in the base");
  }
  baseValues = values;
  for (const [field, selector] of Object.entries(WEIGHTS)) {
    const weight = inputs.objectiveWeights?.[field];
    showSetting($(selector), weight?.setIn ? weight : null, (v) => `${v}`, "as in the base");
  }
  showLeverBase(inputs);
  showUncertaintyBase(inputs);
  const mode = $("#mode option[value='']");
  mode.textContent = inputs.mode
    ? `as in the base (${inputs.mode.value.toLowerCase().replaceAll("_", " ")})`
    : "as in the base";
  const envelopes = new Map((inputs.regionEnvelopes ?? []).map((e) => [e.regionCode, e]));
  const eur = (v) => `${FIELDS.budgetEur.toForm(v)}`;
  for (const row of document.querySelectorAll("#envelope-rows tr")) {
    const envelope = envelopes.get(row.dataset.code);
    showSetting($(`#min-${row.dataset.code}`), envelope?.minEur, eur, "");
    showSetting($(`#max-${row.dataset.code}`), envelope?.maxEur, eur, "");
  }
}

function showSetting(input, setting, show, otherwise) {
  const value = setting ? setting.value : null;
  input.placeholder = value === null ? otherwise : show(value);
  input.title = setting && setting.setIn ? `set in ${setting.setIn}` : "";
}

export function effectiveShare(field) {
  const spec = FIELDS[field];
  const typed = $(spec.input).value.trim();
  if (typed !== "" && Number.isFinite(Number(typed))) return spec.toApi(Number(typed));
  return baseValues[field] ?? 0;
}

export function buildEnvelopeRows(regions) {
  $("#envelope-rows").replaceChildren(...regions.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.code = r.code;
    tr.innerHTML = `<th scope="row"><label for="min-${r.code}"></label></th>
      <td><input id="min-${r.code}" type="number" min="0" step="any" aria-label="at least"></td>
      <td><input id="max-${r.code}" type="number" min="0" step="any" aria-label="at most"></td>
      <td class="error" aria-live="polite"></td>`;
    tr.querySelector("label").textContent = `${r.name} (${r.code})`;
    return tr;
  }));
}
