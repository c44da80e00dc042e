// A choropleth of metropolitan France from the phase-2 territory outlines the server passes
// through from the reference folder. Phase-1 territories (where the projects are) have no outline
// file, so each phase-2 territory is coloured by its region's allocation.

import { el, fmt, title } from "./charts.js";

const WIDTH = 560;
const COS_LAT = Math.cos((46.5 * Math.PI) / 180); // equirectangular, true at mid-France
const SCALE = ["#d6d6fa", "#b1b1f6", "#8585f2", "#5a5ae6", "#2d2dc0", "#000091"];
let outlines = null;

export const isOverseas = (code) => code.length === 2 && code < "11";

function regionOf(feature) {
  const id = feature.properties.id_territoire || "";
  return id.slice(3, 5);
}

async function loadOutlines() {
  const response = await fetch("/geo/territories.geojson");
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(body.message || `outlines unavailable (${response.status})`);
  }
  const collection = await response.json();
  return collection.features.filter((f) => f.geometry && !isOverseas(regionOf(f)));
}

function rings(geometry) {
  if (geometry.type === "Polygon") return geometry.coordinates;
  if (geometry.type === "MultiPolygon") return geometry.coordinates.flat();
  return [];
}

function project(features) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    for (const ring of rings(f.geometry)) {
      for (const [lon, lat] of ring) {
        x0 = Math.min(x0, lon * COS_LAT);
        x1 = Math.max(x1, lon * COS_LAT);
        y0 = Math.min(y0, -lat);
        y1 = Math.max(y1, -lat);
      }
    }
  }
  const k = WIDTH / (x1 - x0);
  const height = Math.ceil((y1 - y0) * k);
  const paths = features.map((f) => {
    let d = "";
    for (const ring of rings(f.geometry)) {
      let last = null;
      ring.forEach(([lon, lat], i) => {
        const px = (lon * COS_LAT - x0) * k;
        const py = (-lat - y0) * k;
        // drop points closer than half a pixel to the last one kept: the file is detailed
        if (last && i < ring.length - 1 && Math.hypot(px - last[0], py - last[1]) < 0.5) return;
        d += `${last ? "L" : "M"}${px.toFixed(1)},${py.toFixed(1)}`;
        last = [px, py];
      });
      d += "Z";
    }
    return { region: regionOf(f), name: f.properties.lib_territoire, d };
  });
  return { height, paths };
}

function colour(value, max) {
  if (!value) return "#e5e5e5";
  const i = Math.min(SCALE.length - 1, Math.floor((value / max) * SCALE.length));
  return SCALE[i];
}

export async function drawMap(container, note, regions) {
  if (outlines === null) outlines = loadOutlines().then(project);
  let shape;
  try {
    shape = await outlines;
  } catch (error) {
    outlines = null;
    container.replaceChildren();
    note.textContent = `No map: ${error.message}. The bar chart shows the same figures.`;
    return;
  }
  const byCode = new Map(regions.map((r) => [r.code, r]));
  const metro = regions.filter((r) => !isOverseas(r.code));
  const max = Math.max(1, ...metro.map((r) => r.allocatedEur));
  const legendHeight = 30;
  const svg = el("svg", { viewBox: `0 0 ${WIDTH} ${shape.height + legendHeight}`, role: "img",
    "aria-label": "Map of metropolitan France, territories coloured by their region's allocation" });
  for (const p of shape.paths) {
    const region = byCode.get(p.region);
    const value = region ? region.allocatedEur : 0;
    const label = region
      ? `${p.name} — ${region.name}: ${fmt.meur(value)} M EUR for the region`
      : `${p.name} — no allocation`;
    svg.append(el("path", { d: p.d, fill: colour(value, max), "data-region": p.region },
      title(label)));
  }
  const y = shape.height + 8;
  SCALE.forEach((c, i) => {
    svg.append(el("rect", { x: 10 + i * 44, y, width: 44, height: 10, fill: c }));
  });
  svg.append(el("text", { x: 10, y: y + 22 }, "0"));
  svg.append(el("text", { x: 10 + SCALE.length * 44, y: y + 22, "text-anchor": "end" },
    `${fmt.meur(max)} M EUR per region`));
  container.replaceChildren(svg);
  note.textContent =
    "Outlines: the 183 phase-2 Territoires d'industrie (ANCT), the only published outlines; " +
    "each is coloured by its region's allocation, since the competing projects sit in phase-1 " +
    "territories. Overseas regions are in the table.";
}
