//! Where a path leads: the entry points that tell a base from a scenario from a dataset
//! folder, and read each into what can be run.
//!
//! It sits above both [`input`] (which reads a base, its CSV, a workbook, and resolves a
//! command-line path) and [`scenario`] (which reads a scenario file and the base it names), so
//! that neither reaches back to the other: a plain base goes from here to [`input`] only.

use crate::error::{Error, Result};
use crate::input::{self, Files, Loaded, Options, SourceFile, Target, display_path};
use crate::model::Dataset;
use crate::scenario::uncertainty::Uncertainty;
use crate::scenario::{self, Scenario};
use std::path::{Path, PathBuf};

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
        if scenario::is_scenario(&file) {
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
            Source::Base(loaded, _) => Ok(Target::base(loaded)),
            Source::Scenario(scenario) => scenario.target(),
        }
    }

    /// [`Source::target`], taking the source: a base's dataset is moved, not copied, and a
    /// scenario's changes are applied to its base's own (at national scale the copy and the
    /// drop of the original were a tenth of loading).
    pub fn into_target(self) -> Result<Target> {
        match self {
            Source::Base(loaded, _) => {
                let Loaded { dataset, inputs } = *loaded;
                Ok(Target {
                    scenario: None,
                    description: None,
                    dataset,
                    inputs,
                })
            }
            Source::Scenario(scenario) => scenario.into_target(),
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

/// The `[uncertainty]` table a Monte-Carlo run uses: the `given` file's (`--uncertainty`), or
/// the first of `sources` that has one; with the file it comes from (for the manifest). An
/// error, that says which file to give, when none has one.
pub fn uncertainty(
    given: Option<&Source>,
    sources: &[Source],
    dataset: &Dataset,
) -> Result<(SourceFile, Uncertainty)> {
    let with_uncertainty = given
        .iter()
        .copied()
        .chain(sources)
        .find_map(|source| match source {
            Source::Scenario(s) => s.raw.uncertainty.as_ref().map(|raw| (s, raw)),
            Source::Base(..) => None,
        });
    let Some((holder, raw)) = with_uncertainty else {
        let named = match given {
            Some(Source::Scenario(s)) => s.file.path.clone(),
            Some(Source::Base(_, path)) => path.display().to_string(),
            None => "les fichiers donnés".to_owned(),
        };
        return Err(Error::Usage {
            subject: crate::error::Text::same(named),
            reason: crate::text!(
                fr: "aucune table [uncertainty] trouvée ; donnez un fichier qui en a une, par exemple --uncertainty scenarios/bassin-minier/incertitudes.toml",
                en: "no [uncertainty] table found; give a file that has one, for example --uncertainty scenarios/bassin-minier/incertitudes.toml"
            ),
        });
    };
    let uncertainty = Uncertainty::check(&holder.file, raw, dataset)?;
    Ok((holder.file.clone(), uncertainty))
}

/// The `[uncertainty]` a source's readers' pages weigh (the commune sheet's and the report's
/// decision sentences): its own table, or for the default dataset's base, the shipped
/// `incertitudes.toml`; `None` when there is none. Unlike [`uncertainty`], no table is not an
/// error: the pages then say so.
pub fn uncertainty_of(source: &Source, dataset: &Dataset) -> Result<Option<Uncertainty>> {
    let holder = match source {
        Source::Scenario(scenario) if scenario.raw.uncertainty.is_some() => Some(source.clone()),
        _ if source.base_path() == Path::new(input::DEFAULT_DATASET_PATH).join("base.toml") => {
            Some(read_default_uncertainty()?)
        }
        _ => None,
    };
    match holder {
        Some(Source::Scenario(scenario)) => match &scenario.raw.uncertainty {
            Some(raw) => Ok(Some(Uncertainty::check(&scenario.file, raw, dataset)?)),
            None => Ok(None),
        },
        _ => Ok(None),
    }
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
        if !scenario::is_scenario(&file) {
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
