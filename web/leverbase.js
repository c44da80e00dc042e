// What the base scenario's chain sets for the lever inputs (the typed Scenario.inputs), shown
// in grey beside them: placeholders, tooltips naming the scenario that set a value, and lines
// listing the base's contributions, rounds, envelopes and sector floors.
import { fmt, messages } from "./i18n.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  asInBase: { fr: "comme au départ", en: "as in the base" },
  asInBaseRule: { fr: "comme au départ ({rule})", en: "as in the base ({rule})" },
  REQUIRES: { fr: "exige", en: "requires" },
  FOLLOWS: { fr: "suit", en: "follows" },
  setIn: { fr: "fixé dans {name}", en: "set in {name}" },
  setInLock: { fr: "fixé dans {name} : {kept}", en: "set in {name}: {kept}" },
  kept: { fr: "conservées", en: "kept" },
  notKept: { fr: "non conservées", en: "not kept" },
  baseKeeps: { fr: "(le scénario de départ les conserve)", en: "(the base keeps them)" },
  baseDoesNot: { fr: "(décoché : comme au départ, qui ne les conserve pas)",
    en: "(unticked: as in the base, which does not)" },
  noneInBase: { fr: "aucun au départ", en: "none in the base" },
  contributions: { fr: "Cofinancement régional au départ : {list}.",
    en: "The base's contributions: {list}." },
  noContribution: { fr: "Le scénario de départ n'a aucun cofinancement régional.",
    en: "The base has no regional contribution." },
  contribution: { fr: "{region} {amount}", en: "{region} {amount}" },
  rounds: { fr: "Revues régionales du départ ({name}) : {list}.",
    en: "The base's rounds ({name}): {list}." },
  noRounds: { fr: "Le scénario de départ décide en une fois (pas de revues régionales).",
    en: "The base decides in one go (no rounds)." },
  round: { fr: "{date}, {release}", en: "{date}, {release}" },
  roundKept: { fr: "{date}, {release}, {reserve} en réserve",
    en: "{date}, {release}, {reserve} kept" },
  departments: { fr: "Enveloppes du départ : {list}.", en: "The base's envelopes: {list}." },
  noDepartment: { fr: "Le scénario de départ n'a aucune enveloppe départementale.",
    en: "The base has no department envelope." },
  territories: { fr: "Enveloppes du départ : {list}.", en: "The base's envelopes: {list}." },
  noTerritory: { fr: "Le scénario de départ n'a aucune enveloppe de territoire.",
    en: "The base has no territory envelope." },
  floors: { fr: "Planchers du départ : {list}.", en: "The base's floors: {list}." },
  noFloor: { fr: "Le scénario de départ n'a aucun plancher sectoriel.",
    en: "The base has no sector floor." },
  atLeast: { fr: "au moins {amount}", en: "at least {amount}" },
  atMost: { fr: "au plus {amount}", en: "at most {amount}" },
  both: { fr: "{min}, {max}", en: "{min}, {max}" },
  list: { fr: "{a} ; {b}", en: "{a}; {b}" },
});

// `setting` is a typed Setting ({value, setIn}); its value as the placeholder, who set it as
// the tooltip, `otherwise` when no scenario of the chain sets it.
function showSetting(input, setting, show, otherwise = t("asInBase")) {
  const set = setting && setting.setIn && setting.value != null;
  input.placeholder = set ? show(setting.value) : otherwise;
  input.title = set ? t("setIn", { name: setting.setIn }) : "";
}

// Global ids back to the project ids the result tables show.
function shownIds(ids) {
  return ids.map((id) => atob(id).split(":").pop()).join(", ");
}

// Items joined by the language's list separator ("; " or " ; ").
function joined(items) {
  return items.reduce((a, b) => t("list", { a, b }));
}

// A share as the percent fields take it: 40 % / 40%, decimals only when there are some.
function percent(share) {
  return fmt.pct(share, Number.isInteger(Math.round(share * 1e4) / 100) ? 0 : 2);
}

export function showLeverBase(inputs) {
  const co = inputs.coFunding;
  const rule = co?.matching.rule;
  $("#matching-rule option[value='']").textContent = rule?.setIn
    ? t("asInBaseRule", { rule: t(rule.value) }) : t("asInBase");
  showSetting($("#matching-rate"), co?.matching.rate, (v) => fmt.num(v, 4));
  const given = (co?.contributions ?? []).filter((c) => c.amountEur.value > 0);
  $("#co-funding-base").textContent = given.length ? t("contributions", {
    list: given.map((c) => t("contribution", { region: c.regionName,
      amount: fmt.meur(c.amountEur.value) })).join(", "),
  }) : t("noContribution");
  const controls = inputs.controls;
  $("#lock-awards").title = controls?.lockAwards.setIn ? t("setInLock", {
    name: controls.lockAwards.setIn, kept: t(controls.lockAwards.value ? "kept" : "notKept"),
  }) : "";
  $("#lock-awards-base").textContent = t(controls?.lockAwards.value ? "baseKeeps" : "baseDoesNot");
  showSetting($("#awards-until"), controls?.awardsUntil, (v) => v);
  showSetting($("#force-in"), controls?.forceIn, shownIds, t("noneInBase"));
  showSetting($("#force-out"), controls?.forceOut, shownIds, t("noneInBase"));
  showSetting($("#next-count"), controls?.nextInLine, (v) => fmt.int(v));
  const rounds = inputs.rounds?.value ?? [];
  $("#rounds-base").textContent = rounds.length ? t("rounds", {
    name: inputs.rounds.setIn,
    list: joined(rounds.map((r) => {
      const release = r.releaseShare != null ? percent(r.releaseShare) : fmt.meur(r.releaseEur);
      const date = fmt.date(`${r.date}T12:00:00`); // noon: the same day in every time zone
      return r.reserveShare ? t("roundKept", { date, release, reserve: percent(r.reserveShare) })
        : t("round", { date, release });
    })),
  }) : t("noRounds");
  showAreaBase(inputs);
}

function bounds(envelope) {
  const at = (setting, words) => (setting?.value != null
    ? t(words, { amount: fmt.meur(setting.value) }) : null);
  return [at(envelope.minEur, "atLeast"), at(envelope.maxEur, "atMost")].filter(Boolean)
    .join(", ");
}

// The base's department and territory envelopes and sector floors, in grey beside their rows.
function showAreaBase(inputs) {
  const departments = inputs.departmentEnvelopes ?? [];
  $("#departments-base").textContent = departments.length ? t("departments", {
    list: joined(departments.map((e) => `${e.departmentCode} ${bounds(e)}`)),
  }) : t("noDepartment");
  const territories = inputs.territoryEnvelopes ?? [];
  $("#territories-base").textContent = territories.length ? t("territories", {
    list: joined(territories.map((e) => `${shownIds([e.territoryId])} ${bounds(e)}`)),
  }) : t("noTerritory");
  const floors = inputs.sectorFloors ?? [];
  $("#sectors-base").textContent = floors.length ? t("floors", {
    list: joined(floors.map((f) => `${f.sector} ${percent(f.shareMin.value)}`)),
  }) : t("noFloor");
}
