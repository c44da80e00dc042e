// The comparison panel: saved scenarios ticked in order, each run first (the server keeps the
// results, so the comparison that follows solves nothing again), then compared side by side,
// with its downloads.
import * as api from "./api.js";
import { statusWord } from "./charts.js";
import { tableRow } from "./dom.js";
import { apiText, fmt, lang, messages } from "./i18n.js";
import { comparisonExport, comparisonFileName } from "./links.js";
import { track } from "./work.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  comparing: { fr: "Comparaison", en: "Comparing" },
  tickTwo: { fr: "Cochez au moins deux scénarios.", en: "Tick at least two scenarios." },
  outcome: { fr: "Indicateur", en: "Outcome" },
  status: { fr: "statut", en: "status" },
  input: { fr: "Entrée", en: "Input" },
  noDifference: { fr: "(aucune différence)", en: "(no difference)" },
  unset: { fr: "non fixé", en: "null" },
  region: { fr: "Région", en: "Region" },
  delta: { fr: "({change})", en: "({change})" },
  // a signed amount in millions of euros: {number} is "+1,5" in French, {money} "+€1.5" in
  // English, both signed by Intl
  signedMeur: { fr: "{number} M€", en: "{money}m" },
  jobs: { fr: "emplois créés", en: "jobs created" },
  spent_eur: { fr: "dépensé", en: "spent" },
  unspent_eur: { fr: "non dépensé", en: "unspent" },
  projects_funded: { fr: "projets financés", en: "projects funded" },
  fragile_share: { fr: "part des territoires fragiles (euros)", en: "fragile share (euros)" },
  fragile_project_share: { fr: "part des territoires fragiles (projets)",
    en: "fragile share (projects)" },
  decarbonisation_share: { fr: "part de la décarbonation (euros)",
    en: "decarbonisation share (euros)" },
  decarbonisation_project_share: { fr: "part de la décarbonation (projets)",
    en: "decarbonisation share (projects)" },
});

const OUTCOMES = ["jobs", "spent_eur", "unspent_eur", "projects_funded", "fragile_share",
  "fragile_project_share", "decarbonisation_share", "decarbonisation_project_share"];

const state = { scenarios: [], order: [] };

// An outcome's name in the page's language (the API's label for one it adds later).
function outcomeLabel(outcome) {
  return OUTCOMES.includes(outcome.name) && lang() === "fr" ? t(outcome.name) : outcome.label;
}

// `unit` is an outcome's measuredIn: SHARE, EUROS, JOBS or PROJECTS.
function formatValue(unit, value) {
  if (unit === "EUROS") return fmt.meur(value);
  if (unit === "SHARE") return fmt.pct(value);
  return fmt.int(value);
}

// A change in euros, in millions with one decimal and its sign: +1,5 M€ / +€1.5m.
function signedMeur(eur) {
  const locale = lang() === "fr" ? "fr-FR" : "en-GB";
  const digits = { signDisplay: "exceptZero", minimumFractionDigits: 1, maximumFractionDigits: 1 };
  const millions = eur / 1e6;
  return t("signedMeur", {
    number: new Intl.NumberFormat(locale, digits).format(millions),
    money: new Intl.NumberFormat(locale, { style: "currency", currency: "EUR", ...digits })
      .format(millions),
  });
}

// A change against the first scenario: points for shares, signed amounts otherwise.
function signed(unit, value) {
  if (unit === "SHARE") return fmt.points(value);
  if (unit === "EUROS") return signedMeur(value);
  return fmt.signedInt(value);
}

// An input's value as the scenario sets it: euros in M€, other numbers in the page's notation,
// words, lists and objects as the API gives them.
function inputValue(path, value) {
  if (value === null || value === undefined) return t("unset");
  if (typeof value !== "number") return JSON.stringify(value);
  return path.endsWith("_eur") ? fmt.meur(value) : fmt.num(value, 4);
}

function withDelta(main, unit, change, first) {
  const cell = document.createElement("span");
  cell.textContent = main;
  if (!first) {
    const span = document.createElement("span");
    span.className = change > 0 ? "up" : change < 0 ? "down" : "";
    span.textContent = t("delta", { change: signed(unit, change) });
    cell.append(" ", span);
  }
  return cell;
}

function showComparison(comparison) {
  const names = comparison.names;
  const titles = names.map((n) => state.scenarios.find((s) => s.name === n)?.title ?? n);
  const head = (first) => tableRow([first, ...titles], true);
  $("#compare-outcomes").replaceChildren(head(t("outcome")),
    tableRow([t("status"), ...comparison.statuses.map(statusWord)]),
    ...comparison.outcomes.map((o) => tableRow([outcomeLabel(o), ...o.values.map((v, i) =>
      withDelta(formatValue(o.measuredIn, v), o.measuredIn, o.deltas[i], i === 0))])));
  $("#compare-inputs").replaceChildren(head(t("input")), ...(comparison.inputs.length
    ? comparison.inputs.map((d) => tableRow([d.path,
      ...d.values.map((v) => inputValue(d.path, v))]))
    : [tableRow([t("noDifference"), ...names.map(() => "")])]));
  $("#compare-regions").replaceChildren(head(t("region")), ...comparison.regions.map((r) =>
    tableRow([r.name, ...r.allocatedEur.map((v, i) =>
      withDelta(fmt.meur(v), "EUROS", r.allocatedDeltaEur[i], i === 0))])));
  $("#comparison").hidden = false;
  showExports(names);
}

function showExports(names) {
  const box = $("#compare-exports");
  if (!box) return;
  for (const kind of ["xlsx", "csv"]) {
    const link = $(`#compare-export-${kind}`);
    link.href = comparisonExport(names, kind);
    link.setAttribute("download", comparisonFileName(kind));
  }
  box.hidden = false;
}

// Each scenario solved in turn (the count moves after each), then the comparison.
function compare(names) {
  return track(t("comparing"), async (progress, signal) => {
    progress(0, names.length);
    for (const [i, name] of names.entries()) {
      signal.throwIfAborted();
      await api.solveScenario(name, { signal });
      progress(i + 1, names.length);
    }
    signal.throwIfAborted();
    return api.compareScenarios(names, { signal });
  }, { place: $("#compare-form .actions") });
}

async function onCompare(event) {
  event.preventDefault();
  const names = state.order;
  $("#compare-message").textContent = "";
  if (names.length < 2) {
    $("#compare-message").textContent = t("tickTwo");
    return;
  }
  const comparison = await compare(names);
  if (!comparison) return;
  if (comparison.__typename === "InvalidScenario") {
    $("#compare-message").replaceChildren(apiText(comparison.message));
    return;
  }
  showComparison(comparison);
}

function buildChoices(scenarios) {
  $("#compare-choices").replaceChildren(...scenarios.map((s) => {
    const label = document.createElement("label");
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = s.name;
    box.addEventListener("change", () => {
      state.order = state.order.filter((n) => n !== s.name);
      if (box.checked) state.order.push(s.name);
    });
    label.append(box, ` ${s.title}`);
    label.title = s.description;
    return label;
  }));
}

// Builds the ticks for `scenarios` and listens to the form (once).
export function startComparison(scenarios) {
  state.scenarios = scenarios;
  buildChoices(scenarios);
  const form = $("#compare-form");
  if (!form.dataset.wired) {
    form.dataset.wired = "true";
    form.addEventListener("submit", onCompare);
  }
}
