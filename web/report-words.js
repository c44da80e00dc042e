// The words of the printable report (report.js), French first. The constraints' sentences,
// shared with the dashboard, are in constraints.js.

import { messages } from "./i18n.js";

export const t = messages({
  pageTitle: {
    fr: "Rapport de scénario — Territoires d'industrie",
    en: "Scenario report — Territoires d'industrie",
  },
  kicker: {
    fr: "Rapport de scénario — Territoires d'industrie, Fonds d'accélération",
    en: "Scenario report — Territoires d'industrie, Fonds d'accélération",
  },
  print: { fr: "Imprimer", en: "Print" },
  back: { fr: "Retour au simulateur", en: "Back to the dashboard" },
  loading: { fr: "Calcul du scénario…", en: "Solving the scenario…" },
  inputsTitle: { fr: "Paramètres du scénario", en: "Scenario inputs" },
  figuresTitle: { fr: "Résultats", en: "Results" },
  regionsTitle: { fr: "Répartition par région", en: "Allocation by region" },
  provenanceTitle: { fr: "Données et calcul", en: "Data and computation" },

  meta: {
    fr: "Produit le {date} · scénario « {name} »",
    en: "Produced on {date} · scenario “{name}”",
  },
  metaNoName: { fr: "Produit le {date}", en: "Produced on {date}" },
  whatIf: { fr: "Simulation (scénario personnalisé)", en: "What-if simulation" },
  noReport: { fr: "Aucun rapport", en: "No report" },
  noSource: {
    fr: "Aucun scénario indiqué : ouvrez ce rapport depuis le simulateur "
      + "(adresse /report?name=… ou /report?scenario=…).",
    en: "No scenario given: open this report from the dashboard "
      + "(/report?name=… or /report?scenario=…).",
  },
  badJson: {
    fr: "Le paramètre « scenario » de l'adresse n'est pas un JSON valide ({error}).",
    en: "The address's scenario parameter is not valid JSON ({error}).",
  },
  notAnObject: {
    fr: "Le paramètre « scenario » de l'adresse doit être un objet JSON (un ScenarioInput).",
    en: "The address's scenario parameter must be a JSON object (a ScenarioInput).",
  },
  failed: {
    fr: "Le rapport n'a pas pu être produit. {error}",
    en: "The report could not be produced. {error}",
  },

  statusOPTIMAL: { fr: "Solution optimale.", en: "Optimal solution." },
  statusFEASIBLE: {
    fr: "Solution réalisable (optimalité non prouvée).",
    en: "Feasible solution (optimality not proven).",
  },
  statusTIME_LIMIT: {
    fr: "Limite de temps atteinte : meilleure solution trouvée.",
    en: "Time limit reached: best solution found.",
  },
  statusINFEASIBLE: { fr: "Scénario infaisable.", en: "Infeasible scenario." },
  statusERROR: { fr: "Le calcul a échoué.", en: "The solve failed." },
  infeasible: {
    fr: "Scénario infaisable : aucune répartition ne respecte toutes les contraintes.",
    en: "Infeasible scenario: no allocation meets every constraint.",
  },
  invalid: {
    fr: "Scénario invalide : rien n'a été calculé.",
    en: "Invalid scenario: nothing was solved.",
  },

  budget: { fr: "Budget de l'État", en: "State budget" },
  mode: { fr: "Mode", en: "Mode" },
  modeCONTINUOUS: { fr: "continu (aide partielle possible)", en: "continuous (partial aid)" },
  modeALL_OR_NOTHING: {
    fr: "tout ou rien (projets entiers)",
    en: "all or nothing (whole projects)",
  },
  fragileFloor: {
    fr: "Plancher territoires fragiles (part des euros)",
    en: "Fragile-territory floor (share of euros)",
  },
  decarbonisationFloor: {
    fr: "Plancher décarbonation (part des euros)",
    en: "Decarbonisation floor (share of euros)",
  },
  aidCap: { fr: "Plafond d'aide (part de l'investissement)", en: "Aid cap (share of investment)" },
  minSpend: { fr: "Dépense minimale (part du budget)", en: "Minimum spend (share of budget)" },
  base: { fr: "Scénario de base", en: "Base scenario" },
  none: { fr: "aucun", en: "none" },
  levers: { fr: "Autres leviers : {list}.", en: "Other levers: {list}." },
  separator: { fr: " ; ", en: "; " },
  noLevers: { fr: "Autres leviers : aucun.", en: "Other levers: none." },
  lPhase: { fr: "projets de la phase {n}", en: "phase {n} projects" },
  lPhaseAll: { fr: "projets des deux phases", en: "projects of both phases" },
  lPoolLAUREATES: { fr: "lauréats seulement", en: "laureates only" },
  lPoolGENERATED: { fr: "projets générés seulement", en: "generated projects only" },
  lPoolBOTH: { fr: "lauréats et projets générés", en: "laureates and generated projects" },
  lRegions: { fr: "régions retenues : {list}", en: "regions: {list}" },
  lSectors: { fr: "filières retenues : {list}", en: "sectors: {list}" },
  lFragileProjects: {
    fr: "plancher territoires fragiles (part des projets) {value}",
    en: "fragile-territory floor (share of projects) {value}",
  },
  atLeast: { fr: "≥ {value}", en: "≥ {value}" },
  atMost: { fr: "≤ {value}", en: "≤ {value}" },
  between: { fr: "{min}–{max}", en: "{min}–{max}" },
  andMore: { fr: "{list} et {n} autres", en: "{list} and {n} more" },
  label: { fr: "{label} :", en: "{label}:" },
  envelope: { fr: "Enveloppe (M€)", en: "Envelope (€m)" },
  lRegionEnvelopes: {
    fr: "enveloppes régionales en M€ ({list})",
    en: "regional envelopes in €m ({list})",
  },
  lDepartments: { fr: "enveloppes départementales : {n}", en: "department envelopes: {n}" },
  lTerritories: { fr: "enveloppes de territoires : {n}", en: "territory envelopes: {n}" },
  lSectorFloors: { fr: "planchers de filière ({list})", en: "sector floors ({list})" },
  lWeights: {
    fr: "pondérations de l'objectif (emplois créés {created}, emplois maintenus {kept}, "
      + "CO₂ évité {co2}, effet de levier {leverage})",
    en: "objective weights (jobs created {created}, jobs kept {kept}, CO₂ avoided {co2}, "
      + "leverage {leverage})",
  },
  lCoFunding: { fr: "cofinancement régional ({list})", en: "regional co-funding ({list})" },
  lRounds: { fr: "revues régionales : {n} tours de revue", en: "regional reviews: {n} rounds" },
  lLock: { fr: "aides déjà attribuées conservées", en: "awards already made kept" },
  lForceIn: { fr: "projets imposés : {n}", en: "projects forced in: {n}" },
  lForceOut: { fr: "projets exclus : {n}", en: "projects forced out: {n}" },
  lRealisation: { fr: "taux de réalisation {value}", en: "realisation rate {value}" },
  lTarget: { fr: "objectif de {n} emplois", en: "target of {n} jobs" },
  lRobust: {
    fr: "allocation robuste (budget d'incertitude {n})",
    en: "robust allocation (budget of uncertainty {n})",
  },

  jobs: { fr: "Emplois créés (estimé)", en: "Jobs created (estimated)" },
  range: {
    fr: "fourchette estimée p10–p90 : {low} – {high} ({draws} tirages)",
    en: "estimated p10–p90 range: {low} – {high} ({draws} draws)",
  },
  noRange: { fr: "fourchette non calculée", en: "no range computed" },
  // Why the range may sit above the headline figure, the declared total (docs/uncertainty.md);
  // one printed line in either language.
  rangeNote: {
    fr: "Fourchette : Monte-Carlo sur celle de chaque projet financé ; les estimations tirent "
      + "vers le haut, elle peut dépasser le total déclaré.",
    en: "Range: Monte Carlo over each funded project's own range; estimates skew upwards, so it "
      + "can sit above the declared total.",
  },
  spent: { fr: "Aide publique engagée", en: "Public aid spent" },
  spentOf: {
    fr: "budget {budget} ; non dépensé {unspent}",
    en: "budget {budget}; unspent {unspent}",
  },
  fragileShare: { fr: "Part territoires fragiles (euros)", en: "Fragile-territory share (euros)" },
  decarbonisationShare: { fr: "Part décarbonation (euros)", en: "Decarbonisation share (euros)" },
  floor: { fr: "plancher {value}", en: "floor {value}" },
  funded: { fr: "Projets financés", en: "Projects funded" },
  inRegions: { fr: "dans {n} régions", en: "in {n} regions" },

  chartLabel: { fr: "Aide par région, en millions d'euros", en: "Aid by region, in €m" },
  chartBounds: {
    fr: "Aide par région, en millions d'euros ; trait plein : plafond de l'enveloppe, "
      + "pointillés : plancher",
    en: "Aid by region, in €m; solid stroke: the envelope's maximum, dashed: its minimum",
  },
  region: { fr: "Région", en: "Region" },
  aid: { fr: "Aide (M€)", en: "Aid (€m)" },
  jobsColumn: { fr: "Emplois", en: "Jobs" },
  projects: { fr: "Projets", en: "Projects" },
  total: { fr: "Total", en: "Total" },

  bindingTitle: {
    fr: "Contraintes qui limitent le résultat (prix implicites)",
    en: "Binding constraints (shadow prices)",
  },
  noBinding: {
    fr: "Aucune contrainte ne limite l'optimum.",
    en: "No constraint holds the optimum back.",
  },
  more: { fr: "… et {n} autres.", en: "… and {n} more." },
  conflictsTitle: { fr: "Contraintes en conflit", en: "Conflicting constraints" },
  relaxationsTitle: {
    fr: "Assouplissements possibles (un seul suffit)",
    en: "Possible relaxations (any one suffices)",
  },
  problemsTitle: { fr: "Problèmes du scénario", en: "Problems in the scenario" },
  problem: { fr: "« {field} » : {message}", en: "{field}: {message}" },

  provData: {
    fr: "Données : empreinte {fingerprint}, {count} projets (générateur v{version}, "
      + "graine {seed}){geography}.",
    en: "Data: fingerprint {fingerprint}, {count} projects (generator v{version}, "
      + "seed {seed}){geography}.",
  },
  synthetic: {
    fr: ", géographie générée (pas les fichiers de l'ANCT)",
    en: ", generated geography (not the ANCT files)",
  },
  noDataVersion: {
    fr: "Données : aucun jeu de données enregistré.",
    en: "Data: no dataset recorded.",
  },
  provCode: {
    fr: "Calcul : moteur {engine}, HiGHS {highs}, highspy {highspy}, SciPy {scipy}, "
      + "NumPy {numpy} ; limite de temps {limit} s{gap}.",
    en: "Computation: engine {engine}, HiGHS {highs}, highspy {highspy}, SciPy {scipy}, "
      + "NumPy {numpy}; time limit {limit} s{gap}.",
  },
  gap: { fr: ", écart relatif toléré {gap}", en: ", relative MIP gap {gap}" },
  produced: { fr: "Rapport produit le {date}.", en: "Report produced on {date}." },
  dataNote: {
    fr: "Les {laureates} lauréats sont les données ouvertes de l'État sur le Fonds "
      + "d'accélération ; les {generated} autres projets sont générés (données simulées) pour "
      + "compléter le vivier des territoires. La plupart des montants et des emplois des "
      + "lauréats ne sont pas publiés : ce sont des estimations, données avec leur fourchette.",
    en: "The {laureates} laureates are the State's open data on the Fonds d'accélération; the "
      + "{generated} other projects are generated (simulated data) to fill the territories' "
      + "pool. Most laureates' euros and jobs are not published: they are estimates, given "
      + "with their range.",
  },
});
