//! Where outputs go: a folder, written atomically. Every file is first written beside its
//! final name, and only when all are written are they renamed into place, so that a failed
//! run leaves earlier outputs untouched.

use crate::error::{Error, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One output file: its name in the folder and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            name: name.into(),
            bytes,
        }
    }
}

/// Writes the files into `dir` (created if needed), all or nothing.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<()> {
    fs::create_dir_all(dir).map_err(|e| Error::write(dir.display(), e))?;
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::with_capacity(files.len());
    for file in files {
        let target = dir.join(&file.name);
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::write(parent.display(), e))?;
        }
        let temporary = dir.join(format!(
            ".{}.tmp-{}",
            file.name.replace('/', "_"),
            std::process::id()
        ));
        let written = if target.is_dir() {
            Err(std::io::Error::other(
                "a folder has that name; move it away",
            ))
        } else {
            fs::File::create(&temporary).and_then(|mut out| {
                out.write_all(&file.bytes)?;
                out.flush()
            })
        };
        if let Err(error) = written {
            let _ = fs::remove_file(&temporary);
            for (temporary, _) in &staged {
                let _ = fs::remove_file(temporary);
            }
            return Err(Error::write(target.display(), error));
        }
        staged.push((temporary, target));
    }
    for (temporary, target) in &staged {
        fs::rename(temporary, target).map_err(|e| Error::write(target.display(), e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_every_file_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &[OutputFile::new("a.txt", b"one".to_vec())]).unwrap();
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"one");
        // A file whose name is an existing folder cannot be written: nothing is replaced and
        // the staged copies are cleaned up.
        fs::create_dir(out.join("b")).unwrap();
        let failed = write_all(
            &out,
            &[
                OutputFile::new("a.txt", b"two".to_vec()),
                OutputFile::new("b", b"x".to_vec()),
            ],
        );
        assert!(failed.is_err());
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"one");
        let names: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            names.iter().all(|n| !n.to_string_lossy().contains(".tmp-")),
            "{names:?}"
        );
    }
}
