// Small SVG charts drawn by hand: no library, no build step.
import { fmt, messages } from "./i18n.js";

const t = messages({
  regionChart: { fr: "Répartition par région, en millions d'euros",
    en: "Allocation by region, in millions of euros" },
  regionTitle: { fr: "{name} : {eur}, {jobs} emplois, {projects} projets",
    en: "{name}: {eur}, {jobs} jobs, {projects} projects" },
  envelopeBound: { fr: "borne de l'enveloppe régionale : {eur}", en: "envelope bound {eur}" },
  curveChart: { fr: "Emplois créés selon le {label}", en: "Jobs against the {label}" },
  jobsAxis: { fr: "emplois créés", en: "jobs created" },
  current: { fr: "ce scénario : {share}", en: "this scenario: {share}" },
  pointTitle: { fr: "{share} : {jobs} emplois, {eur}", en: "{share}: {jobs} jobs, {eur}" },
  pointStatus: { fr: "{share} : {status}", en: "{share}: {status}" },
  frontChart: { fr: "Front de Pareto : {x} selon {y}", en: "Pareto front: {x} against {y}" },
  frontPoint: { fr: "{x} {xValue}, {y} {yValue}", en: "{x} {xValue}, {y} {yValue}" },
});

// How the page names a status of the API (SimulationStatus, ParetoStatus...); in English, as
// the API spells it, in lower case.
const STATUSES = messages({
  OPTIMAL: { fr: "optimal", en: "optimal" },
  FEASIBLE: { fr: "réalisable, optimum non prouvé", en: "feasible" },
  INFEASIBLE: { fr: "irréalisable", en: "infeasible" },
  TIME_LIMIT: { fr: "limite de temps atteinte", en: "time limit" },
  ERROR: { fr: "erreur du solveur", en: "error" },
  EFFICIENT: { fr: "efficace", en: "efficient" },
  DUPLICATE: { fr: "doublon", en: "duplicate" },
  UNPROVEN: { fr: "non prouvé", en: "unproven" },
  INVALID: { fr: "invalide", en: "invalid" },
});
const KNOWN = ["OPTIMAL", "FEASIBLE", "INFEASIBLE", "TIME_LIMIT", "ERROR", "EFFICIENT",
  "DUPLICATE", "UNPROVEN", "INVALID"];
export function statusWord(status) {
  return KNOWN.includes(status) ? STATUSES(status) : status.toLowerCase().replace("_", " ");
}

const NS = "http://www.w3.org/2000/svg";

export function el(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) {
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function title(text) {
  return el("title", {}, text);
}

// A "nice" upper bound and tick step for an axis starting at zero.
export function ticks(max, count = 5) {
  const raw = max / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return { step, top: Math.ceil(max / step) * step || step };
}

export function regionBars(container, regions) {
  const rows = [...regions].sort((a, b) => b.allocatedEur - a.allocatedEur);
  const width = 560;
  const left = 170;
  const right = 70;
  const rowHeight = 20;
  const top = 20;
  const height = top + rows.length * rowHeight + 6;
  const max = Math.max(1, ...rows.map((r) => Math.max(r.allocatedEur, r.maxEur ?? 0)));
  const { step, top: axisTop } = ticks(max / 1e6);
  const x = (eur) => left + ((eur / 1e6) / axisTop) * (width - left - right);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("regionChart") });
  for (let tick = 0; tick <= axisTop + 1e-9; tick += step) {
    svg.append(el("line", { class: "grid", x1: x(tick * 1e6), x2: x(tick * 1e6), y1: top - 4,
      y2: height }));
    svg.append(el("text", { x: x(tick * 1e6), y: top - 8, "text-anchor": "middle" },
      fmt.num(tick)));
  }
  rows.forEach((region, i) => {
    const y = top + i * rowHeight;
    const g = el("g", { class: "region-bar", "data-code": region.code });
    g.append(title(t("regionTitle", { name: region.name, eur: fmt.meur(region.allocatedEur),
      jobs: fmt.int(region.jobs), projects: fmt.int(region.projectsFunded) })));
    g.append(el("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, region.name));
    g.append(el("rect", { class: "bar", x: left, y: y + 3,
      width: Math.max(0, x(region.allocatedEur) - left), height: rowHeight - 6 }));
    g.append(el("text", { x: x(region.allocatedEur) + 4, y: y + 13 },
      fmt.meurNumber(region.allocatedEur)));
    for (const bound of [region.minEur, region.maxEur]) {
      if (bound != null) {
        g.append(el("line", { class: "envelope", x1: x(bound), x2: x(bound), y1: y + 1,
          y2: y + rowHeight - 1 }, title(t("envelopeBound", { eur: fmt.meur(bound) }))));
      }
    }
    svg.append(g);
  });
  container.replaceChildren(svg);
}

export function curveChart(container, points, { label, current }) {
  const width = 640;
  const height = 300;
  const pad = { left: 64, right: 20, top: 16, bottom: 44 };
  const xs = points.map((p) => p.value);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const feasible = points.filter((p) => p.status === "OPTIMAL" || p.status === "FEASIBLE");
  const yMax = Math.max(1, ...feasible.map((p) => p.jobs));
  const { step, top } = ticks(yMax);
  const x = (v) => pad.left + ((v - xMin) / (xMax - xMin || 1)) * (width - pad.left - pad.right);
  const y = (j) => height - pad.bottom - (j / top) * (height - pad.top - pad.bottom);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("curveChart", { label }) });
  for (let tick = 0; tick <= top + 1e-9; tick += step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(tick),
      y2: y(tick) }));
    svg.append(el("text", { x: pad.left - 6, y: y(tick) + 4, "text-anchor": "end" },
      fmt.int(tick)));
  }
  const xStep = ticks(xMax - xMin || 1, 8).step;
  for (let v = Math.ceil(xMin / xStep) * xStep; v <= xMax + 1e-9; v += xStep) {
    svg.append(el("text", { x: x(v), y: height - pad.bottom + 16, "text-anchor": "middle" },
      fmt.pct(v, 0)));
  }
  svg.append(el("line", { class: "axis", x1: pad.left, x2: width - pad.right,
    y1: height - pad.bottom, y2: height - pad.bottom }));
  svg.append(el("text", { x: (pad.left + width - pad.right) / 2, y: height - 8,
    "text-anchor": "middle" }, label));
  svg.append(el("text", { x: 14, y: (pad.top + height - pad.bottom) / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${(pad.top + height - pad.bottom) / 2})` }, t("jobsAxis")));
  if (current != null && current >= xMin && current <= xMax) {
    svg.append(el("line", { class: "current", x1: x(current), x2: x(current), y1: pad.top,
      y2: height - pad.bottom }, title(t("current", { share: fmt.pct(current) }))));
  }
  if (feasible.length > 1) {
    const d = feasible.map((p, i) => `${i ? "L" : "M"}${x(p.value)},${y(p.jobs)}`).join(" ");
    svg.append(el("path", { class: "curve", d }));
  }
  for (const p of points) {
    const ok = feasible.includes(p);
    svg.append(el("circle", { class: ok ? "point" : "point infeasible", cx: x(p.value),
      cy: ok ? y(p.jobs) : height - pad.bottom, r: 3.5 },
      title(ok ? t("pointTitle", { share: fmt.pct(p.value), jobs: fmt.int(p.jobs),
        eur: fmt.meur(p.spentEur) })
        : t("pointStatus", { share: fmt.pct(p.value), status: statusWord(p.status) }))));
  }
  container.replaceChildren(svg);
}

// A nice axis from below `min` to above `max` (a front rarely starts at zero).
function span(min, max, count = 5) {
  const { step } = ticks(max - min || Math.abs(max) || 1, count);
  const low = Math.floor(min / step) * step;
  return { step, low, high: Math.max(Math.ceil(max / step) * step, low + step) };
}

// A Pareto front: criterion x across, criterion y up, `show` writes a value of either axis.
// Points that have values are drawn (class `unproven` when not proven efficient), joined in
// order of x; each circle carries its values (data-x, data-y).
export function frontChart(container, points, { xLabel, yLabel, showX, showY }) {
  const width = 640;
  const height = 320;
  const pad = { left: 76, right: 20, top: 16, bottom: 44 };
  const drawn = points.filter((p) => !["INFEASIBLE", "ERROR"].includes(p.status));
  const xs = span(Math.min(...drawn.map((p) => p.xValue)), Math.max(...drawn.map((p) => p.xValue)));
  const ys = span(Math.min(...drawn.map((p) => p.yValue)), Math.max(...drawn.map((p) => p.yValue)));
  const x = (v) => pad.left + ((v - xs.low) / (xs.high - xs.low)) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom
    - ((v - ys.low) / (ys.high - ys.low)) * (height - pad.top - pad.bottom);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img",
    "aria-label": t("frontChart", { x: xLabel, y: yLabel }) });
  for (let tick = ys.low; tick <= ys.high + ys.step / 1e6; tick += ys.step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(tick),
      y2: y(tick) }));
    svg.append(el("text", { x: pad.left - 6, y: y(tick) + 4, "text-anchor": "end" },
      showY(tick)));
  }
  for (let tick = xs.low; tick <= xs.high + xs.step / 1e6; tick += xs.step) {
    svg.append(el("text", { x: x(tick), y: height - pad.bottom + 16, "text-anchor": "middle" },
      showX(tick)));
  }
  svg.append(el("line", { class: "axis", x1: pad.left, x2: width - pad.right,
    y1: height - pad.bottom, y2: height - pad.bottom }));
  svg.append(el("text", { x: (pad.left + width - pad.right) / 2, y: height - 8,
    "text-anchor": "middle" }, xLabel));
  const middle = (pad.top + height - pad.bottom) / 2;
  svg.append(el("text", { x: 14, y: middle, "text-anchor": "middle",
    transform: `rotate(-90 14 ${middle})` }, yLabel));
  const line = [...drawn].sort((a, b) => a.xValue - b.xValue);
  if (line.length > 1) {
    const d = line.map((p, i) => `${i ? "L" : "M"}${x(p.xValue)},${y(p.yValue)}`).join(" ");
    svg.append(el("path", { class: "curve", d }));
  }
  for (const p of drawn) {
    svg.append(el("circle", { class: p.efficient ? "point" : "point unproven", cx: x(p.xValue),
      cy: y(p.yValue), r: 3.5, "data-x": p.xValue, "data-y": p.yValue },
    title(t("frontPoint", { x: xLabel, xValue: showX(p.xValue), y: yLabel,
      yValue: showY(p.yValue) }) + (p.efficient ? "" : ` (${statusWord(p.status)})`))));
  }
  container.replaceChildren(svg);
}
