// Metropolitan France with the phase-1 Territoires d'industrie (the territories the fund served,
// outlines simplified by the server) and the fund's laureates at their GPS position, funded or
// not in the current result. Generated candidates have no position: counted, never drawn.
// The map speaks French, as the data it shows: "déclaré" / "estimé" are the figures' sources.

import * as api from "./api.js";
import { el, title } from "./charts.js";

const WIDTH = 560;
const COS_LAT = Math.cos((46.5 * Math.PI) / 180); // equirectangular, true at mid-France
// Metropolitan France and Corsica, in degrees, with a small margin.
const FRAME = { west: -5.3, east: 9.9, south: 41.2, north: 51.2 };
const K = WIDTH / ((FRAME.east - FRAME.west) * COS_LAT);
const HEIGHT = Math.ceil((FRAME.north - FRAME.south) * K);
const SOURCES = { STATED: "déclaré", ESTIMATED: "estimé", GENERATED: "généré" };
// Company size classes (CompanySize), as the open dataset writes them.
const SIZES = { TPE_PME: "TPE / PME", ETI: "ETI", GE: "GE", ASSOCIATION: "Association",
  AUTRE: "Autre" };
const FIGURES = [
  ["investment", "Investissement", "eur"],
  ["aidRequested", "Aide demandée", "eur"],
  ["jobsCreated", "Emplois créés", "int"],
  ["jobsKept", "Emplois maintenus", "int"],
  ["co2Avoided", "CO₂ évité (t/an)", "int"],
];

// Loaded once per page: neither the outlines nor the laureates change with the scenario.
let outlines = null;
let laureates = null;
const details = new Map(); // project id -> promise of its details
let drawing = 0; // the latest drawMap call: an older one that finishes later draws nothing

const isMetropolitan = (code) => code.length === 2 && code >= "11";
// Overseas: the regions 01-06 and the collectivities (New Caledonia 988, French Polynesia 987).
export const isOverseas = (code) => !isMetropolitan(code);

const x = (lon) => (lon - FRAME.west) * COS_LAT * K;
const y = (lat) => (FRAME.north - lat) * K;

const fr = {
  int: (n) => Math.round(n).toLocaleString("fr-FR"),
  eur: (eur) => (eur >= 1e6
    ? `${(eur / 1e6).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} M€`
    : `${Math.round(eur / 1e3).toLocaleString("fr-FR")} k€`),
};

async function loadOutlines() {
  const response = await fetch("/geo/territories-phase1.geojson");
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `outlines unavailable (${response.status})`);
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
  const [{ nodes, totalCount }, generated] = await Promise.all([api.laureatePoints(),
    api.generatedCount()]);
  const placed = nodes.filter((n) => n.location.latitude != null
    && isMetropolitan(n.location.regionCode));
  const overseas = nodes.filter((n) => !isMetropolitan(n.location.regionCode)).length;
  return { placed, total: totalCount, overseas, unplaced: totalCount - placed.length - overseas,
    generated };
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
  note.textContent = "Carte : lecture des lauréats et des projets financés dans ce scénario…";
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
    container.dataset.state = "error";
    note.textContent = `Pas de carte : ${error.message}. Le graphique en barres montre la ` +
      "répartition.";
    return;
  }
  if (call !== drawing) return;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img",
    "aria-label": "Carte de la France métropolitaine : territoires d'industrie (phase 1) et " +
      "lauréats du fonds, financés ou non dans ce scénario" });
  const territories = el("g", { class: "territories" });
  for (const t of shapes) {
    territories.append(el("path", { class: "territory", d: t.d, "data-id": t.id }, title(t.name)));
  }
  const unfunded = el("g", { class: "laureates" });
  const fundedLayer = el("g", { class: "laureates" }); // drawn last: on top
  let fundedCount = 0;
  for (const p of points.placed) {
    const cx = x(p.location.longitude);
    const cy = y(p.location.latitude);
    const isFunded = funded.has(p.id);
    const name = p.company ? p.company.name : "Lauréat";
    const label = `${name} — ${isFunded ? "financé" : "non financé"} dans ce scénario`;
    if (isFunded) {
      fundedCount += 1;
      fundedLayer.append(el("circle", { class: "laureate funded", cx: cx.toFixed(1),
        cy: cy.toFixed(1), r: 2.8, "data-id": p.id }, title(label)));
    } else {
      unfunded.append(el("rect", { class: "laureate unfunded", x: (cx - 2.2).toFixed(1),
        y: (cy - 2.2).toFixed(1), width: 4.4, height: 4.4, "data-id": p.id }, title(label)));
    }
  }
  svg.append(territories, unfunded, fundedLayer);
  svg.addEventListener("mouseover", (event) => show(event.target, funded));
  svg.addEventListener("click", (event) => show(event.target, funded));
  container.replaceChildren(svg, legend(points, fundedCount));
  container.dataset.state = "ready";
  note.textContent = caption(points, fundedCount);
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
      `Lauréat financé dans ce scénario (${fr.int(fundedCount)})`],
    [symbol(el("rect", { class: "unfunded", x: 2.5, y: 2.5, width: 7, height: 7 })),
      `Lauréat non financé (${fr.int(points.placed.length - fundedCount)})`],
    [symbol(el("rect", { class: "generated", x: 1.5, y: 1.5, width: 9, height: 9 })),
      `Candidat généré (données simulées) : ${fr.int(points.generated)}, non dessinés ` +
      "(sans position)"],
    [symbol(el("rect", { class: "territory", x: 0.5, y: 0.5, width: 11, height: 11 })),
      "Territoire d'industrie (phase 1)"],
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
  if (points.overseas) left.push(`${fr.int(points.overseas)} outre-mer`);
  if (points.unplaced) {
    left.push(`${fr.int(points.unplaced)} sans position GPS (localisés par code postal ou ` +
      "département)");
  }
  return `Lauréats : les ${fr.int(points.total)} projets réels du fonds (open data « Plan de ` +
    "relance – projets industriels », DGE, printemps 2022) ; " +
    `${fr.int(points.placed.length)} sont placés à leur position GPS, dont ` +
    `${fr.int(fundedCount)} financés dans ce scénario` +
    `${left.length ? `, et ${left.join(", ")}, non dessinés` : ""}. ` +
    `Candidats générés : ${fr.int(points.generated)} projets simulés pour compléter le vivier ` +
    "de candidats, sans position : ils comptent dans le résultat mais pas sur la carte. " +
    "Survolez ou cliquez un point pour voir l'entreprise et ses chiffres.";
}

// ---- the details of one laureate, on hover or click --------------------------------------

async function show(target, funded) {
  if (!target.classList || !target.classList.contains("laureate") || !target.dataset.id) return;
  const panel = document.querySelector("#map-details");
  const id = target.dataset.id;
  document.querySelectorAll("#map .laureate.selected").forEach((p) => {
    p.classList.remove("selected");
  });
  target.classList.add("selected");
  panel.dataset.projectId = id;
  let project;
  try {
    project = await projectDetails(id);
  } catch (error) {
    if (panel.dataset.projectId === id) {
      panel.textContent = `Détails indisponibles : ${error.message}`;
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
    company && [company.siren ? `SIREN ${company.siren}` : "SIREN non publié",
      SIZES[company.size], project.sector].filter(Boolean).join(" · "),
    `Projet : ${project.name}`,
    [where.communeCode ? `commune ${where.communeCode}` : null,
      where.postalCode ? `code postal ${where.postalCode}` : null,
      `département ${where.departmentCode}`].filter(Boolean).join(", ") +
      ` · ${project.territory ? `territoire : ${project.territory.name}`
        : "hors des territoires d'industrie (phase 1)"}`,
    allocatedEur ? `Financé dans ce scénario : ${fr.eur(allocatedEur)} d'aide`
      : "Non financé dans ce scénario",
  ].filter(Boolean).map((text) => {
    const p = document.createElement("p");
    p.textContent = text;
    return p;
  });
  const table = document.createElement("dl");
  for (const [key, label, unit] of FIGURES) {
    const figure = project.figures[key];
    const format = fr[unit];
    const term = document.createElement("dt");
    term.textContent = label;
    const value = document.createElement("dd");
    value.textContent = `${format(figure.value)} (${SOURCES[figure.source]}, entre ` +
      `${format(figure.low)} et ${format(figure.high)})`;
    value.className = `source-${figure.source.toLowerCase()}`;
    table.append(term, value);
  }
  const origin = document.createElement("p");
  origin.className = "hint";
  origin.textContent = project.origin === "LAUREATE"
    ? "Lauréat réel du fonds. « déclaré » : chiffre publié dans la description du projet ; " +
      "« estimé » : chiffre absent de la publication, estimé par le modèle ; fourchette du 10e " +
      "au 90e centile."
    : "Candidat généré : données simulées.";
  return [heading, ...lines, table, origin];
}
