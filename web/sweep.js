// The sweep panel: one parameter of a shipped or saved scenario swept over a range, each value
// solved on the server as a job (startSweep, with an API key typed here and never stored), its
// progress polled from job(id), cancellable (cancelJob: the job stops after its running batch),
// its rows shown as a table once it ends, those computed so far when it was cancelled.
import { API_WORDS, errorText, inWords, listScenarios, request } from "./api.js";
import { tableRow } from "./dom.js";
import { apiText, fmt, messages, readNumber } from "./i18n.js";
import { numberInput, readTyped, showReadings } from "./numberinput.js";

const POLL_MS = 500;
const MISSED_POLLS = 5;
const PAGE = 100; // the API's largest page of rows
const DEFAULT_BASE = "france-relance-2020";
const ENDED = new Set(["DONE", "FAILED", "INTERRUPTED", "CANCELLED"]);
const ROW_STATUSES = new Set(["optimal", "feasible", "infeasible", "time_limit", "error"]);

// The parameters offered (startSweep's grid takes these names), how each is typed (a percent,
// millions of euros, a share from 0 to 1) and the range proposed first.
const PARAMETERS = {
  fragile_share_min: { kind: "percent", from: "50", to: "90", step: "10" },
  decarbonisation_share_min: { kind: "percent", from: "0", to: "40", step: "10" },
  fragile_project_share_min: { kind: "percent", from: "0", to: "60", step: "20" },
  min_spend_share: { kind: "percent", from: "80", to: "100", step: "5" },
  max_aid_intensity: { kind: "percent", from: "20", to: "60", step: "10" },
  budget_eur: { kind: "meur", from: "300", to: "500", step: "50" },
  realisation_rate: { kind: "share", from: "0,6", to: "1", step: "0,1" },
};

const t = messages({
  intro: {
    fr: "Résout le scénario choisi pour chaque valeur d'un paramètre, sur le serveur, en "
      + "tâche de fond : la progression s'affiche ici et le balayage peut être annulé. "
      + "Une clé d'API est nécessaire ; elle n'est pas enregistrée.",
    en: "Solves the chosen scenario at each value of one parameter, on the server, in the "
      + "background: its progress shows here and it can be cancelled. It needs an API key, "
      + "which is not stored.",
  },
  base: { fr: "Scénario de départ", en: "Scenario" },
  parameter: { fr: "Paramètre balayé", en: "Parameter" },
  fragile_share_min: { fr: "Plancher territoires fragiles (% des euros)",
    en: "Fragile-territory floor (% of euros)" },
  decarbonisation_share_min: { fr: "Plancher décarbonation (% des euros)",
    en: "Decarbonisation floor (% of euros)" },
  fragile_project_share_min: { fr: "Plancher territoires fragiles (% des projets financés)",
    en: "Fragile-territory floor (% of funded projects)" },
  min_spend_share: { fr: "Engagement minimal (% du budget)",
    en: "Commit at least (% of budget)" },
  max_aid_intensity: { fr: "Plafond d'aide (% de l'investissement)",
    en: "Aid cap (% of investment)" },
  budget_eur: { fr: "Budget (M€)", en: "Budget (M EUR)" },
  realisation_rate: { fr: "Taux de réalisation (0 à 1)", en: "Realisation rate (0 to 1)" },
  from: { fr: "De", en: "From" },
  to: { fr: "À", en: "To" },
  step: { fr: "Pas", en: "Step" },
  unitPercent: { fr: "{name} (%)", en: "{name} (%)" },
  unitMeur: { fr: "{name} (M€)", en: "{name} (M EUR)" },
  unitShare: { fr: "{name} (0 à 1)", en: "{name} (0 to 1)" },
  unitPoints: { fr: "{name} (points de %)", en: "{name} (% points)" },
  pointsHint: { fr: "En points : 5 ou 5 % font 5 points, 0,5 un demi-point.",
    en: "In points: 5 or 5% is 5 points, 0.5 is half a point." },
  key: { fr: "Clé d'API", en: "API key" },
  start: { fr: "Lancer le balayage", en: "Start the sweep" },
  cancel: { fr: "Annuler", en: "Cancel" },
  cancelling: { fr: "Annulation…", en: "Cancelling…" },
  needKey: { fr: "« Clé d'API » : saisissez la clé d'API pour lancer un balayage.",
    en: "API key: type your API key to start a sweep." },
  needValue: { fr: "« {label} » : saisissez une valeur.", en: "{label}: type a value." },
  stepPositive: { fr: "« {label} » : le pas doit être supérieur à 0.",
    en: "{label}: the step must be above 0." },
  toBelowFrom: { fr: "« {to} » doit être supérieur ou égal à « {from} ».",
    en: "{to} must be at least {from}." },
  UNAUTHENTICATED: { fr: "Clé d'API refusée : vérifiez la clé saisie.",
    en: "API key refused: check the key you typed." },
  FORBIDDEN: { fr: "Ce balayage a été lancé avec une autre clé d'API : seule celle-ci peut "
    + "l'annuler.", en: "This sweep was started with another API key: only that key may "
    + "cancel it." },
  TOO_MANY_JOBS: { fr: "Cette clé d'API a déjà le nombre maximal de travaux en cours : "
    + "attendez qu'un se termine.", en: "This API key already has as many jobs running as it "
    + "may: wait for one to end." },
  refused: { fr: "Balayage refusé. {message}", en: "Sweep refused. {message}" },
  lost: { fr: "Le suivi du balayage a échoué. {message}",
    en: "Following the sweep failed. {message}" },
  noScenarios: { fr: "La liste des scénarios n'a pas pu être lue. {message}",
    en: "The list of scenarios could not be read. {message}" },
  job: { fr: "Travail {id}", en: "Job {id}" },
  progress: { fr: "{status} : {done} / {total} points", en: "{status}: {done} / {total} points" },
  QUEUED: { fr: "En attente", en: "Queued" },
  RUNNING: { fr: "En cours", en: "Running" },
  DONE: { fr: "Terminé", en: "Done" },
  FAILED: { fr: "Échec", en: "Failed" },
  INTERRUPTED: { fr: "Interrompu", en: "Interrupted" },
  CANCELLED: { fr: "Annulé", en: "Cancelled" },
  doneAll: { fr: "Terminé : {total} points calculés.", en: "Done: {total} points solved." },
  cancelledSome: {
    fr: "Annulé : {done} points calculés sur {total}, affichés ci-dessous.",
    en: "Cancelled: {done} of {total} points solved, shown below.",
  },
  failed: { fr: "Échec du balayage après {done} points sur {total}. {message}",
    en: "The sweep failed after {done} of {total} points. {message}" },
  interrupted: {
    fr: "Balayage interrompu (le serveur s'est arrêté) après {done} points sur {total}.",
    en: "The sweep was interrupted (its server stopped) after {done} of {total} points.",
  },
  caption: { fr: "Résultats du balayage", en: "Sweep results" },
  status: { fr: "statut", en: "status" },
  jobs: { fr: "emplois créés", en: "jobs created" },
  spent: { fr: "dépensé", en: "spent" },
  projects: { fr: "projets financés", en: "projects funded" },
  fragileShare: { fr: "part territoires fragiles", en: "fragile share" },
  decarbonisationShare: { fr: "part décarbonation", en: "decarbonisation share" },
  problem: { fr: "problème", en: "problem" },
  optimal: { fr: "optimum", en: "optimal" },
  feasible: { fr: "réalisable (optimum non prouvé)", en: "feasible (optimum not proven)" },
  infeasible: { fr: "irréalisable", en: "infeasible" },
  time_limit: { fr: "temps dépassé", en: "time limit" },
  error: { fr: "erreur", en: "error" },
});

const START = `mutation($n: String!, $g: [GridAxisInput!]!) {
  startSweep(name: $n, grid: $g) { id status done total } }`;
const CANCEL = "mutation($id: ID!) { cancelJob(id: $id) { id status done total } }";
const JOB = `query($id: ID!, $first: Int, $after: String) { job(id: $id) {
  id status done total error
  rows(first: $first, after: $after) { nodes { data } pageInfo { hasNextPage endCursor } }
} }`;

function element(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  Object.assign(node, attrs);
  node.append(...children);
  return node;
}

function field(id, labelText, control) {
  control.id = id;
  const label = element("label", { className: "field", htmlFor: id },
    element("span", { id: `${id}-label`, textContent: labelText }), control);
  label.append(element("small", { className: "error" }));
  return label;
}

// The panel's form and outputs, built once inside #sweep-panel.
function build(panel) {
  const parameter = element("select");
  for (const name of Object.keys(PARAMETERS)) {
    parameter.append(element("option", { value: name, textContent: t(name) }));
  }
  const key = element("input", { type: "password", autocomplete: "off", spellcheck: false });
  const form = element("form", { id: "sweep-form", className: "inline", noValidate: true },
    field("sweep-base", t("base"), element("select")),
    field("sweep-parameter", t("parameter"), parameter),
    field("sweep-from", t("from"), numberInput("number", t("from"))),
    field("sweep-to", t("to"), numberInput("number", t("to"))),
    field("sweep-step", t("step"), numberInput("number", t("step"))),
    field("sweep-key", t("key"), key),
    element("button", { type: "submit", id: "sweep-start", className: "primary",
      textContent: t("start") }));
  const progress = element("p", { id: "sweep-progress", className: "progress", hidden: true },
    element("span", { id: "sweep-progress-text" }),
    element("progress", { id: "sweep-bar", max: 1 }),
    element("button", { type: "button", id: "sweep-cancel", textContent: t("cancel") }));
  // the sweep's own cancel: the page's work, running meanwhile, leaves it enabled
  progress.querySelector("#sweep-cancel").dataset.keepEnabled = "";
  progress.setAttribute("role", "status");
  progress.querySelector("progress").setAttribute("aria-labelledby", "sweep-progress-text");
  const table = element("table", { id: "sweep-rows", className: "numbers", hidden: true });
  panel.append(
    element("p", { className: "hint", textContent: t("intro") }),
    form,
    element("p", { id: "sweep-error", className: "alert", hidden: true }),
    progress,
    element("p", { id: "sweep-status", className: "status" }),
    element("p", { id: "sweep-job", className: "hint" }),
    table,
  );
  panel.querySelector("#sweep-error").setAttribute("role", "alert");
  panel.querySelector("#sweep-status").setAttribute("aria-live", "polite");
  const stepHint = element("small", { id: "sweep-step-hint", className: "hint" });
  form.querySelector("#sweep-step").after(stepHint);
  form.querySelector("#sweep-step").setAttribute("aria-describedby", stepHint.id);
  showReadings(form);
  return form;
}

const $ = (selector) => document.querySelector(selector);

// How the form reads a field of a parameter of `kind`: a percent's step is a number of points
// ("0,5" is half a point, not the share 50 %), the other fields as their parameter.
function inputKind(kind, part) {
  if (kind === "percent" && part === "step") return "points";
  return kind === "meur" ? "number" : kind;
}

// The labels and proposed range of the parameter chosen: its unit in each label.
function chooseParameter(name) {
  const { kind, from, to, step } = PARAMETERS[name];
  for (const [part, value] of [["from", from], ["to", to], ["step", step]]) {
    const input = $(`#sweep-${part}`);
    const typed = inputKind(kind, part);
    const unit = { percent: "unitPercent", points: "unitPoints", number: "unitMeur",
      share: "unitShare" }[typed];
    const label = t(unit, { name: t(part) });
    $(`#sweep-${part}-label`).textContent = label;
    input.setAttribute("aria-label", label);
    input.dataset.kind = typed;
    input.value = value;
    const hint = input.parentElement.querySelector(".understood");
    if (hint) hint.textContent = "";
  }
  $("#sweep-step-hint").textContent = kind === "percent" ? t("pointsHint") : "";
}

// A number of percentage points as a share: "5", "5 %" are 5 points (0.05), "0,5" half a
// point (0.005); read as a share field first, for its refusals.
function readPoints(input, label) {
  const found = readTyped(input, label, "share");
  if (found.error || found.value === null) return found;
  return { value: readNumber(input.value).percent ? found.value : found.value / 100 };
}

function fieldError(id, message) {
  const label = $(`#${id}`).closest(".field");
  label.classList.toggle("invalid", Boolean(message));
  label.querySelector(".error").textContent = message || "";
}

// The grid axis the form asks for, or null with every refusal shown on its field.
function readAxis() {
  const name = $("#sweep-parameter").value;
  const scale = PARAMETERS[name].kind === "meur" ? 1e6 : 1;
  const read = {};
  let ok = true;
  for (const part of ["from", "to", "step"]) {
    const id = `sweep-${part}`;
    const label = $(`#${id}-label`).textContent;
    const input = $(`#${id}`);
    const found = input.dataset.kind === "points" ? readPoints(input, label)
      : readTyped(input, label);
    const error = found.error ?? (found.value === null ? t("needValue", { label }) : null);
    fieldError(id, error);
    ok = ok && !error;
    read[part] = found.value;
  }
  if (ok && !(read.step > 0)) {
    fieldError("sweep-step", t("stepPositive", { label: $("#sweep-step-label").textContent }));
    ok = false;
  }
  if (ok && read.to < read.from) {
    fieldError("sweep-to", t("toBelowFrom", {
      to: $("#sweep-to-label").textContent, from: $("#sweep-from-label").textContent,
    }));
    ok = false;
  }
  if (!ok) return null;
  // "start:stop:step": the server counts the values in decimal, stop included.
  const range = [read.from, read.to, read.step].map((v) => String(+(v * scale).toPrecision(12)));
  return { parameter: name, range: range.join(":") };
}

// `message`: text, or nodes (the API's words inside the page's sentence).
function showError(message) {
  const box = $("#sweep-error");
  box.replaceChildren(...[message || []].flat());
  box.hidden = !box.textContent;
}

// t(key, { message }) with the error's words in the message's place.
const withError = (key, error) => inWords(t(key, { message: API_WORDS }), errorText(error));

// An API refusal in the page's language: our own words for the codes a planner can act on,
// the server's (with its lead-in) for the rest.
function refusal(error) {
  if (["UNAUTHENTICATED", "FORBIDDEN", "TOO_MANY_JOBS"].includes(error.code)) {
    return t(error.code);
  }
  return withError("refused", error);
}

function running(on) {
  const start = $("#sweep-start");
  start.disabled = on;
  // a panel computing on its own: the page's other work leaves its button disabled
  if (on) start.dataset.working = "";
  else delete start.dataset.working;
  if (on) $("#sweep-progress").hidden = false; // then kept: the count the sweep reached
  const cancel = $("#sweep-cancel");
  cancel.hidden = !on;
  cancel.disabled = false;
  cancel.textContent = t("cancel");
}

function showProgress(job) {
  const bar = $("#sweep-bar");
  bar.max = Math.max(job.total, 1);
  bar.value = job.done;
  $("#sweep-progress-text").textContent = t("progress", {
    status: t(job.status), done: fmt.int(job.done), total: fmt.int(job.total),
  });
  $("#sweep-status").textContent = "";
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Polls the job until it ends; a few missed answers in a row (the network, a server busy for a
// moment) are waited out, the job running on meanwhile.
async function poll(id) {
  let missed = 0;
  for (;;) {
    try {
      const { job } = await request(JOB, { id, first: 0 });
      missed = 0;
      showProgress(job);
      if (ENDED.has(job.status)) return job;
    } catch (error) {
      missed += 1;
      if (missed > MISSED_POLLS) throw error;
    }
    await pause(POLL_MS);
  }
}

async function allRows(id) {
  const rows = [];
  let after = null;
  for (;;) {
    const { job } = await request(JOB, { id, first: PAGE, after });
    rows.push(...job.rows.nodes.map((node) => node.data));
    if (!job.rows.pageInfo.hasNextPage) return rows;
    after = job.rows.pageInfo.endCursor;
  }
}

const dash = (value, write) => (value === null || value === undefined ? "—" : write(value));

function valueWriter(name) {
  const kind = PARAMETERS[name].kind;
  if (kind === "percent") return (v) => fmt.pct(v, 1);
  if (kind === "meur") return (v) => fmt.meur(v);
  return (v) => fmt.num(v, 2);
}

// The rows as a table; the problem column only when a point was not solved.
function showRows(name, rows) {
  const table = $("#sweep-rows");
  const write = valueWriter(name);
  const problems = rows.some((row) => row.error);
  const head = [t(name), t("status"), t("jobs"), t("spent"), t("projects"),
    t("fragileShare"), t("decarbonisationShare"), ...(problems ? [t("problem")] : [])];
  const body = element("tbody");
  for (const row of rows) {
    const cells = [
      dash(row[name], write),
      ROW_STATUSES.has(row.status) ? t(row.status) : row.status,
      dash(row.jobs, fmt.int),
      dash(row.spent_eur, (v) => fmt.meur(v)),
      dash(row.projects_funded, fmt.int),
      dash(row.fragile_share, (v) => fmt.pct(v, 1)),
      dash(row.decarbonisation_share, (v) => fmt.pct(v, 1)),
    ];
    body.append(tableRow(problems ? [...cells, row.error ? apiText(row.error) : ""] : cells));
  }
  table.replaceChildren(
    element("caption", { textContent: t("caption") }),
    element("thead", {}, tableRow(head, true)),
    body,
  );
  table.hidden = rows.length === 0;
}

function ending(job) {
  const counts = { done: fmt.int(job.done), total: fmt.int(job.total) };
  if (job.status === "DONE") return t("doneAll", counts);
  if (job.status === "CANCELLED") return t("cancelledSome", counts);
  if (job.status === "FAILED") {
    return inWords(t("failed", { ...counts, message: API_WORDS }), apiText(job.error));
  }
  return t("interrupted", counts);
}

// One sweep, from its start to its rows; the key lives here until the sweep ends.
async function sweep(base, axis, key) {
  const headers = { Authorization: `Bearer ${key}` };
  let job;
  try {
    job = (await request(START, { n: base, g: [axis] }, { headers })).startSweep;
  } catch (error) {
    showError(refusal(error));
    return;
  }
  $("#sweep-panel").dataset.job = job.id;
  $("#sweep-job").textContent = t("job", { id: job.id });
  const cancel = $("#sweep-cancel");
  cancel.onclick = async () => {
    cancel.disabled = true;
    cancel.textContent = t("cancelling");
    try {
      await request(CANCEL, { id: job.id }, { headers });
    } catch (error) {
      // ended meanwhile: the next poll shows how; a refused key: said, and cancel again
      if (error.code !== "BAD_USER_INPUT") showError(refusal(error));
      cancel.disabled = false;
      cancel.textContent = t("cancel");
    }
  };
  running(true);
  showProgress(job);
  try {
    const ended = await poll(job.id);
    showRows(axis.parameter, await allRows(job.id));
    $("#sweep-status").replaceChildren(...[ending(ended)].flat());
  } catch (error) {
    showError(withError("lost", error));
  } finally {
    cancel.onclick = null;
    running(false);
  }
}

async function start(panel) {
  const form = build(panel);
  const base = $("#sweep-base");
  const parameter = $("#sweep-parameter");
  parameter.addEventListener("change", () => chooseParameter(parameter.value));
  chooseParameter(parameter.value);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const axis = readAxis();
    const key = $("#sweep-key").value.trim();
    fieldError("sweep-key", key ? null : t("needKey"));
    if (!axis || !key) return;
    $("#sweep-rows").hidden = true;
    await sweep(base.value, axis, key);
  });
  try {
    for (const { name, title } of await listScenarios()) {
      base.append(element("option", { value: name, textContent: `${title} (${name})` }));
    }
    if ([...base.options].some((o) => o.value === DEFAULT_BASE)) base.value = DEFAULT_BASE;
  } catch (error) {
    showError(withError("noScenarios", error));
  }
}

const panel = document.querySelector("#sweep-panel");
if (panel) start(panel);
