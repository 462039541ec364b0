//! The studio: a local web application, in French, over one dataset (`cofinance serve`).
//!
//! Everything is computed here from the library — the engine, the scenarios, the commune sheet,
//! the HTML report's sections, the charts, the CSV, JSON and Excel writers — and nothing is
//! stored but the dataset read at start and its runs, read only and shared by every request
//! ([`Studio`]). A what-if request builds a scenario file from the page's controls
//! ([`whatif`]), reads it as `cofinance run` would read it, and runs the whole dataset again:
//! the page, the downloads and the scenario file given to the user come from the same text.
//!
//! - [`routes`]: the pages and downloads, and what answers a bad request;
//! - [`pages`]: the HTML of each page;
//! - [`whatif`]: the workshop's controls, read from the query string, written as a scenario;
//! - [`assets`]: the style sheet and the script, embedded in the binary;
//! - [`reply`]: the answers that are not a page (400, 404, 500) and the security headers;
//! - [`upload`]: the user's own dataset, sent through the page and kept in a bounded cache.
//!
//! See `docs/studio.md` for what each page shows and the choices made.

pub mod assets;
mod fragments;
pub mod pages;
pub mod reply;
pub mod routes;
pub mod upload;
pub mod whatif;

use crate::engine::Outcome;
use crate::error::Result;
use crate::input::Target;
use crate::input::{Files, Loaded, display_path};
use crate::load::{self, Source};
use crate::runs::{self, Manifest, Run};
use crate::scenario;
use crate::scenario::uncertainty::Uncertainty;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub use routes::{app, harden};

/// One run of the studio and how URLs name it.
///
/// It owns what a [`Run`] borrows (its target, outcome and manifest), as [`crate::runs::Runs`]
/// does for a command, because no one else holds them: the studio's runs are read once and
/// live as long as the server, shared by every request, and a workshop run is made by one
/// request and dropped with it. Readers take [`Ran::run`], the library's view.
#[derive(Debug)]
pub struct Ran {
    /// How URLs name it: the scenario file's stem (`region-arret-2007`), `base` for the base.
    pub slug: String,
    pub target: Target,
    pub outcome: Outcome,
    pub manifest: Manifest,
}

impl Ran {
    /// Runs a target.
    pub fn new(slug: String, target: Target) -> Result<Ran> {
        let (outcome, manifest) = runs::run(&target)?;
        Ok(Ran {
            slug,
            target,
            outcome,
            manifest,
        })
    }

    /// The run as the reports, the charts and the exporters take it.
    pub fn run(&self) -> Run<'_> {
        Run::of(&self.target, &self.outcome, &self.manifest)
    }
}

/// The dataset the studio serves, read once at start, and its runs: shared by every request,
/// never changed.
#[derive(Debug)]
pub struct Studio {
    /// The base the workshop's scenarios apply to.
    pub base: Loaded,
    /// Its path, as scenario files name it (`scenarios/bassin-minier/base.toml`).
    pub base_path: PathBuf,
    /// The base, run.
    pub reference: Ran,
    /// The scenarios shipped beside the base, run, by file name.
    pub scenarios: Vec<Ran>,
    /// The uncertainty shipped with the dataset (`incertitudes.toml`, or the served scenario's
    /// `[uncertainty]`), for the Incertitudes page.
    pub uncertainty: Option<Uncertainty>,
    /// For a dataset sent through the page, its key (the `d` of every address); `None` for
    /// the dataset the studio was started on.
    pub key: Option<String>,
}

impl Studio {
    /// Reads what `cofinance serve [PATH]` serves: the default dataset when `None`, a dataset
    /// folder (its base and scenarios), a base file, or a scenario file (its base, and itself
    /// as the one scenario).
    pub fn load(path: Option<&Path>) -> Result<Studio> {
        let sources = match path {
            None => load::read_folder(None)?,
            Some(dir) if Files::Disk.is_dir(dir) => load::read_folder(Some(dir))?,
            Some(file) => vec![load::read(Some(file))?],
        };
        let uncertainty = match path {
            None => Some(load::read_default_uncertainty()?),
            Some(dir) if Files::Disk.is_dir(dir) => {
                let file = dir.join(load::DEFAULT_UNCERTAINTY);
                file.is_file()
                    .then(|| Source::read(Files::Disk, &file))
                    .transpose()?
            }
            Some(_) => sources.first().cloned(),
        };
        let mut sources = sources.into_iter();
        let first = sources
            .next()
            .expect("reading a dataset gives at least its base");
        let (base, base_path, shipped): (Loaded, PathBuf, Vec<Source>) = match first {
            Source::Base(loaded, path) => (*loaded, path, sources.collect()),
            Source::Scenario(scenario) => (
                scenario.base.clone(),
                scenario.base_path.clone(),
                vec![Source::Scenario(scenario)],
            ),
        };
        let reference = Ran::new("base".to_owned(), Target::base(&base))?;
        let scenarios = shipped
            .iter()
            .map(|source| {
                let target = source.target()?;
                let slug = target
                    .inputs
                    .first()
                    .and_then(|file| Path::new(&file.path).file_stem())
                    .map_or_else(
                        || "scenario".to_owned(),
                        |s| s.to_string_lossy().into_owned(),
                    );
                Ran::new(slug, target)
            })
            .collect::<Result<Vec<_>>>()?;
        let uncertainty = match &uncertainty {
            Some(Source::Scenario(holder)) => match &holder.raw.uncertainty {
                Some(raw) => Some(Uncertainty::check(&holder.file, raw, &base.dataset)?),
                None => None,
            },
            _ => None,
        };
        Ok(Studio {
            base,
            base_path,
            reference,
            scenarios,
            uncertainty,
            key: None,
        })
    }

    /// The studio of a dataset sent through the page: its base, run, with no scenario and no
    /// uncertainty; `base_path` is the name its base is given (`base.toml`, or the workbook's).
    pub fn uploaded(key: String, base: Loaded, base_path: PathBuf) -> Result<Studio> {
        let reference = Ran::new("base".to_owned(), Target::base(&base))?;
        Ok(Studio {
            base,
            base_path,
            reference,
            scenarios: Vec::new(),
            uncertainty: None,
            key: Some(key),
        })
    }

    /// An address of the studio on this dataset: `target` (a path, perhaps with its query)
    /// with `d=<key>` added for a dataset sent through the page.
    pub fn href(&self, target: &str) -> String {
        let Some(key) = &self.key else {
            return target.trim_end_matches('?').to_owned();
        };
        let target = target.trim_end_matches('?');
        let joint = if target.contains('?') { '&' } else { '?' };
        format!("{target}{joint}d={key}")
    }

    /// The path a workshop scenario is given: `atelier.toml` beside the base, so that
    /// `cofinance run` of the downloaded file, saved there, reads the same files.
    pub fn workshop_path(&self) -> String {
        display_path(
            &self
                .base_path
                .parent()
                .unwrap_or_else(|| Path::new(""))
                .join(whatif::FILE_NAME),
        )
    }

    /// A shipped scenario by its slug.
    pub fn scenario(&self, slug: &str) -> Option<&Ran> {
        self.scenarios.iter().find(|run| run.slug == slug)
    }
}

/// The limits every request is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Past this, the request is answered 503 and its work dropped.
    pub timeout: Duration,
    /// The largest request body accepted but on the upload page.
    pub body_bytes: usize,
    /// The largest dataset sent through the upload page, files and form together.
    pub upload_bytes: usize,
    /// At most this many sent datasets are kept; past it, the oldest is forgotten.
    pub upload_count: usize,
    /// At most this many bytes of sent files are kept; past it, the oldest is forgotten.
    pub upload_cache_bytes: usize,
    /// The longest query string accepted.
    pub query_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(20),
            body_bytes: 64 * 1024,
            upload_bytes: 4 * 1024 * 1024,
            upload_count: 16,
            upload_cache_bytes: 32 * 1024 * 1024,
            query_bytes: 4096,
        }
    }
}

/// The studio, shared by the request handlers.
pub type Shared = Arc<Studio>;

/// What every request can reach: the dataset the studio was started on, and the datasets
/// sent through the page.
#[derive(Debug)]
pub struct App {
    pub default: Shared,
    pub uploads: upload::Uploads,
    pub limits: Limits,
}

impl App {
    pub fn new(default: Shared, limits: Limits) -> App {
        App {
            default,
            uploads: upload::Uploads::new(limits.upload_count, limits.upload_cache_bytes),
            limits,
        }
    }
}

impl Studio {
    /// The workshop's scenario file for a state: its path and text.
    pub fn workshop_file(&self, what: &whatif::WhatIf) -> crate::input::SourceFile {
        let base_name = self
            .base_path
            .file_name()
            .map_or_else(|| "base.toml".into(), |n| n.to_string_lossy());
        crate::input::SourceFile::new(
            self.workshop_path(),
            what.toml(
                &self.base.dataset,
                &base_name,
                &self.href(&format!("/atelier?{}", what.with_commune(None).query())),
            ),
        )
    }

    /// The whole dataset run again under a workshop state: its scenario file is written, read
    /// back as `cofinance run` reads a scenario, applied to a copy of the base, and run.
    pub fn workshop(&self, what: &whatif::WhatIf) -> Result<Ran> {
        let file = self.workshop_file(what);
        let raw = crate::input::parse_toml(&file)?;
        let scenario = scenario::Scenario {
            file,
            raw,
            base: self.base.clone(),
            base_path: self.base_path.clone(),
        };
        Ran::new("atelier".to_owned(), scenario.target()?)
    }
}
