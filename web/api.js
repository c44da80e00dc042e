// The public GraphQL API, nothing else: the dashboard doubles as an example client.

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
  }
  ... on Infeasible { scenarioName message conflicts conflictNames relaxations { name text } }
  ... on InvalidScenario { message problems { path field message } }
}`;

export class ApiError extends Error {}

async function request(query, variables = {}) {
  let response;
  try {
    response = await fetch("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new ApiError(`The API at /graphql did not answer (${error.message}).`);
  }
  const body = await response.json().catch(() => null);
  if (body && body.errors && body.errors.length) {
    throw new ApiError(body.errors.map((e) => e.message).join("; "));
  }
  if (!response.ok || !body) {
    throw new ApiError(`The API answered ${response.status} ${response.statusText}.`);
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

// A scenario's inputs after its base chain: each value and the scenario that set it.
export async function scenarioInputs(name) {
  const setting = "{ value origin setIn }";
  const query = `query($n: String!) { scenario(name: $n) { inputs {
    budgetEur ${setting} mode ${setting} fragileShareMin ${setting}
    decarbonisationShareMin ${setting} minSpendShare ${setting} maxAidIntensity ${setting}
    regionEnvelopes { regionCode minEur ${setting} maxEur ${setting} }
  } } }`;
  const data = await request(query, { n: name });
  return data.scenario ? data.scenario.inputs : null;
}

export async function simulate(scenario) {
  const query = `${OUTCOME} query($s: ScenarioInput!) { simulate(scenario: $s) { ...Outcome } }`;
  return (await request(query, { s: scenario })).simulate;
}

export async function runScenario(name) {
  const query = `${OUTCOME} query($n: String!) { runScenario(name: $n) { ...Outcome } }`;
  return (await request(query, { n: name })).runScenario;
}

export async function compareScenarios(names) {
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
  return (await request(query, { names })).compareScenarios;
}

export async function tradeOffCurve(scenario, parameter, values) {
  const query = `query($s: ScenarioInput!, $p: CurveParameter!, $v: [Float!]!) {
    tradeOffCurve(scenario: $s, parameter: $p, values: $v) {
      __typename
      ... on TradeOffCurve { parameter method relaxation timeS
        points { value status jobs spentEur fragileShare decarbonisationShare } }
      ... on InvalidScenario { message problems { path field message } }
    } }`;
  return (await request(query, { s: scenario, p: parameter, v: values })).tradeOffCurve;
}
