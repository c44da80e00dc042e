// The result's explanation in the page's language: the binding constraints and their prices
// (worded by constraints.js, as in the printed report), the simple rules the optimum is
// measured against.
import { bindingHint, namesOf, priceSentence } from "./constraints.js";
import { lang, messages } from "./i18n.js";

const t = messages({
  greedy_jobs_per_euro: {
    fr: "Au plus d'emplois par euro (sans planchers ni enveloppes)",
    en: "Greedy by jobs per euro (ignores floors and envelopes)",
  },
  greedy_with_floors: {
    fr: "Au plus d'emplois par euro, planchers et enveloppes respectés",
    en: "Greedy by jobs per euro keeping the floors and envelopes",
  },
  pro_rata: { fr: "Au prorata de l'aide demandée", en: "Pro rata to requested aid" },
});

// A binding constraint as a list item: its price in words (a region by its name, among
// `regions` [{code, name}]), then which constraint binds as a hint.
export function bindingItem(b, regions) {
  const names = namesOf(regions);
  const li = document.createElement("li");
  li.append(priceSentence(b, names), bindingHint(b, names));
  return li;
}

// A simple rule's name in the page's language (the API's label for a rule it adds later).
export function baselineLabel(b) {
  const known = ["greedy_jobs_per_euro", "greedy_with_floors", "pro_rata"].includes(b.name);
  return known && lang() === "fr" ? t(b.name) : b.label;
}
