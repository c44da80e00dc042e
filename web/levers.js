// The result's levers: every criterion, the next projects in line, who pays (State and
// regions) and the review rounds against the hindsight optimum.
import { fmt } from "./charts.js";
import { paragraph, tableRow } from "./dom.js";

const $ = (selector) => document.querySelector(selector);

// Counts as whole numbers, ratios (leverage) with two decimals.
function amount(value) {
  return Math.abs(value) >= 100 ? fmt.int(value)
    : value.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

function oneDecimal(value) {
  return value.toLocaleString("en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function showLevers(outcome) {
  showCriteria(outcome.criteria);
  showNextInLine(outcome.nextInLine);
  showFunding(outcome.funding);
  showRounds(outcome.rounds);
}

function showCriteria(criteria) {
  $("#criteria-panel").hidden = !criteria.length;
  $("#criteria tbody").replaceChildren(...criteria.map((c) => {
    const row = tableRow([c.label, amount(c.value), c.unit,
      c.weight > 0 ? fmt.pct(c.weight, 0) : "reported only"]);
    row.dataset.name = c.name;
    return row;
  }));
}

function showNextInLine(projects) {
  $("#next-panel").hidden = !projects.length;
  $("#next-in-line tbody").replaceChildren(...projects.map((n) => {
    const row = tableRow([n.project ? `${n.project.name} (${n.projectId})` : `${n.projectId}`,
      oneDecimal(n.score), oneDecimal(n.threshold),
      n.jobsNeeded == null ? "—" : oneDecimal(n.jobsNeeded),
      n.aidCutEur == null ? "—" : fmt.int(n.aidCutEur), n.text]);
    row.dataset.projectId = n.projectId;
    return row;
  }));
}

// Shown when regions contribute: a State-only result has nothing to split.
function showFunding(funding) {
  const shown = Boolean(funding && funding.regions.length);
  $("#funding-panel").hidden = !shown;
  if (!shown) return;
  const rule = funding.rule ? `; matching rule: ${funding.ruleText}` : "";
  $("#funding-summary").textContent = `State ${fmt.meur(funding.stateEur)} M EUR, regions `
    + `${fmt.meur(funding.regionalEur)} M EUR; investment mobilised `
    + `${fmt.meur(funding.investmentEur)} M EUR, leverage ${amount(funding.leverage)} EUR per `
    + `EUR of public aid${rule}.`;
  $("#funding tbody").replaceChildren(...funding.regions.map((r) => {
    const row = tableRow([r.name, fmt.meur(r.stateEur), fmt.meur(r.regionalEur),
      fmt.meur(r.contributionEur), amount(r.leverage)]);
    row.dataset.code = r.code;
    return row;
  }));
}

function showRounds(rounds) {
  $("#rounds-panel").hidden = !rounds;
  if (!rounds) return;
  $("#rounds tbody").replaceChildren(...rounds.rounds.map((r) => {
    const status = r.status === "OPTIMAL" ? "" : ` (${r.status.toLowerCase().replace("_", " ")})`;
    return tableRow([`${r.index}${status}`, r.date, fmt.meur(r.releasedEur),
      fmt.meur(r.spentEur), fmt.int(r.jobs), fmt.int(r.cumulativeJobs), fmt.int(r.hindsightJobs),
      fmt.int(r.jobsLost), oneDecimal(r.budgetShadowPrice)]);
  }));
  const summary = [paragraph(`Deciding round by round: ${fmt.int(rounds.jobs)} jobs against `
    + `${fmt.int(rounds.hindsightJobs)} knowing every project from the start: `
    + `${fmt.int(rounds.jobsLost)} lost to deciding early.`)];
  if (rounds.reserveRecovers != null) {
    const verb = rounds.reserveRecovers >= 0 ? "recovers" : "costs";
    summary.push(paragraph(`The reserve ${verb} ${fmt.int(Math.abs(rounds.reserveRecovers))} jobs `
      + `(${fmt.int(rounds.withoutReserveJobs)} with no reserve).`));
  }
  $("#rounds-summary").replaceChildren(...summary);
  $("#rounds-regions tbody").replaceChildren(...rounds.regions.map((r) => {
    const row = tableRow([r.name, fmt.int(r.jobs), fmt.int(r.hindsightJobs),
      fmt.int(r.jobsLost)]);
    row.dataset.code = r.code;
    return row;
  }));
}
