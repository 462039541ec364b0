//! `charts/` holds the default dataset's charts as `cofinance chart --format svg --out charts`
//! draws them; this test fails when they are out of date (after a change of the engine, the
//! charts or the dataset): regenerate them with that command.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    found
}

#[test]
fn the_charts_folder_is_what_the_tool_draws() {
    let out = tempfile::tempdir().unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .args(["chart", "--format", "svg", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let fresh = files(out.path());
    let committed = files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("charts"));
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&fresh),
        "charts/ does not hold the same files; run: cargo run --release -- chart --format svg --out charts"
    );
    for (name, bytes) in &fresh {
        assert!(
            committed[name] == *bytes,
            "charts/{} is out of date; run: cargo run --release -- chart --format svg --out charts",
            name.display()
        );
    }
}
