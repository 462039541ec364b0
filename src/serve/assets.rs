//! The studio's style sheet and script, embedded in the binary: nothing is fetched from
//! anywhere else, and no other file can be asked for (the set is fixed here).

/// The embedded files: name, content type, bytes.
const FILES: [(&str, &str, &[u8]); 2] = [
    (
        "studio.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/studio.css"),
    ),
    (
        "studio.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/studio.js"),
    ),
];

/// An embedded file by name: its content type and bytes.
pub fn get(name: &str) -> Option<(&'static str, &'static [u8])> {
    FILES
        .iter()
        .find(|(file, _, _)| *file == name)
        .map(|&(_, kind, bytes)| (kind, bytes))
}
