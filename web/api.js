// The public GraphQL API, nothing else: the dashboard doubles as an example client.
import { apiText, fromApi, messages } from "./i18n.js";

const t = messages({
  noAnswer: { fr: "L'API à l'adresse /graphql n'a pas répondu ({reason}).",
    en: "The API at /graphql did not answer ({reason})." },
  status: { fr: "L'API a répondu {status} {text}.", en: "The API answered {status} {text}." },
  changed: { fr: "Le résultat a changé pendant la lecture de ses projets financés.",
    en: "The result changed while its funded projects were read." },
});

const RANGE = "mean p10 p50 p90 draws seed realisationRate targetJobs targetProbability";
const OUTCOME = `
fragment Outcome on SimulationOutcome {
  __typename
  ... on SimulationResult {
    scenarioName status message mode jobs spentEur unspentEur budgetEur
    fragileShare fragileProjectShare decarbonisationShare projectsFunded unspentReasons
    regions { code name allocatedEur jobs projectsFunded minEur maxEur }
    bindingConstraints { name label shadowPrice unit text }
    baselines { name label jobs feasible jobsGainedByOptimum }
    solver { timeS }
    criteria { name label value unit weight }
    nextInLine { projectId score threshold jobsNeeded aidCutEur text project { id name } }
    funding { stateEur regionalEur investmentEur leverage rule ruleText rate
      regions { code name stateEur regionalEur contributionEur leverage } }
    rounds { jobs hindsightJobs jobsLost withoutReserveJobs reserveRecovers
      rounds { index date releasedEur spentEur jobs cumulativeJobs hindsightJobs jobsLost
        budgetShadowPrice status }
      regions { code name jobs hindsightJobs jobsLost } }
    jobsRange { ${RANGE} }
    robustness { budget expectedJobsGivenUp p10Gained worstCaseJobs expected { ${RANGE} } }
  }
  ... on Infeasible { scenarioName message conflicts conflictNames relaxations { name text } }
  ... on InvalidScenario { message problems { path field message } }
}`;

// `code` is the API's error code (extensions.code: SERVICE_BUSY, SOLVER_TIMEOUT...) when it
// gave one; `apiMessage` the API's own (English) words, when the error is the API's refusal.
export class ApiError extends Error {
  constructor(message, code = null, apiMessage = null) {
    super(message);
    this.code = code;
    this.apiMessage = apiMessage;
  }
}

// An error as the page shows it: the API's English after its lead-in and marked lang="en", the
// page's own words as they are.
export function errorText(error) {
  return error.apiMessage ? apiText(error.apiMessage) : document.createTextNode(error.message);
}

// The API's words inside a sentence of the page: t(key, { message: API_WORDS }) marks their
// place, inWords(sentence, node) gives the sentence's nodes with `node` (apiText(...) or
// errorText(...)) in that place.
export const API_WORDS = "\u0000";
export function inWords(sentence, node) {
  const [before, after = ""] = sentence.split(API_WORDS);
  return [before, node, after].filter((part) => part !== "");
}

// An element (a list item, a paragraph...) whose whole text is the API's words.
export function apiElement(tag, text) {
  const node = document.createElement(tag);
  node.append(apiText(text));
  return node;
}

// One GraphQL request; `signal` (an AbortSignal) cancels it: the promise then rejects with the
// signal's reason (an AbortError), never with an ApiError. `headers` are added to the request's
// (an API key's Authorization for a mutation that needs one).
export async function request(query, variables = {}, { signal, headers = {} } = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new ApiError(t("noAnswer", { reason: error.message }));
  }
  const body = await response.json().catch(() => null);
  if (signal?.aborted) throw signal.reason;
  if (body && body.errors && body.errors.length) {
    const words = body.errors.map((e) => e.message).join("; ");
    throw new ApiError(fromApi(words), body.errors[0].extensions?.code ?? null, words);
  }
  if (!response.ok || !body) {
    throw new ApiError(t("status", { status: response.status, text: response.statusText }));
  }
  return body.data;
}

export async function listScenarios() {
  const data = await request("{ scenarios { name title description source } }");
  return data.scenarios;
}

export async function listRegions() {
  const data = await request("{ regions { code name zone } }");
  return data.regions;
}

export async function listSectors() {
  const data = await request("{ sectors { name projectCount } }");
  return data.sectors;
}

// A scenario's inputs after its base chain: each value and the scenario that set it.
export async function scenarioInputs(name) {
  const setting = "{ value origin setIn }";
  const query = `query($n: String!) { scenario(name: $n) { inputs {
    budgetEur ${setting} mode ${setting} fragileShareMin ${setting}
    decarbonisationShareMin ${setting} minSpendShare ${setting} maxAidIntensity ${setting}
    regionEnvelopes { regionCode minEur ${setting} maxEur ${setting} }
    fragileProjectShareMin ${setting}
    departmentEnvelopes { departmentCode minEur ${setting} maxEur ${setting} }
    territoryEnvelopes { territoryId minEur ${setting} maxEur ${setting} }
    sectorFloors { sector shareMin ${setting} }
    objectiveWeights { jobsCreated ${setting} jobsKept ${setting} co2AvoidedT ${setting}
      leverage ${setting} }
    coFunding { contributions { regionCode regionName amountEur ${setting} }
      matching { rule ${setting} rate ${setting} } }
    rounds { value { date releaseShare releaseEur reserveShare } setIn }
    controls { lockAwards ${setting} awardsUntil ${setting} forceIn ${setting}
      forceOut ${setting} nextInLine ${setting} }
    uncertainty { realisationRate ${setting} targetJobs ${setting} draws ${setting}
      seed ${setting} objective ${setting} robustBudget ${setting} }
  } } }`;
  const data = await request(query, { n: name });
  return data.scenario ? data.scenario.inputs : null;
}

// The functions below that may take long accept `{ signal }` last, passed on to request().

export async function simulate(scenario, options = {}) {
  const query = `${OUTCOME} query($s: ScenarioInput!) { simulate(scenario: $s) { ...Outcome } }`;
  return (await request(query, { s: scenario }, options)).simulate;
}

export async function runScenario(name, options = {}) {
  const query = `${OUTCOME} query($n: String!) { runScenario(name: $n) { ...Outcome } }`;
  return (await request(query, { n: name }, options)).runScenario;
}

// Solves a scenario and answers only its outcome's kind: the server keeps the result for the
// comparison or the export asked next.
export async function solveScenario(name, options = {}) {
  const query = "query($n: String!) { runScenario(name: $n) { __typename } }";
  return (await request(query, { n: name }, options)).runScenario.__typename;
}

export async function compareScenarios(names, options = {}) {
  const query = `query($names: [String!]!) { compareScenarios(names: $names) {
    __typename
    ... on Comparison {
      names statuses
      inputs { path values }
      outcomes { name label measuredIn values deltas }
      regions { code name allocatedEur allocatedDeltaEur jobs jobsDelta }
    }
    ... on InvalidScenario { message problems { path field message } }
  } }`;
  return (await request(query, { names }, options)).compareScenarios;
}

export async function tradeOffCurve(scenario, parameter, values, options = {}) {
  const query = `query($s: ScenarioInput!, $p: CurveParameter!, $v: [Float!]!) {
    tradeOffCurve(scenario: $s, parameter: $p, values: $v) {
      __typename
      ... on TradeOffCurve { parameter method relaxation timeS
        points { value status jobs spentEur fragileShare decarbonisationShare } }
      ... on InvalidScenario { message problems { path field message } }
    } }`;
  return (await request(query, { s: scenario, p: parameter, v: values }, options)).tradeOffCurve;
}

export async function paretoFront(scenario, x, y, points, options = {}) {
  const query = `query($s: ScenarioInput!, $x: CriterionName!, $y: CriterionName!, $p: Int!) {
    paretoFront(scenario: $s, x: $x, y: $y, points: $p) {
      __typename
      ... on ParetoFront { x y xUnit yUnit solves timeS status method relaxation note
        points { xValue yValue efficient status spentEur epsilon } }
      ... on InvalidScenario { message problems { path field message } }
    } }`;
  return (await request(query, { s: scenario, x, y, p: points }, options)).paretoFront;
}

// ---- the map: laureates, their details, and which projects a result funds -----------------

const PAGE = 100; // the API's largest page

// Pages through a connection: `page(after)` answers one page, `pageInfo` says whether more follow.
async function everyPage(page) {
  const nodes = [];
  let after = null;
  for (;;) {
    const connection = await page(after);
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) return { nodes, totalCount: connection.totalCount };
    after = connection.pageInfo.endCursor;
  }
}

// Every laureate with a light selection: where it is and whose it is; the rest on demand.
export async function laureatePoints() {
  const query = `query($a: String) {
    projects(first: ${PAGE}, after: $a, filter: {origin: LAUREATE}) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes { id company { name } location { latitude longitude regionCode } }
    } }`;
  return everyPage(async (after) => (await request(query, { a: after })).projects);
}

export async function generatedCount() {
  const query = "{ projects(first: 0, filter: {origin: GENERATED}) { totalCount } }";
  return (await request(query)).projects.totalCount;
}

const FIGURE = "{ value source low high }";

export async function projectDetails(id) {
  const query = `query($id: ID!) { project(id: $id) {
    id name sector origin
    company { name siren size }
    location { communeCode departmentCode postalCode precision }
    territory { name }
    figures { investment ${FIGURE} aidRequested ${FIGURE} jobsCreated ${FIGURE}
      jobsKept ${FIGURE} co2Avoided ${FIGURE} }
  } }`;
  return (await request(query, { id })).project;
}

// The aid a result gives each funded project, by project id. `source` is how the result was
// asked for ({name} of a scenario, or a {scenario} input); a result is a pure function of its
// scenario and the data, so asking again for the next page continues the same list.
export async function fundedAllocations(source) {
  const field = source.name != null ? "runScenario(name: $n)" : "simulate(scenario: $s)";
  const query = `query($a: String, ${source.name != null ? "$n: String!" : "$s: ScenarioInput!"}) {
    outcome: ${field} { __typename ... on SimulationResult {
      fundedProjects(first: ${PAGE}, after: $a) {
        totalCount pageInfo { hasNextPage endCursor } nodes { allocatedEur project { id } }
      } } } }`;
  const variables = source.name != null ? { n: source.name } : { s: source.scenario };
  const { nodes } = await everyPage(async (after) => {
    const { outcome } = await request(query, { ...variables, a: after });
    if (outcome.__typename !== "SimulationResult") {
      throw new ApiError(t("changed"));
    }
    return outcome.fundedProjects;
  });
  return new Map(nodes.filter((n) => n.project).map((n) => [n.project.id, n.allocatedEur]));
}
