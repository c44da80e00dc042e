// The Pareto front panel: two criteria, the front the API computes for the scenario form's
// inputs, drawn and listed point by point.
import * as api from "./api.js";
import { frontChart } from "./charts.js";
import { tableRow } from "./dom.js";
import { apiText, fmt, messages, readNumber } from "./i18n.js";
import { busy, track } from "./work.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  // CriterionName -> how the page names it.
  JOBS_CREATED: { fr: "emplois créés", en: "jobs created" },
  JOBS_KEPT: { fr: "emplois maintenus", en: "jobs secured" },
  CO2_AVOIDED_T: { fr: "tCO2e évitées par an", en: "tCO2e avoided a year" },
  LEVERAGE: { fr: "investissement mobilisé", en: "investment leveraged" },
  // On a front, leverage is the investment mobilised (a sum), not the results' ratio.
  leverageAxis: { fr: "investissement mobilisé (M€)", en: "investment mobilised (M EUR)" },
  axis: { fr: "{criterion} ({unit})", en: "{criterion} ({unit})" },
  // Why a point is not proven efficient, by ParetoStatus.
  EFFICIENT: { fr: "efficace", en: "efficient" },
  DUPLICATE: {
    fr: "non efficace : de nouveau le point précédent",
    en: "not efficient: the previous point again",
  },
  UNPROVEN: {
    fr: "non prouvé : sa seconde résolution s'est arrêtée avant la fin",
    en: "not proven: its second solve stopped short",
  },
  INFEASIBLE: {
    fr: "aucun : aucune allocation n'atteint ce plancher",
    en: "none: no allocation reaches this floor",
  },
  TIME_LIMIT: {
    fr: "non prouvé : la limite de temps est arrivée avant",
    en: "not proven: the time limit came first",
  },
  ERROR: { fr: "aucun : le solveur a échoué", en: "none: the solver failed" },
  summary: {
    fr: "{points} points, dont {proven} prouvés efficaces, en {solves} résolutions et {time} s.",
    en: "{points} points, {proven} proven efficient, in {solves} solves and {time} s.",
  },
  stoppedEarly: {
    fr: "Le front s'est arrêté avant la fin : {status}.",
    en: "The front stopped early: {status}.",
  },
  relaxation: {
    fr: "Tout ou rien : le front affiché est celui de sa relaxation linéaire.",
    en: "All or nothing: the front shown is its LP relaxation's.",
  },
  note: { fr: "Remarque : {note}.", en: "Note: {note}." },
  method: { fr: "Méthode : {method}", en: "Method: {method}" },
  sameCriteria: {
    fr: "Choisissez deux critères différents.",
    en: "Choose two different criteria.",
  },
  pointCount: {
    fr: "Donnez un nombre entier de points, de {min} à {max}.",
    en: "Give a whole number of points from {min} to {max}.",
  },
  formProblems: {
    fr: "Le formulaire du scénario a des problèmes : {problems}.",
    en: "The scenario form has problems: {problems}.",
  },
  problem: { fr: "{field} : {message}", en: "{field}: {message}" },
  computing: { fr: "Calcul du front de Pareto", en: "Computing the Pareto front" },
});

// The API's units of a criterion's total, as the page writes them.
const UNITS = messages({
  jobs: { fr: "emplois", en: "jobs" },
  "tCO2e/year": { fr: "tCO2e/an", en: "tCO2e/year" },
});
// How the solves of the front's two ends ended (SimulationStatus), when not OPTIMAL.
const ENDED = messages({
  FEASIBLE: { fr: "réalisable, optimum non prouvé", en: "feasible" },
  INFEASIBLE: { fr: "irréalisable", en: "infeasible" },
  TIME_LIMIT: { fr: "limite de temps atteinte", en: "time limit" },
  ERROR: { fr: "erreur du solveur", en: "error" },
});
const ENDINGS = ["FEASIBLE", "INFEASIBLE", "TIME_LIMIT", "ERROR"];
const CRITERIA = ["JOBS_CREATED", "JOBS_KEPT", "CO2_AVOIDED_T", "LEVERAGE"];
const STATUSES = ["EFFICIENT", "DUPLICATE", "UNPROVEN", "INFEASIBLE", "TIME_LIMIT", "ERROR"];
const POINTS = { min: 2, max: 200 };

// Euros of investment (leverage) in millions of euros, jobs and tCO2e as whole numbers.
function writer(unit) {
  if (unit.includes("EUR")) return (v) => fmt.meur(v);
  return (v) => fmt.int(v);
}

function axisLabel(name, unit) {
  if (name === "LEVERAGE") return t("leverageAxis");
  const known = unit === "jobs" || unit === "tCO2e/year";
  return t("axis", { criterion: t(name), unit: known ? UNITS(unit) : unit });
}

// A status the API may add later is still shown, in its own words.
const why = (status) => (STATUSES.includes(status) ? t(status) : status.toLowerCase());

function showFront(front) {
  const showX = writer(front.xUnit);
  const showY = writer(front.yUnit);
  const xLabel = axisLabel(front.x, front.xUnit);
  const yLabel = axisLabel(front.y, front.yUnit);
  const proven = front.points.filter((p) => p.efficient).length;
  const parts = [t("summary", { points: fmt.int(front.points.length), proven: fmt.int(proven),
    solves: fmt.int(front.solves), time: fmt.num(front.timeS, 2) })];
  if (front.status !== "OPTIMAL") {
    parts.push(t("stoppedEarly", { status: ENDINGS.includes(front.status) ? ENDED(front.status)
      : front.status.toLowerCase().replace("_", " ") }));
  }
  if (front.relaxation) parts.push(t("relaxation"));
  const summary = [parts.join(" ")];
  if (front.note) {
    summary.push(" ", ...api.inWords(t("note", { note: api.API_WORDS }), apiText(front.note)));
  }
  $("#pareto-summary").replaceChildren(...summary);
  $("#pareto-method").replaceChildren(...api.inWords(t("method", { method: api.API_WORDS }),
    apiText(front.method)));
  $("#pareto-x-head").textContent = xLabel;
  $("#pareto-y-head").textContent = yLabel;
  const drawable = front.points.some((p) => !["INFEASIBLE", "ERROR"].includes(p.status));
  $("#pareto-chart").hidden = !drawable;
  if (drawable) frontChart($("#pareto-chart"), front.points, { xLabel, yLabel, showX, showY });
  $("#pareto-points-table tbody").replaceChildren(...front.points.map((p, i) => {
    const valued = !["INFEASIBLE", "ERROR"].includes(p.status);
    // The spent column's head gives its unit (M EUR): the number alone.
    const row = tableRow([fmt.int(i + 1), valued ? showX(p.xValue) : "—",
      valued ? showY(p.yValue) : "—", why(p.status),
      valued ? fmt.meurNumber(p.spentEur) : "—"]);
    row.dataset.status = p.status;
    return row;
  }));
  $("#pareto-front").hidden = false;
}

// The API's refusal, in its words: each problem's field, its scenario-file path and message.
function problems(outcome) {
  return outcome.problems.map((p) => `${p.field ?? p.path} (${p.path}): ${p.message}`).join("; ");
}

// The number of points typed ("50", or as a French reader groups digits), or null.
function pointCount() {
  const read = readNumber($("#pareto-points").value);
  const ok = !read.error && !read.percent && Number.isInteger(read.value)
    && read.value >= POINTS.min && read.value <= POINTS.max;
  return ok ? read.value : null;
}

// `readScenario` gives the scenario form's {scenario, errors}.
async function onPareto(event, readScenario) {
  event.preventDefault();
  const message = $("#pareto-message");
  const x = $("#pareto-x").value;
  const y = $("#pareto-y").value;
  const points = pointCount();
  message.textContent = "";
  if (x === y) {
    message.textContent = t("sameCriteria");
    return;
  }
  if (points === null) {
    message.textContent = t("pointCount", { min: fmt.int(POINTS.min), max: fmt.int(POINTS.max) });
    return;
  }
  const { scenario, errors } = readScenario();
  if (errors.length) {
    message.textContent = t("formProblems", { problems: errors
      .map(([field, text]) => t("problem", { field, message: text })).join("; ") });
    return;
  }
  if (busy()) return; // another work holds the page (its button is locked meanwhile)
  const button = $("#draw-pareto");
  button.disabled = true;
  button.dataset.working = "true";
  $("#pareto-progress").hidden = false;
  try {
    // The page's progress line counts the time and its cancel button aborts the request; a
    // cancelled front leaves the panel as it was. The API's refusal stays beside the panel.
    const answer = await track(t("computing"), async (progress, signal) => {
      try {
        return { front: await api.paretoFront(scenario, x, y, points, { signal }) };
      } catch (error) {
        if (signal.aborted) throw error;
        return { error };
      }
    });
    if (answer === null) return;
    if (answer.error) {
      message.replaceChildren(api.errorText(answer.error));
      return;
    }
    if (answer.front.__typename === "InvalidScenario") {
      message.replaceChildren(apiText(problems(answer.front) || answer.front.message));
      $("#pareto-front").hidden = true;
      return;
    }
    showFront(answer.front);
  } finally {
    delete button.dataset.working;
    button.disabled = busy();
    $("#pareto-progress").hidden = true;
  }
}

export function startPareto(readScenario) {
  for (const [select, chosen] of [["#pareto-x", "JOBS_CREATED"], ["#pareto-y", "CO2_AVOIDED_T"]]) {
    $(select).replaceChildren(...CRITERIA.map((name) => new Option(t(name), name)));
    $(select).value = chosen;
  }
  $("#pareto-form").addEventListener("submit", (event) => onPareto(event, readScenario));
}
