//! Where outputs go: folders written all or nothing, by one run at a time, never through a
//! symbolic link (docs/robustness.md).
//!
//! For each output folder: every target is checked first (a file where the folder should be,
//! a folder or a symbolic link in the way), before anything is written anywhere. Then the
//! folder is locked (`.cofinance.lock`, so that a second run into it waits), and the run's
//! files are written into a fresh staging folder inside it, whose name is unpredictable and
//! whose files are created new (`tempfile`). Only when every file of every folder is written
//! are they moved into place, each by one rename; an earlier file is first kept aside (a hard
//! link in the staging folder), so that when one move fails every move already made is undone
//! and the folders are exactly as they were. The staging folder and the lock file are then
//! removed; a staging folder left by a killed run is removed by the next run into the folder.
//!
//! One file, on purpose: checking, locking, staging and the moves with their undo are one
//! all-or-nothing protocol, which reads (and is reviewed) in order.

use crate::error::{Error, Result, Text};
use rayon::prelude::*;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

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

/// The files of one output folder, and the option that named it (for messages).
#[derive(Debug, Clone, Copy)]
pub struct Folder<'a> {
    pub option: &'a str,
    pub dir: &'a Path,
    pub files: &'a [OutputFile],
}

/// A file made as it is written: `write` is given the staging file and writes the whole file
/// into it (in large chunks: the file is not buffered again). Streamed files are made in
/// parallel, and never held whole in memory.
pub struct Streamed<'a> {
    pub name: &'a str,
    pub write: &'a (dyn Fn(&mut dyn Write) -> io::Result<()> + Sync),
}

impl std::fmt::Debug for Streamed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Streamed")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// What a staged file holds.
#[derive(Clone, Copy)]
enum Body<'a> {
    Bytes(&'a [u8]),
    Streamed(&'a (dyn Fn(&mut dyn Write) -> io::Result<()> + Sync)),
}

/// One file to stage: its name in its folder and what it holds.
#[derive(Clone, Copy)]
struct Entry<'a> {
    name: &'a str,
    body: Body<'a>,
}

/// The name of the lock file of an output folder.
pub const LOCK_FILE: &str = ".cofinance.lock";

/// How staging folders' names begin.
pub const STAGING_PREFIX: &str = ".cofinance-";

/// The environment variable that sets how long to wait for another run's lock, in seconds.
pub const LOCK_TIMEOUT_VARIABLE: &str = "COFINANCE_LOCK_TIMEOUT";

/// How long a run waits for another run into the same folder, unless the variable says.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);

/// Writes the files into `dir` (named by `--out`; created if needed), all or nothing.
pub fn write_all(dir: &Path, files: &[OutputFile]) -> Result<()> {
    write_folders(&[Folder {
        option: "--out",
        dir,
        files,
    }])
}

/// Writes the files of several folders (a run's outputs and its charts), all or nothing: when
/// any file of any folder cannot be written, none is changed.
pub fn write_folders(folders: &[Folder<'_>]) -> Result<()> {
    write_folders_streamed(folders, &[])
}

/// [`write_folders`], with files of the first folder that are made as they are written.
pub fn write_folders_streamed(folders: &[Folder<'_>], streamed: &[Streamed<'_>]) -> Result<()> {
    for (index, folder) in folders.iter().enumerate() {
        let extra = if index == 0 { streamed } else { &[] };
        check(folder, extra.iter().map(|file| file.name))?;
    }
    let timeout = lock_timeout()?;
    let mut groups: Vec<(PathBuf, Vec<&Folder<'_>>)> = Vec::new();
    for folder in folders {
        fs::create_dir_all(folder.dir).map_err(|e| Error::write(folder.dir.display(), e))?;
        let real =
            fs::canonicalize(folder.dir).map_err(|e| Error::write(folder.dir.display(), e))?;
        match groups.iter_mut().find(|(dir, _)| *dir == real) {
            Some((_, group)) => group.push(folder),
            None => groups.push((real, vec![folder])),
        }
    }
    // Always in the same order, so that two runs locking the same folders never wait on each
    // other for ever.
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    let mut staged = Vec::with_capacity(groups.len());
    for (_, group) in &groups {
        let mut entries: Vec<Entry<'_>> = Vec::new();
        for folder in group {
            entries.extend(folder.files.iter().map(|file| Entry {
                name: &file.name,
                body: Body::Bytes(&file.bytes),
            }));
            if std::ptr::eq(*folder, &raw const folders[0]) {
                entries.extend(streamed.iter().map(|file| Entry {
                    name: file.name,
                    body: Body::Streamed(file.write),
                }));
            }
        }
        staged.push(Staged::new(group[0], &entries, timeout)?);
    }
    let mut journal = Journal::default();
    for folder in &staged {
        if let Err(error) = folder.commit(&mut journal) {
            journal.undo();
            return Err(error);
        }
    }
    // The earlier files are let go in parallel: freeing a national run's 50 MB of cached
    // pages takes the kernel tens of milliseconds, most of it in the two largest files.
    staged.par_iter().for_each(Staged::let_go_of_earlier_files);
    Ok(())
}

/// Everything that would stop the files from being written, found before writing any.
fn check<'a>(folder: &Folder<'a>, streamed: impl Iterator<Item = &'a str>) -> Result<()> {
    let dir = folder.dir;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::Usage {
            subject: Text::same(folder.option),
            reason: crate::text!(
                fr: "{} est un fichier, pas un dossier ; donnez un dossier (il sera créé) ou déplacez ce fichier",
                en: "{} is a file, not a folder; give a folder (it will be made) or move the file",
                dir.display()
            ),
        });
    }
    if fs::symlink_metadata(dir).is_ok_and(|m| m.file_type().is_symlink()) && !dir.exists() {
        return Err(Error::Usage {
            subject: Text::same(folder.option),
            reason: crate::text!(
                fr: "{} est un lien symbolique qui ne mène nulle part ; donnez un dossier",
                en: "{} is a symbolic link that leads nowhere; give a folder",
                dir.display()
            ),
        });
    }
    for name in folder
        .files
        .iter()
        .map(|file| file.name.as_str())
        .chain(streamed)
    {
        let components = relative_components(name);
        if components.is_empty() {
            return Err(Error::output(
                dir.join(name).display(),
                crate::text!(
                    fr: "n'est pas un nom de fichier dans le dossier de sortie ; c'est une erreur de cofinance : signalez-la",
                    en: "is not a file name inside the output folder; this is a bug in cofinance: please report it"
                ),
            ));
        }
        let mut path = dir.to_path_buf();
        for (i, component) in components.iter().enumerate() {
            path.push(component);
            let last = i + 1 == components.len();
            if let Err(error) = check_entry(&path, last) {
                return Err(Error::output(path.display(), error));
            }
        }
    }
    Ok(())
}

/// What stands in the way at `path`: a symbolic link where a folder is needed, a file where a
/// folder is needed, a folder where a file goes.
fn check_entry(path: &Path, is_file: bool) -> Result<(), Text> {
    let Ok(metadata) = fs::symlink_metadata(path) else {
        return Ok(());
    };
    let kind = metadata.file_type();
    if is_file {
        if kind.is_dir() {
            return Err(crate::text!(
                fr: "un dossier porte ce nom ; déplacez-le ou renommez-le",
                en: "a folder has this name; move or rename it"
            ));
        }
        // A symbolic link (or any other file) in place of an output is replaced itself: what it
        // points to is never written.
        Ok(())
    } else if kind.is_symlink() {
        Err(crate::text!(
            fr: "est un lien symbolique : cofinance n'écrit jamais à travers un lien ; supprimez-le ou choisissez un autre dossier",
            en: "is a symbolic link: cofinance never writes through a link; remove it or choose another folder"
        ))
    } else if !kind.is_dir() {
        Err(crate::text!(
            fr: "est un fichier, pas un dossier ; déplacez-le ou renommez-le",
            en: "is a file, not a folder; move or rename it"
        ))
    } else {
        Ok(())
    }
}

/// The plain components of a file's name in its folder; empty when it is not one (absolute,
/// `..`, empty).
fn relative_components(name: &str) -> Vec<&std::ffi::OsStr> {
    let mut out = Vec::new();
    for component in Path::new(name).components() {
        match component {
            Component::Normal(part) => out.push(part),
            Component::CurDir => {}
            _ => return Vec::new(),
        }
    }
    out
}

fn lock_timeout() -> Result<Duration> {
    match std::env::var(LOCK_TIMEOUT_VARIABLE) {
        Err(_) => Ok(DEFAULT_LOCK_TIMEOUT),
        Ok(text) => text
            .trim()
            .parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| Error::Usage {
                subject: Text::same(LOCK_TIMEOUT_VARIABLE),
                reason: crate::text!(
                    fr: "« {text} » n'est pas un nombre de secondes ; écrivez par exemple {LOCK_TIMEOUT_VARIABLE}=60",
                    en: "\"{text}\" is not a number of seconds; write for example {LOCK_TIMEOUT_VARIABLE}=60"
                ),
            }),
    }
}

/// An output folder, locked, with its files written into a staging folder inside it.
#[derive(Debug)]
struct Staged {
    dir: PathBuf,
    /// The files' names, in order.
    names: Vec<String>,
    /// Declared before the lock so that it is removed while the lock is still held.
    staging: tempfile::TempDir,
    _lock: Lock,
}

impl Staged {
    /// Locks the folder and writes the entries into a staging folder in it, in parallel.
    fn new(first: &Folder<'_>, entries: &[Entry<'_>], timeout: Duration) -> Result<Staged> {
        let dir = first.dir.to_path_buf();
        let lock = Lock::acquire(first, timeout)?;
        remove_stale_staging(&dir);
        let staging = tempfile::Builder::new()
            .prefix(STAGING_PREFIX)
            .tempdir_in(&dir)
            .map_err(|e| Error::write(dir.display(), e))?;
        fs::create_dir(staging.path().join("new"))
            .and_then(|()| fs::create_dir(staging.path().join("old")))
            .map_err(|e| Error::write(dir.display(), e))?;
        let written: Vec<Result<()>> = entries
            .par_iter()
            .map(|entry| {
                let path = staging.path().join("new").join(entry.name);
                path.parent()
                    .map_or(Ok(()), fs::create_dir_all)
                    .and_then(|()| {
                        let mut out = OpenOptions::new()
                            .write(true)
                            .create_new(true)
                            .open(&path)?;
                        match entry.body {
                            Body::Bytes(bytes) => out.write_all(bytes)?,
                            Body::Streamed(write) => write(&mut out)?,
                        }
                        out.flush()
                    })
                    .map_err(|error| Error::write(dir.join(entry.name).display(), error))
            })
            .collect();
        // The first failure in file order, whatever the thread count.
        written.into_iter().collect::<Result<Vec<()>>>()?;
        Ok(Staged {
            dir,
            names: entries.iter().map(|entry| entry.name.to_owned()).collect(),
            staging,
            _lock: lock,
        })
    }

    /// Moves the staged files into place, noting each move in the journal.
    fn commit(&self, journal: &mut Journal) -> Result<()> {
        for (index, name) in self.names.iter().enumerate() {
            let target = self.dir.join(name);
            let staged = self.staging.path().join("new").join(name);
            let fail = |error: io::Error| {
                Error::output(target.display(), {
                    let why = Text::from(&error);
                    Text {
                        fr: format!(
                            "ne peut pas être remplacé ({}) ; aucun fichier de sortie n'a été changé",
                            why.fr
                        ),
                        en: format!(
                            "cannot be replaced ({}); no output file was changed",
                            why.en
                        ),
                    }
                })
            };
            // Folders inside the output folder (a chart's subfolder): made, never followed.
            let mut folder = self.dir.clone();
            let components = relative_components(name);
            for component in &components[..components.len().saturating_sub(1)] {
                folder.push(component);
                match fs::symlink_metadata(&folder) {
                    Ok(metadata) if metadata.is_dir() => {}
                    Ok(_) => {
                        return Err(Error::output(
                            folder.display(),
                            check_entry(&folder, false).err().unwrap_or_default(),
                        ));
                    }
                    Err(_) => {
                        fs::create_dir(&folder).map_err(fail)?;
                        journal.steps.push(Step::Made(folder.clone()));
                    }
                }
            }
            match fs::symlink_metadata(&target) {
                Ok(metadata) if metadata.is_dir() => {
                    return Err(Error::output(
                        target.display(),
                        check_entry(&target, true).err().unwrap_or_default(),
                    ));
                }
                Ok(_) => {
                    let kept = self.staging.path().join("old").join(index.to_string());
                    // A hard link keeps the earlier file without a moment where it is missing;
                    // where links are not possible, it is moved aside.
                    if fs::hard_link(&target, &kept).is_ok() {
                        journal.steps.push(Step::Linked {
                            kept,
                            target: target.clone(),
                        });
                    } else {
                        fs::rename(&target, &kept).map_err(fail)?;
                        journal.steps.push(Step::Moved {
                            kept,
                            target: target.clone(),
                        });
                    }
                }
                Err(_) => {}
            }
            fs::rename(&staged, &target).map_err(fail)?;
            journal.steps.push(Step::Placed { staged, target });
        }
        Ok(())
    }

    /// Removes the earlier files kept for an undo (once every folder is committed), each on
    /// its own; what is left goes with the staging folder.
    fn let_go_of_earlier_files(&self) {
        let old = self.staging.path().join("old");
        (0..self.names.len()).into_par_iter().for_each(|index| {
            let _ = fs::remove_file(old.join(index.to_string()));
        });
    }
}

/// Removes the staging folders that a killed run left (the lock is held: no run is writing).
fn remove_stale_staging(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Ours only: the prefix, then the six random characters `tempfile` adds.
        let stale = name.starts_with(STAGING_PREFIX)
            && name.len() == STAGING_PREFIX.len() + 6
            && entry.file_type().is_ok_and(|kind| kind.is_dir());
        if stale {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// What was done to the output folders, to be undone if a later step fails.
#[derive(Debug, Default)]
struct Journal {
    steps: Vec<Step>,
}

#[derive(Debug)]
enum Step {
    /// A folder made inside an output folder.
    Made(PathBuf),
    /// The earlier file at `target`, also linked as `kept`.
    Linked { kept: PathBuf, target: PathBuf },
    /// The earlier file at `target`, moved to `kept`.
    Moved { kept: PathBuf, target: PathBuf },
    /// A new file moved from `staged` to `target`.
    Placed { staged: PathBuf, target: PathBuf },
}

impl Journal {
    /// Undoes every step, last first (best effort: each step is undone even if one fails).
    fn undo(self) {
        for step in self.steps.into_iter().rev() {
            let _ = match step {
                Step::Made(folder) => fs::remove_dir(folder),
                Step::Linked { kept, target } | Step::Moved { kept, target } => {
                    fs::rename(kept, target)
                }
                Step::Placed { staged, target } => fs::rename(target, staged),
            };
        }
    }
}

/// The lock of an output folder: a file in it, locked (`flock`) while a run writes there, and
/// removed when it is done.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    file: Option<File>,
}

impl Lock {
    fn acquire(folder: &Folder<'_>, timeout: Duration) -> Result<Lock> {
        let path = folder.dir.join(LOCK_FILE);
        let start = Instant::now();
        loop {
            if fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                return Err(Error::output(
                    path.display(),
                    check_entry(&path, false).err().unwrap_or_default(),
                ));
            }
            let file = open_no_follow(&path).map_err(|e| Error::write(path.display(), e))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    if start.elapsed() >= timeout {
                        return Err(Error::output(
                            folder.dir.display(),
                            crate::text!(
                                fr: "ce dossier est occupé depuis {} s par un autre calcul de cofinance (verrou {}) ; attendez qu'il finisse ou donnez un autre dossier à {} (délai réglable par {LOCK_TIMEOUT_VARIABLE}, en secondes)",
                                en: "this folder has been busy for {} s with another cofinance run (lock {}); wait for it to finish or give {} another folder (the wait is set by {LOCK_TIMEOUT_VARIABLE}, in seconds)",
                                timeout.as_secs(),
                                path.display(),
                                folder.option
                            ),
                        ));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                // A file system without locks (some network shares): write unlocked, as before.
                Err(fs::TryLockError::Error(_)) => {
                    return Ok(Lock { path, file: None });
                }
            }
            // The run that held the lock removes the file before releasing it: the lock is ours
            // only if the file locked is still the one at that path.
            if same_file(&file, &path) {
                return Ok(Lock {
                    path,
                    file: Some(file),
                });
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = fs::remove_file(&self.path);
        }
        self.file = None;
    }
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::symlink_metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_every_file_or_none() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(&out, &[OutputFile::new("a.txt", b"one".to_vec())]).unwrap();
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"one");
        // A file whose name is an existing folder cannot be written: nothing is replaced and
        // no staging file is left.
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
        assert_eq!(names(&out), ["a.txt", "b"]);
    }

    #[test]
    fn a_move_that_fails_undoes_the_moves_before_it() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        write_all(
            &out,
            &[
                OutputFile::new("a.txt", b"one".to_vec()),
                OutputFile::new("sub/b.txt", b"one".to_vec()),
            ],
        )
        .unwrap();
        // A folder appears where the second file goes after the checks: its move fails.
        let files = [
            OutputFile::new("a.txt", b"two".to_vec()),
            OutputFile::new("new/c.txt", b"two".to_vec()),
            OutputFile::new("sub/b.txt", b"two".to_vec()),
        ];
        let entries: Vec<Entry<'_>> = files
            .iter()
            .map(|file| Entry {
                name: &file.name,
                body: Body::Bytes(&file.bytes),
            })
            .collect();
        let staged = Staged::new(
            &Folder {
                option: "--out",
                dir: &out,
                files: &files,
            },
            &entries,
            DEFAULT_LOCK_TIMEOUT,
        )
        .unwrap();
        fs::remove_file(out.join("sub/b.txt")).unwrap();
        fs::create_dir(out.join("sub/b.txt")).unwrap();
        let mut journal = Journal::default();
        assert!(staged.commit(&mut journal).is_err());
        journal.undo();
        drop(staged);
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"one");
        assert_eq!(names(&out), ["a.txt", "sub"]);
    }

    #[test]
    fn leaves_no_lock_or_staging_behind_and_removes_stale_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir_all(out.join(".cofinance-killed/new")).unwrap();
        fs::create_dir_all(out.join(".cofinance-settings")).unwrap();
        write_all(&out, &[OutputFile::new("a.txt", b"one".to_vec())]).unwrap();
        assert_eq!(names(&out), [".cofinance-settings", "a.txt"]);
    }

    #[test]
    fn a_folder_given_twice_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let same = dir.path().join("./out");
        write_folders(&[
            Folder {
                option: "--out",
                dir: &out,
                files: &[OutputFile::new("a.txt", b"a".to_vec())],
            },
            Folder {
                option: "--charts",
                dir: &same,
                files: &[OutputFile::new("b.png", b"b".to_vec())],
            },
        ])
        .unwrap();
        assert_eq!(names(&out), ["a.txt", "b.png"]);
    }

    #[test]
    fn refuses_names_outside_the_folder() {
        assert!(relative_components("../x").is_empty());
        assert!(relative_components("/etc/x").is_empty());
        assert_eq!(relative_components("a/b.png").len(), 2);
    }

    #[test]
    fn streamed_files_are_written_beside_the_others_and_fail_as_a_whole() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let big = |out: &mut dyn Write| -> io::Result<()> {
            for i in 0..10_000 {
                writeln!(out, "line {i}")?;
            }
            Ok(())
        };
        let failing = |out: &mut dyn Write| -> io::Result<()> {
            out.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        };
        let files = [OutputFile::new("a.txt", b"one".to_vec())];
        let folder = Folder {
            option: "--out",
            dir: &out,
            files: &files,
        };
        write_folders_streamed(
            &[folder],
            &[Streamed {
                name: "big.txt",
                write: &big,
            }],
        )
        .unwrap();
        let expected: Vec<u8> = (0..10_000)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        assert_eq!(fs::read(out.join("big.txt")).unwrap(), expected);
        assert_eq!(names(&out), ["a.txt", "big.txt"]);
        let error = write_folders_streamed(
            &[Folder {
                option: "--out",
                dir: &out,
                files: &[OutputFile::new("a.txt", b"two".to_vec())],
            }],
            &[Streamed {
                name: "big.txt",
                write: &failing,
            }],
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("disk full"), "{error}");
        assert_eq!(fs::read(out.join("a.txt")).unwrap(), b"one");
        assert_eq!(fs::read(out.join("big.txt")).unwrap(), expected);
        assert_eq!(names(&out), ["a.txt", "big.txt"]);
    }
}
