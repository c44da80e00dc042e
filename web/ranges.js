// Decisions under uncertainty: the scenario form's Uncertainty panel (read into
// ScenarioInput.uncertainty, each refusal shown on its input by the scenario-file path the API
// gives: uncertainty.realisation_rate) and the result's jobs range with the price of robustness.
import { el, fmt, title } from "./charts.js";
import { paragraph } from "./dom.js";

const $ = (selector) => document.querySelector(selector);

// UncertaintyInput field -> its input, its scenario-file key and whether it takes whole numbers.
const INPUTS = {
  realisationRate: { input: "#realisation-rate", key: "realisation_rate", whole: false },
  targetJobs: { input: "#target-jobs", key: "target_jobs", whole: true },
  draws: { input: "#draws", key: "draws", whole: true },
  seed: { input: "#seed", key: "seed", whole: true },
  robustBudget: { input: "#robust-budget", key: "robust_budget", whole: false },
};

function field(key, label, input) {
  return `<label class="field" for="${input.id}" data-path="uncertainty.${key}">
    <span>${label}</span>${input.html}<small class="error" aria-live="polite"></small></label>`;
}

function number(id, attrs = "") {
  return { id, html: `<input id="${id}" type="number" step="any" inputmode="decimal" ${attrs}>` };
}

// The panel's inputs, inside <details id="uncertainty-inputs">.
export function buildUncertaintyInputs() {
  $("#uncertainty-inputs").innerHTML = `<summary>Uncertainty <small class="hint">— jobs
    declared before the investment are not jobs created: each result gives a range drawn by
    Monte Carlo over every funded project's own range; an empty field keeps the base's</small>
    </summary>
    <small class="error" aria-live="polite"></small>
    <div class="grid">
      ${field("realisation_rate", "Realisation rate (0 to 1: share of declared jobs realised "
        + "at the median)", number("realisation-rate", 'min="0" max="1"'))}
      ${field("target_jobs", "Target jobs (the result gives the probability of reaching it)",
        number("target-jobs", 'min="1" step="1"'))}
      ${field("draws", "Monte Carlo draws (1 to 100,000)", number("draws", 'min="1" step="1"'))}
      ${field("seed", "Seed (the same seed, the same figures)", number("seed", 'min="0" step="1"'))}
      ${field("objective", "Objective", { id: "objective-mode", html: `<select id="objective-mode">
        <option value="">as in the base</option>
        <option value="EXPECTED">expected jobs</option>
        <option value="ROBUST">robust: guard against projects that fall short</option>
        </select>` })}
      ${field("robust_budget", "Robust budget (funded projects that may fall to their 10th "
        + "percentile at once)", number("robust-budget", 'min="0"'))}
    </div>
    <p class="hint">With the robust objective the result shows the price of robustness: the
      expected jobs given up and the jobs gained at the 10th percentile.</p>`;
}

// A number typed in `input`, null when empty; a problem goes to errors as [field, message, path].
function typed(input, whole, path, errors) {
  const text = input.value.trim();
  if (input.validity.badInput || (text !== "" && !Number.isFinite(Number(text)))) {
    errors.push(["uncertainty", "enter a number", path]);
    return null;
  }
  if (text === "") return null;
  const value = Number(text);
  if (whole && !Number.isInteger(value)) {
    errors.push(["uncertainty", "enter a whole number", path]);
    return null;
  }
  return value;
}

// Adds ScenarioInput.uncertainty to `scenario` when the planner filled any of it.
export function readUncertainty(scenario, errors) {
  const uncertainty = {};
  for (const [name, spec] of Object.entries(INPUTS)) {
    const value = typed($(spec.input), spec.whole, `uncertainty.${spec.key}`, errors);
    if (value !== null) uncertainty[name] = value;
  }
  if ($("#objective-mode").value) uncertainty.objective = $("#objective-mode").value;
  if (Object.keys(uncertainty).length) scenario.uncertainty = uncertainty;
}

// The base's values as placeholders, who set them as tooltips (`inputs`: Scenario.inputs).
export function showUncertaintyBase(inputs) {
  const settings = inputs.uncertainty;
  const otherwise = { realisationRate: "the declaration band's own", targetJobs: "none",
    robustBudget: "√ of the competing projects" };
  for (const [name, spec] of Object.entries(INPUTS)) {
    const setting = settings?.[name];
    const input = $(spec.input);
    input.placeholder = setting?.value != null ? `${setting.value}`
      : otherwise[name] ?? "as in the base";
    input.title = setting?.setIn ? `set in ${setting.setIn}` : "";
  }
  const objective = settings?.objective;
  $("#objective-mode option[value='']").textContent = objective
    ? `as in the base (${objective.value === "ROBUST" ? "robust" : "expected jobs"})`
    : "as in the base";
}

// ---- the result ------------------------------------------------------------------------------

// A probability in whole percents; one strictly between 0 and 1 that rounds to 0 or 100 says so
// instead of claiming a certainty (cli/lever_tables.py's percent writes the same).
export function percent(probability) {
  const shown = Math.round(probability * 100);
  const between = probability > 0 && probability < 1;
  if (between && shown === 0) return "< 1 %";
  if (between && shown === 100) return "> 99 %";
  return `${shown} %`;
}

function figure(term, value, id) {
  const div = document.createElement("div");
  const dt = document.createElement("dt");
  const dd = document.createElement("dd");
  dt.textContent = term;
  dd.textContent = value;
  dd.id = id;
  div.append(dt, dd);
  return div;
}

// The 10th-90th percentile as a bar, the median as a tick, the mean as a dot, and the declared
// jobs as a diamond, on an axis that holds them all.
function rangeBar(range, declared) {
  const width = 560;
  const height = 46;
  const pad = 16;
  const low = Math.min(range.p10, declared);
  const high = Math.max(range.p90, declared);
  const margin = (high - low) * 0.08 || Math.max(1, high * 0.05);
  const x = (v) => pad + ((v - (low - margin)) / (high - low + 2 * margin)) * (width - 2 * pad);
  const y = 16;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": `Jobs created, estimated: 10th percentile ${fmt.int(range.p10)}, median `
      + `${fmt.int(range.p50)}, 90th percentile ${fmt.int(range.p90)}` });
  svg.append(
    el("line", { class: "axis", x1: pad, x2: width - pad, y1: y, y2: y }),
    el("rect", { class: "bar range", x: x(range.p10), y: y - 6,
      width: Math.max(2, x(range.p90) - x(range.p10)), height: 12 },
    title(`10th to 90th percentile: ${fmt.int(range.p10)} to ${fmt.int(range.p90)} jobs`)),
    el("line", { class: "median", x1: x(range.p50), x2: x(range.p50), y1: y - 9, y2: y + 9 },
      title(`median: ${fmt.int(range.p50)} jobs`)),
    el("circle", { class: "mean", cx: x(range.mean), cy: y, r: 3.5 },
      title(`mean: ${fmt.int(range.mean)} jobs`)),
    el("path", { class: "declared", d: `M${x(declared)},${y - 7} l5,7 l-5,7 l-5,-7 z` },
      title(`as declared: ${fmt.int(declared)} jobs`)),
    el("text", { x: x(range.p10), y: y + 24, "text-anchor": "middle" }, fmt.int(range.p10)),
    el("text", { x: x(range.p90), y: y + 24, "text-anchor": "middle" }, fmt.int(range.p90)),
  );
  return svg;
}

// The price of robustness in words: expected jobs given up against the low percentile gained.
function robustnessText(price) {
  const givenUp = price.expectedJobsGivenUp;
  const gained = price.p10Gained;
  // Sampling noise (or a robust allocation that happens to do better) can flip either sign.
  return `Price of robustness: the robust allocation ${givenUp >= 0 ? "gives up" : "gains"} `
    + `${fmt.int(Math.abs(givenUp))} expected jobs and ${gained >= 0 ? "gains" : "loses"} `
    + `${fmt.int(Math.abs(gained))} jobs at the 10th percentile (budget of uncertainty `
    + `${+price.budget.toFixed(2)}: funded projects that may fall to their 10th percentile at `
    + `once; ${fmt.int(price.worstCaseJobs)} jobs in its worst case). The expected-jobs `
    + `allocation, same draws: mean ${fmt.int(price.expected.mean)}, 10th percentile `
    + `${fmt.int(price.expected.p10)}.`;
}

// `outcome`: a SimulationResult, or null to hide the panel.
export function showRange(outcome) {
  const range = outcome?.jobsRange;
  $("#range-panel").hidden = !range;
  if (!range) return;
  const rate = range.realisationRate == null ? "declared jobs realised at their band's own rate"
    : `${fmt.pct(range.realisationRate, 0)} of declared jobs realised at the median`;
  const figures = document.createElement("dl");
  figures.className = "range-figures";
  figures.append(figure("mean", fmt.int(range.mean), "range-mean"),
    figure("10th percentile", fmt.int(range.p10), "range-p10"),
    figure("median", fmt.int(range.p50), "range-p50"),
    figure("90th percentile", fmt.int(range.p90), "range-p90"));
  if (range.targetJobs != null && range.targetProbability != null) {
    figures.append(figure(`P(at least ${fmt.int(range.targetJobs)} jobs)`,
      percent(range.targetProbability), "range-target"));
  }
  const chart = document.createElement("div");
  chart.className = "chart range-bar";
  chart.append(rangeBar(range, outcome.jobs));
  const heading = document.createElement("h3");
  heading.textContent = "Jobs created: the range";
  const note = paragraph(`An estimate, not a count: Monte Carlo over each funded project's `
    + `range (${fmt.int(range.draws)} draws, seed ${range.seed}; ${rate}). The bar spans the 10th `
    + `to the 90th percentile; the tick is the median, the dot the mean, the diamond the jobs as `
    + `declared (${fmt.int(outcome.jobs)}).`);
  note.className = "hint";
  const parts = [heading, note, figures, chart];
  if (outcome.robustness) {
    const price = paragraph(robustnessText(outcome.robustness));
    price.id = "robustness";
    parts.push(price);
  }
  $("#range-panel").replaceChildren(...parts);
}
