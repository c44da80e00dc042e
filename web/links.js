// Where a result or a comparison can be downloaded (Excel, CSV) or printed: the API serves
// them from how the result was asked for, in the page's language.
import { lang } from "./i18n.js";

// `source` is {name} of a saved or shipped scenario, or {scenario}: the ScenarioInput the
// page sent to simulate. `kind` is "xlsx" or "csv".
export function resultExport(source, kind) {
  const query = new URLSearchParams();
  let path;
  if (source.name != null) {
    path = `/exports/scenarios/${encodeURIComponent(source.name)}.${kind}`;
  } else {
    path = `/exports/simulate.${kind}`;
    query.set("scenario", JSON.stringify(source.scenario));
  }
  query.set("lang", lang());
  return `${path}?${query}`;
}

// The file name the server gives the download, kept by the link's download attribute.
export function resultFileName(source, kind) {
  return `territoires-${source.name != null ? source.name : "simulation"}.${kind}`;
}

// The printable one-page report of the same result (it reads the language itself).
export function reportLink(source) {
  const query = new URLSearchParams();
  if (source.name != null) query.set("name", source.name);
  else query.set("scenario", JSON.stringify(source.scenario));
  return `/report?${query}`;
}

// A comparison of saved or shipped scenarios, in the order ticked.
export function comparisonExport(names, kind) {
  const query = new URLSearchParams();
  for (const name of names) query.append("names", name);
  query.set("lang", lang());
  return `/exports/comparison.${kind}?${query}`;
}

export function comparisonFileName(kind) {
  return `territoires-comparaison.${kind}`;
}
