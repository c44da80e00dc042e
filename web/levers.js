// The result's levers: every criterion, the next projects in line, who pays (State and
// regions) and the review rounds against the hindsight optimum.
import { paragraph, tableRow } from "./dom.js";
import { apiText, fmt, lang, locale, messages } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  reportedOnly: { fr: "indicatif seulement", en: "reported only" },
  funding: {
    fr: "État {state}, régions {regional} ; investissement mobilisé {investment}, effet de "
      + "levier {leverage} € par € d'aide publique{rule}.",
    en: "State {state}, regions {regional}; investment mobilised {investment}, leverage "
      + "{leverage} EUR per EUR of public aid{rule}.",
  },
  rule: { fr: " ; règle de contrepartie : {text}", en: "; matching rule: {text}" },
  requires: { fr: "chaque euro régional exige {rate} de l'État",
    en: "each regional euro needs {rate} State {euros}" },
  follows: { fr: "au plus {rate} par euro de l'État",
    en: "at most {rate} regional {euros} per State euro" },
  euro: { fr: "{n} euro", en: "euro" },
  euros: { fr: "{n} euros", en: "euros" },
  regionalEuro: { fr: "{n} euro régional", en: "euro" },
  regionalEuros: { fr: "{n} euros régionaux", en: "euros" },
  atThreshold: {
    fr: "Non financé : au seuil, il entrerait avec une fraction d'emploi de plus{cut}.",
    en: "Not funded: at the threshold, it would enter with a fraction of a job more{cut}.",
  },
  atThresholdCut: { fr: ", ou {eur} d'aide en moins", en: ", or {eur} less aid" },
  wouldEnter: { fr: "Non financé : il entrerait {ways}.", en: "Not funded: it would enter {ways}." },
  moreJobs: { fr: "avec {n} emplois de plus", en: "with {n} more jobs" },
  moreJob: { fr: "avec {n} emploi de plus", en: "with {n} more job" }, // below 2 in French
  lessAid: { fr: "en demandant {eur} d'aide en moins", en: "asking {eur} less aid" },
  or: { fr: "{a} ou {b}", en: "{a} or {b}" },
  roundStatus: { fr: "{index} ({status})", en: "{index} ({status})" },
  FEASIBLE: { fr: "réalisable", en: "feasible" },
  INFEASIBLE: { fr: "infaisable", en: "infeasible" },
  TIME_LIMIT: { fr: "limite de temps", en: "time limit" },
  ERROR: { fr: "erreur", en: "error" },
  byRound: {
    fr: "En décidant revue par revue : {jobs} emplois, contre {hindsight} en connaissant tous "
      + "les projets dès le départ : {lost} perdus à décider tôt.",
    en: "Deciding round by round: {jobs} jobs against {hindsight} knowing every project from "
      + "the start: {lost} lost to deciding early.",
  },
  recovers: {
    fr: "La réserve fait gagner {jobs} emplois ({without} sans réserve).",
    en: "The reserve recovers {jobs} jobs ({without} with no reserve).",
  },
  costs: {
    fr: "La réserve coûte {jobs} emplois ({without} sans réserve).",
    en: "The reserve costs {jobs} jobs ({without} with no reserve).",
  },
});

// The criteria by their API name, in the page's language (the English are the API's words);
// a criterion the page does not know keeps the API's words.
const CRITERIA = {
  jobs_created: { label: { fr: "emplois créés", en: "jobs created" },
    unit: { fr: "emplois", en: "jobs" } },
  jobs_kept: { label: { fr: "emplois maintenus", en: "jobs secured" },
    unit: { fr: "emplois", en: "jobs" } },
  co2_avoided_t: { label: { fr: "tCO2e évitées par an", en: "tCO2e avoided a year" },
    unit: { fr: "tCO2e/an", en: "tCO2e/year" } },
  leverage: { label: { fr: "effet de levier", en: "investment leveraged" },
    unit: { fr: "€ d'investissement par € d'aide", en: "EUR of investment per EUR of aid" } },
};
const criterionWords = messages(Object.fromEntries(Object.entries(CRITERIA)
  .flatMap(([name, words]) => [[`${name}.label`, words.label], [`${name}.unit`, words.unit]])));

function inWords(name, part, apiWords) {
  return name in CRITERIA ? criterionWords(`${name}.${part}`) : apiWords;
}

// A number with a fixed count of decimals, by Intl in the page's locale: 8,25 / 8.25.
const fixedFormats = new Map();
function fixed(value, digits) {
  const key = `${locale()}|${digits}`;
  if (!fixedFormats.has(key)) {
    fixedFormats.set(key, new Intl.NumberFormat(locale(),
      { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return fixedFormats.get(key).format(value);
}

// Counts as whole numbers, ratios (leverage) with two decimals.
function amount(value) {
  return Math.abs(value) >= 100 ? fmt.int(value) : fixed(value, 2);
}

// An ISO day at noon: the same day whatever the reader's time zone.
function day(iso) {
  return fmt.date(`${iso}T12:00:00`);
}

export function showLevers(outcome) {
  showCriteria(outcome.criteria);
  showNextInLine(outcome.nextInLine);
  showFunding(outcome.funding);
  showRounds(outcome.rounds);
}

function showCriteria(criteria) {
  $("#criteria-panel").hidden = !criteria.length;
  $("#criteria tbody").replaceChildren(...criteria.map((c) => {
    const row = tableRow([inWords(c.name, "label", c.label), amount(c.value),
      inWords(c.name, "unit", c.unit), c.weight > 0 ? fmt.pct(c.weight, 0) : t("reportedOnly")]);
    row.dataset.name = c.name;
    return row;
  }));
}

function showNextInLine(projects) {
  $("#next-panel").hidden = !projects.length;
  $("#next-in-line tbody").replaceChildren(...projects.map((n) => {
    const row = tableRow([n.project ? `${n.project.name} (${n.projectId})` : `${n.projectId}`,
      fixed(n.score, 1), fixed(n.threshold, 1),
      n.jobsNeeded == null ? "—" : fixed(n.jobsNeeded, 1),
      n.aidCutEur == null ? "—" : fmt.int(n.aidCutEur), needs(n)]);
    row.dataset.projectId = n.projectId;
    return row;
  }));
}

// What an unfunded project would need to enter: in English, the API's own words (which say
// more: its rate of jobs); in French, said from its figures (the API's words, with their
// lead-in, when it gives none).
function needs(n) {
  if (lang() === "en") return n.text;
  const cut = n.aidCutEur == null ? null : fmt.eur(n.aidCutEur);
  if (n.jobsNeeded != null && n.jobsNeeded < 0.05) { // as the engine says it: at the threshold
    return t("atThreshold", { cut: cut ? t("atThresholdCut", { eur: cut }) : "" });
  }
  const jobs = n.jobsNeeded >= 2 ? "moreJobs" : "moreJob";
  const ways = [n.jobsNeeded == null ? null : t(jobs, { n: fixed(n.jobsNeeded, 1) }),
    cut && t("lessAid", { eur: cut })].filter(Boolean);
  return ways.length ? t("wouldEnter", { ways: ways.reduce((a, b) => t("or", { a, b })) })
    : apiText(n.text);
}

// The matching rule in the page's words, from its name and rate: "each regional euro needs 1
// State euro" / "chaque euro régional exige 1 euro de l'État".
function ruleWords(funding) {
  const rule = funding.rule.toLowerCase();
  const n = fmt.num(funding.rate, 4);
  const plural = lang() === "fr" ? funding.rate >= 2 : funding.rate !== 1;
  const unit = rule === "requires" ? (plural ? "euros" : "euro")
    : (plural ? "regionalEuros" : "regionalEuro");
  return t(rule === "requires" ? "requires" : "follows",
    { rate: lang() === "fr" ? t(unit, { n }) : n, euros: t(unit) });
}

// Shown when regions contribute: a State-only result has nothing to split.
function showFunding(funding) {
  const shown = Boolean(funding && funding.regions.length);
  $("#funding-panel").hidden = !shown;
  if (!shown) return;
  $("#funding-summary").textContent = t("funding", {
    state: fmt.meur(funding.stateEur), regional: fmt.meur(funding.regionalEur),
    investment: fmt.meur(funding.investmentEur), leverage: amount(funding.leverage),
    rule: funding.rule ? t("rule", { text: ruleWords(funding) }) : "",
  });
  $("#funding tbody").replaceChildren(...funding.regions.map((r) => {
    const row = tableRow([r.name, fmt.meurNumber(r.stateEur), fmt.meurNumber(r.regionalEur),
      fmt.meurNumber(r.contributionEur), amount(r.leverage)]);
    row.dataset.code = r.code;
    return row;
  }));
}

function showRounds(rounds) {
  $("#rounds-panel").hidden = !rounds;
  if (!rounds) return;
  $("#rounds tbody").replaceChildren(...rounds.rounds.map((r) => {
    const index = r.status === "OPTIMAL" ? fmt.int(r.index)
      : t("roundStatus", { index: fmt.int(r.index), status: t(r.status) });
    return tableRow([index, day(r.date), fmt.meurNumber(r.releasedEur),
      fmt.meurNumber(r.spentEur), fmt.int(r.jobs), fmt.int(r.cumulativeJobs),
      fmt.int(r.hindsightJobs), fmt.int(r.jobsLost), fixed(r.budgetShadowPrice, 1)]);
  }));
  const summary = [paragraph(t("byRound", { jobs: fmt.int(rounds.jobs),
    hindsight: fmt.int(rounds.hindsightJobs), lost: fmt.int(rounds.jobsLost) }))];
  if (rounds.reserveRecovers != null) {
    summary.push(paragraph(t(rounds.reserveRecovers >= 0 ? "recovers" : "costs", {
      jobs: fmt.int(Math.abs(rounds.reserveRecovers)),
      without: fmt.int(rounds.withoutReserveJobs) })));
  }
  $("#rounds-summary").replaceChildren(...summary);
  $("#rounds-regions tbody").replaceChildren(...rounds.regions.map((r) => {
    const row = tableRow([r.name, fmt.int(r.jobs), fmt.int(r.hindsightJobs),
      fmt.int(r.jobsLost)]);
    row.dataset.code = r.code;
    return row;
  }));
}
