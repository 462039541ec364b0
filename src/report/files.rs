//! The files `cofinance run` writes, each made as it is written (docs/engine.md, “Outputs”).

use super::bytes::Sink;
use super::{csv, json};
use crate::input::Dialect;
use crate::runs::Run;
use std::io;

/// Writes one file of a run into a sink, in a CSV dialect.
pub type Writer = fn(&Run<'_>, Dialect, &mut Sink<'_>);

/// The files of a run, in the order they are listed: `summary.json`, then the CSV tables.
pub const RUN_FILES: [(&str, Writer); 5] = [
    ("summary.json", |run, _, sink| {
        json::write_summary(run, sink);
    }),
    ("allocations.csv", csv::write_allocations),
    ("funders.csv", csv::write_funders),
    ("owners.csv", csv::write_owners),
    ("payments.csv", csv::write_payments),
];

/// Writes a file of [`RUN_FILES`] into `out`, in chunks, as it is made.
pub fn stream(
    run: &Run<'_>,
    dialect: Dialect,
    write: Writer,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let mut sink = Sink::to(out);
    write(run, dialect, &mut sink);
    sink.finish().map(drop)
}

/// The bytes of a file of [`RUN_FILES`].
pub fn bytes(run: &Run<'_>, dialect: Dialect, write: Writer) -> Vec<u8> {
    let mut sink = Sink::memory(0);
    write(run, dialect, &mut sink);
    sink.finish().expect("writing to memory cannot fail")
}
