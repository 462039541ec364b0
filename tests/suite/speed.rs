//! The outputs of `run`, `compare` and `montecarlo`, on the default dataset and on a generated
//! national one (30,000 operations), stay byte for byte what they were before the work on
//! speed (BENCHMARKS.md): each file's SHA-256 is checked against the digest recorded then.
//!
//! When a change to the model or to a report changes an output on purpose, the failure lists
//! every file's new digest, to paste below once the change is checked.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Every output file, by the folder it is written to, and its digest.
const DIGESTS: &[(&str, &str)] = &[
    (
        "cmp-def/compare.csv",
        "7f4601cd7979340d40f6b5747350c7b3af422d12ed4ffdd98feeadf914701eea",
    ),
    (
        "cmp-def/compare.json",
        "0da766ed9b25f958b2d35577b1ff3a0717ad137082f9e56d4d959e3dad30057f",
    ),
    (
        "cmp-nat/compare.csv",
        "80c5df8896e401a4db09def0aae4b35d7e7d164818630836f824cbeac7ee6dbd",
    ),
    (
        "cmp-nat/compare.json",
        "1a4d3b8ee8a9cb91675b470725c5c661206c2277318e686e2ca6539d7ab6c951",
    ),
    (
        "mc-def/draws.csv",
        "a77978a80b66ad5e37389d94e18b6772c105c17a10f4ad6bde54d6d0928c4fa6",
    ),
    (
        "mc-def/montecarlo.csv",
        "de32cab4aa8216e4d7401a525a69b9904c9c24abc45b6f671c05b713cfb47ad6",
    ),
    (
        "mc-def/montecarlo.json",
        "a20771b97645feb1ab8fea6504e44f73ee22625c31dbda4d5367fec8c1cd29dd",
    ),
    (
        "mc-nat/draws.csv",
        "b55d63062ea3ea7d8b9f6f25d10ce08febb822cc86397ed3dbdee11202e06520",
    ),
    (
        "mc-nat/montecarlo.csv",
        "7f480896d3f40cb75daee4021d139aeb8f8beefcb174c371f43b11dc82aab2ed",
    ),
    (
        "mc-nat/montecarlo.json",
        "ea233adfc0f2edb5f5ae90f786cef5f58875e754b0fe706e36de4adeb17daff7",
    ),
    (
        "run-def/allocations.csv",
        "9d58cd325b1f8538f99a891e026ccf2a0fe9d758a9f4a75b8991bc5961f04ff2",
    ),
    (
        "run-def/funders.csv",
        "8540ac6116c046c8dc3a89cbc18b40c4d93f9f5da0988682cad565721c474f9d",
    ),
    (
        "run-def/owners.csv",
        "1d6c56621e1bc5015e32b7eb13f95968a6f7f22b1d1fc0de16314fe809e91c60",
    ),
    (
        "run-def/payments.csv",
        "b16821e5715fc4414797154cc455ca74d8342c8988e78c043bfb5da64bf1762b",
    ),
    (
        "run-def/summary.json",
        "de820bb8a0c13b31b35763d4d6668328b8c89cfcd43788f5b71fd20745f3aaa5",
    ),
    (
        "run-fr/allocations.csv",
        "b96974e2738a68dfdecc9599c06ce3630a64ca0abaa4c049adfb9dc23124aebf",
    ),
    (
        "run-fr/funders.csv",
        "3fd7d50656d86be2ff0068ec787b854c1e346b0c714ccc954b1fc70f907edb98",
    ),
    (
        "run-fr/owners.csv",
        "deec4363c963edbe85f65a043f9b79982a8f05f617190bca0f439120bdfac127",
    ),
    (
        "run-fr/payments.csv",
        "c5b481db048b4289cd7934fcdb4a6bb6a9b06ca4035eb3dda7e3404280f92102",
    ),
    (
        "run-fr/summary.json",
        "deee4c7f23e24369781e1eccd163a31631d66cd32c0c9bee8485816218bf1fda",
    ),
    (
        "run-nat/allocations.csv",
        "0056b42a7e121ce79de5f542d9cf7fa78f78c580f6d8cf749c8f3b499f3efc8e",
    ),
    (
        "run-nat/funders.csv",
        "5c1ff2614320df0fd3ce87ee39093abe2dc92c2b620f75c50c8a30ee6227af22",
    ),
    (
        "run-nat/owners.csv",
        "ce09d8defa9a5090927eabd4046cf8b042fc9cea22793dde7cdefc08a7ebb14d",
    ),
    (
        "run-nat/payments.csv",
        "6059c7a54015378ee01e7190644cb6f8d68386a3aec0c63a7612f07d7d259c30",
    ),
    (
        "run-nat/summary.json",
        "4c479675274dc7bff8e9f2de7ea7e344361eb15a5c1efea1f1d2599c8dba65d4",
    ),
];

/// The four scenarios compared with the national base: a freeze, an envelope stopped, loans
/// for every commune, another envelope stopped.
const SCENARIOS: [(&str, &str); 4] = [
    (
        "gel-anru.toml",
        "name = \"Gel ANRU\"\nbase = \"base.toml\"\n\n[[change]]\nkind = \"freeze\"\nfunder = \"anru\"\nyears = [2005, 2006]\nshare = \"0.50\"\nrelease_year = 2008\n",
    ),
    (
        "region-arret.toml",
        "name = \"Région : arrêt après 2006\"\nbase = \"base.toml\"\n\n[[change]]\nkind = \"envelope\"\nfunder = \"region\"\nyears = { from = 2007, to = 2010 }\nper_year = \"0\"\n",
    ),
    (
        "emprunt.toml",
        "name = \"Emprunt à 4 %\"\nbase = \"base.toml\"\n\n[[change]]\nkind = \"borrowing\"\nrate = \"0.04\"\nduration_years = 15\n",
    ),
    (
        "anah-arret.toml",
        "name = \"ANAH : arrêt\"\nbase = \"base.toml\"\n\n[[change]]\nkind = \"envelope\"\nfunder = \"anah\"\nyears = { from = 2007, to = 2010 }\nper_year = \"0\"\n",
    ),
];

/// The binary, run in `dir` (so that the manifests' paths are relative and the same each time).
fn cofinance(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("cofinance").unwrap();
    command.current_dir(dir);
    command.env("RAYON_NUM_THREADS", "2");
    command.timeout(Duration::from_secs(600));
    command
}

fn run(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = cofinance(dir).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "cofinance {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[test]
fn outputs_are_byte_identical_to_the_recorded_ones() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    run(
        dir,
        &[
            "generate",
            "--operations",
            "30000",
            "--owners",
            "1500",
            "--seed",
            "1",
            "--out",
            "national",
        ],
    );
    for (name, text) in SCENARIOS {
        fs::write(dir.join("national").join(name), text).unwrap();
    }
    fs::create_dir(dir.join("fr-in")).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/cases/csv-and-toml");
    for entry in fs::read_dir(&fixture).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.join("fr-in").join(entry.file_name())).unwrap();
    }

    run(dir, &["run", "national", "--out", "run-nat"]);
    let json = run(
        dir,
        &[
            "run",
            "national",
            "--format",
            "json",
            "--out",
            "run-nat-json",
        ],
    );
    assert_eq!(
        json,
        fs::read(dir.join("run-nat-json/summary.json")).unwrap(),
        "--format json prints summary.json"
    );
    let mut compare = vec!["compare", "national"];
    let scenarios: Vec<String> = SCENARIOS
        .iter()
        .map(|(name, _)| format!("national/{name}"))
        .collect();
    compare.extend(scenarios.iter().map(String::as_str));
    compare.extend(["--out", "cmp-nat"]);
    run(dir, &compare);
    run(dir, &["run", "--out", "run-def"]);
    run(dir, &["compare", "--out", "cmp-def"]);
    run(
        dir,
        &["run", "fr-in", "--csv-dialect", "fr", "--out", "run-fr"],
    );
    run(dir, &["montecarlo", "--draws", "500", "--out", "mc-def"]);
    run(
        dir,
        &[
            "montecarlo",
            "national/incertitudes.toml",
            "--draws",
            "20",
            "--out",
            "mc-nat",
        ],
    );

    let mut changed = Vec::new();
    let mut table = String::new();
    for (file, expected) in DIGESTS {
        let actual = sha256(&fs::read(dir.join(file)).unwrap());
        if actual != *expected {
            changed.push(*file);
        }
        let _ = writeln!(
            table,
            "    (\n        \"{file}\",\n        \"{actual}\",\n    ),"
        );
    }
    // The national --format json run wrote the same files as the plain one.
    for name in ["summary.json", "allocations.csv", "owners.csv"] {
        assert_eq!(
            fs::read(dir.join("run-nat").join(name)).unwrap(),
            fs::read(dir.join("run-nat-json").join(name)).unwrap(),
            "{name}"
        );
    }
    assert!(
        changed.is_empty(),
        "these outputs changed: {changed:?}\nthe digests now are:\n{table}"
    );
}
