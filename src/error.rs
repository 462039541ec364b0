//! Typed errors. Every input error names the file, line and column, the field, and what to do;
//! the binary prints it as one line, `error: FILE:LINE:COL: …`, and exits with code 2.

use std::fmt;

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
    Read { path: String, reason: String },
    /// A command-line argument that does not make sense for the data (an unknown operation, a
    /// sweep parameter that names no change, scenarios of different bases…).
    #[error("{subject}: {reason}")]
    Usage { subject: String, reason: String },
    /// A dataset too large to be computed exactly.
    #[error("{message}")]
    Limit { message: String },
    /// Output that cannot be written.
    #[error("impossible d'écrire {path} : {reason}")]
    Write { path: String, reason: String },
    /// An output folder or file that cannot be written as it stands: a symbolic link or a
    /// folder in the way, a folder another run is writing into (docs/robustness.md).
    #[error("{path}: {reason}")]
    Output { path: String, reason: String },
    /// A chart that cannot be drawn: a bug, never the data.
    #[error(
        "cannot draw {chart}: {reason}; this is a bug in cofinance: please report it with the dataset"
    )]
    Chart { chart: String, reason: String },
    /// A workbook that cannot be built: a bug, never the data.
    #[error(
        "cannot build the workbook: {reason}; this is a bug in cofinance: please report it with the dataset"
    )]
    Workbook { reason: String },
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

    pub fn write(path: impl fmt::Display, reason: impl fmt::Display) -> Error {
        Error::Write {
            path: path.to_string(),
            reason: reason.to_string(),
        }
    }

    pub fn output(path: impl fmt::Display, reason: impl fmt::Display) -> Error {
        Error::Output {
            path: path.to_string(),
            reason: reason.to_string(),
        }
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

/// What is wrong with an input, without the where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The file does not parse as TOML or CSV.
    #[error("{message}")]
    Syntax { message: String },
    #[error("unknown field \"{field}\"{hint}; remove it or correct its name")]
    UnknownField { field: String, hint: Hint },
    #[error("missing field \"{field}\": {what}")]
    MissingField { field: String, what: String },
    /// A value of the wrong type or outside its range, with what to write instead.
    #[error("field \"{field}\": {message}")]
    BadValue { field: String, message: String },
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
pub struct Hint(String);

impl Hint {
    /// "did you mean …?" when a known name is close enough, else the list of known names
    /// when it is short, else nothing.
    pub fn closest<'a>(unknown: &str, known: impl IntoIterator<Item = &'a str>) -> Hint {
        let known: Vec<&str> = known.into_iter().collect();
        if let Some(best) = closest(unknown, &known) {
            return Hint(format!(" (did you mean \"{best}\"?)"));
        }
        if !known.is_empty() && known.len() <= 12 {
            let list: Vec<String> = known.iter().map(|name| format!("\"{name}\"")).collect();
            return Hint(format!(" (known: {})", list.join(", ")));
        }
        Hint::default()
    }
}

impl fmt::Display for Hint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
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
