// A binding constraint in words, the same on the dashboard and in the printed report: its
// name (a region by its name, from a code -> name map), its shadow price and unit, composed
// from the API's structured fields in the page's language; the API's English words (marked
// lang="en") for a constraint not known here.

import { capital } from "./dom.js";
import { apiText, fmt, lang, locale, messages } from "./i18n.js";

const t = messages({
  price: {
    fr: "{what} : {price} {jobs} par {per}{worst}{relaxed}.",
    en: "{what}: {price} {jobs} per {per}{worst}{relaxed}.",
  },
  jobsOne: { fr: "emploi", en: "jobs" },
  jobsMany: { fr: "emplois", en: "jobs" },
  equivalents: { fr: "équivalents-emplois", en: "jobs-equivalents" },
  perMeur: { fr: "million d'euros de plus", en: "extra €1m" },
  perPoint: { fr: "point de pourcentage de plus", en: "extra percentage point" },
  worstCase: { fr: " dans le pire cas", en: " in the worst case" },
  lpRelaxation: { fr: " (relaxation continue)", en: " (LP relaxation)" },
  relax: {
    fr: "{what} : passer de {current} à {suggested}.",
    en: "{what}: from {current} to {suggested}.",
  },
  cBudget: { fr: "Budget de l'État", en: "The State's budget" },
  cMinSpend: { fr: "Dépense minimale", en: "The minimum spend" },
  cFragile: {
    fr: "Plancher territoires fragiles (part des euros)",
    en: "The fragile-territory floor (share of euros)",
  },
  cDecarbonisation: {
    fr: "Plancher décarbonation (part des euros)",
    en: "The decarbonisation floor (share of euros)",
  },
  cFragileProjects: {
    fr: "Plancher territoires fragiles (part des projets financés)",
    en: "The fragile-territory floor (share of projects funded)",
  },
  cAidCap: { fr: "Plafond d'aide (intensité)", en: "The aid-intensity cap" },
  min_region: {
    fr: "Plancher de l'enveloppe régionale ({name})",
    en: "{name}'s minimum envelope",
  },
  max_region: { fr: "Plafond de l'enveloppe régionale ({name})", en: "{name}'s maximum envelope" },
  min_department: {
    fr: "Plancher de l'enveloppe du département {name}",
    en: "Department {name}'s minimum envelope",
  },
  max_department: {
    fr: "Plafond de l'enveloppe du département {name}",
    en: "Department {name}'s maximum envelope",
  },
  min_territory: {
    fr: "Plancher de l'enveloppe du territoire {name}",
    en: "Territory {name}'s minimum envelope",
  },
  max_territory: {
    fr: "Plafond de l'enveloppe du territoire {name}",
    en: "Territory {name}'s maximum envelope",
  },
  c_sector: {
    fr: "Plancher de la filière « {name} » (part des euros)",
    en: "The {name} sector floor (share of euros)",
  },
  c_contribution: { fr: "Cofinancement régional ({name})", en: "{name}'s regional contribution" },
  c_matching: {
    fr: "Règle d'appariement du cofinancement ({name})",
    en: "The co-funding matching rule in {name}",
  },

  binding: { fr: "Contrainte saturée : {label}.", en: "Binding: {label}." },
});

const signed = (n) => new Intl.NumberFormat(locale(), {
  signDisplay: "exceptZero", minimumFractionDigits: 1, maximumFractionDigits: 1,
}).format(n);

function amount(value, unit) {
  if (unit === "SHARE") return fmt.pct(value);
  if (unit === "EUROS") return fmt.eur(value);
  return fmt.int(value);
}

const FIXED = {
  budget: "cBudget", min_spend: "cMinSpend", fragile_share: "cFragile",
  decarbonisation_share: "cDecarbonisation", fragile_project_share: "cFragileProjects",
  max_aid_intensity: "cAidCap",
};

// "region_94_min" -> "Plancher de l'enveloppe régionale (Corse)"; null for a name not known here.
export function constraintName(name, regionNames = new Map()) {
  if (FIXED[name]) return t(FIXED[name]);
  const envelope = /^(region|department|territory)_(.+)_(min|max)$/.exec(name);
  if (envelope) {
    const [, kind, code, side] = envelope;
    const who = kind === "region" ? regionNames.get(code) || code : code;
    return t(`${side}_${kind}`, { name: who });
  }
  const other = /^(sector|contribution|matching)_(.+)$/.exec(name);
  if (other) {
    const [, kind, code] = other;
    return t(`c_${kind}`, { name: kind === "sector" ? code : regionNames.get(code) || code });
  }
  return null;
}

// "Budget de l'État : +31,0 emplois par million d'euros de plus."
export function priceSentence(b, regionNames) {
  const what = constraintName(b.name, regionNames);
  if (!what) return apiText(`${capital(b.text)}.`); // the API's words, marked as English
  const equivalents = b.unit.startsWith("jobs-equivalents");
  const few = Math.abs(b.shadowPrice) < 2;
  return t("price", {
    what,
    price: signed(b.shadowPrice),
    jobs: t(equivalents ? "equivalents" : few ? "jobsOne" : "jobsMany"),
    per: t(b.unit.endsWith("percentage point") ? "perPoint" : "perMeur"),
    worst: b.unit.includes("worst case") ? t("worstCase") : "",
    relaxed: b.text.endsWith("(LP relaxation)") ? t("lpRelaxation") : "",
  });
}

// "Plancher de l'enveloppe régionale (Corse) : passer de 10 000 000 € à 4 200 000 €."
export function relaxationSentence(r, regionNames) {
  const what = constraintName(r.name, regionNames);
  if (!what) return apiText(r.text);
  return t("relax", {
    what, current: amount(r.current, r.unit), suggested: amount(r.suggested, r.unit),
  });
}

// The code -> name map of a list of regions ({code, name}), for the functions above.
export function namesOf(regions) {
  return new Map(Array.isArray(regions) ? regions.map((r) => [r.code, r.name]) : []);
}

// The hint beside a binding constraint: "Contrainte saturée : Budget de l'État." In English,
// and in French for a constraint without French words, the API's label (marked lang="en").
export function bindingHint(b, regionNames) {
  const what = lang() === "fr" ? constraintName(b.name, regionNames) : null;
  const [before, after] = t("binding", { label: "\u0000" }).split("\u0000");
  const label = document.createElement("span");
  if (what) label.textContent = what;
  else {
    label.lang = "en";
    label.textContent = b.label;
  }
  const hint = document.createElement("small");
  hint.className = "hint";
  hint.append(` ${before}`, label, after);
  return hint;
}
