// The scenario form: what the planner typed, as a ScenarioInput, and the base's values shown
// beside it (read from the typed Scenario.inputs), with errors put next to their field.
import * as api from "./api.js";
import { fmt, messages } from "./i18n.js";
import { clearLeverErrors, leverError, readLevers, showLeverBase } from "./leverform.js";
import { numberInput, readTyped, showReadings } from "./numberinput.js";
import { readUncertainty, showUncertaintyBase } from "./ranges.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  budgetEur: { fr: "Budget (M€)", en: "Budget (M EUR)" },
  fragileShareMin: { fr: "Plancher territoires fragiles", en: "Fragile-territory floor" },
  fragileProjectShareMin: {
    fr: "Plancher territoires fragiles (% des projets financés)",
    en: "Fragile-territory floor (% of funded projects)",
  },
  decarbonisationShareMin: { fr: "Plancher décarbonation", en: "Decarbonisation floor" },
  minSpendShare: { fr: "Engager au moins (% du budget)", en: "Commit at least (% of budget)" },
  maxAidIntensity: { fr: "Plafond d'aide (% de l'investissement)", en: "Aid cap" },
  jobsCreated: { fr: "Poids des emplois créés", en: "Weight of jobs created" },
  jobsKept: { fr: "Poids des emplois maintenus", en: "Weight of jobs secured" },
  co2AvoidedT: { fr: "Poids des tCO2e évitées", en: "Weight of tCO2e avoided" },
  leverage: { fr: "Poids de l'effet de levier", en: "Weight of leverage" },
  atLeast: { fr: "au moins", en: "at least" },
  atMost: { fr: "au plus", en: "at most" },
  envelopeMin: {
    fr: "Enveloppe régionale {region}, au moins (M€)", en: "{region} envelope, at least",
  },
  envelopeMax: {
    fr: "Enveloppe régionale {region}, au plus (M€)", en: "{region} envelope, at most",
  },
  asInBase: { fr: "comme au départ", en: "as in the base" },
  asInBaseMode: { fr: "comme au départ ({mode})", en: "as in the base ({mode})" },
  CONTINUOUS: { fr: "continu", en: "continuous" },
  ALL_OR_NOTHING: { fr: "tout ou rien", en: "all or nothing" },
  noCap: { fr: "sans plafond", en: "no cap" },
  setIn: { fr: "fixé dans {name}", en: "set in {name}" },
});

// Form inputs: ScenarioInput field, what it holds (numberinput.js: a percent is sent as a
// share), how the API wants it.
const FIELDS = {
  budgetEur: { input: "#budget", ...millions() },
  fragileShareMin: { input: "#fragile", ...percent() },
  fragileProjectShareMin: { input: "#fragile-projects", ...percent() },
  decarbonisationShareMin: { input: "#decarbonisation", ...percent() },
  minSpendShare: { input: "#min-spend", ...percent() },
  maxAidIntensity: { input: "#aid-cap", none: "noCap", ...percent() },
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
  return { kind: "percent", toApi: (v) => v, toForm: (v) => fmt.num(v * 100, 4) };
}

function millions() {
  return { kind: "number", toApi: (v) => Math.round(v * 1e6), toForm: (v) => fmt.num(v / 1e6, 4) };
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
    row.querySelector("td.error").replaceChildren(message); // text, or the API's words
    row.querySelectorAll("td").forEach((td) => td.classList.add("invalid"));
    return true;
  }
  const box = field && document.querySelector(`[data-field="${field}"]`);
  if (!box) return false;
  box.classList.add("invalid");
  if (box.tagName === "DETAILS") box.open = true;
  const error = box.querySelector(".error");
  if (error.textContent) error.append(" ");
  error.append(message);
  return true;
}

// A number typed in the input `selector`, null when empty; a refusal names the field `label`.
function typed(selector, field, label, errors, kind = "number") {
  const read = readTyped($(selector), label, kind);
  if (read.error) errors.push([field, read.error]);
  return read.error ? null : read.value;
}

export function readScenario() {
  const errors = [];
  const scenario = { name: "what-if", base: $("#base").value || null };
  for (const [field, spec] of Object.entries(FIELDS)) {
    const value = typed(spec.input, field, t(field), errors, spec.kind);
    if (value !== null) scenario[field] = spec.toApi(value);
  }
  if ($("#mode").value) scenario.mode = $("#mode").value;
  const envelopes = [];
  for (const row of document.querySelectorAll("#envelope-rows tr")) {
    const region = row.dataset.name;
    const min = typed(`#min-${row.dataset.code}`, "regionEnvelopes",
      t("envelopeMin", { region }), errors);
    const max = typed(`#max-${row.dataset.code}`, "regionEnvelopes",
      t("envelopeMax", { region }), errors);
    if (min !== null || max !== null) {
      envelopes.push({ regionCode: row.dataset.code,
        minEur: min === null ? null : Math.round(min * 1e6),
        maxEur: max === null ? null : Math.round(max * 1e6) });
    }
  }
  if (envelopes.length) scenario.regionEnvelopes = envelopes;
  const weights = {};
  for (const [field, selector] of Object.entries(WEIGHTS)) {
    const value = typed(selector, "objectiveWeights", t(field), errors);
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
    showSetting($(spec.input), setting, spec.toForm, t(spec.none ?? "asInBase"));
  }
  baseValues = values;
  for (const [field, selector] of Object.entries(WEIGHTS)) {
    const weight = inputs.objectiveWeights?.[field];
    showSetting($(selector), weight?.setIn ? weight : null, (v) => fmt.num(v, 4), t("asInBase"));
  }
  showLeverBase(inputs);
  showUncertaintyBase(inputs);
  const mode = $("#mode option[value='']");
  mode.textContent = inputs.mode ? t("asInBaseMode", { mode: t(inputs.mode.value) })
    : t("asInBase");
  const envelopes = new Map((inputs.regionEnvelopes ?? []).map((e) => [e.regionCode, e]));
  const eur = FIELDS.budgetEur.toForm;
  for (const row of document.querySelectorAll("#envelope-rows tr")) {
    const envelope = envelopes.get(row.dataset.code);
    showSetting($(`#min-${row.dataset.code}`), envelope?.minEur, eur, "");
    showSetting($(`#max-${row.dataset.code}`), envelope?.maxEur, eur, "");
  }
}

function showSetting(input, setting, show, otherwise) {
  const value = setting ? setting.value : null;
  input.placeholder = value === null ? otherwise : show(value);
  input.title = setting && setting.setIn ? t("setIn", { name: setting.setIn }) : "";
}

export function effectiveShare(field) {
  const read = readTyped($(FIELDS[field].input), t(field), FIELDS[field].kind);
  if (!read.error && read.value !== null) return FIELDS[field].toApi(read.value);
  return baseValues[field] ?? 0;
}

// Called once the regions are known: their envelope rows, and the form's number inputs told
// what they hold (a percent, an amount), their reading shown as the planner types.
export function buildEnvelopeRows(regions) {
  for (const spec of Object.values(FIELDS)) $(spec.input).dataset.kind = spec.kind;
  for (const selector of Object.values(WEIGHTS)) $(selector).dataset.kind = "number";
  showReadings($("#scenario-form"));
  $("#envelope-rows").replaceChildren(...regions.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.code = r.code;
    tr.dataset.name = r.name;
    const th = document.createElement("th");
    th.scope = "row";
    const label = document.createElement("label");
    label.htmlFor = `min-${r.code}`;
    label.textContent = `${r.name} (${r.code})`;
    th.append(label);
    const error = document.createElement("td");
    error.className = "error";
    error.setAttribute("aria-live", "polite");
    tr.append(th, ...[["min", "atLeast"], ["max", "atMost"]].map(([bound, words]) => {
      const td = document.createElement("td");
      td.append(numberInput("number", t(words), { id: `${bound}-${r.code}` }));
      return td;
    }), error);
    return tr;
  }));
}
