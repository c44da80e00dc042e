// The scenario form's lever inputs: regional co-funding, the planner's controls and the review
// rounds, the department and territory envelopes and the sector floors, read into ScenarioInput
// fields, with each refused value shown next to its input (the API's problems carry the
// scenario-file path: co_funding.matching.rate, rounds[1].date, constraints.departments.59).
import * as api from "./api.js";

const $ = (selector) => document.querySelector(selector);

let regionList = []; // {code, name} of every region, for the contribution rows' selects
let sectorList = []; // {name, projectCount} of every sector, for the sector floors' selects

// Envelopes per area: the rows' table, the scenario-file path, how its key is typed and sent
// (a territory's database id becomes the API's Territory id).
const AREAS = {
  department: { rows: "#department-rows", path: "constraints.departments",
    label: "Department code (59, 2A, 974)", field: "departmentEnvelopes",
    key: (code) => ({ departmentCode: code }) },
  territory: { rows: "#territory-rows", path: "constraints.territories",
    label: "Territory id", field: "territoryEnvelopes",
    key: (id) => ({ territoryId: btoa(`Territory:${id}`) }) },
};

// ---- editable rows ---------------------------------------------------------------------------

function removeButton(row, what) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "remove";
  button.textContent = "Remove";
  button.setAttribute("aria-label", `Remove this ${what}`);
  button.addEventListener("click", () => {
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    (next?.querySelector("input, select") ?? $(`#add-${what}`)).focus();
  });
  return button;
}

function cell(...children) {
  const td = document.createElement("td");
  td.append(...children);
  return td;
}

function numberInput(label, attrs = {}) {
  const input = document.createElement("input");
  input.type = "number";
  input.step = "any";
  input.min = "0";
  input.inputMode = "decimal";
  input.setAttribute("aria-label", label);
  Object.assign(input, attrs);
  return input;
}

function errorCell() {
  const td = cell();
  td.className = "error";
  td.setAttribute("aria-live", "polite");
  return td;
}

export function addContribution(code = "", millions = "") {
  const row = document.createElement("tr");
  const select = document.createElement("select");
  select.setAttribute("aria-label", "Region");
  select.append(new Option("choose a region", ""),
    ...regionList.map((r) => new Option(`${r.name} (${r.code})`, r.code)));
  select.value = code;
  const amount = numberInput("M EUR the region adds", { className: "amount", value: millions });
  row.append(cell(select), cell(amount), cell(removeButton(row, "contribution")),
    errorCell());
  $("#contribution-rows").append(row);
  return row;
}

export function addRound(date = "", releasePct = "", reservePct = "") {
  const row = document.createElement("tr");
  const day = document.createElement("input");
  day.type = "date";
  day.className = "date";
  day.value = date;
  day.setAttribute("aria-label", "Round date");
  const release = numberInput("Released, % of budget", { className: "release", value: releasePct });
  const reserve = numberInput("Reserve, % of what is available",
    { className: "reserve", value: reservePct, placeholder: "none" });
  row.append(cell(day), cell(release), cell(reserve), cell(removeButton(row, "round")),
    errorCell());
  $("#round-rows").append(row);
  return row;
}

// A department or territory envelope row: its key typed as text, its bounds in M EUR.
export function addArea(kind, key = "", min = "", max = "") {
  const row = document.createElement("tr");
  const code = document.createElement("input");
  code.type = "text";
  code.className = "code";
  code.autocomplete = "off";
  code.value = key;
  code.setAttribute("aria-label", AREAS[kind].label);
  row.append(cell(code), cell(numberInput("at least, M EUR", { className: "min", value: min })),
    cell(numberInput("at most, M EUR", { className: "max", value: max })),
    cell(removeButton(row, kind)), errorCell());
  $(AREAS[kind].rows).append(row);
  return row;
}

function fillSectorSelect(select) {
  const chosen = select.value;
  select.replaceChildren(new Option("choose a sector", ""), ...sectorList.map((s) =>
    new Option(`${s.name} (${s.projectCount} projects)`, s.name)));
  select.value = chosen;
}

export function addSectorFloor(sector = "", sharePct = "") {
  const row = document.createElement("tr");
  const select = document.createElement("select");
  select.className = "code";
  select.setAttribute("aria-label", "Sector");
  select.append(new Option(sector || "choose a sector", sector));
  fillSectorSelect(select);
  const share = numberInput("At least, % of the euros spent",
    { className: "share", value: sharePct, max: "100" });
  row.append(cell(select), cell(share), cell(removeButton(row, "sector")), errorCell());
  $("#sector-rows").append(row);
  return row;
}

export function buildLeverInputs(regions) {
  regionList = regions;
  for (const kind of Object.keys(AREAS)) {
    $(`#add-${kind}`).addEventListener("click", () => {
      addArea(kind).querySelector("input").focus();
    });
  }
  $("#add-sector").addEventListener("click", () => {
    addSectorFloor().querySelector("select").focus();
  });
  api.listSectors().then((sectors) => {
    sectorList = sectors;
    document.querySelectorAll("#sector-rows select").forEach(fillSectorSelect);
    $("#sectors-listed").textContent = "";
  }).catch((error) => {
    $("#sectors-listed").textContent = `The sectors could not be listed: ${error.message}`;
  });
  $("#add-contribution").addEventListener("click", () => {
    addContribution().querySelector("select").focus();
  });
  $("#add-round").addEventListener("click", () => {
    addRound().querySelector("input").focus();
  });
}

export function clearLeverRows() {
  for (const rows of ["#contribution-rows", "#round-rows", "#department-rows",
    "#territory-rows", "#sector-rows"]) $(rows).replaceChildren();
}

// ---- the base's values -----------------------------------------------------------------------

// `setting` is a typed Setting ({value, setIn}); its value as the placeholder, who set it as
// the tooltip, `otherwise` when no scenario of the chain sets it.
function showSetting(input, setting, show, otherwise = "as in the base") {
  const set = setting && setting.setIn && setting.value != null;
  input.placeholder = set ? show(setting.value) : otherwise;
  input.title = set ? `set in ${setting.setIn}` : "";
}

// Global ids back to the project ids the result tables show.
function shownIds(ids) {
  return ids.map((id) => atob(id).split(":").pop()).join(", ");
}

function percent(share) {
  return `${+(share * 100).toFixed(2)}`;
}

// What the base scenario's chain sets for the lever inputs (`inputs`: Scenario.inputs).
export function showLeverBase(inputs) {
  const co = inputs.coFunding;
  const rule = co?.matching.rule;
  $("#matching-rule option[value='']").textContent = rule?.setIn
    ? `as in the base (${rule.value.toLowerCase()})` : "as in the base";
  showSetting($("#matching-rate"), co?.matching.rate, (v) => `${v}`);
  const given = (co?.contributions ?? []).filter((c) => c.amountEur.value > 0);
  $("#co-funding-base").textContent = given.length ? `The base's contributions: ${given
    .map((c) => `${c.regionName} ${c.amountEur.value / 1e6} M EUR`).join(", ")}.`
    : "The base has no regional contribution.";
  const controls = inputs.controls;
  $("#lock-awards").title = controls?.lockAwards.setIn
    ? `set in ${controls.lockAwards.setIn}: ${controls.lockAwards.value ? "kept" : "not kept"}`
    : "";
  $("#lock-awards-base").textContent = controls?.lockAwards.value
    ? "(the base keeps them)" : "(unticked: as in the base, which does not)";
  showSetting($("#awards-until"), controls?.awardsUntil, (v) => v);
  showSetting($("#force-in"), controls?.forceIn, shownIds, "none in the base");
  showSetting($("#force-out"), controls?.forceOut, shownIds, "none in the base");
  showSetting($("#next-count"), controls?.nextInLine, (v) => `${v}`);
  const rounds = inputs.rounds?.value ?? [];
  $("#rounds-base").textContent = rounds.length ? `The base's rounds (${inputs.rounds.setIn}): `
    + `${rounds.map((r) => `${r.date}, ${r.releaseShare != null ? `${percent(r.releaseShare)} %`
      : `${r.releaseEur / 1e6} M EUR`}${r.reserveShare ? `, ${percent(r.reserveShare)} % kept`
      : ""}`).join("; ")}.` : "The base decides in one go (no rounds).";
  showAreaBase(inputs);
}

function bounds(envelope) {
  const at = (setting, word) => (setting?.value != null ? `${word} ${setting.value / 1e6}` : null);
  return `${[at(envelope.minEur, "at least"), at(envelope.maxEur, "at most")]
    .filter(Boolean).join(", ")} M EUR`;
}

// The base's department and territory envelopes and sector floors, in grey beside their rows.
function showAreaBase(inputs) {
  const departments = inputs.departmentEnvelopes ?? [];
  $("#departments-base").textContent = departments.length ? `The base's envelopes: ${departments
    .map((e) => `${e.departmentCode} ${bounds(e)}`).join("; ")}.`
    : "The base has no department envelope.";
  const territories = inputs.territoryEnvelopes ?? [];
  $("#territories-base").textContent = territories.length ? `The base's envelopes: ${territories
    .map((e) => `${shownIds([e.territoryId])} ${bounds(e)}`).join("; ")}.`
    : "The base has no territory envelope.";
  const floors = inputs.sectorFloors ?? [];
  $("#sectors-base").textContent = floors.length ? `The base's floors: ${floors
    .map((f) => `${f.sector} ${percent(f.shareMin.value)} %`).join("; ")}.`
    : "The base has no sector floor.";
}

// ---- reading ---------------------------------------------------------------------------------

// A number typed in `input`, null when empty; a problem goes to errors as [field, message, path].
function typed(input, field, path, errors) {
  if (input.validity.badInput) {
    errors.push([field, "enter a number", path]);
    return null;
  }
  const text = input.value.trim();
  if (text === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value)) {
    errors.push([field, "enter a number", path]);
    return null;
  }
  return value;
}

// Project ids as the result tables show them (12) become the API's global ids.
function projectIds(input, path, errors) {
  const words = input.value.split(",").map((w) => w.trim()).filter(Boolean);
  const bad = words.filter((w) => !/^\d+$/.test(w));
  if (bad.length) {
    errors.push(["controls", `not a project id: ${bad.join(", ")} (give numbers)`, path]);
    return null;
  }
  return words.length ? words.map((w) => btoa(`Project:${w}`)) : null;
}

function readCoFunding(errors) {
  const matching = {};
  if ($("#matching-rule").value) matching.rule = $("#matching-rule").value;
  const rate = typed($("#matching-rate"), "coFunding", "co_funding.matching.rate", errors);
  if (rate !== null) matching.rate = rate;
  const contributions = [];
  for (const row of $("#contribution-rows").rows) {
    const code = row.querySelector("select").value;
    const millions = typed(row.querySelector(".amount"), "coFunding",
      `co_funding.contributions.${code}`, errors);
    if (!code && millions === null) continue;
    if (!code) {
      errors.push(["coFunding", "choose the region", `co_funding.contributions.${code}`]);
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
  const next = typed($("#next-count"), "controls", "controls.next_in_line", errors);
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
    if (!date) errors.push(["rounds", `give round ${i + 1}'s date`, path]);
    row.dataset.index = rounds.length; // the API's rounds[k] for this row
    rounds.push({ date, releaseShare: release === null ? null : release / 100,
      reserveShare: reserve === null ? null : reserve / 100 });
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
    if (!typedKey) errors.push([field, `give the ${kind}`, path]);
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
    if (!sector) errors.push(["sectorFloors", "choose the sector", path]);
    else if (share === null) errors.push(["sectorFloors", "give the share", path]);
    else floors.push({ sector, shareMin: share / 100 });
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

function append(box, message) {
  box.textContent = box.textContent ? `${box.textContent} ${message}` : message;
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
  document.querySelectorAll(["#contribution-rows", "#round-rows", "#department-rows",
    "#territory-rows", "#sector-rows"].map((rows) => `${rows} td`).join(", ")).forEach((td) => {
    td.classList.remove("invalid");
    if (td.classList.contains("error")) td.textContent = "";
  });
}
