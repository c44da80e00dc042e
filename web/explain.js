// The result's explanation in the page's language: the binding constraints and their prices
// (composed in French from their name, label, price and unit), the simple rules the optimum
// is measured against.
import { item } from "./dom.js";
import { apiText, lang, locale, messages } from "./i18n.js";

const t = messages({
  perPoint: { fr: "{price} {jobs} par point {what}{suffix}.",
    en: "{price} {jobs} per point of {what}{suffix}." },
  perMillion: { fr: "{price} {jobs} par M€ supplémentaire {what}{suffix}.",
    en: "{price} {jobs} per extra M EUR of {what}{suffix}." },
  binding: { fr: "Contrainte saturée : {label}.", en: "Binding: {label}." },
  jobs: { fr: "emplois", en: "jobs" },
  equivalents: { fr: "emplois-équivalents", en: "jobs-equivalents" },
  worstCase: { fr: "{jobs} dans le pire cas", en: "{jobs} in the worst case" },
  relaxation: { fr: " (relaxation linéaire)", en: " (LP relaxation)" },
  // What a constraint is, then "of it" after a price ("par point du plancher...").
  budget: { fr: "le budget|du budget", en: "budget|budget" },
  min_spend: { fr: "la dépense minimale exigée|de la dépense minimale exigée",
    en: "required spend|required spend" },
  fragile_share: { fr: "le plancher territoires fragiles|du plancher territoires fragiles",
    en: "fragile share|fragile share" },
  decarbonisation_share: { fr: "le plancher de décarbonation|du plancher de décarbonation",
    en: "decarbonisation share|decarbonisation share" },
  fragile_project_share: {
    fr: "le plancher territoires fragiles (part des projets)|du plancher territoires fragiles "
      + "(part des projets)",
    en: "fragile project share|fragile project share",
  },
  max_aid_intensity: { fr: "le plafond d'aide (part de l'investissement)|du plafond d'aide",
    en: "aid-intensity cap|aid-intensity cap" },
  sector: { fr: "le plancher du secteur {key}|du plancher du secteur {key}",
    en: "sector {key} floor|sector {key} floor" },
  region: { fr: "l'enveloppe régionale {key} ({side})|du {side} de l'enveloppe régionale {key}",
    en: "region {key}'s {side} envelope|region {key}'s {side}" },
  department: {
    fr: "l'enveloppe du département {key} ({side})|du {side} de l'enveloppe du département {key}",
    en: "department {key}'s {side} envelope|department {key}'s {side}",
  },
  territory: {
    fr: "l'enveloppe du territoire {key} ({side})|du {side} de l'enveloppe du territoire {key}",
    en: "territory {key}'s {side} envelope|territory {key}'s {side}",
  },
  max: { fr: "plafond", en: "maximum" },
  min: { fr: "plancher", en: "minimum" },
  greedy_jobs_per_euro: {
    fr: "Au plus d'emplois par euro (sans planchers ni enveloppes)",
    en: "Greedy by jobs per euro (ignores floors and envelopes)",
  },
  greedy_with_floors: {
    fr: "Au plus d'emplois par euro, planchers et enveloppes respectés",
    en: "Greedy by jobs per euro keeping the floors and envelopes",
  },
  pro_rata: { fr: "Au prorata de l'aide demandée", en: "Pro rata to requested aid" },
});

const FIXED = ["budget", "min_spend", "fragile_share", "decarbonisation_share",
  "fragile_project_share", "max_aid_intensity"];

// [what it is, "of it"] for a binding constraint's name, null for one the page cannot word
// (its English text is shown instead).
function constraintWords(name) {
  if (FIXED.includes(name)) return t(name).split("|");
  const sector = name.match(/^sector_(.+)$/);
  if (sector) return t("sector", { key: sector[1] }).split("|");
  const envelope = name.match(/^(region|department|territory)_(.+)_(max|min)$/);
  if (envelope) {
    return t(envelope[1], { key: envelope[2], side: t(envelope[3]) }).split("|");
  }
  return null;
}

// "+57,5" / "-57.5": a price, its sign always written.
function signed(value) {
  return new Intl.NumberFormat(locale(), { signDisplay: "always", minimumFractionDigits: 1,
    maximumFractionDigits: 1 }).format(value);
}

function capital(text) {
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : text;
}

// A binding constraint as a list item: its price in words, its label as a hint. In English
// (or for a constraint the page cannot word) the API's own words.
export function bindingItem(b) {
  const words = lang() === "fr" ? constraintWords(b.name) : null;
  if (!words) {
    const li = item("", t("binding", { label: b.label }));
    li.prepend(apiText(`${capital(b.text)}.`));
    return li;
  }
  const [label, what] = words;
  let jobs = t(b.unit.startsWith("jobs-equivalents") ? "equivalents" : "jobs");
  if (b.unit.includes("worst case")) jobs = t("worstCase", { jobs });
  const suffix = b.text.endsWith("(LP relaxation)") ? t("relaxation") : "";
  const perPoint = b.unit.includes("percentage point");
  return item(capital(t(perPoint ? "perPoint" : "perMillion", { price: signed(b.shadowPrice),
    jobs, what, suffix })), t("binding", { label }));
}

// A simple rule's name in the page's language (the API's label for a rule it adds later).
export function baselineLabel(b) {
  const known = ["greedy_jobs_per_euro", "greedy_with_floors", "pro_rata"].includes(b.name);
  return known && lang() === "fr" ? t(b.name) : b.label;
}
