//! A dataset as one workbook (`.xlsx`, `.ods`): its sheets and columns (docs/dataset.md,
//! "A dataset as a workbook"), and the reader that turns a workbook into the text of the
//! `base.toml` it stands for, so that the TOML reader and validation, and their messages,
//! are the same for both. Every part of that text remembers the cell it came from, so an
//! error names the sheet and cell (`Opérations!H12 « Coût HT (€) »`) instead of a line.
//!
//! The tables below are the one description of the workbook: the reader reads them, the
//! template ([`super::template`]) writes them. A new dataset field is one [`Column`] here
//! (and its getter).

use super::source::{Origin, SourceFile, sha256_hex};
use crate::error::{Error, Hint, InputError, Location, Problem, Result};
use crate::model::{Capacity, Dataset, Family, Money, OwnerKind, Profile, Rate, Shortage};

/// The file extensions read as workbooks.
pub const EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// What a cell holds, and how it is checked and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text from a fixed list (a data-validation list in the template).
    Choice(&'static [&'static str]),
    Integer,
    Money,
    Rate,
    /// A modulation's points, between -1 and 1.
    SignedRate,
    /// `oui`/`non` (also `vrai`/`faux`, `true`/`false`, a boolean cell).
    Bool,
    /// Ids separated by `,`, `;` or `|`.
    List,
}

/// A value as the template writes it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Empty,
    Text(String),
    Integer(i64),
    Money(Money),
    Rate(Rate),
    Bool(bool),
    List(Vec<String>),
}

impl Value {
    fn text(text: &str) -> Value {
        Value::Text(text.to_owned())
    }

    fn opt_money(money: Option<Money>) -> Value {
        money.map_or(Value::Empty, Value::Money)
    }

    fn opt_bool(value: Option<bool>) -> Value {
        value.map_or(Value::Empty, Value::Bool)
    }

    fn opt_rate(rate: Option<Rate>) -> Value {
        rate.map_or(Value::Empty, Value::Rate)
    }

    fn opt_int(value: Option<impl Into<i64>>) -> Value {
        value.map_or(Value::Empty, |v| Value::Integer(v.into()))
    }

    fn list(items: impl IntoIterator<Item = impl Into<String>>) -> Value {
        let items: Vec<String> = items.into_iter().map(Into::into).collect();
        if items.is_empty() {
            Value::Empty
        } else {
            Value::List(items)
        }
    }
}

/// One column of a table sheet (or one row of the parameters sheet).
#[derive(Debug, Clone, Copy)]
pub struct Column<I: 'static> {
    /// The TOML field it fills (dotted for the parameters: `vat.default`).
    pub key: &'static str,
    /// Its header in the workbook, in French.
    pub label: &'static str,
    pub kind: Kind,
    /// What it means (the header's comment in the template).
    pub note: &'static str,
    /// Its value in a dataset, for the template; `I` says which row.
    pub get: fn(&Dataset, I) -> Value,
}

/// A reference to a row of a dataset, for the getters.
pub type OwnerRow = usize;
pub type FunderRow = usize;
/// A rule (funder, rule) or a modulation of it (funder, rule, modulation).
pub type RuleRow = (usize, usize, Option<usize>);
pub type OperationRow = usize;

/// The sheets, by name.
pub const PARAMETERS: &str = "Paramètres";
pub const FAMILIES: &str = "Familles";
pub const OWNERS: &str = "Maîtres d'ouvrage";
pub const FUNDERS: &str = "Financeurs";
pub const RULES: &str = "Règles";
pub const MODULATIONS: &str = "Modulations";
pub const OPERATIONS: &str = "Opérations";

/// The sheets in the order the template writes them.
pub const SHEETS: [&str; 7] = [
    PARAMETERS,
    FAMILIES,
    OWNERS,
    FUNDERS,
    RULES,
    MODULATIONS,
    OPERATIONS,
];

const FAMILY_IDS: [&str; Family::COUNT] = [
    "demolition",
    "construction",
    "rehabilitation",
    "residentialisation",
    "roads",
    "amenities",
    "development",
    "engineering",
    "land",
];
const OWNER_KINDS: [&str; 5] = ["commune", "epci", "bailleur", "soginorpa", "other"];

/// The parameters a dataset cannot do without.
const REQUIRED_PARAMETERS: [&str; 3] = ["name", "start_year", "end_year"];

/// The header of the parameters sheet.
pub const PARAMETER_HEADER: [&str; 3] = ["Paramètre", "Valeur", "Explication"];

/// Whether a path names a workbook (by its extension).
pub fn is_workbook(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

mod columns;
mod conditions;
mod reader;
mod text;

pub use columns::{YearColumns, families, funder_years, funders, owner_years, owners, parameters};
pub use conditions::{modulations, operations, rules};
pub use reader::{cell_name, read};
