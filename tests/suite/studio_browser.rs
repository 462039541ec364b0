//! The studio in a real browser: Debian's Chromium, headless, driven through
//! `chromedriver` (the W3C `WebDriver` protocol), against `cofinance serve` on a free loopback
//! port. A mayor's path: the overview, the search for Marles-les-Mines, its sheet, the
//! workshop; every control reached with the Tab key and labelled; the Région control set to
//! "stopped" with the keyboard; the shortfall shown must change to exactly what `cofinance run`
//! of the downloaded scenario file gives. The test fails on any console message, on any request
//! the pages make to anything but the studio, and on any serious or critical issue that
//! axe-core (`/opt/axe`, from npm) finds in the workshop's page.
//!
//! `COFINANCE_UPDATE_SCREENSHOT=1` writes the workshop's screenshot to `docs/studio.png` (the
//! README's picture). Without `/usr/bin/chromium` or `/usr/bin/chromedriver` the test is
//! skipped with a note, except when `CI` is set: `.ci/run` installs them and axe-core.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// axe-core, the accessibility checker, from npm (`.ci/run` installs it there).
const AXE: &str = "/opt/axe/node_modules/axe-core/axe.min.js";

/// A child process ended when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn tools_or_skip() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|tool| !Path::new(tool).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{missing:?} missing while CI is set: .ci/run installs Debian's chromium and chromium-driver"
    );
    eprintln!(
        "note: tests/suite/studio_browser.rs skipped: {missing:?} not installed (apt-get install chromium chromium-driver)"
    );
    false
}

/// Starts `cofinance serve` on a free port; returns it and its address (`http://127.0.0.1:N`).
fn start_studio() -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("cofinance serve starts");
    let stdout = child.stdout.take().unwrap();
    let child = Killed(child);
    let mut lines = BufReader::new(stdout).lines();
    let address = loop {
        let line = lines
            .next()
            .expect("cofinance serve prints its address")
            .unwrap();
        assert!(
            !line.contains("attention"),
            "no warning on loopback: {line}"
        );
        if let Some(rest) = line.strip_prefix("Ouvrez ") {
            break rest.split('/').take(3).collect::<Vec<_>>().join("/");
        }
    };
    assert!(address.starts_with("http://127.0.0.1:"), "{address}");
    (child, address)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `WebDriver` session, over plain HTTP to `chromedriver` on loopback.
struct Driver {
    url: String,
    agent: ureq::Agent,
}

impl Driver {
    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.url);
        let response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        };
        let mut response = response.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let value: Value = response.body_mut().read_json().unwrap();
        value["value"].clone()
    }

    fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {found}"))
            .to_owned()
    }

    fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Waits until `script` returns something truthy.
    fn wait_for(&self, script: &str, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let value = self.script(script);
            if !(value.is_null() || value == json!(false) || value == json!("")) {
                return value;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn go(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    fn keys(&self, element: &str, text: &str) {
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        );
    }

    /// Presses Tab on whatever has the focus.
    fn tab(&self) {
        self.call(
            "POST",
            "/actions",
            Some(
                json!({"actions": [{"type": "key", "id": "keyboard", "actions": [
                    {"type": "keyDown", "value": "\u{E004}"},
                    {"type": "keyUp", "value": "\u{E004}"},
                ]}]}),
            ),
        );
    }

    fn log(&self, kind: &str) -> Vec<Value> {
        self.call("POST", "/se/log", Some(json!({ "type": kind })))
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

/// axe-core run in the page: no serious or critical violation. Without axe-core the check is
/// skipped with a note, except under CI.
fn accessibility(d: &Driver, page: &str) {
    let Ok(source) = std::fs::read_to_string(AXE) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{AXE} missing while CI is set: .ci/run installs axe-core from npm"
        );
        eprintln!(
            "note: accessibility check skipped: {AXE} missing (npm install --prefix /opt/axe axe-core)"
        );
        return;
    };
    d.script(&format!("{source}\nreturn typeof axe;"));
    let report = d.call(
        "POST",
        "/execute/async",
        Some(json!({"args": [], "script": "const done = arguments[arguments.length - 1]; \
            axe.run(document, {resultTypes: ['violations']}) \
              .then(r => done({passes: r.passes.length, serious: r.violations \
                .filter(v => v.impact === 'serious' || v.impact === 'critical') \
                .map(v => v.id + ': ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))})) \
              .catch(e => done({passes: 0, serious: ['axe failed: ' + e]}));"})),
    );
    assert!(
        report["passes"].as_u64().unwrap_or(0) > 10,
        "axe ran its rules: {report}"
    );
    let violations = report["serious"].clone();
    assert_eq!(
        violations,
        json!([]),
        "serious accessibility issues on {page}"
    );
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count) = (0_u32, 0);
    for byte in text
        .bytes()
        .filter(|b| *b != b'=' && !b.is_ascii_whitespace())
    {
        let value = ALPHABET.iter().position(|&a| a == byte).expect("base64") as u32;
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}

/// `"1581954.69"` → 158195469.
fn cents(amount: &str) -> i64 {
    amount.replace('.', "").parse().unwrap()
}

#[test]
#[cfg_attr(
    no_chromedriver,
    ignore = "needs Chromium and chromedriver: apt-get install chromium chromium-driver"
)]
fn a_mayor_stops_the_region_and_gets_what_cofinance_run_gives() {
    if !tools_or_skip() {
        return;
    }
    let (_studio, studio_url) = start_studio();
    let port = free_port();
    let _driver = Killed(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts"),
    );
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(120)))
        .http_status_as_error(false)
        .build()
        .into();
    let driver_url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while agent.get(&format!("{driver_url}/status")).call().is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let profile = tempfile::tempdir().unwrap();
    let session = Driver {
        url: driver_url.clone(),
        agent: agent.clone(),
    }
    .call(
        "POST",
        "/session",
        Some(json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-extensions",
                    "--disable-default-apps", "--disable-quic",
                    "--component-updater=url-source=http://127.0.0.1:9/",
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                    "--window-size=1400,1700",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        }}})),
    );
    let id = session["sessionId"]
        .as_str()
        .unwrap_or_else(|| panic!("no session: {session}"))
        .to_owned();
    let d = Driver {
        url: format!("{driver_url}/session/{id}"),
        agent: agent.clone(),
    };

    // The overview, then the search box, as a mayor types it.
    d.go(&format!("{studio_url}/"));
    let title = d.script("return document.title;");
    assert!(title.as_str().unwrap().contains("Bassin minier"), "{title}");
    let search = d.find("#q");
    d.keys(&search, "marles\u{E007}"); // Enter
    d.wait_for(
        "return location.pathname === '/commune/62555';",
        "the sheet of Marles-les-Mines",
    );
    let heading = d.script("return document.querySelector('section.commune h2').textContent;");
    assert_eq!(heading, json!("Marles-les-Mines (62555)"));
    // Its capacity is a table of steps and its treasury a dozen columns: the page still does
    // not scroll sideways (wide tables scroll in their own box).
    assert_eq!(
        d.script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"
        ),
        json!(true),
        "the commune page is wider than the window"
    );

    // Into the workshop for this commune.
    let link = d.find("a[href='/atelier?commune=62555']");
    d.call("POST", &format!("/element/{link}/click"), None);
    d.wait_for(
        "return location.pathname === '/atelier' && document.getElementById('depassement');",
        "the workshop",
    );
    let before = d.script("return document.getElementById('depassement').dataset.centimes;");
    assert_eq!(before, json!("148273590"));

    // Every control of the workshop can be reached with the Tab key alone, and has a name a
    // screen reader says; every chart is an image with a label.
    let controls = d.script(
        "return Array.from(document.getElementById('atelier').elements).filter(e => e.name).map(e => e.name);",
    );
    let controls: Vec<String> = serde_json::from_value(controls).unwrap();
    assert!(controls.len() > 20, "{controls:?}");
    d.script("document.activeElement.blur(); window.scrollTo(0, 0);");
    let mut reached: Vec<String> = Vec::new();
    for _ in 0..200 {
        d.tab();
        let name = d.script("return document.activeElement.name || '';");
        let name = name.as_str().unwrap_or_default().to_owned();
        if !name.is_empty() && !reached.contains(&name) {
            reached.push(name);
        }
        if controls.iter().all(|c| reached.contains(c)) {
            break;
        }
    }
    let missed: Vec<&String> = controls.iter().filter(|c| !reached.contains(c)).collect();
    assert!(
        missed.is_empty(),
        "controls the Tab key never reaches: {missed:?}"
    );
    let unnamed = d.script(
        "return Array.from(document.getElementById('atelier').elements) \
           .filter(e => e.name && e.labels.length === 0 && !e.getAttribute('aria-label')) \
           .map(e => e.name);",
    );
    assert_eq!(unnamed, json!([]), "controls without a label");
    let charts = d.script(
        "return Array.from(document.querySelectorAll('svg')) \
           .filter(s => s.getAttribute('role') !== 'img' || !s.getAttribute('aria-label')).length;",
    );
    assert_eq!(charts, json!(0), "charts without role=img and a label");
    assert_eq!(
        d.script("return document.documentElement.lang;"),
        json!("fr")
    );

    accessibility(&d, "the workshop of Marles-les-Mines");

    // The Région control, with the keyboard only: focus it, pick "arrêt" by its first letter.
    let region = d.find("#region");
    d.keys(&region, "a");
    let chosen = d.script("return document.getElementById('region').value;");
    assert_eq!(chosen, json!("arret"));
    let after = d.wait_for(
        "const p = document.getElementById('depassement'); \
         return p && p.dataset.centimes !== '148273590' && document.body.dataset.calculs ? p.dataset.centimes : null;",
        "the shortfall recomputed",
    );
    let shown: i64 = after.as_str().unwrap().parse().unwrap();
    let address = d.script("return location.search;");
    assert_eq!(address, json!("?commune=62555&region=arret"));
    let status = d.script("return document.getElementById('etat').textContent;");
    assert!(
        status.as_str().unwrap().starts_with("Recalculé en"),
        "{status}"
    );

    // The scenario file the page offers, run by the command line.
    let href = d.script("return document.getElementById('scenario-toml').href;");
    let toml = agent
        .get(href.as_str().unwrap())
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("scenarios/bassin-minier");
    std::fs::create_dir_all(&folder).unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bassin-minier");
    for entry in std::fs::read_dir(source).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), folder.join(entry.file_name())).unwrap();
    }
    std::fs::write(folder.join("atelier.toml"), &toml).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .current_dir(dir.path())
        .args([
            "run",
            "scenarios/bassin-minier/atelier.toml",
            "--out",
            "out",
        ])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/summary.json")).unwrap())
            .unwrap();
    let marles = summary["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "62555")
        .unwrap();
    assert_eq!(shown, cents(marles["shortfall"].as_str().unwrap()));
    assert_eq!(shown, 158_195_469);

    // What the reader sees, for the README: the top of the workshop, its figures.
    d.script("window.scrollTo(0, 0);");
    let png = base64_decode(d.call("GET", "/screenshot", None).as_str().unwrap());
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "a real screenshot"
    );
    if std::env::var_os("COFINANCE_UPDATE_SCREENSHOT").is_some() {
        std::fs::write(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/studio.png"),
            &png,
        )
        .unwrap();
    }

    // A finance officer's own dataset, one the default pages never show, sent through the
    // page: a base.toml and a French operations CSV.
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/studio/scarpe");
    d.go(&format!("{studio_url}/donnees"));
    accessibility(&d, "the upload page");
    let base = d.find("#base");
    d.keys(&base, fixture.join("base.toml").to_str().unwrap());
    let operations = d.find("#operations");
    d.keys(
        &operations,
        fixture.join("operations.csv").to_str().unwrap(),
    );
    let send = d.find("form.upload button[type=submit]");
    d.call("POST", &format!("/element/{send}/click"), None);
    let key = d.wait_for(
        "return location.pathname === '/' && new URLSearchParams(location.search).get('d');",
        "the overview of the dataset sent",
    );
    let key = key.as_str().unwrap().to_owned();
    assert_eq!(key.len(), 64, "{key}");
    let title = d.script("return document.title;");
    assert!(
        title.as_str().unwrap().contains("Vallée de la Scarpe"),
        "{title}"
    );
    let search = d.find("#q");
    d.keys(&search, "haillicourt\u{E007}");
    d.wait_for(
        "return location.pathname === '/commune/62400';",
        "the sheet of Haillicourt",
    );
    assert_eq!(
        d.script("return new URLSearchParams(location.search).get('d');"),
        json!(key),
        "the search keeps the dataset"
    );
    assert_eq!(
        d.script(
            "return document.documentElement.scrollWidth <= document.documentElement.clientWidth;"
        ),
        json!(true),
        "Haillicourt's page is wider than the window"
    );
    accessibility(&d, "the sheet of Haillicourt, sent");
    let link = d.find(&format!("a[href='/atelier?commune=62400&d={key}']"));
    d.call("POST", &format!("/element/{link}/click"), None);
    d.wait_for(
        "return location.pathname === '/atelier' && document.getElementById('emprunt');",
        "the workshop of Haillicourt",
    );
    // The Région stopped and loans over eight years, with the keyboard.
    let region = d.find("#region");
    d.keys(&region, "a");
    let duration = d.find("[id='emprunt.duree']");
    d.keys(&duration, "8\u{E004}"); // then Tab, which sends the change
    let figures = d.wait_for(
        "const s = new URLSearchParams(location.search); \
         return s.get('region') === 'arret' && s.get('emprunt.duree') === '8' && s.get('d') \
           && !document.getElementById('etat').textContent.startsWith('Calcul') \
           ? [document.getElementById('depassement').dataset.centimes, \
              document.getElementById('emprunt').dataset.centimes] : null;",
        "Haillicourt recomputed",
    );
    let shown: Vec<i64> = figures
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse().unwrap())
        .collect();
    let href = d.script("return document.getElementById('scenario-toml').href;");
    let toml = agent
        .get(href.as_str().unwrap())
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for file in ["base.toml", "operations.csv"] {
        std::fs::copy(fixture.join(file), dir.path().join(file)).unwrap();
    }
    std::fs::write(dir.path().join("atelier.toml"), &toml).unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_cofinance"))
        .current_dir(dir.path())
        .args(["run", "atelier.toml", "--out", "out"])
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let summary: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/summary.json")).unwrap())
            .unwrap();
    let haillicourt = summary["owners"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == "62400")
        .unwrap();
    assert_eq!(
        shown,
        vec![
            cents(haillicourt["shortfall"].as_str().unwrap()),
            cents(haillicourt["debt_at_end"].as_str().unwrap())
        ],
        "the shortfall and the debt at the end the page shows are those of cofinance run"
    );
    assert_ne!(
        shown[0], 221_780_000,
        "the Région stopped changes the shortfall"
    );

    // Nothing said in the console, nothing asked of anyone but the studio.
    let console = d.log("browser");
    assert!(console.is_empty(), "console messages: {console:#?}");
    let mut requests = Vec::new();
    for entry in d.log("performance") {
        let message: Value =
            serde_json::from_str(entry["message"].as_str().unwrap_or("{}")).unwrap_or_default();
        if message["message"]["method"] == "Network.requestWillBeSent" {
            requests.push(
                message["message"]["params"]["request"]["url"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
    }
    assert!(
        requests.iter().any(|u| u.contains("/static/studio.js")),
        "the performance log sees the page's requests: {requests:?}"
    );
    // Requests that go through the network (the browser's own chrome:// pages of the first,
    // empty tab are not): only to the studio.
    let foreign: Vec<&String> = requests
        .iter()
        .filter(|u| {
            ["http:", "https:", "ws:", "wss:", "ftp:"]
                .iter()
                .any(|s| u.starts_with(s))
        })
        .filter(|u| !u.starts_with(&format!("{studio_url}/")))
        .collect();
    assert!(
        foreign.is_empty(),
        "requests that left the studio: {foreign:?}"
    );
    d.call("DELETE", "", None);
}
