// The map's laureates as one labelled list the keyboard walks with the arrow keys (and a screen
// reader reads), instead of a tab stop per point: the funded ones first, then the others, each
// by its company's name and its region. Choosing one shows the same details as a click.

import { fmt, lang, messages } from "./i18n.js";

const t = messages({
  label: { fr: "Choisir un lauréat sur la carte", en: "Pick a laureate on the map" },
  none: { fr: "— aucun lauréat choisi —", en: "— no laureate picked —" },
  funded: { fr: "Financés dans ce scénario ({n})", en: "Funded in this scenario ({n})" },
  unfunded: { fr: "Non financés dans ce scénario ({n})", en: "Not funded in this scenario ({n})" },
  option: { fr: "{name} — {region}", en: "{name} — {region}" },
  // Several projects of one company in one region: told apart by their rank.
  same: { fr: "{label} ({k} sur {n})", en: "{label} ({k} of {n})" },
});

// `points`: [{id, name, regionCode}] as drawn; `funded`: the result's Map id -> euros;
// `regions`: Map code -> name. The choice in place is kept when the point is still listed.
export function fillPicker(select, label, points, funded, regions) {
  label.textContent = t("label");
  const kept = select.value;
  const labelled = points.map((p) => ({ id: p.id, funded: funded.has(p.id),
    text: t("option", { name: p.name, region: regions.get(p.regionCode) ?? p.regionCode }) }));
  const order = new Intl.Collator(lang(), { sensitivity: "base", numeric: true });
  labelled.sort((a, b) => order.compare(a.text, b.text) || (a.id < b.id ? -1 : 1));
  numberRepeats(labelled);
  const none = new Option(t("none"), "");
  const groups = [true, false].map((isFunded) => {
    const members = labelled.filter((p) => p.funded === isFunded);
    const group = document.createElement("optgroup");
    group.label = t(isFunded ? "funded" : "unfunded", { n: fmt.int(members.length) });
    group.append(...members.map((p) => new Option(p.text, p.id)));
    return group;
  });
  select.replaceChildren(none, ...groups.filter((g) => g.children.length));
  select.value = labelled.some((p) => p.id === kept) ? kept : "";
}

function numberRepeats(labelled) {
  const counts = new Map();
  for (const p of labelled) counts.set(p.text, (counts.get(p.text) ?? 0) + 1);
  const seen = new Map();
  for (const p of labelled) {
    const n = counts.get(p.text);
    if (n === 1) continue;
    const k = (seen.get(p.text) ?? 0) + 1;
    seen.set(p.text, k);
    p.text = t("same", { label: p.text, k: fmt.int(k), n: fmt.int(n) });
  }
}
