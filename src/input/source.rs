//! Where input text comes from (a folder on disk, or the default dataset embedded in the
//! binary), and how a byte offset in it becomes a line and column for an error.

use crate::error::{Error, InputError, Location, Problem, Result, Text};
use crate::text;
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
    /// The SHA-256 of `text`, once taken; shared by the copies of the file (a base read once
    /// for several scenarios is hashed once).
    digest: Arc<std::sync::OnceLock<String>>,
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
            digest: Arc::default(),
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
            None => self
                .digest
                .get_or_init(|| sha256_hex(self.text.as_bytes()))
                .clone(),
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
            Files::Disk => match read_regular(path, &shown)? {
                Some(bytes) => match String::from_utf8(bytes) {
                    Ok(text) => Ok(Some(SourceFile::new(shown, text))),
                    Err(_) => Err(Error::Read {
                        path: shown,
                        reason: text!(
                            fr: "n'est pas du texte UTF-8 ; enregistrez-le en UTF-8",
                            en: "is not UTF-8 text; save it as UTF-8"
                        ),
                    }),
                },
                None => Ok(None),
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
            // Regular files only, within the size limit (docs/robustness.md).
            Files::Disk => read_regular(path, &display_path(path)),
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
            reason: text!(
                fr: "fichier introuvable ; vérifiez le chemin",
                en: "no such file; check the path"
            ),
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
                .map_err(|error| {
                    let why = Text::from(&error).fr;
                    Error::Read {
                        path: display_path(dir),
                        reason: text!(
                            fr: "impossible de lire ce dossier ({why})",
                            en: "cannot be listed ({error})"
                        ),
                    }
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

/// The environment variable that sets the largest input file cofinance reads, in megabytes.
pub const MAX_INPUT_VARIABLE: &str = "COFINANCE_MAX_INPUT_MB";

/// The largest input file read unless [`MAX_INPUT_VARIABLE`] says otherwise: 1 Go.
pub const DEFAULT_MAX_INPUT_MB: u64 = 1000;

/// The largest input file read, in bytes.
pub fn max_input_bytes() -> Result<u64> {
    match std::env::var(MAX_INPUT_VARIABLE) {
        Err(_) => Ok(DEFAULT_MAX_INPUT_MB * 1_000_000),
        Ok(text) => match text.trim().parse::<u64>() {
            Ok(megabytes) if megabytes > 0 => Ok(megabytes.saturating_mul(1_000_000)),
            _ => Err(Error::Usage {
                subject: Text::same(MAX_INPUT_VARIABLE),
                reason: text!(
                    fr: "« {text} » n'est pas un nombre de mégaoctets ; écrivez par exemple {MAX_INPUT_VARIABLE}=2000 pour 2 Go",
                    en: "\"{text}\" is not a number of megabytes; write for example {MAX_INPUT_VARIABLE}=2000 for 2 GB"
                ),
            }),
        },
    }
}

/// The bytes of a regular file no larger than the limit; `Ok(None)` when it does not exist.
/// A named pipe, a device or a folder is refused at once, before it is opened, so that it can
/// never block the run or fill the memory (docs/robustness.md).
fn read_regular(path: &Path, shown: &str) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let refuse = |reason: Text| Error::Read {
        path: shown.to_owned(),
        reason,
    };
    let cannot = |error: std::io::Error| {
        let why = Text::from(&error).fr;
        refuse(text!(
            fr: "ne peut pas être lu ({why})",
            en: "cannot be read ({error})"
        ))
    };
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(cannot(error)),
    };
    if !metadata.is_file() {
        return Err(refuse(not_regular(&metadata)));
    }
    let limit = max_input_bytes()?;
    let too_large = |size: u64| {
        let megabytes = limit / 1_000_000;
        refuse(text!(
            fr: "fait {size} octets, plus que la taille maximale d'un fichier d'entrée ({megabytes} Mo) ; découpez les données, ou relevez la limite avec {MAX_INPUT_VARIABLE} (en mégaoctets)",
            en: "is {size} bytes, more than the largest input file read ({megabytes} MB); split the data, or raise the limit with {MAX_INPUT_VARIABLE} (in megabytes)"
        ))
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()));
    }
    let file = open_without_blocking(path).map_err(cannot)?;
    let metadata = file.metadata().map_err(cannot)?;
    if !metadata.is_file() {
        return Err(refuse(not_regular(&metadata)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(Some(bytes))
}

/// Opens a file for reading; on Unix, a named pipe put in its place after the check does not
/// make the open wait for a writer.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Why something that is not a regular file cannot be read.
fn not_regular(metadata: &std::fs::Metadata) -> Text {
    let kind = metadata.file_type();
    let (what_fr, what_en) = if kind.is_dir() {
        ("un dossier", "a folder")
    } else {
        special_kind(kind)
    };
    text!(
        fr: "est {what_fr}, pas un fichier ordinaire : cofinance ne lit que des fichiers ; enregistrez les données dans un fichier et donnez son chemin",
        en: "is {what_en}, not a regular file: cofinance only reads files; save the data in a file and give its path"
    )
}

/// What a special file is, in French and in English.
#[cfg(unix)]
fn special_kind(kind: std::fs::FileType) -> (&'static str, &'static str) {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_fifo() {
        ("un tube nommé (FIFO)", "a named pipe (FIFO)")
    } else if kind.is_char_device() || kind.is_block_device() {
        ("un périphérique", "a device")
    } else if kind.is_socket() {
        ("une socket", "a socket")
    } else {
        ("un fichier spécial", "a special file")
    }
}

#[cfg(not(unix))]
fn special_kind(_: std::fs::FileType) -> (&'static str, &'static str) {
    ("un fichier spécial", "a special file")
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
