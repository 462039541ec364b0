//! The tour in README.md is real: every `console` block's commands are run and their output
//! compared with what the README shows. A line `…` ends a block's output early: only the
//! lines above it are compared. `COFINANCE_UPDATE_README=1 cargo test --test suite readme::` rewrites
//! the outputs (keeping each block's length).

use std::path::Path;
use std::process::Command;

/// Splits a command line into words, honouring single quotes.
fn words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '\'' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Runs `cofinance …` from the repository's root; stdout then stderr.
fn run(command: &str) -> String {
    let words = words(command);
    assert_eq!(
        words[0], "cofinance",
        "README commands start with cofinance: {command}"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .args(&words[1..])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn the_readme_tour_shows_real_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let update = std::env::var_os("COFINANCE_UPDATE_README").is_some();
    let mut rewritten = String::new();
    let mut lines = readme.lines().peekable();
    let mut mismatches = Vec::new();
    while let Some(line) = lines.next() {
        rewritten.push_str(line);
        rewritten.push('\n');
        if line != "```console" {
            continue;
        }
        while let Some(command) = lines.next_if(|l| l.starts_with("$ ")) {
            rewritten.push_str(command);
            rewritten.push('\n');
            let mut shown = Vec::new();
            while let Some(out) = lines.next_if(|l| !l.starts_with("$ ") && *l != "```") {
                shown.push(out.to_owned());
            }
            let truncated = shown.last().is_some_and(|l| l == "…");
            let kept = if truncated {
                shown.len() - 1
            } else {
                usize::MAX
            };
            let actual = run(&command[2..]);
            let actual: Vec<&str> = actual.lines().collect();
            let expected: Vec<&str> = shown.iter().take(kept).map(String::as_str).collect();
            let compared: Vec<&str> = actual.iter().take(kept).copied().collect();
            if compared != expected {
                mismatches.push(format!(
                    "{command}\n--- README\n{}\n--- actual\n{}",
                    expected.join("\n"),
                    compared.join("\n")
                ));
            }
            for out in &compared {
                rewritten.push_str(out);
                rewritten.push('\n');
            }
            if truncated {
                rewritten.push_str("…\n");
            }
        }
    }
    if update {
        std::fs::write(&path, rewritten).unwrap();
    } else {
        assert!(
            mismatches.is_empty(),
            "README.md's tour is out of date; run COFINANCE_UPDATE_README=1 cargo test --test suite readme::\n{}",
            mismatches.join("\n\n")
        );
    }
}
