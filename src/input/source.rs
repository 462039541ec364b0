//! Where input text comes from (a folder on disk, or the default dataset embedded in the
//! binary), and how a byte offset in it becomes a line and column for an error.

use crate::error::{Error, InputError, Location, Problem, Result};
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::ops::Range;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// The default dataset, embedded so that `cofinance run` works from any directory.
static DEFAULT_DATASET: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/scenarios/bassin-minier");

/// How the default dataset's files are named in messages and manifests.
pub const DEFAULT_DATASET_PATH: &str = "scenarios/bassin-minier";

/// One input file, read whole.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The path as shown to users.
    pub path: String,
    pub text: String,
    /// Set when `text` is not the file's bytes (a decoded Windows-1252 file, a workbook).
    pub origin: Option<Arc<Origin>>,
}

/// What a file was before it became text: its digest, and for a workbook where each part of
/// the text came from.
#[derive(Clone, Debug, Default)]
pub struct Origin {
    /// The SHA-256 of the file's bytes.
    pub sha256: String,
    /// Offsets into the text, ascending, each with the sheet and cell its text came from.
    pub cells: Vec<(usize, String)>,
}

impl SourceFile {
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            origin: None,
        }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let offset = (0..=offset)
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(0);
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        let cell = self.origin.as_ref().and_then(|origin| {
            let index = origin.cells.partition_point(|&(start, _)| start <= offset);
            origin
                .cells
                .get(index.checked_sub(1)?)
                .map(|(_, cell)| cell.clone())
        });
        Location {
            file: self.path.clone(),
            line,
            column,
            cell,
        }
    }

    /// An input error at the start of a span.
    pub fn error(&self, span: &Range<usize>, problem: Problem) -> Error {
        Error::Input(Box::new(InputError {
            location: self.location(span.start),
            problem,
        }))
    }

    /// The text of a span (empty if the span is out of range).
    pub fn slice(&self, span: &Range<usize>) -> &str {
        self.text.get(span.clone()).unwrap_or("")
    }

    /// The SHA-256 of the file's bytes.
    pub fn sha256(&self) -> String {
        match &self.origin {
            Some(origin) => origin.sha256.clone(),
            None => sha256_hex(self.text.as_bytes()),
        }
    }
}

/// The SHA-256 of bytes, in lowercase hexadecimal.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// Where files are read from: the disk, or the embedded default dataset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    Disk,
    Embedded,
}

impl Files {
    /// Reads a file; `Ok(None)` when it does not exist.
    pub fn read_optional(self, path: &Path) -> Result<Option<SourceFile>> {
        let shown = display_path(path);
        match self {
            Files::Disk => match std::fs::read(path) {
                Ok(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Ok(Some(SourceFile::new(shown, text))),
                    Err(_) => Err(Error::Read {
                        path: shown,
                        reason: "is not UTF-8 text; save it as UTF-8".into(),
                    }),
                },
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(Error::Read {
                    path: shown,
                    reason: format!("cannot be read ({error})"),
                }),
            },
            Files::Embedded => {
                let inner = path
                    .strip_prefix(DEFAULT_DATASET_PATH)
                    .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
                Ok(DEFAULT_DATASET
                    .get_file(&inner)
                    .and_then(|file| file.contents_utf8())
                    .map(|text| SourceFile::new(shown, text)))
            }
        }
    }

    /// Reads a file's bytes (a CSV in any encoding, a workbook); `Ok(None)` when it does not
    /// exist.
    pub fn read_bytes_optional(self, path: &Path) -> Result<Option<Vec<u8>>> {
        match self {
            Files::Disk => match std::fs::read(path) {
                Ok(bytes) => Ok(Some(bytes)),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(error) => Err(Error::Read {
                    path: display_path(path),
                    reason: format!("cannot be read ({error})"),
                }),
            },
            Files::Embedded => {
                let inner = path
                    .strip_prefix(DEFAULT_DATASET_PATH)
                    .map_or_else(|_| path.to_path_buf(), Path::to_path_buf);
                Ok(DEFAULT_DATASET
                    .get_file(&inner)
                    .map(|file| file.contents().to_vec()))
            }
        }
    }

    /// Reads a file that must exist.
    pub fn read(self, path: &Path) -> Result<SourceFile> {
        self.read_optional(path)?.ok_or_else(|| Error::Read {
            path: display_path(path),
            reason: "no such file; check the path".into(),
        })
    }

    pub fn is_dir(self, path: &Path) -> bool {
        match self {
            Files::Disk => path.is_dir(),
            Files::Embedded => {
                path == Path::new(DEFAULT_DATASET_PATH) || path.as_os_str().is_empty()
            }
        }
    }

    /// The `.toml` files of a folder, sorted by name.
    pub fn toml_files(self, dir: &Path) -> Result<Vec<PathBuf>> {
        let mut files: Vec<PathBuf> = match self {
            Files::Disk => std::fs::read_dir(dir)
                .map_err(|error| Error::Read {
                    path: display_path(dir),
                    reason: format!("cannot be listed ({error})"),
                })?
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .collect(),
            Files::Embedded => DEFAULT_DATASET
                .files()
                .map(|file| Path::new(DEFAULT_DATASET_PATH).join(file.path()))
                .collect(),
        };
        files.retain(|path| path.extension().is_some_and(|ext| ext == "toml"));
        files.sort();
        Ok(files)
    }
}

/// A path as shown to users: `/` separators, `.` components dropped, `..` resolved where it
/// can be.
pub fn display_path(path: &Path) -> String {
    normalize(path).to_string_lossy().replace('\\', "/")
}

/// `a/./b/../c` → `a/c`, without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_offsets_in_characters() {
        let file = SourceFile::new("f.toml", "a = 1\nnom = \"Liévin\" x\n");
        let offset = file.text.find('x').unwrap();
        let location = file.location(offset);
        assert_eq!((location.line, location.column), (2, 16));
        assert_eq!(file.location(0).to_string(), "f.toml:1:1");
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(display_path(Path::new("a/./b/../c.toml")), "a/c.toml");
        assert_eq!(display_path(Path::new("../x")), "../x");
    }

    #[test]
    fn embeds_the_default_dataset() {
        let base = Files::Embedded
            .read(&Path::new(DEFAULT_DATASET_PATH).join("base.toml"))
            .unwrap();
        assert_eq!(base.path, "scenarios/bassin-minier/base.toml");
        assert!(base.text.contains("[[funder]]"));
    }
}
