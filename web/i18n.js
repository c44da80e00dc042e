// The page's language and how it writes numbers: French by default, English on demand.
//
// Each module keeps its own words beside its code, both languages together:
//   const t = messages({ jobs: { fr: "{n} emplois", en: "{n} jobs" } });
//   t("jobs", { n: fmt.int(12207) })  // "12 207 emplois"
// Numbers, money, shares and dates are written by Intl in the page's locale (fmt), never by
// hand; a message only places them.

const STORAGE_KEY = "territoires.lang";
export const LANGUAGES = { fr: "fr-FR", en: "en-GB" };

function stored() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage refused (private mode): French, not remembered
  }
}

export function lang() {
  const chosen = stored();
  return chosen in LANGUAGES ? chosen : "fr";
}

export function locale() {
  return LANGUAGES[lang()];
}

// Remembered for the next visits; the page reloads so that every word changes at once.
export function setLang(code) {
  if (!(code in LANGUAGES)) throw new Error(`unknown language ${code}`);
  try {
    localStorage.setItem(STORAGE_KEY, code);
  } catch {
    // not remembered, but the reload below still cannot switch: nothing else to do
  }
  window.location.reload();
}

// `table` maps a key to {fr, en}; the returned t(key, vars) fills {name} placeholders.
export function messages(table) {
  for (const [key, entry] of Object.entries(table)) {
    if (typeof entry.fr !== "string" || typeof entry.en !== "string") {
      throw new Error(`message ${key} needs both fr and en`);
    }
  }
  return (key, vars = {}) => {
    const entry = table[key];
    if (!entry) throw new Error(`no message ${key}`);
    return entry[lang()].replace(/\{(\w+)\}/g, (whole, name) =>
      (name in vars ? String(vars[name]) : whole));
  };
}

// Static text: data-i18n="key" sets textContent; data-i18n-<attribute>="key" sets an attribute
// (aria-label, title, placeholder, alt...).
export function translatePage(t, root = document) {
  document.documentElement.lang = lang();
  for (const node of root.querySelectorAll("*")) {
    for (const { name, value } of [...node.attributes]) {
      if (name === "data-i18n") node.textContent = t(value);
      else if (name.startsWith("data-i18n-")) node.setAttribute(name.slice(10), t(value));
    }
  }
}

const cache = new Map();
function format(kind, options) {
  const key = `${locale()}|${kind}|${JSON.stringify(options)}`;
  if (!cache.has(key)) cache.set(key, new Intl.NumberFormat(locale(), options));
  return cache.get(key);
}

const UNITS = messages({
  meur: { fr: "{n} M€", en: "€{n}m" },
  points: { fr: "{n} pt", en: "{n} pt" },
});

export const fmt = {
  // 12 207 / 12,207
  int: (n) => format("int", { maximumFractionDigits: 0 }).format(Math.round(n)),
  // a plain decimal: 0,75 / 0.75
  num: (n, digits = 2) => format("num", { maximumFractionDigits: digits }).format(n),
  // millions of euros, one decimal, without the unit: 400,0 / 400.0
  meurNumber: (eur, digits = 1) => format("meur", {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(eur / 1e6),
  // millions of euros with the unit: 400,0 M€ / €400.0m
  meur: (eur, digits = 1) => UNITS("meur", { n: fmt.meurNumber(eur, digits) }),
  // euros: 1 234 567 € / €1,234,567
  eur: (eur) => format("eur", {
    style: "currency", currency: "EUR", maximumFractionDigits: 0,
  }).format(eur),
  // a share as a percentage: 69,0 % / 69.0%
  pct: (share, digits = 1) => format(`pct${digits}`, {
    style: "percent", minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(share),
  // a signed change in percentage points, the number by Intl: +1,5 pt / −1.5 pt
  points: (share, digits = 1) => UNITS("points", { n: format(`pt${digits}`, {
    signDisplay: "exceptZero", minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(share * 100) }),
  // a signed whole number: +1 234 / −1,234
  signedInt: (n) => format("signed", { signDisplay: "exceptZero", maximumFractionDigits: 0 })
    .format(Math.round(n)),
  // an ISO date or timestamp: 4 décembre 2026 / 4 December 2026
  date: (iso) => new Intl.DateTimeFormat(locale(), { dateStyle: "long" }).format(new Date(iso)),
  dateTime: (iso) => new Intl.DateTimeFormat(locale(), { dateStyle: "long", timeStyle: "short" })
    .format(new Date(iso)),
};

// The API and the engine speak English: in French, their words come after a lead-in that says
// so, instead of being passed off as French.
const LEAD_IN = messages({
  api: { fr: "Message du serveur (en anglais) : {text}", en: "{text}" },
});
export function fromApi(text) {
  return text ? LEAD_IN("api", { text }) : text;
}

// The same as an element, for where it is shown: the English words inside lang="en", so that a
// screen reader reads them with an English voice (the lead-in stays in the page's language).
export function apiText(text) {
  const span = document.createElement("span");
  if (!text) return span;
  const english = document.createElement("span");
  english.lang = "en";
  english.textContent = text;
  if (lang() === "en") {
    span.append(english);
    return span;
  }
  const [before, after] = LEAD_IN("api", { text: "\u0000" }).split("\u0000");
  span.append(before, english, after);
  return span;
}

// A number typed by a French or an English reader: "12 207", "0,75", "1.5", "75 %"; on the
// English page commas that group thousands too ("12,207", "1,234.5"), as English readers write.
// Returns {value} (a percent sign divides by 100) or {error: "empty" | "notANumber"}.
const ENGLISH_GROUPS = /^[-+\u2212]?\d{1,3}(,\d{3})+(\.\d*)?%?$/;
export function readNumber(raw) {
  let text = String(raw ?? "").replace(/[\s\u00a0\u202f]/g, "");
  if (text === "") return { error: "empty" };
  if (lang() === "en" && ENGLISH_GROUPS.test(text)) text = text.replace(/,/g, "");
  const percent = text.endsWith("%");
  const body = (percent ? text.slice(0, -1) : text).replace(",", ".").replace(/^\u2212/, "-");
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(body) || (text.match(/,/g) || []).length > 1) {
    return { error: "notANumber" };
  }
  const value = Number(body);
  return { value: percent ? value / 100 : value, percent };
}
