// The scenario form's lever inputs read into ScenarioInput fields: regional co-funding, the
// planner's controls and the review rounds, the department and territory envelopes and the
// sector floors, with each refused value shown next to its input (the API's problems carry the
// scenario-file path: co_funding.matching.rate, rounds[1].date, constraints.departments.59).
// Their rows are built in leverrows.js, the base's values shown by leverbase.js.
import { messages } from "./i18n.js";
import { AREAS, LEVER_ROWS } from "./leverrows.js";
import { readTyped } from "./numberinput.js";

export { showLeverBase } from "./leverbase.js";
export { buildLeverInputs, clearLeverRows } from "./leverrows.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  matchingRate: { fr: "Taux de contrepartie", en: "Matching rate" },
  nextInLine: { fr: "Projets en liste d'attente", en: "Projects listed next in line" },
  notIds: { fr: "pas un numéro de projet : {ids} (donnez des nombres)",
    en: "not a project id: {ids} (give numbers)" },
  chooseRegion: { fr: "choisissez la région", en: "choose the region" },
  roundDate: { fr: "donnez la date de la revue {n}", en: "give round {n}'s date" },
  department: { fr: "donnez le département", en: "give the department" },
  territory: { fr: "donnez le territoire", en: "give the territory" },
  chooseSector: { fr: "choisissez le secteur", en: "choose the sector" },
  giveShare: { fr: "donnez la part", en: "give the share" },
});

// ---- reading ---------------------------------------------------------------------------------

// A number typed in `input` (a share for a percent), null when empty; a refusal names the input
// by `label` (its aria-label when none is given) and goes to errors as [field, message, path].
function typed(input, field, path, errors, label = input.getAttribute("aria-label"), kind) {
  const read = readTyped(input, label, kind); // undefined: the input's own kind
  if (read.error) errors.push([field, read.error, path]);
  return read.error ? null : read.value;
}

// Project ids as the result tables show them (12) become the API's global ids.
function projectIds(input, path, errors) {
  const words = input.value.split(",").map((w) => w.trim()).filter(Boolean);
  const bad = words.filter((w) => !/^\d+$/.test(w));
  if (bad.length) {
    errors.push(["controls", t("notIds", { ids: bad.join(", ") }), path]);
    return null;
  }
  return words.length ? words.map((w) => btoa(`Project:${w}`)) : null;
}

function readCoFunding(errors) {
  const matching = {};
  if ($("#matching-rule").value) matching.rule = $("#matching-rule").value;
  const rate = typed($("#matching-rate"), "coFunding", "co_funding.matching.rate", errors,
    t("matchingRate"), "share");
  if (rate !== null) matching.rate = rate;
  const contributions = [];
  for (const row of $("#contribution-rows").rows) {
    const code = row.querySelector("select").value;
    const millions = typed(row.querySelector(".amount"), "coFunding",
      `co_funding.contributions.${code}`, errors);
    if (!code && millions === null) continue;
    if (!code) {
      errors.push(["coFunding", t("chooseRegion"), `co_funding.contributions.${code}`]);
      continue;
    }
    contributions.push({ regionCode: code,
      amountEur: millions === null ? null : Math.round(millions * 1e6) });
  }
  const coFunding = {};
  if (Object.keys(matching).length) coFunding.matching = matching;
  if (contributions.length) coFunding.contributions = contributions;
  return Object.keys(coFunding).length ? coFunding : null;
}

function readControls(errors) {
  const controls = {};
  if ($("#lock-awards").checked) controls.lockAwards = true;
  if ($("#awards-until").value) controls.awardsUntil = $("#awards-until").value;
  const forceIn = projectIds($("#force-in"), "controls.force_in", errors);
  if (forceIn) controls.forceIn = forceIn;
  const forceOut = projectIds($("#force-out"), "controls.force_out", errors);
  if (forceOut) controls.forceOut = forceOut;
  const next = typed($("#next-count"), "controls", "controls.next_in_line", errors,
    t("nextInLine"), "number");
  if (next !== null) controls.nextInLine = Math.round(next);
  return Object.keys(controls).length ? controls : null;
}

function readRounds(errors) {
  const rounds = [];
  [...$("#round-rows").rows].forEach((row, i) => {
    delete row.dataset.index;
    const path = `rounds[${rounds.length}]`;
    const date = row.querySelector(".date").value;
    const release = typed(row.querySelector(".release"), "rounds", path, errors);
    const reserve = typed(row.querySelector(".reserve"), "rounds", path, errors);
    if (!date && release === null && reserve === null) return;
    if (!date) errors.push(["rounds", t("roundDate", { n: i + 1 }), path]);
    row.dataset.index = rounds.length; // the API's rounds[k] for this row
    rounds.push({ date, releaseShare: release, reserveShare: reserve });
  });
  return rounds.length ? rounds : null;
}

// The envelopes of one kind's rows, as the ScenarioInput field takes them.
function readAreas(kind, errors) {
  const { rows, path: prefix, field, key } = AREAS[kind];
  const eur = (millions) => (millions === null ? null : Math.round(millions * 1e6));
  const envelopes = [];
  for (const row of $(rows).rows) {
    const typedKey = row.querySelector(".code").value.trim();
    const path = `${prefix}.${typedKey}`;
    const min = typed(row.querySelector(".min"), field, path, errors);
    const max = typed(row.querySelector(".max"), field, path, errors);
    if (!typedKey && min === null && max === null) continue;
    if (!typedKey) errors.push([field, t(kind), path]);
    else envelopes.push({ ...key(typedKey), minEur: eur(min), maxEur: eur(max) });
  }
  return envelopes.length ? envelopes : null;
}

function readSectorFloors(errors) {
  const floors = [];
  for (const row of $("#sector-rows").rows) {
    const sector = row.querySelector("select").value;
    const path = `constraints.sectors.${sector}`;
    const share = typed(row.querySelector(".share"), "sectorFloors", path, errors);
    if (!sector && share === null) continue;
    if (!sector) errors.push(["sectorFloors", t("chooseSector"), path]);
    else if (share === null) errors.push(["sectorFloors", t("giveShare"), path]);
    else floors.push({ sector, shareMin: share });
  }
  return floors.length ? floors : null;
}

// Adds the lever inputs the planner filled to `scenario`; problems go to `errors`.
export function readLevers(scenario, errors) {
  for (const kind of Object.keys(AREAS)) {
    const envelopes = readAreas(kind, errors);
    if (envelopes) scenario[AREAS[kind].field] = envelopes;
  }
  const sectors = readSectorFloors(errors);
  if (sectors) scenario.sectorFloors = sectors;
  const coFunding = readCoFunding(errors);
  if (coFunding) scenario.coFunding = coFunding;
  const controls = readControls(errors);
  if (controls) scenario.controls = controls;
  const rounds = readRounds(errors);
  if (rounds) scenario.rounds = rounds;
}

// ---- errors ----------------------------------------------------------------------------------

function under(path, prefix) {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}

// The row whose key (typed or chosen) the path names after `prefix`: constraints.departments.59
function keyedRow(rows, prefix, path) {
  return [...$(rows).rows].find((row) => {
    const key = row.querySelector(".code").value.trim();
    return key && (path === `${prefix}.${key}` || path.startsWith(`${prefix}.${key}.`));
  });
}

function rowFor(path) {
  for (const area of Object.values(AREAS)) {
    if (path.startsWith(`${area.path}.`)) return keyedRow(area.rows, area.path, path);
  }
  if (path.startsWith("constraints.sectors.")) {
    return keyedRow("#sector-rows", "constraints.sectors", path);
  }
  const contribution = path.match(/^co_funding\.contributions\.([^.]*)/);
  if (contribution) {
    return [...$("#contribution-rows").rows]
      .find((row) => row.querySelector("select").value === contribution[1]);
  }
  const round = path.match(/^rounds\[(\d+)\]/);
  return round ? [...$("#round-rows").rows].find((row) => row.dataset.index === round[1])
    : null;
}

// `message` is text, or an element (the API's words marked lang="en").
function append(box, message) {
  if (box.textContent) box.append(" ");
  box.append(message);
}

// Puts a message next to the lever input a scenario-file path names; false when none does.
export function leverError(path, message) {
  if (!path) return false;
  const row = rowFor(path);
  if (row) {
    row.closest("details").open = true;
    append(row.querySelector("td.error"), message);
    row.querySelectorAll("td").forEach((td) => td.classList.add("invalid"));
    return true;
  }
  const box = [...document.querySelectorAll("[data-path]")]
    .find((element) => under(path, element.dataset.path));
  if (!box) return false;
  box.closest("details").open = true;
  box.classList.add("invalid");
  append(box.querySelector(".error"), message);
  return true;
}

export function clearLeverErrors() {
  document.querySelectorAll("[data-path]").forEach((box) => {
    box.classList.remove("invalid");
    box.querySelector(".error").textContent = "";
  });
  document.querySelectorAll(LEVER_ROWS.map((rows) => `${rows} td`).join(", ")).forEach((td) => {
    td.classList.remove("invalid");
    if (td.classList.contains("error")) td.textContent = "";
  });
}
