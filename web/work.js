// Long work on the page (a solve, a curve, a comparison, a front): the progress line says what
// runs, for how long and, when the work counts its steps, how far it is; the cancel button stops
// it. A cancelled work changes nothing shown: its caller gets null and keeps the page as it was.
import { errorText } from "./api.js";
import { fmt, messages } from "./i18n.js";

// The line reads "{label}… {seconds} s" or "{label}… {done} / {total} ({seconds} s)": the
// seconds sit apart, hidden from screen readers, so the live region announces the label and
// the count when they change, not a clock ten times a second.
const t = messages({
  running: { fr: "{label}…", en: "{label}…" },
  counted: { fr: "{label}… {done} / {total}", en: "{label}… {done} / {total}" },
  seconds: { fr: " {seconds} s", en: " {seconds} s" },
  countedSeconds: { fr: " ({seconds} s)", en: " ({seconds} s)" },
  refused: { fr: "Un calcul est déjà en cours : attendez qu'il finisse ou annulez-le.",
    en: "A computation is already running: wait for it to end or cancel it." },
  cancelled: { fr: "Annulé", en: "Cancelled" },
});

const $ = (selector) => document.querySelector(selector);

let running = null; // the AbortController of the work under way, if any

// The #cancel button stops the work under way; wired once, whoever asks first.
function wireCancel() {
  const cancel = $("#cancel");
  if (cancel && !cancel.dataset.wired) {
    cancel.dataset.wired = "true";
    cancel.addEventListener("click", () => running?.abort());
  }
  return cancel;
}

function isCancel(error, signal) {
  return signal.aborted || error?.name === "AbortError";
}

// One work at a time: every button, and every other control whose change starts work
// (data-starts-work), waits while it runs, except the cancel button, the language switch (a
// reload in the other language drops the work) and the controls of a panel's own work
// (data-keep-enabled: the sweep's cancel). A panel still computing on its own (data-working)
// keeps its button disabled afterwards.
const NEVER_LOCKED = new Set(["cancel", "lang-switch"]);
function lockControls(locked) {
  document.querySelectorAll("button, [data-starts-work]").forEach((control) => {
    if (NEVER_LOCKED.has(control.id) || "keepEnabled" in control.dataset) return;
    control.disabled = locked || "working" in control.dataset;
  });
}

let home = null; // where the progress line sits in the page, between works placed elsewhere

// Runs `work(progress, signal)`: `progress(done, total)` moves the bar and the count, `signal`
// aborts when the planner cancels (pass it to the API's requests, check it between steps).
// `place`, an element, shows the progress line there (beside the form that started the work)
// rather than under the scenario form. Returns what the work returns; null when it was
// cancelled or failed (its error shown).
export async function track(label, work, { place = null } = {}) {
  if (running) {
    // the controls are locked meanwhile: only a script (a key held down...) gets here
    const alert = $("#api-error");
    alert.replaceChildren(t("refused"));
    alert.hidden = false;
    return null;
  }
  const box = $("#progress");
  home ??= box.parentElement;
  const where = place ?? home;
  if (box.parentElement !== where) where.append(box);
  const text = $("#progress-text");
  const bar = $("#progress-bar");
  const spinner = box.querySelector(".spinner");
  const cancel = wireCancel();
  const controller = new AbortController();
  const alert = $("#api-error");
  const alertWasHidden = alert.hidden;
  running = controller;
  const started = performance.now();
  let count = null;
  const what = document.createElement("span");
  const time = document.createElement("span");
  time.setAttribute("aria-hidden", "true");
  text.replaceChildren(what, time);
  const say = () => {
    const words = count ? t("counted", { label, ...count }) : t("running", { label });
    if (what.textContent !== words) what.textContent = words;
  };
  const tick = () => {
    const seconds = fmt.num((performance.now() - started) / 1000, 1);
    time.textContent = t(count ? "countedSeconds" : "seconds", { seconds });
  };
  const progress = (done, total) => {
    count = { done: fmt.int(done), total: fmt.int(total) };
    if (bar) {
      bar.max = total;
      bar.value = done;
    }
    say();
    tick();
  };
  if (bar) {
    bar.hidden = false;
    bar.max = 1;
    bar.removeAttribute("value"); // indeterminate until the work counts its steps
  }
  if (spinner) spinner.hidden = false;
  if (cancel) cancel.hidden = false;
  say();
  tick();
  const timer = setInterval(tick, 100);
  box.hidden = false;
  $("#results").setAttribute("aria-busy", "true");
  lockControls(true);
  alert.hidden = true;
  let outcome = "done";
  try {
    const value = await work(progress, controller.signal);
    if (controller.signal.aborted) {
      outcome = "cancelled";
      return null;
    }
    return value;
  } catch (error) {
    if (isCancel(error, controller.signal)) {
      outcome = "cancelled";
    } else {
      alert.replaceChildren(errorText(error));
      alert.hidden = false;
    }
    return null;
  } finally {
    clearInterval(timer);
    if (running === controller) running = null;
    $("#results").setAttribute("aria-busy", "false");
    lockControls(false);
    if (outcome === "cancelled") {
      // The line stays to say so, without spinner, bar or button; nothing else changed.
      alert.hidden = alertWasHidden;
      text.textContent = t("cancelled");
      if (bar) bar.hidden = true;
      if (spinner) spinner.hidden = true;
      if (cancel) cancel.hidden = true;
    } else {
      box.hidden = true;
    }
  }
}

// Whether a work is under way (the buttons are locked meanwhile, but for cancel and language).
export function busy() {
  return running !== null;
}
