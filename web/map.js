// Metropolitan France with the phase-1 Territoires d'industrie (the territories the fund served,
// outlines simplified by the server) and the fund's laureates at their GPS position, funded or
// not in the current result. Generated candidates have no position: counted, never drawn.
// Each figure says its source: "déclaré" (stated) or "estimé" (estimated), with its range.

import * as api from "./api.js";
import { el, title } from "./charts.js";
import { fmt, messages } from "./i18n.js";
import { fillPicker } from "./mappicker.js";

const WIDTH = 560;
const COS_LAT = Math.cos((46.5 * Math.PI) / 180); // equirectangular, true at mid-France
// Metropolitan France and Corsica, in degrees, with a small margin.
const FRAME = { west: -5.3, east: 9.9, south: 41.2, north: 51.2 };
const K = WIDTH / ((FRAME.east - FRAME.west) * COS_LAT);
const HEIGHT = Math.ceil((FRAME.north - FRAME.south) * K);

const t = messages({
  loading: {
    fr: "Carte : lecture des lauréats et des projets financés dans ce scénario…",
    en: "Map: reading the laureates and the projects funded in this scenario…",
  },
  noMap: {
    fr: "Pas de carte : {reason}. Le graphique en barres montre la répartition.",
    en: "No map: {reason}. The bar chart shows the allocation.",
  },
  outlinesUnavailable: {
    fr: "contours indisponibles ({status})",
    en: "outlines unavailable ({status})",
  },
  chart: {
    fr: "Carte de la France métropolitaine : {territories} territoires d'industrie (phase 1) et "
      + "{placed} lauréats du fonds, dont {funded} financés dans ce scénario. La liste « Choisir "
      + "un lauréat sur la carte » donne le détail de chacun.",
    en: "Map of mainland France: {territories} Territoires d'industrie (phase 1) and {placed} of "
      + "the fund's laureates, {funded} of them funded in this scenario. The list “Pick a "
      + "laureate on the map” gives each one's details.",
  },
  laureate: { fr: "Lauréat", en: "Laureate" },
  pointFunded: { fr: "{name} — financé dans ce scénario", en: "{name} — funded in this scenario" },
  pointUnfunded: {
    fr: "{name} — non financé dans ce scénario",
    en: "{name} — not funded in this scenario",
  },
  // The legend.
  funded: {
    fr: "Lauréat financé dans ce scénario ({n})",
    en: "Laureate funded in this scenario ({n})",
  },
  unfunded: { fr: "Lauréat non financé ({n})", en: "Laureate not funded ({n})" },
  generated: {
    fr: "Candidat généré (données simulées) : {n}, non dessinés (sans position)",
    en: "Generated candidate (simulated data): {n}, not drawn (no position)",
  },
  territory: { fr: "Territoire d'industrie (phase 1)", en: "Territoire d'industrie (phase 1)" },
  // The caption.
  caption: {
    fr: "Lauréats : les {total} projets réels du fonds (données réelles de l'État : open data "
      + "« Plan de relance – projets industriels », DGE, printemps 2022) ; {placed} sont placés à "
      + "leur position GPS, dont {funded} financés dans ce scénario{left}. Candidats générés : "
      + "{generated} projets simulés pour compléter le vivier de candidats, sans position : ils "
      + "comptent dans le résultat mais pas sur la carte. Survolez ou cliquez un point, ou "
      + "choisissez un lauréat dans la liste sous la carte, pour voir l'entreprise et ses "
      + "chiffres.",
    en: "Laureates: the fund's {total} real projects (the State's real data: open data “Plan de "
      + "relance – projets industriels”, DGE, spring 2022); {placed} are placed at their GPS "
      + "position, {funded} of them funded in this scenario{left}. Generated candidates: "
      + "{generated} simulated projects that complete the pool of candidates, without a "
      + "position: they count in the result but not on the map. Hover over or click a point, or "
      + "pick a laureate in the list below the map, to see the company and its figures.",
  },
  notDrawn: { fr: ", et {list}, non dessinés", en: ", and {list}, not drawn" },
  overseas: { fr: "{n} outre-mer", en: "{n} overseas" },
  unplaced: {
    fr: "{n} sans position GPS (localisés par code postal ou département)",
    en: "{n} without a GPS position (located by postcode or department)",
  },
  // The details of a laureate.
  detailsUnavailable: {
    fr: "Détails indisponibles : {reason}",
    en: "Details unavailable: {reason}",
  },
  siren: { fr: "SIREN {siren}", en: "SIREN {siren}" },
  noSiren: { fr: "SIREN non publié", en: "SIREN not published" },
  project: { fr: "Projet : {name}", en: "Project: {name}" },
  commune: { fr: "commune {code}", en: "commune {code}" },
  postalCode: { fr: "code postal {code}", en: "postcode {code}" },
  department: { fr: "département {code}", en: "department {code}" },
  inTerritory: { fr: "territoire : {name}", en: "territory: {name}" },
  outside: {
    fr: "hors des territoires d'industrie (phase 1)",
    en: "outside the Territoires d'industrie (phase 1)",
  },
  fundedWith: {
    fr: "Financé dans ce scénario : {eur} d'aide",
    en: "Funded in this scenario: {eur} of aid",
  },
  notFunded: { fr: "Non financé dans ce scénario", en: "Not funded in this scenario" },
  figure: {
    fr: "{value} ({source}, entre {low} et {high})",
    en: "{value} ({source}, between {low} and {high})",
  },
  realLaureate: {
    fr: "Lauréat réel du fonds. « déclaré » : chiffre publié dans la description du projet ; "
      + "« estimé » : chiffre absent de la publication, estimé par le modèle ; fourchette du 10e "
      + "au 90e centile.",
    en: "A real laureate of the fund. “stated”: a figure published in the project's "
      + "description; “estimated”: a figure missing from the publication, estimated by the "
      + "model; range from the 10th to the 90th percentile.",
  },
  generatedProject: {
    fr: "Candidat généré : données simulées.",
    en: "Generated candidate: simulated data.",
  },
  keur: { fr: "{n} k€", en: "€{n}k" },
  // The figures' sources (FigureSource).
  STATED: { fr: "déclaré", en: "stated" },
  ESTIMATED: { fr: "estimé", en: "estimated" },
  GENERATED: { fr: "généré", en: "generated" },
  // Company size classes (CompanySize), as the open dataset writes them.
  TPE_PME: { fr: "TPE / PME", en: "SME (TPE / PME)" },
  ETI: { fr: "ETI", en: "mid-sized company (ETI)" },
  GE: { fr: "GE", en: "large company (GE)" },
  ASSOCIATION: { fr: "Association", en: "Association" },
  AUTRE: { fr: "Autre", en: "Other" },
  // The figures shown, by ProjectFigures field.
  investment: { fr: "Investissement", en: "Investment" },
  aidRequested: { fr: "Aide demandée", en: "Aid requested" },
  jobsCreated: { fr: "Emplois créés", en: "Jobs created" },
  jobsKept: { fr: "Emplois maintenus", en: "Jobs kept" },
  co2Avoided: { fr: "CO₂ évité (t/an)", en: "CO₂ avoided (t/year)" },
});

const SIZES = ["TPE_PME", "ETI", "GE", "ASSOCIATION", "AUTRE"];
const SOURCES = ["STATED", "ESTIMATED", "GENERATED"];
// ProjectFigures field -> how its values are written.
const FIGURES = [
  ["investment", "eur"],
  ["aidRequested", "eur"],
  ["jobsCreated", "int"],
  ["jobsKept", "int"],
  ["co2Avoided", "int"],
];

// Loaded once per page: neither the outlines nor the laureates change with the scenario.
let outlines = null;
let laureates = null;
const details = new Map(); // project id -> promise of its details
let drawing = 0; // the latest drawMap call: an older one that finishes later draws nothing
let shown = null; // the map on screen: {svg, funded, at: Map id -> [x, y] of its point}

const isMetropolitan = (code) => code.length === 2 && code >= "11";
// Overseas: the regions 01-06 and the collectivities (New Caledonia 988, French Polynesia 987).
export const isOverseas = (code) => !isMetropolitan(code);

const x = (lon) => (lon - FRAME.west) * COS_LAT * K;
const y = (lat) => (FRAME.north - lat) * K;

// Counts as whole numbers; euros in millions from a million up, in thousands below.
const write = {
  int: (n) => fmt.int(n),
  eur: (eur) => (eur >= 1e6 ? fmt.meur(eur) : t("keur", { n: fmt.int(eur / 1e3) })),
};

async function loadOutlines() {
  const response = await fetch("/geo/territories-phase1.geojson");
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    // The server's own words (English) are shown after their lead-in, marked lang="en".
    if (body.message) throw new api.ApiError(body.message, null, body.message);
    throw new Error(t("outlinesUnavailable", { status: response.status }));
  }
  const collection = await response.json();
  return collection.features
    .filter((f) => f.geometry && isMetropolitan(f.properties.code.slice(3, 5)))
    .map((f) => ({ id: f.properties.id, name: f.properties.name, d: pathOf(f.geometry) }));
}

function pathOf(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.flat().map((ring) => ring.map(([lon, lat], i) =>
    `${i ? "L" : "M"}${x(lon).toFixed(1)},${y(lat).toFixed(1)}`).join("") + "Z").join("");
}

async function loadLaureates() {
  const [{ nodes, totalCount }, generated, regions] = await Promise.all([api.laureatePoints(),
    api.generatedCount(), api.listRegions()]);
  const placed = nodes.filter((n) => n.location.latitude != null
    && isMetropolitan(n.location.regionCode));
  const overseas = nodes.filter((n) => !isMetropolitan(n.location.regionCode)).length;
  return { placed, total: totalCount, overseas, unplaced: totalCount - placed.length - overseas,
    generated, regions: new Map(regions.map((r) => [r.code, r.name])) };
}

function projectDetails(id) {
  if (!details.has(id)) {
    details.set(id, api.projectDetails(id).catch((error) => {
      details.delete(id); // a later hover asks again
      throw error;
    }));
  }
  return details.get(id);
}

// `source` is how the result was asked for ({name} or {scenario}): the funded set is read from
// the same result, page by page.
export async function drawMap(container, note, source) {
  const call = ++drawing;
  container.dataset.state = "loading";
  note.textContent = t("loading");
  if (outlines === null) outlines = loadOutlines();
  if (laureates === null) laureates = loadLaureates();
  let shapes;
  let points;
  let funded;
  try {
    [shapes, points, funded] = await Promise.all([outlines, laureates,
      api.fundedAllocations(source)]);
  } catch (error) {
    if (call !== drawing) return;
    outlines = null;
    laureates = null;
    container.replaceChildren();
    shown = null;
    document.querySelector(".map-pick").hidden = true;
    container.dataset.state = "error";
    note.replaceChildren(...api.inWords(t("noMap", { reason: api.API_WORDS }),
      api.errorText(error)));
    return;
  }
  if (call !== drawing) return;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img" });
  const territories = el("g", { class: "territories" });
  for (const t of shapes) {
    territories.append(el("path", { class: "territory", d: t.d, "data-id": t.id }, title(t.name)));
  }
  const unfunded = el("g", { class: "laureates" });
  const fundedLayer = el("g", { class: "laureates" }); // drawn last: on top
  let fundedCount = 0;
  const at = new Map();
  for (const p of points.placed) {
    const cx = x(p.location.longitude);
    const cy = y(p.location.latitude);
    at.set(p.id, [cx, cy]);
    const isFunded = funded.has(p.id);
    const name = p.company ? p.company.name : t("laureate");
    const label = t(isFunded ? "pointFunded" : "pointUnfunded", { name });
    if (isFunded) {
      fundedCount += 1;
      fundedLayer.append(el("circle", { class: "laureate funded", cx: cx.toFixed(1),
        cy: cy.toFixed(1), r: 2.8, "data-id": p.id }, title(label)));
    } else {
      unfunded.append(el("rect", { class: "laureate unfunded", x: (cx - 2.2).toFixed(1),
        y: (cy - 2.2).toFixed(1), width: 4.4, height: 4.4, "data-id": p.id }, title(label)));
    }
  }
  // The chosen point's ring, on top of every point (the page's focus colour while the list of
  // laureates has the keyboard focus).
  const ring = el("g", { class: "map-ring", visibility: "hidden" },
    el("circle", { class: "halo", r: 6.5 }), el("circle", { class: "mark", r: 6.5 }));
  svg.append(territories, unfunded, fundedLayer, ring);
  svg.setAttribute("aria-label", t("chart", { territories: fmt.int(shapes.length),
    placed: fmt.int(points.placed.length), funded: fmt.int(fundedCount) }));
  // The mouse's way to a laureate; the keyboard's is the list below (the points take no focus:
  // a tab stop for each of a thousand points would bar the way to the rest of the page).
  const pointed = (event) => {
    if (event.target.classList.contains("laureate")) choose(event.target.dataset.id);
  };
  svg.addEventListener("mouseover", pointed);
  svg.addEventListener("click", pointed);
  container.replaceChildren(svg, legend(points, fundedCount));
  container.dataset.state = "ready";
  note.textContent = caption(points, fundedCount);
  shown = { svg, funded, at };
  const picker = document.querySelector("#map-pick");
  fillPicker(picker, document.querySelector("#map-pick-label"), points.placed.map((p) => ({
    id: p.id, name: p.company ? p.company.name : t("laureate"),
    regionCode: p.location.regionCode })), funded, points.regions);
  if (!picker.dataset.wired) {
    picker.dataset.wired = "true";
    picker.addEventListener("change", () => { if (picker.value) choose(picker.value); });
  }
  picker.parentElement.hidden = false;
  // A laureate shown before this result: its details again, funded or not in this one.
  const before = document.querySelector("#map-details").dataset.projectId;
  if (before && at.has(before)) choose(before);
  performance.mark("map-drawn"); // read by the browser tests, which report the load time
}

function legend(points, fundedCount) {
  const symbol = (shape) => {
    const svg = el("svg", { viewBox: "0 0 12 12", width: 12, height: 12, "aria-hidden": "true" });
    svg.append(shape);
    return svg;
  };
  const entries = [
    [symbol(el("circle", { class: "funded", cx: 6, cy: 6, r: 4 })),
      t("funded", { n: fmt.int(fundedCount) })],
    [symbol(el("rect", { class: "unfunded", x: 2.5, y: 2.5, width: 7, height: 7 })),
      t("unfunded", { n: fmt.int(points.placed.length - fundedCount) })],
    [symbol(el("rect", { class: "generated", x: 1.5, y: 1.5, width: 9, height: 9 })),
      t("generated", { n: fmt.int(points.generated) })],
    [symbol(el("rect", { class: "territory", x: 0.5, y: 0.5, width: 11, height: 11 })),
      t("territory")],
  ];
  const list = document.createElement("ul");
  list.className = "map-legend";
  for (const [swatch, text] of entries) {
    const item = document.createElement("li");
    item.append(swatch, ` ${text}`);
    list.append(item);
  }
  return list;
}

function caption(points, fundedCount) {
  const left = [];
  if (points.overseas) left.push(t("overseas", { n: fmt.int(points.overseas) }));
  if (points.unplaced) left.push(t("unplaced", { n: fmt.int(points.unplaced) }));
  return t("caption", {
    total: fmt.int(points.total),
    placed: fmt.int(points.placed.length),
    funded: fmt.int(fundedCount),
    left: left.length ? t("notDrawn", { list: left.join(", ") }) : "",
    generated: fmt.int(points.generated),
  });
}

// ---- the details of one laureate: hovered, clicked or chosen in the list ------------------

async function choose(id) {
  if (!shown || !id || !shown.at.has(id)) return;
  const { svg, funded, at } = shown;
  const panel = document.querySelector("#map-details");
  svg.querySelectorAll(".laureate.selected").forEach((p) => p.classList.remove("selected"));
  svg.querySelector(`.laureate[data-id="${CSS.escape(id)}"]`).classList.add("selected");
  const ring = svg.querySelector(".map-ring");
  const [cx, cy] = at.get(id);
  ring.setAttribute("transform", `translate(${cx.toFixed(1)},${cy.toFixed(1)})`);
  ring.setAttribute("visibility", "visible");
  document.querySelector("#map-pick").value = id;
  panel.dataset.projectId = id;
  let project;
  try {
    project = await projectDetails(id);
  } catch (error) {
    if (panel.dataset.projectId === id) {
      panel.replaceChildren(...api.inWords(t("detailsUnavailable", { reason: api.API_WORDS }),
        api.errorText(error)));
    }
    return;
  }
  if (panel.dataset.projectId !== id || !project) return; // another point was hovered meanwhile
  panel.replaceChildren(...describe(project, funded.get(id)));
}

function describe(project, allocatedEur) {
  const company = project.company;
  const where = project.location;
  const heading = document.createElement("h4");
  heading.textContent = company ? company.name : project.name;
  const lines = [
    company && [company.siren ? t("siren", { siren: company.siren }) : t("noSiren"),
      SIZES.includes(company.size) ? t(company.size) : company.size, project.sector]
      .filter(Boolean).join(" · "),
    t("project", { name: project.name }),
    [where.communeCode ? t("commune", { code: where.communeCode }) : null,
      where.postalCode ? t("postalCode", { code: where.postalCode }) : null,
      t("department", { code: where.departmentCode })].filter(Boolean).join(", ") +
      ` · ${project.territory ? t("inTerritory", { name: project.territory.name }) : t("outside")}`,
    allocatedEur ? t("fundedWith", { eur: write.eur(allocatedEur) }) : t("notFunded"),
  ].filter(Boolean).map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  });
  const table = document.createElement("dl");
  for (const [key, unit] of FIGURES) {
    const figure = project.figures[key];
    const format = write[unit];
    const term = document.createElement("dt");
    term.textContent = t(key);
    const value = document.createElement("dd");
    value.textContent = t("figure", { value: format(figure.value),
      source: SOURCES.includes(figure.source) ? t(figure.source) : figure.source,
      low: format(figure.low), high: format(figure.high) });
    value.className = `source-${figure.source.toLowerCase()}`;
    table.append(term, value);
  }
  const origin = document.createElement("p");
  origin.className = "hint";
  origin.textContent = project.origin === "LAUREATE" ? t("realLaureate") : t("generatedProject");
  return [heading, ...lines, table, origin];
}
