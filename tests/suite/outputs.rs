//! Outputs that never mix and inputs that never hang (docs/robustness.md): a run that fails or
//! is killed leaves the earlier outputs exactly as they were, two runs into one folder never
//! mix their files, nothing is written through a planted symbolic link, every write is checked,
//! and only regular files of a bounded size are read.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

const QUEUE: &str = "tests/fixtures/examples/queue";
const CAP: &str = "tests/fixtures/examples/public-cap-family";

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command.timeout(Duration::from_secs(60));
    command
}

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("cofinance")
}

/// Every entry of a folder (hidden ones included), with the bytes of its files.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = if entry.file_type().unwrap().is_file() {
            fs::read(entry.path()).unwrap()
        } else {
            b"<not a file>".to_vec()
        };
        out.insert(name, bytes);
    }
    out
}

/// The outputs of `run DATA` written alone into a fresh folder.
fn outputs_of(data: &str) -> BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().unwrap();
    cofinance()
        .args(["run", data, "--out"])
        .arg(dir.path())
        .assert()
        .success();
    contents(dir.path())
}

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Whether the file system here honours `chattr +i` (root on ext4, xfs, btrfs).
fn make_immutable(path: &Path) -> bool {
    std::process::Command::new("chattr")
        .arg("+i")
        .arg(path)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn make_mutable(path: &Path) {
    let _ = std::process::Command::new("chattr")
        .arg("-i")
        .arg(path)
        .status();
}

#[test]
fn a_file_that_cannot_be_replaced_leaves_every_earlier_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    cofinance()
        .args(["run", QUEUE, "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = contents(&out);
    // owners.csv is the last file moved into place: the three moved before it are undone.
    let owners = out.join("owners.csv");
    if !make_immutable(&owners) {
        eprintln!("chattr +i is not available here: the unit tests of src/output.rs cover this");
        return;
    }
    let output = cofinance()
        .args(["run", CAP, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let after = contents(&out);
    make_mutable(&owners);
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("owners.csv : ne peut pas être remplacé")
            && stderr.contains("aucun fichier de sortie n'a été changé"),
        "{stderr}"
    );
    assert_eq!(
        after, before,
        "the earlier outputs, exactly, and nothing else"
    );
    assert_ne!(outputs_of(CAP), before, "the second run's outputs differ");
}

#[test]
fn a_full_disk_or_a_killed_run_leaves_every_earlier_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    cofinance()
        .args(["run", QUEUE, "--out"])
        .arg(&out)
        .assert()
        .success();
    let before = contents(&out);
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join(CAP);
    // A file size limit of 2 KB: summary.json (4 KB) cannot be written. With SIGXFSZ ignored,
    // the write fails as on a full disk; with it, the process is killed mid-write.
    for (trap, killed) in [("trap '' XFSZ;", false), ("", true)] {
        let script = format!(
            "{trap} ulimit -f 4; exec \"$0\" run \"$1\" --out \"$2\"" // 4 blocks of 512 bytes
        );
        let output = std::process::Command::new("sh")
            .args(["-c", &script])
            .arg(binary())
            .arg(&data)
            .arg(&out)
            .output()
            .unwrap();
        assert!(!output.status.success());
        if killed {
            assert_eq!(output.status.code(), None, "killed by SIGXFSZ");
            // A killed run cannot clean up after itself: its staging folder stays hidden in the
            // folder, the earlier outputs untouched...
            let mut left = contents(&out);
            left.retain(|name, _| !name.starts_with(".cofinance"));
            assert_eq!(left, before);
        } else {
            assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
            let stderr = stderr_of(&output);
            assert!(
                stderr.starts_with("erreur : impossible d'écrire "),
                "{stderr}"
            );
            assert_eq!(contents(&out), before);
        }
    }
    // ...and the next run into the folder removes it.
    cofinance()
        .args(["run", CAP, "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(contents(&out), outputs_of(CAP));
}

#[test]
fn parallel_runs_into_one_folder_never_mix_their_files() {
    let queue = outputs_of(QUEUE);
    let cap = outputs_of(CAP);
    assert_ne!(queue, cap);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut seen = [0, 0];
    for _ in 0..40 {
        let spawn = |data: &str| {
            std::process::Command::new(binary())
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["run", data, "--out"])
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let first = spawn(QUEUE);
        let second = spawn(CAP);
        for child in [first, second] {
            let output = child.wait_with_output().unwrap();
            assert!(output.status.success(), "{}", stderr_of(&output));
        }
        let now = contents(&out);
        if now == queue {
            seen[0] += 1;
        } else if now == cap {
            seen[1] += 1;
        } else {
            panic!("a mixed set of files: {:?}", now.keys().collect::<Vec<_>>());
        }
    }
    assert_eq!(seen[0] + seen[1], 40);
}

#[test]
fn a_run_waits_for_the_lock_and_says_so_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let lock = fs::File::create(out.join(".cofinance.lock")).unwrap();
    lock.lock().unwrap();
    let output = cofinance()
        .env("COFINANCE_LOCK_TIMEOUT", "1")
        .args(["run", QUEUE, "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("ce dossier est occupé depuis 1 s par un autre calcul de cofinance"),
        "{stderr}"
    );
    assert_eq!(
        contents(&out).keys().collect::<Vec<_>>(),
        [".cofinance.lock"]
    );
    // Released, the folder is written.
    drop(lock);
    cofinance()
        .env("COFINANCE_LOCK_TIMEOUT", "1")
        .args(["run", QUEUE, "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(contents(&out), outputs_of(QUEUE));
}

#[cfg(unix)]
#[test]
fn planted_symbolic_links_are_never_followed() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    // An output's name pointing elsewhere: the link itself is replaced, its target untouched.
    symlink(&victim, out.join("summary.json")).unwrap();
    cofinance()
        .args(["run", QUEUE, "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(
        fs::symlink_metadata(out.join("summary.json"))
            .unwrap()
            .is_file()
    );
    assert_eq!(contents(&out), outputs_of(QUEUE));

    // The lock file pointing elsewhere: refused, nothing created or written there.
    let elsewhere = dir.path().join("elsewhere.lock");
    let charts = dir.path().join("charts");
    fs::create_dir(&charts).unwrap();
    symlink(&elsewhere, charts.join(".cofinance.lock")).unwrap();
    let output = cofinance()
        .args(["run", CAP, "--out"])
        .arg(&out)
        .arg("--charts")
        .arg(&charts)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr_of(&output).contains("est un lien symbolique"));
    assert!(!elsewhere.exists());
    assert_eq!(contents(&out), outputs_of(QUEUE), "--out untouched too");

    // A chart's subfolder pointing elsewhere: refused before anything is written.
    let scenarios = dir.path().join("scenarios");
    fs::create_dir(&scenarios).unwrap();
    for file in ["base.toml", "freeze-share.toml"] {
        fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/scenarios")
                .join(file),
            scenarios.join(file),
        )
        .unwrap();
    }
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).unwrap();
    let drawn = dir.path().join("drawn");
    fs::create_dir(&drawn).unwrap();
    symlink(&outside, drawn.join("freeze-share")).unwrap();
    let output = cofinance()
        .arg("chart")
        .arg(&scenarios)
        .args(["--format", "svg", "--out"])
        .arg(&drawn)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains(
            "freeze-share : est un lien symbolique : cofinance n'écrit jamais à travers un lien"
        ),
        "{stderr}"
    );
    assert_eq!(fs::read_dir(&outside).unwrap().count(), 0);
    assert_eq!(
        contents(&drawn).keys().collect::<Vec<_>>(),
        ["freeze-share"]
    );
}

#[test]
fn every_output_target_is_checked_before_any_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    fs::write(&file, "not a folder").unwrap();
    let out = dir.path().join("out");
    for (option, args) in [
        ("--out", vec![file.clone()]),
        (
            "--charts",
            vec![out.clone(), "--charts".into(), file.clone()],
        ),
    ] {
        let output = cofinance()
            .args(["run", QUEUE, "--out"])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            stderr_of(&output),
            format!(
                "erreur : {option} : {} est un fichier, pas un dossier ; donnez un dossier (il sera créé) ou déplacez ce fichier\n",
                file.display()
            )
        );
        assert!(
            !out.exists(),
            "nothing written before the check of {option}"
        );
    }
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_to_stdout_is_exit_1_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(binary())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", QUEUE, "--format", "json", "--out"])
        .arg(dir.path())
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr_of(&output)
            .starts_with("erreur : impossible d'écrire la sortie standard : plus de place sur le disque ; la sortie est incomplète"),
        "{}",
        stderr_of(&output)
    );
}

#[test]
fn a_closed_pipe_on_stdout_is_not_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let script = "set -o pipefail; \"$0\" run \"$1\" --out \"$2\" | head -c 1 > /dev/null";
    let status = std::process::Command::new("bash")
        .args(["-c", script])
        .arg(binary())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(QUEUE))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("base.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&pipe)
            .status()
            .unwrap()
            .success()
    );
    for (input, what) in [
        (pipe.clone(), "un tube nommé (FIFO)"),
        ("/dev/zero".into(), "un périphérique"),
        ("/dev/urandom".into(), "un périphérique"),
    ] {
        let output = cofinance()
            .timeout(Duration::from_secs(10))
            .arg("run")
            .arg(&input)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{}", input.display());
        assert_eq!(
            stderr_of(&output),
            format!(
                "erreur : {} : est {what}, pas un fichier ordinaire : cofinance ne lit que des fichiers ; enregistrez les données dans un fichier et donnez son chemin\n",
                input.display()
            )
        );
    }
    let output = cofinance()
        .timeout(Duration::from_secs(10))
        .args(["run", "/dev/zero", "--lang", "en", "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: /dev/zero: is a device, not a regular file: cofinance only reads files; save the data in a file and give its path\n"
    );
    // A pipe as the operations beside a base, too.
    let folder = dir.path().join("data");
    fs::create_dir(&folder).unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases/csv-and-toml/base.toml"),
        folder.join("base.toml"),
    )
    .unwrap();
    std::process::Command::new("mkfifo")
        .arg(folder.join("operations.csv"))
        .status()
        .unwrap();
    let output = cofinance()
        .timeout(Duration::from_secs(10))
        .arg("run")
        .arg(&folder)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("operations.csv : est un tube nommé"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn inputs_larger_than_the_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let base = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(QUEUE)
            .join("base.toml"),
    )
    .unwrap();
    let path = dir.path().join("base.toml");
    fs::write(&path, format!("{base}\n# {}\n", "x".repeat(1_500_000))).unwrap();
    let too_large = |lang: &str| {
        let output = cofinance()
            .env("COFINANCE_MAX_INPUT_MB", "1")
            .args(["run", "--lang", lang])
            .arg(&path)
            .arg("--out")
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2));
        stderr_of(&output)
    };
    let size = fs::metadata(&path).unwrap().len();
    let stderr = too_large("fr");
    assert!(
        stderr.contains(&format!(
            "base.toml : fait {size} octets, plus que la taille maximale d'un fichier d'entrée (1 Mo)"
        )) && stderr.contains("relevez la limite avec COFINANCE_MAX_INPUT_MB"),
        "{stderr}"
    );
    let stderr = too_large("en");
    assert!(
        stderr.contains(&format!(
            "base.toml: is {size} bytes, more than the largest input file read (1 MB)"
        )) && stderr.contains("raise the limit with COFINANCE_MAX_INPUT_MB"),
        "{stderr}"
    );
    // Under the default limit (1 Go), the same file runs.
    cofinance()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let output = cofinance()
        .env("COFINANCE_MAX_INPUT_MB", "beaucoup")
        .arg("run")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).starts_with(
        "erreur : COFINANCE_MAX_INPUT_MB : « beaucoup » n'est pas un nombre de mégaoctets"
    ));
    let output = cofinance()
        .env("COFINANCE_MAX_INPUT_MB", "beaucoup")
        .args(["run", "--lang", "en"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).starts_with(
            "error: COFINANCE_MAX_INPUT_MB: \"beaucoup\" is not a number of megabytes"
        )
    );
}
