//! Tells the tests which outside programs this machine lacks, so that a test needing one is
//! marked *ignored* — with the command that installs it — in `cargo test`'s summary, instead of
//! passing silently. Under CI (`CI` set) nothing is ignored: a missing program fails the test.

use std::path::Path;

/// `(cfg set when missing, the programs it needs)`.
const TOOLS: [(&str, &[&str]); 3] = [
    ("no_chromium", &["/usr/bin/chromium"]),
    (
        "no_chromedriver",
        &["/usr/bin/chromium", "/usr/bin/chromedriver"],
    ),
    ("no_soffice", &["/usr/bin/soffice"]),
];

fn main() {
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=/usr/bin");
    let ci = std::env::var_os("CI").is_some();
    for (cfg, programs) in TOOLS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if !ci && programs.iter().any(|p| !Path::new(p).exists()) {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}
