//! The user's own dataset, sent through the page *Vos données*: read with the loaders of the
//! command line (so with the same located errors), run, and kept in memory under the digest of
//! its files, in a cache bounded in datasets and in bytes where the oldest goes first. Nothing
//! is written anywhere: the loaders read the bytes as they came.
//!
//! The files are given the names `cofinance run` looks for beside a scenario — `base.toml` and
//! `operations.csv`, or the workbook's own name — so that the workshop's `atelier.toml`, saved
//! beside them, gives through `cofinance run` the very `summary.json` the studio gives
//! (`docs/studio.md`, "Vos données").

use super::Studio;
use crate::error::{Error, Result};
use crate::input::{self, SourceFile, workbook};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// One file as it came in the form: the name the browser gave and its bytes.
#[derive(Debug, Clone)]
pub struct Part {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The datasets sent, newest last, within `max_count` datasets and `max_bytes` bytes of files.
#[derive(Debug)]
pub struct Uploads {
    max_count: usize,
    max_bytes: usize,
    entries: Mutex<VecDeque<Entry>>,
}

#[derive(Debug)]
struct Entry {
    key: String,
    bytes: usize,
    studio: Arc<Studio>,
}

impl Uploads {
    pub fn new(max_count: usize, max_bytes: usize) -> Uploads {
        Uploads {
            max_count,
            max_bytes,
            entries: Mutex::new(VecDeque::new()),
        }
    }

    /// A dataset by its key, if it is still kept.
    pub fn get(&self, key: &str) -> Option<Arc<Studio>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| Arc::clone(&e.studio))
    }

    /// Keeps a dataset (made newest if it was there already), dropping the oldest until the
    /// bounds hold; one dataset larger than the byte bound alone is still kept, alone.
    pub fn insert(&self, key: String, bytes: usize, studio: Arc<Studio>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.retain(|e| e.key != key);
        let mut total: usize = entries.iter().map(|e| e.bytes).sum::<usize>() + bytes;
        while !entries.is_empty() && (entries.len() + 1 > self.max_count || total > self.max_bytes)
        {
            if let Some(oldest) = entries.pop_front() {
                total -= oldest.bytes;
            }
        }
        entries.push_back(Entry { key, bytes, studio });
    }

    /// How many datasets are kept.
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Why a sent dataset is refused before it is read: the form itself is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadForm(pub String);

/// The name a sent workbook keeps: its own if it is a plain file name with a workbook's
/// extension, else `donnees.xlsx`.
pub fn workbook_name(sent: &str) -> String {
    let name = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let plain = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if plain && workbook::is_workbook(Path::new(name)) {
        name.to_owned()
    } else {
        "donnees.xlsx".to_owned()
    }
}

/// The key of a dataset: the SHA-256 of its files, each as its name, its length and its bytes.
pub fn key(files: &[(&str, &[u8])]) -> String {
    let mut framed = Vec::new();
    for (name, bytes) in files {
        framed.extend_from_slice(name.as_bytes());
        framed.push(0);
        framed.extend_from_slice(bytes.len().to_string().as_bytes());
        framed.push(0);
        framed.extend_from_slice(bytes);
    }
    input::source::sha256_hex(&framed)
}

/// Whether a text has the form of a key (64 lowercase hexadecimal digits).
pub fn is_key(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What a sent dataset is, once the form is checked: its key, its files as the loaders take
/// them, and their size.
#[derive(Debug)]
pub struct Sent {
    pub key: String,
    pub bytes: usize,
    base: Part,
    operations: Option<Part>,
}

impl Sent {
    /// Checks the form's files: a base (`base.toml`, or a workbook that holds everything) and,
    /// beside a `base.toml`, an optional operations CSV.
    pub fn new(base: Option<Part>, operations: Option<Part>) -> Result<Sent, BadForm> {
        let Some(base) = base else {
            return Err(BadForm(
                "aucun fichier de base : choisissez votre base.toml, ou le classeur du jeu de données (.xlsx, .ods)".to_owned(),
            ));
        };
        let is_workbook = workbook::is_workbook(Path::new(&base.name));
        if Path::new(&base.name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            return Err(BadForm(format!(
                "« {} » est un CSV : il va dans le champ des opérations ; la base est un base.toml ou un classeur",
                base.name
            )));
        }
        if is_workbook && operations.is_some() {
            return Err(BadForm(
                "un classeur contient déjà ses opérations : n'envoyez pas de CSV avec lui"
                    .to_owned(),
            ));
        }
        let base_name = if is_workbook {
            workbook_name(&base.name)
        } else {
            input::BASE_TOML.to_owned()
        };
        let mut files: Vec<(&str, &[u8])> = vec![(&base_name, &base.bytes)];
        if let Some(csv) = &operations {
            files.push((input::OPERATIONS_CSV, &csv.bytes));
        }
        let key = key(&files);
        let bytes = base.bytes.len() + operations.as_ref().map_or(0, |p| p.bytes.len());
        Ok(Sent {
            key,
            bytes,
            base: Part {
                name: base_name,
                bytes: base.bytes,
            },
            operations,
        })
    }

    /// Reads the files as `cofinance run` reads them from a folder, runs the dataset, and
    /// makes the studio of it.
    pub fn load(self) -> Result<Studio> {
        let loaded = if workbook::is_workbook(Path::new(&self.base.name)) {
            let file = workbook::read(&self.base.name, self.base.bytes)?;
            input::load_base_sources(file, None)?
        } else {
            let text = String::from_utf8(self.base.bytes).map_err(|_| Error::Read {
                path: input::BASE_TOML.to_owned(),
                reason: crate::text!(
                    fr: "n'est pas du texte UTF-8 ; enregistrez-le en UTF-8",
                    en: "is not UTF-8 text; save it as UTF-8"
                ),
            })?;
            let base = SourceFile::new(input::BASE_TOML, text);
            let csv = self
                .operations
                .map(|part| input::csv_source(input::OPERATIONS_CSV, part.bytes))
                .transpose()?;
            input::load_base_sources(base, csv)?
        };
        Studio::uploaded(self.key, loaded, PathBuf::from(self.base.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_goes_first_within_count_and_bytes() {
        let studio = Arc::new(Studio::load(None).unwrap());
        let uploads = Uploads::new(2, 100);
        uploads.insert("a".into(), 10, Arc::clone(&studio));
        uploads.insert("b".into(), 10, Arc::clone(&studio));
        uploads.insert("c".into(), 10, Arc::clone(&studio));
        assert!(uploads.get("a").is_none());
        assert!(uploads.get("b").is_some() && uploads.get("c").is_some());
        uploads.insert("d".into(), 95, Arc::clone(&studio));
        assert_eq!(uploads.len(), 1, "95 bytes leave room for nothing else");
        assert!(uploads.get("d").is_some());
    }

    #[test]
    fn keys_and_names() {
        assert_eq!(workbook_name("Mes données.xlsx"), "donnees.xlsx");
        assert_eq!(workbook_name("C:\\x\\plan-2006.ODS"), "plan-2006.ODS");
        assert_eq!(workbook_name("../base.toml"), "donnees.xlsx");
        let one = key(&[("base.toml", b"a"), ("operations.csv", b"b")]);
        let two = key(&[("base.toml", b"ab")]);
        assert!(is_key(&one) && is_key(&two));
        assert_ne!(one, two);
    }
}
