//! Scenarios: a named list of changes applied, in file order, to a copy of a base dataset.
//!
//! The base is never mutated: [`Scenario::apply`] clones it and returns the modified copy.
//! Changes are data (docs/scenarios.md); each is checked against its kind, and every unknown kind,
//! funder, rule or operation is an error with its place in the file.

pub mod change;
pub mod raw;
pub mod sweep;
pub mod uncertainty;

use crate::error::{Result, Text};
use crate::fr::Lang;
use crate::input::check::{bad, missing};
use crate::input::{self, Files, Loaded, Options, SourceFile, Target, display_path};
use crate::model::Dataset;
use change::Change;
use raw::RawScenario;
use std::path::{Path, PathBuf};

/// A scenario file and the base it names, read and parsed but not applied.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub file: SourceFile,
    pub raw: RawScenario,
    pub base: Loaded,
    /// The base file's path, to tell whether two scenarios share a base.
    pub base_path: PathBuf,
}

/// A value that replaces one field of one checked change (for sweeps, [`Change::set`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Index of the change in the file (0-based).
    pub change: usize,
    pub field: String,
    pub value: rust_decimal::Decimal,
}

impl Scenario {
    /// Reads a scenario file and its base.
    pub fn read(files: Files, path: &Path) -> Result<Scenario> {
        let file = files.read(path)?;
        Scenario::from_file(files, path, file, Options::default())
    }

    /// Reads a scenario file already read as `file` (at `path`), and its base as `options` say.
    pub fn from_file(
        files: Files,
        path: &Path,
        file: SourceFile,
        options: Options,
    ) -> Result<Scenario> {
        let raw: RawScenario = input::parse_toml(&file)?;
        let named = Path::new(raw.base.get_ref());
        // `base = "builtin:bassin-minier"` names the embedded dataset from anywhere.
        let (base_files, base_path) = if input::is_builtin(named) {
            input::resolve(Some(named)).map_err(|error| {
                let message = Text {
                    fr: error.message(Lang::Fr),
                    en: error.to_string(),
                };
                bad(&file, &raw.base.span(), "base", message)
            })?
        } else {
            let path = path.parent().unwrap_or_else(|| Path::new("")).join(named);
            (files, input::source::normalize(&path))
        };
        let base = match base_files.read_bytes_optional(&base_path)? {
            Some(bytes) if is_scenario_bytes(&bytes) => {
                let named = raw.base.get_ref();
                let message = if base_path == input::source::normalize(path) {
                    crate::text!(
                        fr: "la base est ce scénario lui-même ; donnez le chemin du base.toml qu'il modifie",
                        en: "the base is this scenario itself; give the path of the base.toml it changes"
                    )
                } else {
                    crate::text!(
                        fr: "« {named} » est un scénario, pas une base ; un scénario modifie un base.toml : donnez la base que ce scénario nomme",
                        en: "\"{named}\" is a scenario, not a base; a scenario changes a base.toml: give the base that scenario names"
                    )
                };
                return Err(bad(&file, &raw.base.span(), "base", message));
            }
            Some(_) => input::load_base_with(base_files, &base_path, options)?,
            None => {
                let (named, looked) = (raw.base.get_ref(), display_path(&base_path));
                return Err(bad(
                    &file,
                    &raw.base.span(),
                    "base",
                    crate::text!(
                        fr: "la base « {named} » est introuvable (chemin cherché : {looked}) ; donnez son chemin relatif à ce fichier",
                        en: "the base \"{named}\" is not found (looked for {looked}); give its path relative to this file"
                    ),
                ));
            }
        };
        Ok(Scenario {
            file,
            raw,
            base,
            base_path,
        })
    }

    /// The scenario's `name`, or its file's stem (docs/scenarios.md).
    pub fn name(&self) -> &str {
        match &self.raw.name {
            Some(name) => name.get_ref(),
            None => Path::new(&self.file.path)
                .file_stem()
                .and_then(|stem| stem.to_str())
                .unwrap_or("scenario"),
        }
    }

    /// Applies the changes, in file order, to a copy of the base; `overrides` set fields of
    /// the checked changes first (as a sweep does, [`Change::set`]).
    pub fn apply(&self, overrides: &[Override]) -> Result<Dataset> {
        let (changes, dataset) = self.check()?;
        if overrides.is_empty() {
            return Ok(dataset);
        }
        self.apply_checked(&changes, overrides)
    }

    /// The changes checked ([`check_on`]) on a copy of the base, with the dataset they leave.
    fn check(&self) -> Result<(Vec<Change>, Dataset)> {
        check_on(&self.file, &self.raw, self.base.dataset.clone())
    }

    /// Applies checked changes (from [`Scenario::check`]) to a copy of the base, each with the
    /// fields `overrides` set on it.
    fn apply_checked(&self, changes: &[Change], overrides: &[Override]) -> Result<Dataset> {
        let mut dataset = self.base.dataset.clone();
        let mut inserted = vec![0_usize; dataset.funders.len()];
        for (index, change) in changes.iter().enumerate() {
            let mut set = overrides.iter().filter(|o| o.change == index).peekable();
            if set.peek().is_none() {
                change.apply(&self.file, &mut dataset, &mut inserted)?;
                continue;
            }
            let mut change = change.clone();
            let span = self.raw.change[index].span();
            for o in set {
                change.set(&self.file, &span, &o.field, o.value)?;
            }
            change.apply(&self.file, &mut dataset, &mut inserted)?;
        }
        complete_terms(&self.file, &self.raw, &dataset)?;
        Ok(dataset)
    }

    /// The scenario applied, ready to run.
    pub fn target(&self) -> Result<Target> {
        let mut inputs = vec![self.file.clone()];
        inputs.extend(self.base.inputs.iter().cloned());
        Ok(Target {
            scenario: Some(self.name().to_owned()),
            description: self.raw.description.clone(),
            dataset: self.apply(&[])?,
            inputs,
        })
    }

    /// [`Scenario::target`], taking the scenario: its changes are applied to its base's own
    /// dataset, not to a copy (at national scale a copy is tens of thousands of operations).
    pub fn into_target(self) -> Result<Target> {
        let scenario = Some(self.name().to_owned());
        let Scenario {
            file, raw, base, ..
        } = self;
        let (_, dataset) = check_on(&file, &raw, base.dataset)?;
        let mut inputs = vec![file];
        inputs.extend(base.inputs);
        Ok(Target {
            scenario,
            description: raw.description,
            dataset,
            inputs,
        })
    }
}

/// The changes of `raw`, each checked against the dataset as the earlier ones leave it (so a
/// change may name what an earlier one inserted) and applied to `dataset` (the base, or a copy
/// of it), with the dataset they leave.
fn check_on(
    file: &SourceFile,
    raw: &RawScenario,
    mut dataset: Dataset,
) -> Result<(Vec<Change>, Dataset)> {
    let mut inserted = vec![0_usize; dataset.funders.len()];
    let mut changes = Vec::with_capacity(raw.change.len());
    for entry in &raw.change {
        let change = Change::check(file, &entry.span(), entry.get_ref(), &dataset)?;
        change.apply(file, &mut dataset, &mut inserted)?;
        changes.push(change);
    }
    complete_terms(file, raw, &dataset)?;
    Ok((changes, dataset))
}

/// Borrowing changes may leave a commune with incomplete terms: said at the last of them.
fn complete_terms(file: &SourceFile, raw: &RawScenario, dataset: &Dataset) -> Result<()> {
    for owner in &dataset.owners {
        if let Err(field) = dataset.loan_terms(owner) {
            let at = raw
                .change
                .iter()
                .rev()
                .find(|c| {
                    c.get_ref()
                        .kind
                        .as_ref()
                        .is_some_and(|k| k.get_ref() == "borrowing")
                })
                .map_or(0..0, toml::Spanned::span);
            let id = &owner.id;
            return Err(missing(
                file,
                &at,
                field,
                crate::text!(
                    fr: "la commune « {id} » emprunte mais ses conditions d'emprunt n'ont pas de {field} ; donnez-le dans le changement borrowing ou dans la table [borrowing] de la base",
                    en: "commune \"{id}\" borrows but its terms have no {field}; give it in the borrowing change or in the base's [borrowing]"
                ),
            ));
        }
    }
    Ok(())
}

/// Whether a TOML file is a scenario (it names a `base`) rather than a base.
pub fn is_scenario(file: &SourceFile) -> bool {
    is_scenario_bytes(file.text.as_bytes())
}

/// Whether the bytes of a file are a scenario (a TOML table that names its base).
fn is_scenario_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| input::raw::root_has_key(text, "base"))
}
