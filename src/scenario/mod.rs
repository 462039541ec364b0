//! Scenarios: a named list of changes applied, in file order, to a copy of a base dataset.
//!
//! The base is never mutated: [`Scenario::apply`] clones it and returns the modified copy.
//! Changes are data (docs/scenarios.md); each is checked against its kind, and every unknown kind,
//! funder, rule or operation is an error with its place in the file.

pub mod change;
pub mod raw;
pub mod sweep;
pub mod uncertainty;

use crate::error::{Error, Result, Text};
use crate::fr::Lang;
use crate::input::check::{bad, missing};
use crate::input::{self, Files, Loaded, Options, SourceFile, display_path};
use crate::model::Dataset;
use change::Change;
use raw::RawScenario;
use std::path::{Path, PathBuf};

/// A dataset ready to run: a base, or a scenario applied to its base.
#[derive(Debug, Clone)]
pub struct Target {
    /// The scenario's name; `None` for a base.
    pub scenario: Option<String>,
    pub description: Option<String>,
    pub dataset: Dataset,
    /// Every file read, for the manifest: the scenario file first, then the base's.
    pub inputs: Vec<SourceFile>,
}

impl Target {
    /// The name shown to users: the scenario's, or the dataset's.
    pub fn label(&self) -> &str {
        self.scenario.as_deref().unwrap_or(&self.dataset.name)
    }
}

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

    fn from_file(
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

    /// The changes, each checked against the dataset as the earlier ones leave it (so a change
    /// may name what an earlier one inserted), with the dataset they leave.
    fn check(&self) -> Result<(Vec<Change>, Dataset)> {
        let mut dataset = self.base.dataset.clone();
        let mut inserted = vec![0_usize; dataset.funders.len()];
        let mut changes = Vec::with_capacity(self.raw.change.len());
        for entry in &self.raw.change {
            let change = Change::check(&self.file, &entry.span(), entry.get_ref(), &dataset)?;
            change.apply(&self.file, &mut dataset, &mut inserted)?;
            changes.push(change);
        }
        self.complete_terms(&dataset)?;
        Ok((changes, dataset))
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
        self.complete_terms(&dataset)?;
        Ok(dataset)
    }

    /// Borrowing changes may leave a commune with incomplete terms: said at the last of them.
    fn complete_terms(&self, dataset: &Dataset) -> Result<()> {
        for owner in &dataset.owners {
            if let Err(field) = dataset.loan_terms(owner) {
                let at = self
                    .raw
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
                    &self.file,
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
}

/// What a path leads to.
#[derive(Debug, Clone)]
pub enum Source {
    Base(Box<Loaded>, PathBuf),
    Scenario(Box<Scenario>),
}

impl Source {
    /// Reads a base or a scenario: a scenario file names its `base`.
    pub fn read(files: Files, path: &Path) -> Result<Source> {
        Source::read_with(files, path, Options::default())
    }

    /// [`Source::read`], reading input files as `options` say.
    pub fn read_with(files: Files, path: &Path, options: Options) -> Result<Source> {
        if input::is_workbook(path) {
            return Ok(Source::Base(
                Box::new(input::load_base_with(files, path, options)?),
                path.to_path_buf(),
            ));
        }
        let file = files.read(path)?;
        if is_scenario(&file) {
            Ok(Source::Scenario(Box::new(Scenario::from_file(
                files, path, file, options,
            )?)))
        } else {
            Ok(Source::Base(
                Box::new(input::load_base_with(files, path, options)?),
                path.to_path_buf(),
            ))
        }
    }

    pub fn target(&self) -> Result<Target> {
        match self {
            Source::Base(loaded, _) => Ok(Target {
                scenario: None,
                description: None,
                dataset: loaded.dataset.clone(),
                inputs: loaded.inputs.clone(),
            }),
            Source::Scenario(scenario) => scenario.target(),
        }
    }

    /// The path of the base this source runs on.
    pub fn base_path(&self) -> &Path {
        match self {
            Source::Base(_, path) => path,
            Source::Scenario(scenario) => &scenario.base_path,
        }
    }
}

/// The default dataset's uncertainty file.
pub const DEFAULT_UNCERTAINTY: &str = "incertitudes.toml";

/// The default dataset under its shipped uncertainty file (embedded in the binary).
pub fn read_default_uncertainty() -> Result<Source> {
    Source::read(
        Files::Embedded,
        &Path::new(input::DEFAULT_DATASET_PATH).join(DEFAULT_UNCERTAINTY),
    )
}

/// Whether a TOML file is a scenario (it names a `base`) rather than a base.
pub fn is_scenario(file: &SourceFile) -> bool {
    is_scenario_bytes(file.text.as_bytes())
}

/// Whether the bytes of a file are a scenario (a TOML table that names its base).
fn is_scenario_bytes(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok_and(|text| input::raw::root_has_key(text, "base"))
}

/// Reads what a command-line path leads to: `None` is the embedded default dataset's base, a
/// folder its `base.toml`, a file itself (a base, a workbook or a scenario).
pub fn read(path: Option<&Path>) -> Result<Source> {
    read_with(path, Options::default())
}

/// [`read`], reading input files as `options` say.
pub fn read_with(path: Option<&Path>, options: Options) -> Result<Source> {
    let (files, path) = input::resolve(path)?;
    Source::read_with(files, &path, options)
}

/// The runs of a dataset folder: its base first, then every scenario file with changes, by
/// file name. `None` is the embedded default dataset.
pub fn read_folder(dir: Option<&Path>) -> Result<Vec<Source>> {
    read_folder_with(dir, Options::default())
}

/// [`read_folder`], reading input files as `options` say.
pub fn read_folder_with(dir: Option<&Path>, options: Options) -> Result<Vec<Source>> {
    let (files, base_path) = input::resolve(dir)?;
    let folder = base_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut sources = vec![Source::read_with(files, &base_path, options)?];
    for path in files.toml_files(&folder)? {
        if path == base_path {
            continue;
        }
        let file = files.read(&path)?;
        if !is_scenario(&file) {
            continue;
        }
        let scenario = Scenario::from_file(files, &path, file, options)?;
        if scenario.raw.change.is_empty() {
            continue;
        }
        sources.push(Source::Scenario(Box::new(scenario)));
    }
    Ok(sources)
}

/// Reads several command-line paths for a comparison: one folder gives all its runs; several
/// files are read in order. All must run on the same base.
pub fn read_many(paths: &[PathBuf]) -> Result<Vec<Source>> {
    read_many_with(paths, Options::default())
}

/// [`read_many`], reading input files as `options` say.
pub fn read_many_with(paths: &[PathBuf], options: Options) -> Result<Vec<Source>> {
    let sources = input::with_shared_loads(|| match paths {
        [] => read_folder_with(None, options),
        [one] if input::is_folder(one) => read_folder_with(Some(one), options),
        many => many
            .iter()
            .map(|p| read_with(Some(p), options))
            .collect::<Result<Vec<_>>>(),
    })?;
    if let Some(first) = sources.first() {
        for source in &sources[1..] {
            if source.base_path() != first.base_path() {
                let first = display_path(first.base_path());
                return Err(Error::Usage {
                    subject: crate::error::Text::same(display_path(source.base_path())),
                    reason: crate::text!(
                        fr: "n'a pas la même base que {first} ; comparez des scénarios d'une même base",
                        en: "runs on another base than {first}; compare scenarios of one base"
                    ),
                });
            }
        }
    }
    Ok(sources)
}
