//! The command line's own conventions: `cofinance completions SHELL` for every shell clap
//! knows (bash's script completes a command name for real), the manual pages of `cofinance
//! man` committed in docs/man and current (regenerate with `COFINANCE_UPDATE_MAN=1 cargo test
//! --test suite completions::`), and a worked example in French at the end of every command's help.

use assert_cmd::Command;
use std::path::Path;

fn cofinance() -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(env!("CARGO_MANIFEST_DIR"));
    command
}

fn stdout(args: &[&str]) -> String {
    let output = cofinance().args(args).output().unwrap();
    assert!(output.status.success(), "{args:?}: {output:?}");
    assert!(output.stderr.is_empty(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// The commands, as `cofinance --help` lists them.
fn commands() -> Vec<String> {
    let help = stdout(&["--help"]);
    let start = help.find("Commands:").unwrap();
    help[start..]
        .lines()
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_shell_gets_a_completion_script_that_knows_every_command() {
    let commands = commands();
    assert!(commands.len() >= 14, "{commands:?}");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout(&["completions", shell]);
        for command in &commands {
            assert!(script.contains(command.as_str()), "{shell}: {command}");
        }
        assert!(script.contains("xlsx"), "{shell}: the options too");
    }
    cofinance()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "erreur : valeur « tcsh » invalide pour <SHELL> ; valeurs possibles : bash,",
        ));
    // clap's own words in English.
    cofinance()
        .args(["--lang", "en", "completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'tcsh'"));
}

/// Bash, given the script, completes `cofinance exp` and `cofinance export --xl`.
#[test]
fn bash_completes_a_command_and_an_option() {
    if std::process::Command::new("bash")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("SKIPPED: no bash");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cofinance.bash");
    std::fs::write(&script, stdout(&["completions", "bash"])).unwrap();
    let complete = |words: &str| {
        let line = format!(
            "source {}; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _cofinance cofinance \"${{COMP_WORDS[-1]}}\" \"${{COMP_WORDS[-2]}}\"; \
             echo \"${{COMPREPLY[@]}}\"",
            script.display()
        );
        let output = std::process::Command::new("bash")
            .args(["-c", &line])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    assert_eq!(complete("cofinance exp").trim(), "explain export");
    assert!(complete("cofinance export --xl").contains("--xlsx"));
}

#[test]
fn the_manual_pages_in_docs_man_are_current() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let printed = cofinance()
        .args(["man", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(printed.status.success(), "{printed:?}");
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/man");
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let made = names(&out);
    let mut expected: Vec<String> = commands()
        .iter()
        .map(|command| format!("cofinance-{command}.1"))
        .collect();
    expected.push("cofinance.1".to_owned());
    expected.sort();
    assert_eq!(made, expected, "a page per command");
    if std::env::var_os("COFINANCE_UPDATE_MAN").is_some() {
        let _ = std::fs::remove_dir_all(&docs);
        std::fs::create_dir_all(&docs).unwrap();
        for name in &made {
            std::fs::copy(out.join(name), docs.join(name)).unwrap();
        }
    }
    assert_eq!(
        names(&docs),
        made,
        "docs/man: run COFINANCE_UPDATE_MAN=1 cargo test --test suite completions::"
    );
    for name in &made {
        let page = std::fs::read_to_string(out.join(name)).unwrap();
        assert_eq!(
            std::fs::read_to_string(docs.join(name)).unwrap(),
            page,
            "docs/man/{name} is stale: run COFINANCE_UPDATE_MAN=1 cargo test --test suite completions::"
        );
        assert!(page.starts_with(".ie"), "{name}: roff");
        assert!(page.contains("Exemple"), "{name}: its worked example");
    }
    // Without --out, cofinance.1 is printed.
    let page = std::fs::read_to_string(out.join("cofinance.1")).unwrap();
    assert_eq!(stdout(&["man"]), page);
}

/// Every command's `--help` ends with a worked example, in French, of that very command.
#[test]
fn every_command_s_help_ends_with_a_worked_example_in_french() {
    for command in commands() {
        for flag in ["-h", "--help"] {
            let help = stdout(&[&command, flag]);
            let example = help
                .rfind("Exemple")
                .unwrap_or_else(|| panic!("{command} {flag}: no example:\n{help}"));
            let example = &help[example..];
            assert!(
                example.contains(&format!("cofinance {command}")),
                "{command}: {example}"
            );
            for line in example.lines() {
                assert!(line.chars().count() <= 100, "{command}: {line}");
            }
        }
    }
    let help = stdout(&["--help"]);
    assert!(help.contains("Exemples :"), "{help}");
}
