// The Pareto front panel: two criteria, the front the API computes for the scenario form's
// inputs, drawn and listed point by point.
import * as api from "./api.js";
import { fmt, frontChart } from "./charts.js";
import { tableRow } from "./dom.js";

const $ = (selector) => document.querySelector(selector);

// CriterionName -> how the page names it.
const CRITERIA = {
  JOBS_CREATED: "jobs created",
  JOBS_KEPT: "jobs secured",
  CO2_AVOIDED_T: "tCO2e avoided a year",
  LEVERAGE: "investment leveraged",
};

// Why a point is not proven efficient, by ParetoStatus.
const WHY = {
  EFFICIENT: "efficient",
  DUPLICATE: "not efficient: the previous point again",
  UNPROVEN: "not proven: its second solve stopped short",
  INFEASIBLE: "none: no allocation reaches this floor",
  TIME_LIMIT: "not proven: the time limit came first",
  ERROR: "none: the solver failed",
};

// Euros of investment (leverage) in M EUR, jobs and tCO2e as whole numbers.
function writer(unit) {
  if (unit.includes("EUR")) return (v) => `${fmt.meur(v)} M`;
  return (v) => fmt.int(v);
}

// On a front, leverage is the investment mobilised (a sum), not the results' ratio.
function axisLabel(name, unit) {
  if (name === "LEVERAGE") return "investment mobilised (M EUR)";
  return `${CRITERIA[name]} (${unit})`;
}

function showFront(front) {
  const showX = writer(front.xUnit);
  const showY = writer(front.yUnit);
  const xLabel = axisLabel(front.x, front.xUnit);
  const yLabel = axisLabel(front.y, front.yUnit);
  const proven = front.points.filter((p) => p.efficient).length;
  const parts = [`${front.points.length} points, ${proven} proven efficient, in ${front.solves}`
    + ` solves and ${front.timeS.toFixed(2)} s.`];
  if (front.status !== "OPTIMAL") parts.push(`The front stopped early: ${front.status
    .toLowerCase().replace("_", " ")}.`);
  if (front.relaxation) parts.push("All or nothing: the front shown is its LP relaxation's.");
  if (front.note) parts.push(`Note: ${front.note}.`);
  $("#pareto-summary").textContent = parts.join(" ");
  $("#pareto-method").textContent = `Method: ${front.method}`;
  $("#pareto-x-head").textContent = xLabel;
  $("#pareto-y-head").textContent = yLabel;
  const drawable = front.points.some((p) => !["INFEASIBLE", "ERROR"].includes(p.status));
  $("#pareto-chart").hidden = !drawable;
  if (drawable) frontChart($("#pareto-chart"), front.points, { xLabel, yLabel, showX, showY });
  $("#pareto-points-table tbody").replaceChildren(...front.points.map((p, i) => {
    const valued = !["INFEASIBLE", "ERROR"].includes(p.status);
    const row = tableRow([`${i + 1}`, valued ? showX(p.xValue) : "—",
      valued ? showY(p.yValue) : "—", WHY[p.status] ?? p.status.toLowerCase(),
      valued ? fmt.meur(p.spentEur) : "—"]);
    row.dataset.status = p.status;
    return row;
  }));
  $("#pareto-front").hidden = false;
}

function problems(outcome) {
  return outcome.problems.map((p) => `${p.field ?? p.path} (${p.path}): ${p.message}`).join("; ");
}

// `readScenario` gives the scenario form's {scenario, errors}.
async function onPareto(event, readScenario) {
  event.preventDefault();
  const x = $("#pareto-x").value;
  const y = $("#pareto-y").value;
  const points = Number($("#pareto-points").value);
  $("#pareto-message").textContent = "";
  if (x === y) {
    $("#pareto-message").textContent = "Choose two different criteria.";
    return;
  }
  if (!Number.isInteger(points) || points < 2 || points > 200) {
    $("#pareto-message").textContent = "Give a whole number of points from 2 to 200.";
    return;
  }
  const { scenario, errors } = readScenario();
  if (errors.length) {
    $("#pareto-message").textContent = `The scenario form has problems: ${errors
      .map(([field, message]) => `${field}: ${message}`).join("; ")}.`;
    return;
  }
  const button = $("#draw-pareto");
  button.disabled = true;
  button.dataset.working = "true";
  $("#pareto-progress").hidden = false;
  try {
    const front = await api.paretoFront(scenario, x, y, points);
    if (front.__typename === "InvalidScenario") {
      $("#pareto-message").textContent = problems(front) || front.message;
      $("#pareto-front").hidden = true;
      return;
    }
    showFront(front);
  } catch (error) {
    $("#pareto-message").textContent = error.message;
  } finally {
    delete button.dataset.working;
    button.disabled = false;
    $("#pareto-progress").hidden = true;
  }
}

export function startPareto(readScenario) {
  for (const [select, chosen] of [["#pareto-x", "JOBS_CREATED"], ["#pareto-y", "CO2_AVOIDED_T"]]) {
    $(select).replaceChildren(...Object.entries(CRITERIA)
      .map(([name, label]) => new Option(label, name)));
    $(select).value = chosen;
  }
  $("#pareto-form").addEventListener("submit", (event) => onPareto(event, readScenario));
}
