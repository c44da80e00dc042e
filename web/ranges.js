// Decisions under uncertainty: the scenario form's Uncertainty panel (read into
// ScenarioInput.uncertainty, each refusal shown on its input by the scenario-file path the API
// gives: uncertainty.realisation_rate) and the result's jobs range with the price of robustness.
import { el, title } from "./charts.js";
import { paragraph } from "./dom.js";
import { fmt, locale, messages } from "./i18n.js";
import { readTyped } from "./numberinput.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  summary: { fr: "Incertitude", en: "Uncertainty" },
  summaryHint: {
    fr: "— les emplois déclarés avant l'investissement ne sont pas des emplois créés : chaque "
      + "résultat donne une fourchette, tirée par Monte Carlo sur la fourchette de chaque projet "
      + "financé ; un champ vide garde la valeur du scénario de départ",
    en: "— jobs declared before the investment are not jobs created: each result gives a range "
      + "drawn by Monte Carlo over every funded project's own range; an empty field keeps the "
      + "base's",
  },
  realisationRate: {
    fr: "Taux de réalisation (part des emplois déclarés réalisée à la médiane : 0,8 ou 80 %)",
    en: "Realisation rate (0 to 1: share of declared jobs realised at the median)",
  },
  targetJobs: {
    fr: "Objectif d'emplois (le résultat donne la probabilité d'atteindre l'objectif)",
    en: "Target jobs (the result gives the probability of reaching it)",
  },
  draws: { fr: "Tirages Monte Carlo (1 à {max})", en: "Monte Carlo draws (1 to {max})" },
  seed: {
    fr: "Graine (même graine, mêmes chiffres)",
    en: "Seed (the same seed, the same figures)",
  },
  objective: { fr: "Optimisation", en: "Objective" },
  asInBase: { fr: "comme le scénario de départ", en: "as in the base" },
  asInBaseWith: { fr: "comme le scénario de départ ({mode})", en: "as in the base ({mode})" },
  expected: { fr: "emplois espérés", en: "expected jobs" },
  robust: {
    fr: "robuste : se prémunir contre les projets qui n'atteignent pas leurs chiffres",
    en: "robust: guard against projects that fall short",
  },
  robustShort: { fr: "robuste", en: "robust" },
  robustBudget: {
    fr: "Budget d'incertitude (projets financés qui peuvent tomber ensemble à leur 10e centile)",
    en: "Robust budget (funded projects that may fall to their 10th percentile at once)",
  },
  robustHint: {
    fr: "Avec l'optimisation robuste, le résultat donne le prix de la robustesse : les emplois "
      + "espérés abandonnés et les emplois gagnés au 10e centile (P10).",
    en: "With the robust objective the result shows the price of robustness: the expected jobs "
      + "given up and the jobs gained at the 10th percentile.",
  },
  // The base's values, as placeholders and tooltips.
  ownBand: { fr: "celui de la fourchette de chaque déclaration", en: "the declaration band's own" },
  none: { fr: "aucun", en: "none" },
  rootOfProjects: {
    fr: "√ du nombre de projets en concurrence",
    en: "√ of the competing projects",
  },
  setIn: { fr: "fixé dans {name}", en: "set in {name}" },
});

// Short names of the fields, as the French refusals quote them.
const NAMES = messages({
  realisationRate: { fr: "Taux de réalisation", en: "Realisation rate" },
  targetJobs: { fr: "Objectif d'emplois", en: "Target jobs" },
  draws: { fr: "Tirages Monte Carlo", en: "Monte Carlo draws" },
  seed: { fr: "Graine", en: "Seed" },
  robustBudget: { fr: "Budget d'incertitude", en: "Robust budget" },
});

// UncertaintyInput field -> its input, its scenario-file key and what it takes: a share (0 to 1,
// "0,8" or "80 %"), a whole number ("12 207") or a plain number.
const INPUTS = {
  realisationRate: { input: "#realisation-rate", key: "realisation_rate", kind: "share" },
  targetJobs: { input: "#target-jobs", key: "target_jobs", kind: "whole" },
  draws: { input: "#draws", key: "draws", kind: "whole" },
  seed: { input: "#seed", key: "seed", kind: "whole" },
  robustBudget: { input: "#robust-budget", key: "robust_budget", kind: "number" },
};

function field(key, label, input) {
  return `<label class="field" for="${input.id}" data-path="uncertainty.${key}">
    <span>${label}</span>${input.html}<small class="error" aria-live="polite"></small></label>`;
}

// Typed as French or English readers write numbers (read by readNumber), hence text inputs.
function number(id) {
  return { id, html: `<input id="${id}" type="text" inputmode="decimal" autocomplete="off">` };
}

// The panel's inputs, inside <details id="uncertainty-inputs">.
export function buildUncertaintyInputs() {
  $("#uncertainty-inputs").innerHTML = `<summary>${t("summary")} <small class="hint">${
    t("summaryHint")}</small></summary>
    <small class="error" aria-live="polite"></small>
    <div class="grid">
      ${field("realisation_rate", t("realisationRate"), number("realisation-rate"))}
      ${field("target_jobs", t("targetJobs"), number("target-jobs"))}
      ${field("draws", t("draws", { max: fmt.int(100_000) }), number("draws"))}
      ${field("seed", t("seed"), number("seed"))}
      ${field("objective", t("objective"), { id: "objective-mode", html: `<select
        id="objective-mode">
        <option value="">${t("asInBase")}</option>
        <option value="EXPECTED">${t("expected")}</option>
        <option value="ROBUST">${t("robust")}</option>
        </select>` })}
      ${field("robust_budget", t("robustBudget"), number("robust-budget"))}
    </div>
    <p class="hint">${t("robustHint")}</p>`;
}

// The number typed in the field `name`, null when empty; a refusal naming the field goes to
// errors as [field, message, path]. A share takes "0,8" or "80 %"; the others refuse a percent.
function typed(name, spec, errors) {
  const read = readTyped($(spec.input), NAMES(name), spec.kind);
  if (read.error) errors.push(["uncertainty", read.error, `uncertainty.${spec.key}`]);
  return read.error ? null : read.value;
}

// Adds ScenarioInput.uncertainty to `scenario` when the planner filled any of it.
export function readUncertainty(scenario, errors) {
  const uncertainty = {};
  for (const [name, spec] of Object.entries(INPUTS)) {
    const value = typed(name, spec, errors);
    if (value !== null) uncertainty[name] = value;
  }
  if ($("#objective-mode").value) uncertainty.objective = $("#objective-mode").value;
  if (Object.keys(uncertainty).length) scenario.uncertainty = uncertainty;
}

// A value as the reader would type it back: the page's decimal sign, no grouping (an English
// "2,000" would read as 2).
function typable(value) {
  return new Intl.NumberFormat(locale(), { useGrouping: false, maximumFractionDigits: 6 })
    .format(value);
}

// The base's values as placeholders, who set them as tooltips (`inputs`: Scenario.inputs).
export function showUncertaintyBase(inputs) {
  const settings = inputs.uncertainty;
  const otherwise = { realisationRate: t("ownBand"), targetJobs: t("none"),
    robustBudget: t("rootOfProjects") };
  for (const [name, spec] of Object.entries(INPUTS)) {
    const setting = settings?.[name];
    const input = $(spec.input);
    input.placeholder = setting?.value != null ? typable(setting.value)
      : otherwise[name] ?? t("asInBase");
    input.title = setting?.setIn ? t("setIn", { name: setting.setIn }) : "";
  }
  const objective = settings?.objective;
  $("#objective-mode option[value='']").textContent = objective
    ? t("asInBaseWith", { mode: objective.value === "ROBUST" ? t("robustShort") : t("expected") })
    : t("asInBase");
}
// ---- the result ------------------------------------------------------------------------------

const r = messages({
  heading: { fr: "Emplois créés : la fourchette", en: "Jobs created: the range" },
  mean: { fr: "moyenne", en: "mean" },
  p10: { fr: "P10 (10e centile)", en: "10th percentile" },
  p50: { fr: "P50 (médiane)", en: "median" },
  p90: { fr: "P90 (90e centile)", en: "90th percentile" },
  target: {
    fr: "Probabilité d'atteindre l'objectif ({n} emplois)",
    en: "P(at least {n} jobs)",
  },
  ownRate: {
    fr: "emplois déclarés réalisés au taux de leur propre fourchette",
    en: "declared jobs realised at their band's own rate",
  },
  rate: {
    fr: "{share} des emplois déclarés réalisés à la médiane",
    en: "{share} of declared jobs realised at the median",
  },
  note: {
    fr: "Une estimation, pas un décompte : Monte Carlo sur la fourchette de chaque projet "
      + "financé ({draws} tirages, graine {seed} ; {rate}). La barre va du P10 au P90 ; le trait "
      + "est la médiane, le point la moyenne, le losange les emplois tels que déclarés "
      + "({declared}).",
    en: "An estimate, not a count: Monte Carlo over each funded project's range ({draws} draws, "
      + "seed {seed}; {rate}). The bar spans the 10th to the 90th percentile; the tick is the "
      + "median, the dot the mean, the diamond the jobs as declared ({declared}).",
  },
  chart: {
    fr: "Emplois créés, estimation : P10 {p10}, médiane {p50}, P90 {p90}",
    en: "Jobs created, estimated: 10th percentile {p10}, median {p50}, 90th percentile {p90}",
  },
  bar: {
    fr: "Fourchette du P10 au P90 : de {p10} à {p90} emplois",
    en: "10th to 90th percentile: {p10} to {p90} jobs",
  },
  median: { fr: "médiane : {n} emplois", en: "median: {n} jobs" },
  meanJobs: { fr: "moyenne : {n} emplois", en: "mean: {n} jobs" },
  declared: { fr: "déclarés : {n} emplois", en: "as declared: {n} jobs" },
  price: {
    fr: "Prix de la robustesse : l'allocation robuste {expectedVerb} {givenUp} emplois espérés "
      + "et {lowVerb} {gained} emplois au 10e centile (budget d'incertitude {budget} : projets "
      + "financés qui peuvent tomber ensemble à leur 10e centile ; {worst} emplois dans son pire "
      + "cas). L'allocation aux emplois espérés, mêmes tirages : moyenne {mean}, P10 {p10}.",
    en: "Price of robustness: the robust allocation {expectedVerb} {givenUp} expected jobs and "
      + "{lowVerb} {gained} jobs at the 10th percentile (budget of uncertainty {budget}: funded "
      + "projects that may fall to their 10th percentile at once; {worst} jobs in its worst "
      + "case). The expected-jobs allocation, same draws: mean {mean}, 10th percentile {p10}.",
  },
  givesUp: { fr: "abandonne", en: "gives up" },
  gains: { fr: "gagne", en: "gains" },
  loses: { fr: "perd", en: "loses" },
  below: { fr: "< {p}", en: "< {p}" },
  above: { fr: "> {p}", en: "> {p}" },
});

// A probability in whole percents; one strictly between 0 and 1 that rounds to 0 or 100 says so
// instead of claiming a certainty (cli/lever_tables.py's percent writes the same).
export function percent(probability) {
  const shown = Math.round(probability * 100);
  const between = probability > 0 && probability < 1;
  if (between && shown === 0) return r("below", { p: fmt.pct(0.01, 0) });
  if (between && shown === 100) return r("above", { p: fmt.pct(0.99, 0) });
  return fmt.pct(shown / 100, 0);
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
  const [p10, p50, p90] = [range.p10, range.p50, range.p90].map(fmt.int);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": r("chart", { p10, p50, p90 }) });
  svg.append(
    el("line", { class: "axis", x1: pad, x2: width - pad, y1: y, y2: y }),
    el("rect", { class: "bar range", x: x(range.p10), y: y - 6,
      width: Math.max(2, x(range.p90) - x(range.p10)), height: 12 }, title(r("bar", { p10, p90 }))),
    el("line", { class: "median", x1: x(range.p50), x2: x(range.p50), y1: y - 9, y2: y + 9 },
      title(r("median", { n: p50 }))),
    el("circle", { class: "mean", cx: x(range.mean), cy: y, r: 3.5 },
      title(r("meanJobs", { n: fmt.int(range.mean) }))),
    el("path", { class: "declared", d: `M${x(declared)},${y - 7} l5,7 l-5,7 l-5,-7 z` },
      title(r("declared", { n: fmt.int(declared) }))),
    el("text", { x: x(range.p10), y: y + 24, "text-anchor": "middle" }, p10),
    el("text", { x: x(range.p90), y: y + 24, "text-anchor": "middle" }, p90),
  );
  return svg;
}

// The price of robustness in words: expected jobs given up against the low percentile gained.
function robustnessText(price) {
  const givenUp = price.expectedJobsGivenUp;
  const gained = price.p10Gained;
  // Sampling noise (or a robust allocation that happens to do better) can flip either sign.
  return r("price", {
    expectedVerb: r(givenUp >= 0 ? "givesUp" : "gains"),
    givenUp: fmt.int(Math.abs(givenUp)),
    lowVerb: r(gained >= 0 ? "gains" : "loses"),
    gained: fmt.int(Math.abs(gained)),
    budget: fmt.num(price.budget, 2),
    worst: fmt.int(price.worstCaseJobs),
    mean: fmt.int(price.expected.mean),
    p10: fmt.int(price.expected.p10),
  });
}

// `outcome`: a SimulationResult, or null to hide the panel.
export function showRange(outcome) {
  const range = outcome?.jobsRange;
  $("#range-panel").hidden = !range;
  if (!range) return;
  const rate = range.realisationRate == null ? r("ownRate")
    : r("rate", { share: fmt.pct(range.realisationRate, 0) });
  const figures = document.createElement("dl");
  figures.className = "range-figures";
  figures.append(figure(r("mean"), fmt.int(range.mean), "range-mean"),
    figure(r("p10"), fmt.int(range.p10), "range-p10"),
    figure(r("p50"), fmt.int(range.p50), "range-p50"),
    figure(r("p90"), fmt.int(range.p90), "range-p90"));
  if (range.targetJobs != null && range.targetProbability != null) {
    figures.append(figure(r("target", { n: fmt.int(range.targetJobs) }),
      percent(range.targetProbability), "range-target"));
  }
  const chart = document.createElement("div");
  chart.className = "chart range-bar";
  chart.append(rangeBar(range, outcome.jobs));
  const heading = document.createElement("h3");
  heading.textContent = r("heading");
  // The seed names a stream of draws: written as typed, not as a quantity.
  const note = paragraph(r("note", { draws: fmt.int(range.draws), seed: String(range.seed), rate,
    declared: fmt.int(outcome.jobs) }));
  note.className = "hint";
  const parts = [heading, note, figures, chart];
  if (outcome.robustness) {
    const price = paragraph(robustnessText(outcome.robustness));
    price.id = "robustness";
    parts.push(price);
  }
  $("#range-panel").replaceChildren(...parts);
}
