// The lever inputs' editable rows: regional contributions, review rounds, department and
// territory envelopes and sector floors, each added and removed by the planner.
import * as api from "./api.js";
import { fmt, messages } from "./i18n.js";
import { numberInput } from "./numberinput.js";

const $ = (selector) => document.querySelector(selector);

const t = messages({
  remove: { fr: "Retirer", en: "Remove" },
  removeContribution: { fr: "Retirer cette contribution", en: "Remove this contribution" },
  removeRound: { fr: "Retirer cette revue", en: "Remove this round" },
  removeDepartment: { fr: "Retirer cette enveloppe départementale",
    en: "Remove this department" },
  removeTerritory: { fr: "Retirer cette enveloppe de territoire", en: "Remove this territory" },
  removeSector: { fr: "Retirer ce plancher sectoriel", en: "Remove this sector" },
  region: { fr: "Région", en: "Region" },
  chooseRegion: { fr: "choisir une région", en: "choose a region" },
  regionAdds: { fr: "M€ que la région ajoute (cofinancement régional)",
    en: "M EUR the region adds" },
  roundDate: { fr: "Date de la revue", en: "Round date" },
  released: { fr: "Ouvert, % du budget", en: "Released, % of budget" },
  reserve: { fr: "Réserve, % du disponible", en: "Reserve, % of what is available" },
  none: { fr: "aucune", en: "none" },
  departmentKey: { fr: "Code du département (59, 2A, 974)", en: "Department code (59, 2A, 974)" },
  territoryKey: { fr: "Identifiant du territoire", en: "Territory id" },
  atLeast: { fr: "au moins, M€", en: "at least, M EUR" },
  atMost: { fr: "au plus, M€", en: "at most, M EUR" },
  sector: { fr: "Secteur", en: "Sector" },
  chooseSector: { fr: "choisir un secteur", en: "choose a sector" },
  sectorOption: { fr: "{name} ({n} projets)", en: "{name} ({n} projects)" },
  sectorShare: { fr: "Au moins, % des euros dépensés", en: "At least, % of the euros spent" },
  sectorsFailed: { fr: "Les secteurs n'ont pas pu être listés : {message}",
    en: "The sectors could not be listed: {message}" },
});

let regionList = []; // {code, name} of every region, for the contribution rows' selects
let sectorList = []; // {name, projectCount} of every sector, for the sector floors' selects

// Envelopes per area: the rows' table, the scenario-file path, how its key is typed and sent
// (a territory's database id becomes the API's Territory id).
export const AREAS = {
  department: { rows: "#department-rows", path: "constraints.departments",
    label: "departmentKey", field: "departmentEnvelopes", remove: "removeDepartment",
    key: (code) => ({ departmentCode: code }) },
  territory: { rows: "#territory-rows", path: "constraints.territories",
    label: "territoryKey", field: "territoryEnvelopes", remove: "removeTerritory",
    key: (id) => ({ territoryId: btoa(`Territory:${id}`) }) },
};

// Every table of lever rows, for clearing them and their errors.
export const LEVER_ROWS = ["#contribution-rows", "#round-rows", "#department-rows",
  "#territory-rows", "#sector-rows"];

function removeButton(row, what, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "remove";
  button.textContent = t("remove");
  button.setAttribute("aria-label", t(label));
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

function errorCell() {
  const td = cell();
  td.className = "error";
  td.setAttribute("aria-live", "polite");
  return td;
}

export function addContribution(code = "", millions = "") {
  const row = document.createElement("tr");
  const select = document.createElement("select");
  select.setAttribute("aria-label", t("region"));
  select.append(new Option(t("chooseRegion"), ""),
    ...regionList.map((r) => new Option(`${r.name} (${r.code})`, r.code)));
  select.value = code;
  const amount = numberInput("number", t("regionAdds"), { className: "amount", value: millions });
  row.append(cell(select), cell(amount),
    cell(removeButton(row, "contribution", "removeContribution")), errorCell());
  $("#contribution-rows").append(row);
  return row;
}

export function addRound(date = "", releasePct = "", reservePct = "") {
  const row = document.createElement("tr");
  const day = document.createElement("input");
  day.type = "date";
  day.className = "date";
  day.value = date;
  day.setAttribute("aria-label", t("roundDate"));
  const release = numberInput("percent", t("released"),
    { className: "release", value: releasePct });
  const reserve = numberInput("percent", t("reserve"),
    { className: "reserve", value: reservePct, placeholder: t("none") });
  row.append(cell(day), cell(release), cell(reserve),
    cell(removeButton(row, "round", "removeRound")), errorCell());
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
  code.setAttribute("aria-label", t(AREAS[kind].label));
  row.append(cell(code),
    cell(numberInput("number", t("atLeast"), { className: "min", value: min })),
    cell(numberInput("number", t("atMost"), { className: "max", value: max })),
    cell(removeButton(row, kind, AREAS[kind].remove)), errorCell());
  $(AREAS[kind].rows).append(row);
  return row;
}

function fillSectorSelect(select) {
  const chosen = select.value;
  select.replaceChildren(new Option(t("chooseSector"), ""), ...sectorList.map((s) =>
    new Option(t("sectorOption", { name: s.name, n: fmt.int(s.projectCount) }), s.name)));
  select.value = chosen;
}

export function addSectorFloor(sector = "", sharePct = "") {
  const row = document.createElement("tr");
  const select = document.createElement("select");
  select.className = "code";
  select.setAttribute("aria-label", t("sector"));
  select.append(new Option(sector || t("chooseSector"), sector));
  fillSectorSelect(select);
  const share = numberInput("percent", t("sectorShare"), { className: "share", value: sharePct });
  row.append(cell(select), cell(share), cell(removeButton(row, "sector", "removeSector")),
    errorCell());
  $("#sector-rows").append(row);
  return row;
}

export function buildLeverInputs(regions) {
  regionList = regions;
  $("#matching-rate").dataset.kind = "share"; // what numberinput.js reads them as
  $("#next-count").dataset.kind = "number";
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
    $("#sectors-listed").replaceChildren(...api.inWords(
      t("sectorsFailed", { message: api.API_WORDS }), api.errorText(error)));
  });
  $("#add-contribution").addEventListener("click", () => {
    addContribution().querySelector("select").focus();
  });
  $("#add-round").addEventListener("click", () => {
    addRound().querySelector("input").focus();
  });
}

export function clearLeverRows() {
  for (const rows of LEVER_ROWS) $(rows).replaceChildren();
}
