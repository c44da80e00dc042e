// Small SVG charts drawn by hand: no library, no build step.

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
function ticks(max, count = 5) {
  const raw = max / count || 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return { step, top: Math.ceil(max / step) * step || step };
}

export const fmt = {
  meur: (eur) => (eur / 1e6).toLocaleString("en-GB", { maximumFractionDigits: 1 }),
  int: (n) => Math.round(n).toLocaleString("en-GB"),
  pct: (share, digits = 1) => `${(share * 100).toFixed(digits)} %`,
};

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
    "aria-label": "Allocation by region, in millions of euros" });
  for (let t = 0; t <= axisTop + 1e-9; t += step) {
    svg.append(el("line", { class: "grid", x1: x(t * 1e6), x2: x(t * 1e6), y1: top - 4,
      y2: height }));
    svg.append(el("text", { x: x(t * 1e6), y: top - 8, "text-anchor": "middle" }, `${t}`));
  }
  rows.forEach((region, i) => {
    const y = top + i * rowHeight;
    const g = el("g", { class: "region-bar", "data-code": region.code });
    g.append(title(`${region.name}: ${fmt.meur(region.allocatedEur)} M EUR, ` +
      `${fmt.int(region.jobs)} jobs, ${region.projectsFunded} projects`));
    g.append(el("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, region.name));
    g.append(el("rect", { class: "bar", x: left, y: y + 3,
      width: Math.max(0, x(region.allocatedEur) - left), height: rowHeight - 6 }));
    g.append(el("text", { x: x(region.allocatedEur) + 4, y: y + 13 },
      fmt.meur(region.allocatedEur)));
    for (const bound of [region.minEur, region.maxEur]) {
      if (bound != null) {
        g.append(el("line", { class: "envelope", x1: x(bound), x2: x(bound), y1: y + 1,
          y2: y + rowHeight - 1 }, title(`envelope bound ${fmt.meur(bound)} M EUR`)));
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
    "aria-label": `Jobs against the ${label}` });
  for (let t = 0; t <= top + 1e-9; t += step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(t),
      y2: y(t) }));
    svg.append(el("text", { x: pad.left - 6, y: y(t) + 4, "text-anchor": "end" }, fmt.int(t)));
  }
  const xStep = ticks(xMax - xMin || 1, 8).step;
  for (let v = Math.ceil(xMin / xStep) * xStep; v <= xMax + 1e-9; v += xStep) {
    svg.append(el("text", { x: x(v), y: height - pad.bottom + 16, "text-anchor": "middle" },
      `${Math.round(v * 100)} %`));
  }
  svg.append(el("line", { class: "axis", x1: pad.left, x2: width - pad.right,
    y1: height - pad.bottom, y2: height - pad.bottom }));
  svg.append(el("text", { x: (pad.left + width - pad.right) / 2, y: height - 8,
    "text-anchor": "middle" }, label));
  svg.append(el("text", { x: 14, y: (pad.top + height - pad.bottom) / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${(pad.top + height - pad.bottom) / 2})` }, "jobs created"));
  if (current != null && current >= xMin && current <= xMax) {
    svg.append(el("line", { class: "current", x1: x(current), x2: x(current), y1: pad.top,
      y2: height - pad.bottom }, title(`this scenario: ${fmt.pct(current)}`)));
  }
  if (feasible.length > 1) {
    const d = feasible.map((p, i) => `${i ? "L" : "M"}${x(p.value)},${y(p.jobs)}`).join(" ");
    svg.append(el("path", { class: "curve", d }));
  }
  for (const p of points) {
    const ok = feasible.includes(p);
    svg.append(el("circle", { class: ok ? "point" : "point infeasible", cx: x(p.value),
      cy: ok ? y(p.jobs) : height - pad.bottom, r: 3.5 },
      title(ok ? `${fmt.pct(p.value)}: ${fmt.int(p.jobs)} jobs, ${fmt.meur(p.spentEur)} M EUR`
        : `${fmt.pct(p.value)}: ${p.status.toLowerCase()}`)));
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
    "aria-label": `Pareto front: ${xLabel} against ${yLabel}` });
  for (let t = ys.low; t <= ys.high + ys.step / 1e6; t += ys.step) {
    svg.append(el("line", { class: "grid", x1: pad.left, x2: width - pad.right, y1: y(t),
      y2: y(t) }));
    svg.append(el("text", { x: pad.left - 6, y: y(t) + 4, "text-anchor": "end" }, showY(t)));
  }
  for (let t = xs.low; t <= xs.high + xs.step / 1e6; t += xs.step) {
    svg.append(el("text", { x: x(t), y: height - pad.bottom + 16, "text-anchor": "middle" },
      showX(t)));
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
    title(`${xLabel} ${showX(p.xValue)}, ${yLabel} ${showY(p.yValue)}${p.efficient ? ""
      : ` (${p.status.toLowerCase().replace("_", " ")})`}`)));
  }
  container.replaceChildren(svg);
}
