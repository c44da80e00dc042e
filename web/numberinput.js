// Numbers typed in the scenario form as French or English readers write them: "12 207",
// "0,75", "0.75", "75 %". Each input says what it holds (data-kind):
//   percent: a field labelled in %: "75" and "75 %" are 75 %; a bare decimal from 0 to 1
//            written with a separator ("0,75") is read as a share, 75 %;
//   share:   a number from 0 to 1: "0,75" is 0.75, and so is "75 %";
//   number:  an amount or a count (M EUR, weights): no percent sign;
//   whole:   a whole number (draws, a seed, jobs): "1 000" is 1000; no decimals, no percent.
// A value that is not a number is refused naming the field by its label.
import { fmt, messages, readNumber } from "./i18n.js";

const t = messages({
  notANumber: {
    fr: "« {label} » : « {text} » n'est pas un nombre (exemple : {example}).",
    en: "{label}: \"{text}\" is not a number (e.g. {example}).",
  },
  noPercent: {
    fr: "« {label} » : « {text} » n'est pas un montant : pas de % ici (exemple : {example}).",
    en: "{label}: \"{text}\" is an amount, not a percentage (e.g. {example}).",
  },
  notWhole: {
    fr: "« {label} » : « {text} » n'est pas un nombre entier (exemple : {example}).",
    en: "{label}: \"{text}\" is not a whole number (e.g. {example}).",
  },
  either: { fr: "{a} ou {b}", en: "{a} or {b}" },
  understood: { fr: "compris : {value}", en: "read as {value}" },
});

// Written by Intl in the page's notation, so that each reads back as its value ("12,207" on
// the English page, "12 207" on the French one).
function example(kind) {
  if (kind === "whole") return fmt.int(2000);
  if (kind === "number") return t("either", { a: fmt.int(12207), b: fmt.num(0.5) });
  return t("either", { a: fmt.num(0.75), b: fmt.pct(0.75, 0) });
}

// "0,75" or "0.5" in a percent field: a share, not 0.75 %.
function looksLikeShare(text, value) {
  return /[.,]/.test(text) && value >= 0 && value <= 1;
}

// The value an input holds for the API ({value}: null when empty; a share for percent and
// share fields) or {error} naming the field `label`; `kind` as above, the input's by default.
export function readTyped(input, label, kind = input.dataset.kind ?? "number") {
  const text = input.value.trim();
  // an <input type="number"> holding text shows it but gives "" as its value
  const read = input.validity?.badInput ? { error: "notANumber" } : readNumber(text);
  if (read.error === "empty") return { value: null };
  const shown = text || input.value;
  if (read.error || !Number.isFinite(read.value)) {
    return { error: t("notANumber", { label, text: shown, example: example(kind) }) };
  }
  if (kind === "whole") {
    return read.percent || !Number.isInteger(read.value)
      ? { error: t("notWhole", { label, text: shown, example: example(kind) }) }
      : { value: read.value };
  }
  if (kind === "number") {
    return read.percent
      ? { error: t("noPercent", { label, text: shown, example: example(kind) }) }
      : { value: read.value };
  }
  if (kind === "share" || read.percent || looksLikeShare(text, read.value)) {
    return { value: read.value };
  }
  return { value: read.value / 100 };
}

// What was understood, when the notation could be read two ways: "0,75" in a percent field is
// 75 %, "75 %" in a share field is 0.75. Empty otherwise.
export function understood(input) {
  const kind = input.dataset.kind;
  const read = readNumber(input.value);
  if (read.error || !Number.isFinite(read.value)) return "";
  if (kind === "percent" && !read.percent && looksLikeShare(input.value.trim(), read.value)) {
    return t("understood", { value: fmt.pct(read.value) });
  }
  if (kind === "share" && read.percent) return t("understood", { value: fmt.num(read.value, 4) });
  return "";
}

let hints = 0; // for the hints' ids

// The input's hint area: its own <small class="hint understood">, made beside it once and
// named as the input's description.
function hintOf(input) {
  const next = input.nextElementSibling;
  if (next?.classList.contains("understood")) return next;
  const hint = document.createElement("small");
  hint.className = "hint understood";
  hint.id = `understood-${++hints}`;
  hint.setAttribute("aria-live", "polite");
  input.after(hint);
  const described = input.getAttribute("aria-describedby");
  input.setAttribute("aria-describedby", described ? `${described} ${hint.id}` : hint.id);
  return hint;
}

// Keeps every typed number's reading shown as the planner types, in the inputs under `root`.
export function showReadings(root) {
  root.addEventListener("input", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.kind) return;
    const text = understood(input);
    if (text || input.nextElementSibling?.classList.contains("understood")) {
      hintOf(input).textContent = text;
    }
  });
  root.addEventListener("reset", () => {
    root.querySelectorAll(".understood").forEach((hint) => { hint.textContent = ""; });
  });
}

// A number input built by the form: text typed in either notation, the decimal keyboard.
export function numberInput(kind, label, attrs = {}) {
  const input = document.createElement("input");
  input.type = "text";
  input.inputMode = "decimal";
  input.autocomplete = "off";
  input.dataset.kind = kind;
  input.setAttribute("aria-label", label);
  Object.assign(input, attrs);
  return input;
}
