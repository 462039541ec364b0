//! The report in a real browser: Debian's Chromium, headless, opens the report
//! of the default dataset as a user would open the file, dumps its DOM, takes a screenshot and
//! prints it to PDF, in one run. The test fails on any console message, on any network request
//! the page makes, on a DOM without its sections, on a screenshot that is not a plausible PNG,
//! on a print whose pages are not A4, and on a print of more or fewer pages than the report
//! laid out (which would make its contents' page numbers wrong and a commune take two pages).
//!
//! How each is seen:
//!
//! - **console**: `--enable-logging=stderr` writes every console message as a `…:CONSOLE…`
//!   line. The report has no script, so any message is the browser complaining (a refused
//!   load, a Content-Security-Policy violation).
//! - **network**: `--log-net-log` writes a `NetLog`, JSON, with a `URL_REQUEST_START_JOB` event
//!   for every request the network stack starts, and its initiator. Opening a file makes none;
//!   a request initiated by a document (its initiator an origin: `null` for a file) is the
//!   page's and fails the test. Chromium also asks its own services for itself (initiator "not
//!   an origin") in spite of the flags that silence most of it; those are checked against
//!   [`BROWSER_OWN`], so an unknown one still fails, and `--host-resolver-rules` keeps every
//!   name unresolved so that nothing leaves the machine.
//! - a **control page** with an image, a stylesheet and console errors goes through the same
//!   checks first, to prove they see what they look for.
//!
//! Without `/usr/bin/chromium` the test is skipped with a note, except when the `CI` variable
//! is set: `.ci/run` installs Chromium, and its absence there is a failure.

use serde_json::Value;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

/// Requests Chromium makes for itself, by host and path: the account check of a new profile,
/// the component updater (pointed at a closed loopback port by a flag, or its default
/// service), network time and the optimization guide's models (the last three are switched
/// off by flags, but were seen on slower runs without them); since Chromium 148, the search
/// box's suggestions (`/async/folae`) and the device check-in of a new profile.
const BROWSER_OWN: [(&str, &str); 7] = [
    ("accounts.google.com", "/ListAccounts"),
    ("127.0.0.1:9", "/"),
    ("update.googleapis.com", "/service/update2/"),
    ("clients2.google.com", "/time/"),
    ("optimizationguide-pa.googleapis.com", "/v1:GetModels"),
    ("www.google.com", "/async/folae"),
    ("android.clients.google.com", "/checkin"),
];

const WINDOW: (u32, u32) = (1240, 1754);

/// What one Chromium run saw.
#[derive(Debug)]
struct Visit {
    dom: String,
    console: Vec<String>,
    /// Requests initiated by a document: `(initiator, url)`.
    page_requests: Vec<(String, String)>,
    /// Requests Chromium made for itself that are not in [`BROWSER_OWN`].
    unknown_requests: Vec<String>,
    screenshot: Vec<u8>,
    pdf: Vec<u8>,
}

/// Whether the test can run: Chromium is there, or the test is skipped (not under CI).
fn chromium_or_skip() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{CHROMIUM} is missing while CI is set: .ci/run installs Debian's chromium before the tests"
    );
    eprintln!(
        "note: tests/suite/browser.rs skipped: {CHROMIUM} is not installed (apt-get install chromium)"
    );
    false
}

/// Opens `page` in headless Chromium with a fresh profile under `dir`.
fn visit(dir: &Path, page: &Path) -> Visit {
    let profile = dir.join("profile");
    let net_log = dir.join("netlog.json");
    let screenshot = dir.join("screenshot.png");
    let pdf = dir.join("print.pdf");
    let stdout = dir.join("dom.html");
    let stderr = dir.join("stderr.txt");
    let url = format!("file://{}", page.display());
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--disable-extensions",
            "--disable-default-apps",
            "--disable-features=NetworkTimeServiceQuerying,OptimizationGuideModelDownloading,\
             OptimizationHintsFetching,OptimizationGuideOnDeviceModel,OptimizationTargetPrediction,\
             OptimizationHints",
            "--component-updater=url-source=http://127.0.0.1:9/",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--enable-logging=stderr",
            "--v=0",
            "--no-pdf-header-footer",
            &format!("--window-size={},{}", WINDOW.0, WINDOW.1),
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--log-net-log={}", net_log.display()))
        .arg(format!("--screenshot={}", screenshot.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--dump-dom")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(180);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 180 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let log = fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}):\n{log}");
    let console = log
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    let (page_requests, unknown_requests) = requests(&net_log);
    Visit {
        dom: fs::read_to_string(&stdout).unwrap(),
        console,
        page_requests,
        unknown_requests,
        screenshot: fs::read(&screenshot).unwrap_or_default(),
        pdf: fs::read(&pdf).unwrap_or_default(),
    }
}

/// The requests of a `NetLog`: those a document initiated, and those Chromium made for itself
/// that [`BROWSER_OWN`] does not list.
fn requests(net_log: &Path) -> (Vec<(String, String)>, Vec<String>) {
    let text = fs::read_to_string(net_log).expect("chromium wrote its NetLog");
    let log: Value = serde_json::from_str(&text).expect("the NetLog is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_i64()
        .expect("the NetLog names URL_REQUEST_START_JOB");
    let mut page = Vec::new();
    let mut unknown = Vec::new();
    for event in log["events"].as_array().expect("the NetLog has events") {
        if event["type"].as_i64() != Some(start_job) {
            continue;
        }
        let params = &event["params"];
        let Some(url) = params["url"].as_str() else {
            continue;
        };
        let initiator = params["initiator"].as_str().unwrap_or("not an origin");
        if initiator != "not an origin" {
            page.push((initiator.to_owned(), url.to_owned()));
        } else if !is_browser_own(url) && !unknown.iter().any(|u| u == url) {
            unknown.push(url.to_owned());
        }
    }
    (page, unknown)
}

fn is_browser_own(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    BROWSER_OWN
        .iter()
        .any(|&(own_host, own_path)| host == own_host && path.starts_with(own_path))
}

/// Width and height of a PNG, from its header.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || &bytes[..8] != b"\x89PNG\r\n\x1a\n" || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((number(16), number(20)))
}

/// The `/MediaBox` of each page of a PDF, in points.
fn page_sizes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox [")
        .filter_map(|(at, key)| {
            let rest = &text[at + key.len()..];
            let numbers: Vec<f64> = rest[..rest.find(']')?]
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers.as_slice() {
                [x0, y0, x1, y1] => Some((x1 - x0, y1 - y0)),
                _ => None,
            }
        })
        .collect()
}

fn out_dir(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::create_dir_all(&path).unwrap();
    (dir, path)
}

#[test]
#[cfg_attr(no_chromium, ignore = "needs Chromium: apt-get install chromium")]
fn the_report_opens_in_chromium_without_errors_or_requests_and_prints_on_a4() {
    if !chromium_or_skip() {
        return;
    }

    // The control: what the checks must catch.
    let (_control_dir, control) = out_dir("control");
    let bad = control.join("bad.html");
    fs::write(
        &bad,
        "<!DOCTYPE html><html><head><title>control</title>\
         <link rel=\"stylesheet\" href=\"https://example.invalid/style.css\"></head>\
         <body><p>control</p><img src=\"http://192.0.2.1/pixel.png\" alt=\"\">\
         <script>console.error(\"control error\"); missingFunction();</script></body></html>",
    )
    .unwrap();
    let seen = visit(&control, &bad);
    let urls: Vec<&str> = seen.page_requests.iter().map(|(_, u)| u.as_str()).collect();
    assert!(
        urls.contains(&"https://example.invalid/style.css")
            && urls.contains(&"http://192.0.2.1/pixel.png"),
        "the NetLog check misses the control page's requests: {:?}",
        seen.page_requests
    );
    assert!(
        seen.console.iter().any(|l| l.contains("control error"))
            && seen.console.iter().any(|l| l.contains("missingFunction")),
        "the console check misses the control page's errors: {:?}",
        seen.console
    );

    // The report of the default dataset, as `cofinance report` writes it.
    let (_dir, dir) = out_dir("report");
    let report = dir.join("rapport.html");
    let written = Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .arg("report")
        .arg("--out")
        .arg(&report)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(written.status.success(), "{written:?}");
    let html = fs::read_to_string(&report).unwrap();
    let visit = visit(&dir, &report);

    assert!(
        visit.console.is_empty(),
        "console messages: {:#?}",
        visit.console
    );
    assert!(
        visit.page_requests.is_empty(),
        "the report made network requests: {:#?}",
        visit.page_requests
    );
    assert!(
        visit.unknown_requests.is_empty(),
        "Chromium made requests not known to be its own (a new service? add it to BROWSER_OWN only if the page has nothing to do with it): {:#?}",
        visit.unknown_requests
    );

    // The DOM has the report's parts, every commune and every chart.
    let dom = &visit.dom;
    assert!(dom.contains("<h1>Rapport de financement du renouvellement urbain</h1>"));
    for id in [
        "synthese",
        "enveloppes",
        "classement",
        "sommaire",
        "scenarios",
        "annexe-donnees",
        "annexe-fiches",
    ] {
        assert!(dom.contains(&format!("id=\"{id}\"")), "no #{id} in the DOM");
    }
    let communes = html.matches("class=\"finding\">").count();
    assert_eq!(communes, 20);
    assert_eq!(dom.matches("class=\"finding\">").count(), communes);
    assert_eq!(dom.matches("<svg ").count(), html.matches("<svg ").count());
    assert!(dom.contains("id=\"commune-62498\""));

    // A screenshot of the window, of a plausible size (a blank page is a few kilobytes).
    assert_eq!(
        png_size(&visit.screenshot),
        Some(WINDOW),
        "not the screenshot asked for"
    );
    assert!(
        visit.screenshot.len() > 40_000,
        "a screenshot of {} bytes is too small to show the report",
        visit.screenshot.len()
    );

    // Printed: A4 pages (595 × 842 points), exactly as many as the report laid out. Each
    // `<section class="page">` starts a sheet, so one more printed page would mean one of them
    // overflowed: with the count equal, every laid-out page is one printed page, and so the
    // contents' page numbers are right, each commune is on one page, and the first chart
    // (in the first two sections) is on page 1 or 2.
    let pages = page_sizes(&visit.pdf);
    let laid_out = html.matches("<section class=\"page\"").count();
    assert!(
        html.contains(&format!(
            "<meta name=\"cofinance-pages\" content=\"{laid_out}\">"
        )),
        "the report does not say it has {laid_out} pages"
    );
    assert_eq!(
        pages.len(),
        laid_out,
        "Chromium printed {} pages of the {laid_out} the report laid out",
        pages.len()
    );
    let third = html
        .match_indices("<section class=\"page\"")
        .nth(2)
        .unwrap()
        .0;
    assert!(
        html[..third].contains("<svg "),
        "no chart on the first two pages"
    );
    for commune in html.split("<section class=\"page\"").skip(1) {
        assert!(
            commune.matches("class=\"finding\">").count() <= 1,
            "two communes on one page"
        );
    }
    eprintln!(
        "note: the report of the default dataset prints on {} A4 pages",
        pages.len()
    );
    for (width, height) in pages {
        assert!(
            (width - 595.3).abs() < 2.0 && (height - 841.9).abs() < 2.0,
            "a page of {width} × {height} points is not A4"
        );
    }
}

#[test]
fn urls_of_chromium_itself_are_told_from_others() {
    assert!(is_browser_own(
        "https://accounts.google.com/ListAccounts?gpsia=1&source=ChromiumBrowser"
    ));
    assert!(is_browser_own("http://127.0.0.1:9/?cup2key=x"));
    assert!(!is_browser_own(
        "https://fonts.googleapis.com/css2?family=Inter"
    ));
    assert!(!is_browser_own(
        "https://accounts.google.com.evil.example/ListAccounts"
    ));
    assert_eq!(png_size(b"not a png"), None);
    assert_eq!(
        page_sizes(b"<< /MediaBox [0 0 594.95996 841.91998] >>"),
        [(594.95996, 841.91998)]
    );
}
