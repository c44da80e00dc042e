// The page's own words (the static text of index.html, by its data-i18n keys) and the language
// switch. It runs before the other modules, so every word is in place before they fill the
// page; what they write stays theirs (no data-i18n on an element a script fills).
import { lang, messages, setLang, translatePage } from "./i18n.js";

const t = messages({
  title: {
    fr: "Territoires d'industrie — simulateur du Fonds d'accélération",
    en: "Territoires d'industrie — fund simulator",
  },
  skip: { fr: "Aller au contenu", en: "Skip to content" },
  kicker: {
    fr: "France Relance · Territoires d'industrie",
    en: "France Relance · Territoires d'industrie",
  },
  heading: {
    fr: "Fonds d'accélération industrielle — tableau de bord des scénarios",
    en: "Industrial acceleration fund — what-if dashboard",
  },
  lede: {
    fr: "Répartissez le fonds entre les régions et les projets pour créer le plus d'emplois, "
      + "sous les planchers que vous fixez. Chaque chiffre vient de l'API GraphQL publique",
    en: "Spread the fund across regions and projects to create the most jobs, under the floors "
      + "you set. Every figure comes from the public GraphQL API at",
  },
  ledeData: {
    fr: ". Les lauréats du fonds sont ses projets réels, issus des données ouvertes de l'État "
      + "(DGE, printemps 2022), chaque chiffre marqué déclaré (donné dans leur description) ou "
      + "estimé ; les autres candidats sont des projets générés (données simulées) qui "
      + "complètent le vivier, et la carte comme sa légende comptent les deux.",
    en: ". The fund's laureates (lauréats) are its real projects, from the State's open data "
      + "(DGE, spring 2022), with each figure marked as stated in their description (déclaré) or "
      + "estimated (estimé); the other candidates are generated (données simulées) to fill the "
      + "pool, and the map and its caption count both.",
  },
  scenario: { fr: "Scénario", en: "Scenario" },
  base: { fr: "Partir de", en: "Start from" },
  budget: { fr: "Budget (M€)", en: "Budget (M EUR)" },
  fragile: {
    fr: "Plancher territoires fragiles (% des euros)",
    en: "Fragile-territory floor (% of euros)",
  },
  decarbonisation: {
    fr: "Plancher décarbonation (% des euros)",
    en: "Decarbonisation floor (% of euros)",
  },
  minSpend: { fr: "Engager au moins (% du budget)", en: "Commit at least (% of budget)" },
  aidCap: { fr: "Plafond d'aide (% de l'investissement)", en: "Aid cap (% of investment)" },
  fragileProjects: {
    fr: "Plancher territoires fragiles (% des projets financés)",
    en: "Fragile-territory floor (% of funded projects)",
  },
  mode: { fr: "Mode", en: "Mode" },
  continuous: { fr: "continu (aide au prorata)", en: "continuous (aid pro rata)" },
  allOrNothing: { fr: "tout ou rien (projets entiers)", en: "all or nothing (whole projects)" },
  asInBase: { fr: "comme le scénario de départ", en: "as in the base" },
  envelopes: { fr: "Enveloppes régionales (M€)", en: "Regional envelopes (M EUR)" },
  envelopesHint: {
    fr: "— une borne que vous remplissez remplace celle du scénario de départ pour cette région "
      + "; les autres restent",
    en: "— a bound you fill replaces the base's for that region; the others stay",
  },
  region: { fr: "Région", en: "Region" },
  atLeast: { fr: "au moins", en: "at least" },
  atMost: { fr: "au plus", en: "at most" },
  row: { fr: "Ligne", en: "Row" },
  problem: { fr: "Problème", en: "Problem" },
  weights: { fr: "Pondération de l'objectif", en: "Objective weights" },
  weightsHint: {
    fr: "— ce que l'allocation maximise ; seuls leurs rapports comptent, chaque critère compté "
      + "en équivalents emplois ; un champ vide garde le poids du scénario de départ, 0 s'il "
      + "n'en donne pas (sans aucun poids, l'allocation maximise les emplois créés)",
    en: "— what the allocation maximises; only their ratios matter, each criterion counted in "
      + "jobs-equivalents; an empty field keeps the base's weight, 0 if the base gives none "
      + "(with no weight at all, the allocation maximises jobs created)",
  },
  jobsCreated: { fr: "Emplois créés", en: "Jobs created" },
  jobsKept: { fr: "Emplois maintenus", en: "Jobs secured (kept)" },
  co2: { fr: "tCO2e évitées par an", en: "tCO2e avoided a year" },
  leverage: {
    fr: "Effet de levier (investissement par euro d'aide)",
    en: "Leverage (investment per euro of aid)",
  },
  coFunding: { fr: "Cofinancement régional", en: "Regional co-funding" },
  coFundingHint: {
    fr: "— l'argent qu'une région ajoute au budget de l'État, utilisable seulement pour ses "
      + "propres projets ; une région listée ici remplace la contribution que lui donne le "
      + "scénario de départ",
    en: "— money a region adds beside the State's budget, usable only for its own projects; a "
      + "region listed here replaces the base's contribution there",
  },
  matching: { fr: "Règle de contrepartie", en: "Matching rule" },
  rule: { fr: "Règle", en: "Rule" },
  requires: {
    fr: "exige : chaque euro régional appelle des euros de l'État",
    en: "requires: each regional euro needs State euros",
  },
  follows: {
    fr: "suit : les euros régionaux suivent les euros de l'État",
    en: "follows: regional euros follow State euros",
  },
  rate: {
    fr: "Taux (0 à 1 : euros de l'État par euro régional, ou euros régionaux par euro de l'État)",
    en: "Rate (0 to 1: State euros per regional euro, or regional euros per State euro)",
  },
  contributions: { fr: "Contributions", en: "Contributions" },
  meur: { fr: "M€", en: "M EUR" },
  addContribution: {
    fr: "Ajouter la contribution d'une région",
    en: "Add a region's contribution",
  },
  areas: {
    fr: "Départements, territoires et secteurs",
    en: "Departments, territories and sectors",
  },
  areasHint: {
    fr: "— enveloppes d'aide publique (État + région, M€) et planchers sur la part des euros "
      + "dépensés ; un département, un territoire ou un secteur listé ici remplace celui du "
      + "scénario de départ, les autres restent",
    en: "— envelopes of public aid (State + regional, M EUR) and floors on the share of the "
      + "euros spent; an area or sector listed here replaces the base's there, the others stay",
  },
  departments: { fr: "Enveloppes départementales", en: "Department envelopes" },
  departmentCode: { fr: "Code du département", en: "Department code" },
  addDepartment: { fr: "Ajouter une enveloppe départementale", en: "Add a department envelope" },
  territories: { fr: "Enveloppes par territoire d'industrie", en: "Territory envelopes" },
  territoryId: { fr: "Identifiant du territoire", en: "Territory id" },
  addTerritory: { fr: "Ajouter une enveloppe de territoire", en: "Add a territory envelope" },
  sectors: { fr: "Planchers sectoriels", en: "Sector floors" },
  sector: { fr: "Secteur", en: "Sector" },
  sectorAtLeast: { fr: "au moins (% des euros dépensés)", en: "at least (% of the euros spent)" },
  addSector: { fr: "Ajouter un plancher sectoriel", en: "Add a sector floor" },
  controls: { fr: "Décisions des revues régionales", en: "Planner controls" },
  controlsHint: {
    fr: "— ce que les revues régionales ont fixé à la main ; un champ vide garde la valeur du "
      + "scénario de départ",
    en: "— what the regional reviews fixed by hand; an empty field keeps the base's",
  },
  lockAwards: { fr: "Garder les aides déjà attribuées", en: "Keep the awards already made" },
  awardsUntil: {
    fr: "…seulement celles attribuées au plus tard le (facultatif)",
    en: "…only those made on or before (optional)",
  },
  forceIn: {
    fr: "Financer en totalité (numéros de projets, séparés par des virgules)",
    en: "Fund in full (project ids, comma-separated)",
  },
  forceOut: {
    fr: "Ne rien attribuer à (numéros de projets, séparés par des virgules)",
    en: "Give nothing to (project ids, comma-separated)",
  },
  nextCount: {
    fr: "Projets listés en liste d'attente (0 à 100)",
    en: "Projects listed next in line (0 to 100)",
  },
  rounds: { fr: "Revues régionales", en: "Review rounds" },
  roundsHint: {
    fr: "— le fonds décidé en revues successives, chacune avec les projets déposés avant sa date "
      + "; les revues listées ici remplacent celles du scénario de départ",
    en: "— the fund decided in successive reviews, each with the projects recorded before its "
      + "date; rounds listed here replace the base's",
  },
  roundDate: { fr: "Date de la revue", en: "Round date" },
  released: { fr: "ouvert (% du budget)", en: "released (% of budget)" },
  reserve: { fr: "réserve (% du disponible)", en: "reserve (% of what is available)" },
  addRound: { fr: "Ajouter une revue", en: "Add a round" },
  emptyFields: {
    fr: "Les champs vides gardent la valeur du scénario de départ (affichée en gris).",
    en: "Empty fields keep the value of the scenario you start from (shown in grey).",
  },
  run: { fr: "Lancer la simulation", en: "Run scenario" },
  runSaved: { fr: "Lancer le scénario enregistré tel quel", en: "Run the saved scenario as is" },
  reset: { fr: "Effacer les modifications", en: "Clear the changes" },
  cancel: { fr: "Annuler", en: "Cancel" },
  exportResult: { fr: "Exporter ce résultat :", en: "Export this result:" },
  xlsx: { fr: "Classeur Excel (.xlsx)", en: "Excel workbook (.xlsx)" },
  csv: { fr: "Fichier CSV (.csv)", en: "CSV file (.csv)" },
  report: { fr: "Rapport imprimable", en: "Printable report" },
  newTab: { fr: "(s'ouvre dans un nouvel onglet)", en: "(opens in a new tab)" },
  kpiJobsNote: {
    fr: "(tels que déclarés : chiffres déclarés et estimés)",
    en: "(as declared: stated and estimated figures)",
  },
  spent: { fr: "Dépensé", en: "Spent" },
  unspent: { fr: "Non dépensé", en: "Unspent" },
  fragileShare: { fr: "Part territoires fragiles", en: "Fragile share" },
  decarbonisationShare: { fr: "Part décarbonation", en: "Decarbonisation share" },
  projectsFunded: { fr: "Projets financés", en: "Projects funded" },
  holdsBack: { fr: "Ce qui limite le résultat", en: "What holds the result back" },
  optimisationBuys: { fr: "Ce que l'optimisation apporte", en: "What optimisation buys" },
  simpleRule: { fr: "Règle simple", en: "Simple rule" },
  jobs: { fr: "emplois", en: "jobs" },
  optimumGains: { fr: "gain de l'optimum", en: "optimum gains" },
  criteria: { fr: "Critères", en: "Criteria" },
  criteriaHint: {
    fr: "— tous, quel que soit le poids que leur donne l'objectif",
    en: "— every one, whatever the objective weighs",
  },
  criterion: { fr: "Critère", en: "Criterion" },
  value: { fr: "valeur", en: "value" },
  unit: { fr: "unité", en: "unit" },
  weight: { fr: "poids", en: "weight" },
  whoPays: { fr: "Qui paie : l'État et les régions", en: "Who pays: the State and the regions" },
  stateMeur: { fr: "État M€", en: "State M EUR" },
  regionalMeur: { fr: "régional M€", en: "regional M EUR" },
  offeredMeur: { fr: "proposé M€", en: "offered M EUR" },
  leverageShort: { fr: "effet de levier", en: "leverage" },
  nextInLine: { fr: "Liste d'attente", en: "Next in line" },
  nextHint: {
    fr: "— les meilleurs projets non financés et ce qu'il leur faudrait pour entrer (score : "
      + "l'objectif par M€ d'aide)",
    en: "— the best unfunded projects and what they would need to enter (score: the objective "
      + "per M EUR of aid)",
  },
  project: { fr: "Projet", en: "Project" },
  score: { fr: "score", en: "score" },
  threshold: { fr: "seuil", en: "threshold" },
  moreJobs: { fr: "emplois en plus", en: "more jobs" },
  lessAid: { fr: "ou aide en moins (€)", en: "or less aid (EUR)" },
  why: { fr: "pourquoi", en: "why" },
  roundsHindsight: {
    fr: "Revues régionales face à une décision a posteriori",
    en: "Review rounds against hindsight",
  },
  roundsResultHint: {
    fr: "— M€ ; emplois : les aides de la revue ; budget : emplois par M€ de plus dans la revue",
    en: "— M EUR; jobs: the round's awards; budget: jobs per extra M EUR in the round",
  },
  round: { fr: "Revue", en: "Round" },
  date: { fr: "date", en: "date" },
  releasedShort: { fr: "ouvert", en: "released" },
  spentShort: { fr: "dépensé", en: "spent" },
  soFar: { fr: "cumul", en: "so far" },
  hindsight: { fr: "a posteriori", en: "hindsight" },
  jobsLost: { fr: "emplois perdus", en: "jobs lost" },
  budgetShort: { fr: "budget", en: "budget" },
  jobsLostByRegion: {
    fr: "Emplois perdus à décider tôt, par région",
    en: "Jobs lost to deciding early, by region",
  },
  byRegion: { fr: "Répartition par région (M€)", en: "Allocation by region (M EUR)" },
  mapCaption: {
    fr: "Carte : lauréats du fonds et Territoires d'industrie (phase 1)",
    en: "Map: the fund's laureates and the Territoires d'industrie (phase 1)",
  },
  mapHint: {
    fr: "Survolez ou cliquez un lauréat sur la carte, ou choisissez-le dans la liste : son "
      + "entreprise et ses chiffres s'affichent ici.",
    en: "Hover over or click a laureate on the map, or pick one in the list: its company and its "
      + "figures show here.",
  },
  overseas: { fr: "Régions d'outre-mer", en: "Overseas regions" },
  curve: { fr: "Courbe d'arbitrage", en: "Trade-off curve" },
  curveHint: {
    fr: "Les emplois selon un plancher, tous les autres réglages comme dans le formulaire du "
      + "scénario.",
    en: "Jobs against one floor, every other setting as in the scenario form.",
  },
  floor: { fr: "Plancher", en: "Floor" },
  fragileFloor: { fr: "plancher territoires fragiles", en: "fragile-territory floor" },
  decarbonisationFloor: { fr: "plancher décarbonation", en: "decarbonisation floor" },
  from: { fr: "de (%)", en: "from (%)" },
  to: { fr: "à (%)", en: "to (%)" },
  points: { fr: "points", en: "points" },
  drawCurve: { fr: "Tracer la courbe", en: "Draw the curve" },
  pareto: { fr: "Front de Pareto de deux critères", en: "Pareto front of two criteria" },
  paretoHint: {
    fr: "Le maximum du critère x à des planchers régulièrement espacés du critère y, tous les "
      + "autres réglages comme dans le formulaire du scénario. Un point est efficace quand "
      + "aucune allocation n'a plus des deux.",
    en: "The most of criterion x at evenly spaced floors on criterion y, every other setting as "
      + "in the scenario form. A point is efficient when no allocation has more of both.",
  },
  criterionX: { fr: "Critère x", en: "Criterion x" },
  criterionY: { fr: "Critère y", en: "Criterion y" },
  paretoPoints: { fr: "points (2 à 200)", en: "points (2 to 200)" },
  drawPareto: { fr: "Arbitrage entre deux critères", en: "Trade-off between two criteria" },
  computing: { fr: "calcul…", en: "computing…" },
  provenEfficient: { fr: "efficacité prouvée", en: "proven efficient" },
  notProven: {
    fr: "efficacité non prouvée (voir le tableau)",
    en: "not proven efficient (see the table)",
  },
  frontPoints: {
    fr: "Les points du front, dans l'ordre de résolution",
    en: "The front's points, in the order solved",
  },
  point: { fr: "Point", en: "Point" },
  efficientWhy: { fr: "efficace / pourquoi", en: "efficient / why" },
  spentMeur: { fr: "dépensé (M€)", en: "spent (M EUR)" },
  compare: { fr: "Comparer des scénarios", en: "Compare scenarios" },
  pick: {
    fr: "Cochez au moins deux scénarios enregistrés (écarts mesurés par rapport au premier coché)",
    en: "Pick two or more saved scenarios (deltas are against the first ticked)",
  },
  compareButton: { fr: "Comparer", en: "Compare" },
  exportComparison: { fr: "Exporter la comparaison :", en: "Export the comparison:" },
  outcomes: { fr: "Indicateurs", en: "Outcomes" },
  inputsDiffer: { fr: "Entrées qui diffèrent", en: "Inputs that differ" },
  regionsChange: {
    fr: "Par région (M€, écart par rapport au premier)",
    en: "By region (M EUR, change against the first)",
  },
  sweep: { fr: "Balayage de paramètres", en: "Parameter sweep" },
  data: {
    fr: "Données : listes et contours des Territoires d'industrie de l'ANCT (Licence Ouverte / "
      + "Etalab 2.0), lus dans le dossier de référence à l'exécution ; lauréats : « Plan de "
      + "relance – projets industriels » (DGE, Licence Ouverte 2.0) ; les autres projets "
      + "candidats sont générés. API :",
    en: "Data: ANCT territory lists and outlines (Licence Ouverte / Etalab 2.0), read from the "
      + "reference folder at run time; laureates: « Plan de relance – projets industriels » "
      + "(DGE, Licence Ouverte 2.0); the other candidate projects are generated. API:",
  },
});

// The switch names the other language in that language: "English" on the French page.
const OTHER = { fr: { code: "en", name: "English" }, en: { code: "fr", name: "Français" } };

translatePage(t);
const other = OTHER[lang()];
const button = document.querySelector("#lang-switch");
button.textContent = other.name;
button.lang = other.code;
button.addEventListener("click", () => setLang(other.code));
