//! Reading datasets: `base.toml` (and `operations.csv` beside it) into a validated
//! [`Dataset`](crate::model::Dataset).
//!
//! Two steps, two types: serde reads the files into raw types that keep every value's span
//! ([`raw`]); validation turns them into the model or into an error that says file, line,
//! column, field and what to do ([`validate`]). Numbers are read exactly as written
//! ([`number`]).
//!
//! What a command-line path leads to (a base, a scenario, a folder) is told above this module,
//! by the `load` module, so that reading a base never goes through the scenarios.

pub mod check;
mod csv;
pub mod dialect;
pub mod number;
pub mod raw;
pub mod source;
pub mod template;
mod validate;
pub mod workbook;

use crate::error::{Error, Hint, Problem, Result};
use crate::fr::Lang;
use crate::model::Dataset;
use crate::text;
pub use dialect::Dialect;
pub use source::{DEFAULT_DATASET_PATH, Files, SourceFile, display_path};
use std::path::{Path, PathBuf};
use std::sync::Arc;
pub use workbook::is_workbook;

/// How input files are read, where a command line may say it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// How `operations.csv` writes numbers; `Auto` lets base.toml's `csv_dialect`, then the
    /// file itself, say.
    pub csv_dialect: Dialect,
}

/// A dataset with the files it was read from (for the manifest).
#[derive(Clone, Debug)]
pub struct Loaded {
    pub dataset: Dataset,
    pub inputs: Vec<SourceFile>,
}

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
    /// A base as it runs: no scenario, its dataset and files as read.
    pub fn base(loaded: &Loaded) -> Target {
        Target {
            scenario: None,
            description: None,
            dataset: loaded.dataset.clone(),
            inputs: loaded.inputs.clone(),
        }
    }

    /// The name shown to users: the scenario's, or the dataset's.
    pub fn label(&self) -> &str {
        self.scenario.as_deref().unwrap_or(&self.dataset.name)
    }
}

/// The name of the operations file beside a `base.toml`.
pub const OPERATIONS_CSV: &str = "operations.csv";

/// The base file of a dataset folder.
pub const BASE_TOML: &str = "base.toml";

/// Reads `base.toml` at `path` and the `operations.csv` beside it, if any.
pub fn load_base(files: Files, path: &Path) -> Result<Loaded> {
    load_base_with(files, path, Options::default())
}

/// Reads `base.toml` at `path` and the `operations.csv` beside it, if any, as `options` say.
/// A workbook (`.xlsx`, `.ods`) holds the whole dataset.
pub fn load_base_with(files: Files, path: &Path, options: Options) -> Result<Loaded> {
    if is_workbook(path) {
        let bytes = files
            .read_bytes_optional(path)?
            .ok_or_else(|| Error::Read {
                path: display_path(path),
                reason: text!(
                    fr: "fichier introuvable ; vérifiez le chemin",
                    en: "no such file; check the path"
                ),
            })?;
        let file = workbook::read(&display_path(path), bytes)?;
        return load_base_sources_with(file, None, options);
    }
    let base_file = files.read(path)?;
    let csv_path = path.parent().map_or_else(
        || PathBuf::from(OPERATIONS_CSV),
        |dir| dir.join(OPERATIONS_CSV),
    );
    let csv_file = match files.read_bytes_optional(&csv_path)? {
        Some(bytes) => Some(csv_source(&display_path(&csv_path), bytes)?),
        None => None,
    };
    let same = |shared: &&Shared| {
        shared.files == files
            && shared.path == path
            && shared.options == options
            && shared.loaded.inputs.first().map(|f| &f.text) == Some(&base_file.text)
            && shared.loaded.inputs.get(1).map(|f| &f.text) == csv_file.as_ref().map(|f| &f.text)
    };
    if let Some(loaded) = SHARED.with_borrow(|shared| {
        shared
            .as_ref()
            .and_then(|list| list.iter().find(same).map(|s| s.loaded.clone()))
    }) {
        return Ok(loaded);
    }
    let loaded = load_base_sources_with(base_file, csv_file, options)?;
    SHARED.with_borrow_mut(|shared| {
        if let Some(list) = shared.as_mut() {
            list.push(Shared {
                files,
                path: path.to_path_buf(),
                options,
                loaded: loaded.clone(),
            });
        }
    });
    Ok(loaded)
}

/// A dataset read within [`with_shared_loads`], by what it was read from.
struct Shared {
    files: Files,
    path: PathBuf,
    options: Options,
    loaded: Loaded,
}

thread_local! {
    static SHARED: std::cell::RefCell<Option<Vec<Shared>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `read` with the datasets it reads shared: a base read again (the same path, options
/// and text, as `compare` reads the base of each of its scenarios) is copied rather than read
/// and validated again. Outside it, every read reads.
pub fn with_shared_loads<T>(read: impl FnOnce() -> T) -> T {
    let outer = SHARED.with_borrow_mut(|shared| shared.replace(Vec::new()));
    let result = read();
    SHARED.with_borrow_mut(|shared| *shared = outer);
    result
}

/// A CSV file's text, decoded from UTF-8 or Windows-1252; a decoded file keeps the digest
/// of its bytes for the manifest.
pub fn csv_source(path: &str, bytes: Vec<u8>) -> Result<SourceFile> {
    // The digest is taken here only when the text is not the bytes as they are (hashing a
    // national file costs more than reading it); otherwise the manifest takes it from the text.
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return Ok(SourceFile::new(path, text)),
        Err(error) => error.into_bytes(),
    };
    let sha256 = source::sha256_hex(&bytes);
    let (text, decoded) = dialect::decode(path, bytes)?;
    let mut file = SourceFile::new(path, text);
    if decoded {
        file.origin = Some(Arc::new(source::Origin {
            sha256,
            cells: Vec::new(),
        }));
    }
    Ok(file)
}

/// Builds a dataset from the text of a `base.toml` and, optionally, of an `operations.csv`.
pub fn load_base_sources(base_file: SourceFile, csv_file: Option<SourceFile>) -> Result<Loaded> {
    load_base_sources_with(base_file, csv_file, Options::default())
}

/// [`load_base_sources`], reading the CSV as `options` say.
pub fn load_base_sources_with(
    base_file: SourceFile,
    csv_file: Option<SourceFile>,
    options: Options,
) -> Result<Loaded> {
    // The CSV is read while base.toml is parsed, in the dialect of the command line (or
    // detected); when base.toml names another one, it is read again in that one. Errors come
    // in the same order either way: base.toml's, then its dialect's, then the CSV's.
    let (raw, early) = rayon::join(
        || parse_toml::<raw::RawBase>(&base_file),
        || {
            csv_file
                .as_ref()
                .map(|file| csv::read_operations(file, options.csv_dialect))
        },
    );
    let mut raw = raw?;
    let toml_operations = std::mem::take(&mut raw.operation);
    let dialect = csv_dialect(&base_file, &raw, options)?;
    let csv_operations = match (&csv_file, early) {
        (Some(_), Some(early)) if dialect == options.csv_dialect => early?,
        (Some(file), _) => csv::read_operations(file, dialect)?,
        (None, _) => Vec::new(),
    };
    // Each operation beside the file it comes from, by reference: a national dataset's raw
    // operations are tens of megabytes, not worth moving.
    let mut operations: Vec<(&SourceFile, _)> =
        toml_operations.iter().map(|o| (&base_file, o)).collect();
    if let Some(file) = &csv_file {
        operations.extend(csv_operations.iter().flatten().map(|o| (file, o)));
    }
    let dataset = validate::dataset(&base_file, &raw, &operations)?;
    drop(operations);
    drop((toml_operations, csv_operations));
    let mut inputs = vec![base_file];
    inputs.extend(csv_file);
    Ok(Loaded { dataset, inputs })
}

/// The dialect `operations.csv` is read in: the command line's, else base.toml's, else
/// detected.
fn csv_dialect(base_file: &SourceFile, raw: &raw::RawBase, options: Options) -> Result<Dialect> {
    if options.csv_dialect != Dialect::Auto {
        return Ok(options.csv_dialect);
    }
    let Some(name) = &raw.csv_dialect else {
        return Ok(Dialect::Auto);
    };
    Dialect::from_name(name.get_ref()).ok_or_else(|| {
        let written = name.get_ref();
        base_file.error(
            &name.span(),
            Problem::BadValue {
                field: "csv_dialect".into(),
                message: text!(
                    fr: "dialecte CSV « {written} » inconnu ; écrivez « fr » (virgule décimale), « en » (point décimal) ou « auto »",
                    en: "unknown CSV dialect \"{written}\"; write \"fr\" (decimal commas), \"en\" (decimal points) or \"auto\""
                ),
            },
        )
    })
}

/// The prefix of a built-in dataset's name: `builtin:bassin-minier`, or a file of it,
/// `builtin:bassin-minier/gel-anru-2005-2006.toml`.
pub const BUILTIN_PREFIX: &str = "builtin:";

/// The built-in datasets (embedded in the binary) by name.
pub const BUILTIN_NAMES: [&str; 1] = ["bassin-minier"];

/// A built-in name's dataset folder and the file named in it (`""` for the folder itself);
/// `None` when `path` is not a `builtin:` name.
fn builtin(path: &Path) -> Option<(&str, &str)> {
    let rest = path.to_str()?.strip_prefix(BUILTIN_PREFIX)?;
    Some(rest.split_once('/').unwrap_or((rest, "")))
}

/// Where a path given on the command line (or as a scenario's `base`) leads: `None` is the
/// embedded default dataset's base, `builtin:bassin-minier` too (and
/// `builtin:bassin-minier/FILE` a file of it), a folder is its `base.toml`, a file is itself.
pub fn resolve(path: Option<&Path>) -> Result<(Files, PathBuf)> {
    let default_base = || Path::new(DEFAULT_DATASET_PATH).join(BASE_TOML);
    match path {
        None => Ok((Files::Embedded, default_base())),
        Some(path) => match builtin(path) {
            Some((name, file)) if BUILTIN_NAMES.contains(&name) => {
                if file.trim_matches('/').is_empty() {
                    Ok((Files::Embedded, default_base()))
                } else {
                    Ok((Files::Embedded, Path::new(DEFAULT_DATASET_PATH).join(file)))
                }
            }
            Some((name, _)) => {
                let hint = Hint::closest(name, BUILTIN_NAMES);
                let (hint_fr, hint_en) = (hint.get(Lang::Fr), hint.get(Lang::En));
                let names = BUILTIN_NAMES
                    .iter()
                    .map(|n| format!("{BUILTIN_PREFIX}{n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Err(Error::Read {
                    path: display_path(path),
                    reason: text!(
                        fr: "aucun jeu de données intégré ne s'appelle « {name} »{hint_fr} ; les jeux de données intégrés sont {names}",
                        en: "no built-in dataset is named \"{name}\"{hint_en}; the built-in datasets are {names}"
                    ),
                })
            }
            None if Files::Disk.is_dir(path) => Ok((Files::Disk, path.join(BASE_TOML))),
            None => Ok((Files::Disk, path.to_path_buf())),
        },
    }
}

/// Whether a command-line path names a dataset folder (on disk, or a built-in one) rather
/// than one file.
pub fn is_folder(path: &Path) -> bool {
    match builtin(path) {
        Some((_, file)) => file.trim_matches('/').is_empty(),
        None => Files::Disk.is_dir(path),
    }
}

/// Whether a path is a `builtin:` name.
pub fn is_builtin(path: &Path) -> bool {
    builtin(path).is_some()
}

/// Parses a TOML file into a raw type; syntax and type errors get their place and field.
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &SourceFile) -> Result<T> {
    toml::from_str(&file.text).map_err(|error| toml_error(file, &error))
}

/// Turns a `toml` error into ours: the location of its span, and a message that says what to do.
fn toml_error(file: &SourceFile, error: &toml::de::Error) -> Error {
    let span = error.span().unwrap_or(0..0);
    let message = error.message().trim_end();
    let problem = if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default().to_owned();
        let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
        Problem::UnknownField {
            hint: Hint::closest(&field, expected),
            field,
        }
    } else if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or_default().to_owned();
        Problem::MissingField {
            what: text!(
                fr: "cette table doit avoir « {field} » ; ajoutez-le",
                en: "this table needs \"{field}\"; add it"
            ),
            field,
        }
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let field = header_key(&file.text, span.start)
            .or_else(|| key_before(&file.text, span.start))
            .unwrap_or_else(|| "value".to_owned());
        let message = message
            .replace(
                "expected a sequence",
                "expected a list such as [\"a\", \"b\"]",
            )
            .replace("expected i64", "expected a whole number");
        Problem::BadValue {
            field,
            message: text!(
                fr: "{message} ; écrivez une valeur du type attendu",
                en: "{message}; write a value of the expected type"
            ),
        }
    } else if message == "duplicate key" {
        let key = file.slice(&span).trim();
        Problem::Syntax {
            message: text!(
                fr: "la clé « {key} » est donnée deux fois ; n'en gardez qu'une",
                en: "key \"{key}\" is given twice; keep one"
            ),
        }
    } else {
        Problem::Syntax {
            message: text!(
                fr: "TOML invalide : {message} ; corrigez la syntaxe",
                en: "invalid TOML: {message}; fix the syntax"
            ),
        }
    };
    file.error(&span, problem)
}

/// The last key of the table header (`[fctva.owner_kinds]`, `[[funder.rule]]`) that starts at
/// `offset`, if one does: a value given as a table is named by its header.
fn header_key(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?.strip_prefix('[')?;
    let header = rest.trim_start_matches('[').split(']').next()?;
    let key = header.rsplit('.').next()?.trim().trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| key.to_owned())
}

/// The key of the `key = value` whose value starts at `offset`, read back from the text.
fn key_before(text: &str, offset: usize) -> Option<String> {
    let before = text.get(..offset)?;
    let eq = before.rfind('=')?;
    let key = before[..eq].trim_end();
    let start = key
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '"' || c == '\''))
        .map_or(0, |i| i + 1);
    let key = key[start..].trim_matches(['"', '\'']);
    (!key.is_empty()).then(|| key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(text: &str) -> String {
        let file = SourceFile::new("base.toml", text);
        parse_toml::<raw::RawBase>(&file).unwrap_err().to_string()
    }

    #[test]
    fn explains_toml_errors_with_place_and_field() {
        let base = "name = \"x\"\nstart_year = 2004\nend_year = 2005\n";
        let unknown = error_of(&format!(
            "{base}[[owner]]\nid = \"a\"\nname = \"A\"\nkind = \"commune\"\ncapacity = \"1\"\n"
        ));
        assert_eq!(
            unknown,
            "base.toml:8:1: unknown field \"capacity\" (did you mean \"capacity_per_year\"?); remove it or correct its name"
        );
        let wrong_type = error_of(&format!(
            "{base}[[owner]]\nid = \"a\"\nname = \"A\"\nkind = \"commune\"\nzus = \"yes\"\n"
        ));
        assert!(
            wrong_type.starts_with(
                "base.toml:8:7: field \"zus\": invalid type: string \"yes\", expected a boolean"
            ),
            "{wrong_type}"
        );
        let syntax = error_of("name = \n");
        assert!(
            syntax.starts_with("base.toml:1:8: invalid TOML"),
            "{syntax}"
        );
    }

    #[test]
    fn names_a_table_header_by_its_last_key() {
        let base = "name = \"x\"\nstart_year = 2004\nend_year = 2005\n";
        let error = error_of(&format!(
            "{base}[fctva]\nrate = \"0.1\"\n[fctva.owner_kinds]\n"
        ));
        assert!(
            error.starts_with("base.toml:6:1: field \"owner_kinds\": invalid type: map"),
            "{error}"
        );
        assert_eq!(header_key("[[funder.rule]]\n", 0), Some("rule".into()));
        assert_eq!(header_key("a = 1", 0), None);
    }

    #[test]
    fn finds_the_key_of_a_value() {
        assert_eq!(key_before("a = 1\nrate = \"x\"", 12), Some("rate".into()));
        assert_eq!(
            key_before("env = { 2004 = 1, per_year = x }", 29),
            Some("per_year".into())
        );
    }
}
