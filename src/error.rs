//! Typed errors. Every input error names the file, line and column, the field, and what to do;
//! the binary prints it as one line, `erreur : FICHIER:LIGNE:COL : …` (in English with
//! `--lang en`: `error: FILE:LINE:COL: …`), and exits with code 2.
//!
//! Every message is written in both languages where it is made, with [`text!`](crate::text):
//! [`Error::message`] gives it in the language asked; `Display` gives the English one (logs and
//! the library's own tests).

use crate::lang::Lang;
use std::fmt;

/// A message in the two languages of the outputs: French (the default) and English.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    /// The message in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.fr,
            Lang::En => &self.en,
        }
    }

    /// The same words in both languages: a name, a number, a path, or a message another
    /// library wrote.
    pub fn same(text: impl Into<String>) -> Text {
        let text = text.into();
        Text {
            fr: text.clone(),
            en: text,
        }
    }
}

/// What the system said of a file, in French by its kind (the system's own words in English).
impl From<&std::io::Error> for Text {
    fn from(error: &std::io::Error) -> Text {
        use std::io::ErrorKind as Kind;
        let fr = match error.kind() {
            Kind::NotFound => "fichier ou dossier introuvable",
            Kind::PermissionDenied => "accès refusé",
            Kind::AlreadyExists => "existe déjà",
            Kind::StorageFull => "plus de place sur le disque",
            Kind::ReadOnlyFilesystem => "disque en lecture seule",
            Kind::NotADirectory => "n'est pas un dossier",
            Kind::IsADirectory => "est un dossier",
            Kind::DirectoryNotEmpty => "le dossier n'est pas vide",
            Kind::InvalidData => "contenu illisible (pas du texte UTF-8 ?)",
            Kind::BrokenPipe => "la sortie a été fermée",
            Kind::Interrupted => "interrompu",
            Kind::AddrInUse => "adresse déjà utilisée",
            Kind::AddrNotAvailable => "adresse indisponible sur cette machine",
            _ => {
                return Text {
                    fr: format!("erreur du système : {error}"),
                    en: error.to_string(),
                };
            }
        };
        Text {
            fr: fr.to_owned(),
            en: error.to_string(),
        }
    }
}

impl From<std::io::Error> for Text {
    fn from(error: std::io::Error) -> Text {
        Text::from(&error)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

/// A [`Text`] from a French and an English format string with the same arguments:
/// `text!(fr: "la base {base} dépasse le coût", en: "the base {base} is above the cost")`.
/// After a `;`, `name = text` binds a [`Text`] that each language takes in its own words:
/// `text!(fr: "… dans « {name} »{hint}", en: "… in \"{name}\"{hint}"; hint = hint.text())`.
#[macro_export]
macro_rules! text {
    (fr: $fr:literal, en: $en:literal $(, $arg:expr)* $(,)?) => {
        $crate::error::Text {
            fr: format!($fr $(, $arg)*),
            en: format!($en $(, $arg)*),
        }
    };
    (fr: $fr:literal, en: $en:literal; $($name:ident = $value:expr),+ $(,)?) => {{
        $(let $name: &$crate::error::Text = &$value;)+
        $crate::error::Text {
            fr: { $(let $name = &$name.fr;)+ format!($fr) },
            en: { $(let $name = &$name.en;)+ format!($en) },
        }
    }};
}

/// Where in an input file something is: 1-based line and column (in characters), or, in a
/// workbook, the sheet and cell (`Opérations!F12 « Coût HT (€) »`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The sheet and cell of a workbook's value; then line and column are those of the text
    /// the workbook was turned into, and are not shown.
    pub cell: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.cell {
            Some(cell) => write!(f, "{}:{cell}", self.file),
            None => write!(f, "{}:{}:{}", self.file, self.line, self.column),
        }
    }
}

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file that does not parse or does not make sense.
    #[error("{0}")]
    Input(Box<InputError>),
    /// A path given on the command line that cannot be read.
    #[error("{path}: {reason}")]
    Read { path: String, reason: Text },
    /// A command-line argument that does not make sense for the data (an unknown operation, a
    /// sweep parameter that names no change, scenarios of different bases…).
    #[error("{subject}: {reason}")]
    Usage { subject: Text, reason: Text },
    /// A dataset too large to be computed exactly.
    #[error("{message}")]
    Limit { message: Text },
    /// Output that cannot be written.
    #[error("cannot write {path}: {reason}")]
    Write { path: String, reason: Text },
    /// An output folder or file that cannot be written as it stands: a symbolic link or a
    /// folder in the way, a folder another run is writing into (docs/robustness.md).
    #[error("{path}: {reason}")]
    Output { path: String, reason: Text },
    /// A chart that cannot be drawn: a bug, never the data.
    #[error(
        "cannot draw {chart}: {reason}; this is a bug in cofinance: please report it with the dataset"
    )]
    Chart { chart: String, reason: Text },
    /// A workbook that cannot be built: a bug, never the data.
    #[error(
        "cannot build the workbook: {reason}; this is a bug in cofinance: please report it with the dataset"
    )]
    Workbook { reason: Text },
}

impl Error {
    /// The process exit code: 2 for bad input, 1 for a failure while running.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Read { .. } | Error::Usage { .. } | Error::Limit { .. } => 2,
            Error::Write { .. }
            | Error::Output { .. }
            | Error::Chart { .. }
            | Error::Workbook { .. } => 1,
        }
    }

    pub fn write(path: impl fmt::Display, reason: impl Into<Text>) -> Error {
        Error::Write {
            path: path.to_string(),
            reason: reason.into(),
        }
    }

    pub fn output(path: impl fmt::Display, reason: impl Into<Text>) -> Error {
        Error::Output {
            path: path.to_string(),
            reason: reason.into(),
        }
    }

    /// The message in `lang`, as one line.
    pub fn message(&self, lang: Lang) -> String {
        let fr = lang == Lang::Fr;
        match self {
            Error::Input(error) => error.message(lang),
            Error::Read { path, reason } | Error::Output { path, reason } => {
                join(fr, path, reason.get(lang))
            }
            Error::Usage { subject, reason } => join(fr, subject.get(lang), reason.get(lang)),
            Error::Limit { message } => message.get(lang).to_owned(),
            Error::Write { path, reason } => match lang {
                Lang::Fr => format!("impossible d'écrire {path} : {}", reason.fr),
                Lang::En => self.to_string(),
            },
            Error::Chart { chart, reason } => match lang {
                Lang::Fr => format!(
                    "impossible de dessiner {chart} : {} ; c'est un défaut de cofinance : merci de le signaler avec le jeu de données",
                    reason.fr
                ),
                Lang::En => self.to_string(),
            },
            Error::Workbook { reason } => match lang {
                Lang::Fr => format!(
                    "impossible de construire le classeur : {} ; c'est un défaut de cofinance : merci de le signaler avec le jeu de données",
                    reason.fr
                ),
                Lang::En => self.to_string(),
            },
        }
    }
}

/// `where: what`, with French spacing before the colon.
fn join(fr: bool, place: &str, what: &str) -> String {
    if fr {
        format!("{place} : {what}")
    } else {
        format!("{place}: {what}")
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What is wrong with an input, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {problem}")]
pub struct InputError {
    pub location: Location,
    pub problem: Problem,
}

impl InputError {
    /// The message in `lang`: where, then what.
    pub fn message(&self, lang: Lang) -> String {
        join(
            lang == Lang::Fr,
            &self.location.to_string(),
            &self.problem.message(lang),
        )
    }
}

/// What is wrong with an input, without the where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file does not parse as TOML or CSV.
    #[error("{message}")]
    Syntax { message: Text },
    #[error("unknown field \"{field}\"{hint}; remove it or correct its name")]
    UnknownField { field: String, hint: Hint },
    #[error("missing field \"{field}\": {what}")]
    MissingField { field: String, what: Text },
    /// A value of the wrong type or outside its range, with what to write instead.
    #[error("field \"{field}\": {message}")]
    BadValue { field: String, message: Text },
    #[error("field \"{field}\": {what} \"{id}\" is not defined{hint}")]
    UnknownId {
        field: String,
        what: &'static str,
        id: String,
        hint: Hint,
    },
    #[error("{what} \"{id}\" is defined twice (first at {first}); ids must be unique")]
    DuplicateId {
        what: &'static str,
        id: String,
        first: String,
    },
    /// A dependency cycle: its operations in order, the first repeated at the end.
    #[error("operations depend on each other in a cycle{}; remove one of these dependencies", cycle_text(.cycle))]
    Cycle { cycle: Vec<String> },
}

impl Problem {
    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            Problem::Syntax { message } => message.fr.clone(),
            Problem::UnknownField { field, hint } => format!(
                "champ inconnu « {field} »{} ; supprimez-le ou corrigez son nom",
                hint.0.fr
            ),
            Problem::MissingField { field, what } => {
                format!("champ « {field} » manquant : {}", what.fr)
            }
            Problem::BadValue { field, message } => format!("champ « {field} » : {}", message.fr),
            Problem::UnknownId {
                field,
                what,
                id,
                hint,
            } => format!(
                "champ « {field} » : « {id} » n'est pas parmi les {}{}",
                plural_fr(what),
                hint.0.fr
            ),
            Problem::DuplicateId { what, id, first } => format!(
                "identifiant « {id} » donné deux fois parmi les {} (la première fois en {first}) ; un identifiant ne sert qu'une fois",
                plural_fr(what)
            ),
            Problem::Cycle { cycle } => format!(
                "les opérations dépendent les unes des autres en cycle{} ; supprimez l'une de ces dépendances",
                cycle_text_fr(cycle)
            ),
        }
    }
}

/// The French plural of the kind of thing an id names (`funder` → `financeurs`).
fn plural_fr(what: &str) -> &str {
    match what {
        "funder" => "financeurs du jeu de données",
        "operation" => "opérations du jeu de données",
        "owner" => "maîtres d'ouvrage du jeu de données",
        "rule" => "règles du financeur",
        "commune" => "communes du jeu de données",
        "family" => "familles d'opérations",
        "owner kind" => "types de maître d'ouvrage",
        "shortage policy" => "modes de répartition d'une enveloppe qui manque",
        "loan profile" => "profils d'emprunt",
        "change kind" => "types de changement",
        "distribution" => "distributions",
        other => other,
    }
}

/// [`cycle_text`] in French.
fn cycle_text_fr(cycle: &[String]) -> String {
    const SHOWN: usize = 5;
    let operations = cycle.len().saturating_sub(1);
    if operations <= 2 * SHOWN {
        return format!(" : {}", cycle.join(" -> "));
    }
    format!(
        " de {operations} opérations : {} -> … (et {} de plus) -> {}",
        cycle[..SHOWN].join(" -> "),
        operations - SHOWN,
        cycle[0]
    )
}

/// A cycle as written in its message: the whole of a short one (`: A -> B -> A`); the first
/// few operations and the count of a long one, so that the message stays one readable line.
fn cycle_text(cycle: &[String]) -> String {
    const SHOWN: usize = 5;
    let operations = cycle.len().saturating_sub(1);
    if operations <= 2 * SHOWN {
        return format!(": {}", cycle.join(" -> "));
    }
    format!(
        " of {operations} operations: {} -> … (and {} more) -> {}",
        cycle[..SHOWN].join(" -> "),
        operations - SHOWN,
        cycle[0]
    )
}

/// The end of an "unknown …" message: the closest known name, or the known names.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hint(Text);

impl Hint {
    /// "did you mean …?" when a known name is close enough, else the list of known names
    /// when it is short, else nothing.
    pub fn closest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Hint {
        let known: Vec<&str> = known.into_iter().collect();
        if let Some(best) = closest(unknown, &known) {
            return Hint(crate::text!(
                fr: " (vouliez-vous dire « {best} » ?)",
                en: " (did you mean \"{best}\"?)"
            ));
        }
        if !known.is_empty() && known.len() <= 12 {
            let quoted = |open: &str, close: &str| {
                let list: Vec<String> = known.iter().map(|n| format!("{open}{n}{close}")).collect();
                list.join(", ")
            };
            return Hint(Text {
                fr: format!(" (possibles : {})", quoted("« ", " »")),
                en: format!(" (known: {})", quoted("\"", "\"")),
            });
        }
        Hint::default()
    }

    /// The hint in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        self.0.get(lang)
    }

    /// The hint in both languages.
    pub fn text(&self) -> &Text {
        &self.0
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.en)
    }
}

/// The known name closest to `unknown` by edit distance (ignoring case), if it is close; a
/// name that starts with what was typed (`capacity` for `capacity_per_year`) counts as close.
pub fn closest<'a>(unknown: &str, known: &[&'a str]) -> Option<&'a str> {
    let unknown_lower = unknown.to_lowercase();
    let limit = (unknown.chars().count() / 3).max(2);
    known
        .iter()
        .map(|&name| {
            let lower = name.to_lowercase();
            let mut distance = strsim::levenshtein(&unknown_lower, &lower);
            if unknown_lower.len() >= 3 && lower.starts_with(&unknown_lower) {
                distance = distance.min(limit);
            }
            (distance, name)
        })
        .filter(|&(distance, _)| distance <= limit)
        .min_by_key(|&(distance, name)| (distance, name))
        .map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_cycle_names_its_first_operations_and_its_length() {
        let mut cycle: Vec<String> = (0..10_000).map(|i| format!("OP-{i}")).collect();
        cycle.push("OP-0".into());
        assert_eq!(
            Problem::Cycle { cycle }.to_string(),
            "operations depend on each other in a cycle of 10000 operations: OP-0 -> OP-1 -> OP-2 -> OP-3 -> OP-4 -> … (and 9995 more) -> OP-0; remove one of these dependencies"
        );
    }

    #[test]
    fn suggests_the_closest_name() {
        assert_eq!(closest("anrru", &["anru", "anah", "region"]), Some("anru"));
        assert_eq!(closest("ANRU", &["anru", "anah"]), Some("anru"));
        assert_eq!(closest("xyzzy", &["anru", "anah"]), None);
        assert_eq!(
            closest("capacity", &["cap", "capacity_per_year"]),
            Some("capacity_per_year")
        );
        assert_eq!(
            Hint::closest("rat", ["rate", "cap"]).to_string(),
            " (did you mean \"rate\"?)"
        );
        assert_eq!(
            Hint::closest("zzzzzz", ["rate", "cap"]).to_string(),
            " (known: \"rate\", \"cap\")"
        );
    }
}
