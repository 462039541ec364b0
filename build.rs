//! Rebuilds the binary when the embedded default dataset changes (`include_dir` cannot tell
//! cargo which files it read).

fn main() {
    println!("cargo:rerun-if-changed=scenarios/bassin-minier");
}
