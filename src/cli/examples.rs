//! The worked example that ends each command's `--help` (and its manual page), in French, the
//! language of the people who run cofinance. Each runs as it is from the repository's folder.

pub(crate) const MAIN: &str = "\
Exemples :
  cofinance run                                   le jeu de données par défaut, dans out/
  cofinance commune marles                        la fiche d'une commune
  cofinance export --xlsx out/maquette.xlsx       la maquette financière pour Excel
  cofinance completions bash > ~/.local/share/bash-completion/completions/cofinance
  cofinance man --out ~/.local/share/man/man1     les pages de manuel (man cofinance)";

pub(crate) const RUN: &str = "\
Exemples :
  cofinance run
      le jeu de données par défaut : summary.json et les CSV dans out/
  cofinance run scenarios/bassin-minier/region-arret-2007.toml --out out/region
      un scénario (sa base et ses changements), résultats dans out/region/";

pub(crate) const COMPARE: &str = "\
Exemple :
  cofinance compare scenarios/bassin-minier
      la base et tous ses scénarios, chacun à côté de la base (compare.json, compare.csv)";

pub(crate) const SWEEP: &str = "\
Exemple :
  cofinance sweep scenarios/bassin-minier/region-arret-2007.toml \\
      --vary 'change[1].per_year=0..9000000/1000000'
      l'enveloppe annuelle de la Région de 0 à 9 M€ par pas de 1 M€ : le seuil de chaque commune";

pub(crate) const MONTECARLO: &str = "\
Exemple :
  cofinance montecarlo --draws 2000 --seed 7 --charts out/tirages
      2 000 tirages des coûts, délais et gels incertains ; les distributions et leurs graphiques";

pub(crate) const EXPLAIN: &str = "\
Exemples :
  cofinance explain PECQ-DEM-01
      pourquoi cette opération est financée ainsi, étape par étape
  cofinance explain MARL-VRD-03 scenarios/bassin-minier/gel-anru-2005-2006.toml --format json";

pub(crate) const GENERATE: &str = "\
Exemple :
  cofinance generate --operations 30000 --owners 1500 --seed 1 --out out/national
      un jeu de données synthétique de 30 000 opérations (pour mesurer la vitesse)";

pub(crate) const CHART: &str = "\
Exemples :
  cofinance chart
      les graphiques du jeu par défaut et de chaque scénario, dans charts/
  cofinance chart scenarios/bassin-minier --out charts --format png";

pub(crate) const EXPORT: &str = "\
Exemples :
  cofinance export --xlsx out/maquette.xlsx
      la maquette financière du jeu par défaut : une ligne par opération, les financeurs,
      une feuille par maître d'ouvrage ; elle s'imprime en A4 paysage, une page de large
  cofinance export scenarios/bassin-minier/gel-anru-2005-2006.toml --xlsx out/gel.xlsx";

pub(crate) const COMMUNE: &str = "\
Exemples :
  cofinance commune marles
      la fiche de Marles-les-Mines (nom, partie du nom ou code INSEE, sans accents)
  cofinance commune lens scenarios/bassin-minier
      une colonne par scénario";

pub(crate) const REPORT: &str = "\
Exemple :
  cofinance report --out out/rapport.html
      le rapport à imprimer ou à envoyer : un seul fichier HTML, sans dépendance";

pub(crate) const TEMPLATE: &str = "\
Exemple :
  cofinance template --xlsx out/mon-dossier.xlsx && cofinance run out/mon-dossier.xlsx
      le jeu de données en un classeur à remplir, puis lu tel quel";

pub(crate) const SERVE: &str = "\
Exemple :
  cofinance serve
      le studio sur http://127.0.0.1:8080 (Ctrl+C pour l'arrêter)";

pub(crate) const SENSITIVITY: &str = "\
Exemples :
  cofinance sensitivity --commune carvin
      ce qui pèse le plus sur le besoin non couvert de Carvin, entre p10 et p90
  cofinance sensitivity --scenarios out/bornes --charts out/tornades
      écrit aussi les scénarios de chaque borne et les graphiques en tornade";

pub(crate) const CLOSE_GAP: &str = "\
Exemple :
  cofinance close-gap --funder region --funder anru --years 2007..2013 --commune grenay
      l'enveloppe supplémentaire par an, à l'euro près, qui couvre le besoin de Grenay,
      pour chaque financeur, et le scénario qui la met en œuvre";

pub(crate) const COMPLETIONS: &str = "\
Exemples :
  cofinance completions bash > ~/.local/share/bash-completion/completions/cofinance
  cofinance completions zsh > ~/.zfunc/_cofinance     (avec fpath+=~/.zfunc dans ~/.zshrc)
  cofinance completions fish > ~/.config/fish/completions/cofinance.fish";

pub(crate) const MAN: &str = "\
Exemples :
  cofinance man --out ~/.local/share/man/man1 && man cofinance
  cofinance man | man -l -";
