//! `allocations.csv`, `funders.csv`, `owners.csv`: the facts of `summary.json` as flat tables,
//! one header line, money with two decimals and a dot, as spreadsheets import it; or, in the
//! `fr` dialect ([`in_dialect`]), as French Excel opens it: `;` between cells, decimal commas,
//! a UTF-8 BOM.

use super::bytes::{Cells, Csv, Sink};
use super::{files, rows};
use crate::input::Dialect;
use crate::runs::Run;

/// The columns of the exported files that hold money (or, in compare.csv, money and years),
/// the only ones a dialect rewrites.
const MONEY_COLUMNS: [&str; 23] = [
    "cost",
    "cost_ttc",
    "grant",
    "residual",
    "envelope",
    "frozen",
    "released",
    "available",
    "requested",
    "granted",
    "waiting",
    "unused",
    "carried",
    "lapsed",
    "residual_paid",
    "capacity",
    "gap",
    "residual_total",
    "fctva_total",
    "shortfall",
    "value",
    "reference",
    "difference",
];

/// A table in a dialect: `Fr` puts `;` between cells, a decimal comma in the money columns
/// and a UTF-8 BOM in front (French Excel reads a CSV without one as Windows-1252); the other
/// dialects write `,` and decimal points.
pub(super) fn table<'s, 'a, 'h>(
    sink: &'s mut Sink<'a>,
    header: &'h [&'h str],
    dialect: Dialect,
) -> Csv<'s, 'a, 'h> {
    if dialect == Dialect::Fr {
        sink.raw(b"\xef\xbb\xbf");
        Csv::new(sink, header, b';', |name| MONEY_COLUMNS.contains(&name))
    } else {
        Csv::new(sink, header, b',', |_| false)
    }
}

/// `allocations.csv`: one line per grant (an operation and one funder).
const ALLOCATION_COLUMNS: [&str; 11] = [
    "operation",
    "commune",
    "owner",
    "family",
    "commit_year",
    "cost",
    "cost_ttc",
    "funder",
    "grant",
    "reason",
    "residual",
];

/// `funders.csv`: one line per funder-year of the ledger.
const FUNDER_COLUMNS: [&str; 15] = [
    "funder",
    "year",
    "envelope",
    "frozen",
    "released",
    "available",
    "requested",
    "granted",
    "waiting",
    "unused",
    "carried",
    "lapsed",
    "exhaustion_year",
    "cancelled",
    "returned",
];

/// `payments.csv`: one line per funder-year of payments.
const PAYMENT_COLUMNS: [&str; 5] = ["funder", "year", "due", "paid", "overdue"];

/// `owners.csv`: one line per owner-year.
const OWNER_COLUMNS: [&str; 22] = [
    "owner",
    "kind",
    "year",
    "residual_paid",
    "capacity",
    "gap",
    "residual_total",
    "fctva_total",
    "shortfall",
    "spent",
    "received",
    "fctva",
    "cash_need",
    "borrowed",
    "debt_service",
    "interest",
    "reserve",
    "debt",
    "borrowed_total",
    "interest_total",
    "debt_at_end",
    "years_to_repay",
];

/// Writes `allocations.csv` into the sink.
pub fn write_allocations(run: &Run<'_>, dialect: Dialect, sink: &mut Sink<'_>) {
    let mut out = table(sink, &ALLOCATION_COLUMNS, dialect);
    // An operation's cells are the same on each of its funders' rows: written once, copied.
    let (mut operation, mut residual) = (Cells::default(), Cells::default());
    for op in rows::operation_records(run) {
        for (i, (&(funder, grant), &(_, reason))) in
            op.grants.0.iter().zip(&op.reasons.0).enumerate()
        {
            if i == 0 {
                out.record(&mut operation, |out| {
                    out.text(op.id);
                    out.text(op.commune);
                    out.text(op.owner);
                    out.text(op.family);
                    out.opt_integer(op.commit_year);
                    out.money(op.cost);
                    out.money(op.cost_ttc);
                });
            } else {
                out.repeat(&operation);
            }
            out.text(funder);
            out.money(grant);
            out.text(reason);
            if i == 0 {
                out.record(&mut residual, |out| out.money(op.residual));
            } else {
                out.repeat(&residual);
            }
            out.end_row();
        }
    }
}

/// Writes `funders.csv` into the sink.
pub fn write_funders(run: &Run<'_>, dialect: Dialect, sink: &mut Sink<'_>) {
    let mut out = table(sink, &FUNDER_COLUMNS, dialect);
    for f in rows::funders(run) {
        for y in f.years {
            out.text(f.id);
            out.integer(y.year);
            out.money(y.envelope);
            out.money(y.frozen);
            out.money(y.released);
            out.money(y.available);
            out.money(y.requested);
            out.money(y.granted);
            out.money(y.waiting);
            out.money(y.unused);
            out.money(y.carried);
            out.money(y.lapsed);
            out.opt_integer(f.exhaustion_year);
            out.money(y.cancelled);
            out.money(y.returned);
            out.end_row();
        }
    }
}

/// Writes `payments.csv` into the sink: what each funder has due, pays and still owes each
/// year.
pub fn write_payments(run: &Run<'_>, dialect: Dialect, sink: &mut Sink<'_>) {
    let mut out = table(sink, &PAYMENT_COLUMNS, dialect);
    for f in rows::funders(run) {
        for p in f.payments {
            out.text(f.id);
            out.integer(p.year);
            out.money(p.due);
            out.money(p.paid);
            out.money(p.overdue);
            out.end_row();
        }
    }
}

/// Writes `owners.csv` into the sink.
pub fn write_owners(run: &Run<'_>, dialect: Dialect, sink: &mut Sink<'_>) {
    let mut out = table(sink, &OWNER_COLUMNS, dialect);
    for o in rows::owners(run) {
        for y in &o.years {
            out.text(o.id);
            out.text(o.kind);
            out.integer(y.year);
            out.money(y.residual_paid);
            out.opt_money(y.capacity);
            out.opt_money(y.gap);
            out.money(o.residual_total);
            out.money(o.fctva_total);
            out.opt_money(o.shortfall);
            out.money(y.spent);
            out.money(y.received);
            out.money(y.fctva);
            out.money(y.cash_need);
            out.opt_money(y.borrowed);
            out.opt_money(y.debt_service);
            out.opt_money(y.interest);
            out.opt_money(y.reserve);
            out.opt_money(y.debt);
            out.opt_money(o.borrowed_total);
            out.opt_money(o.interest_total);
            out.opt_money(o.debt_at_end);
            out.opt_text(o.years_to_repay);
            out.end_row();
        }
    }
}

pub fn allocations(run: &Run<'_>) -> Vec<u8> {
    files::bytes(run, Dialect::Auto, write_allocations)
}

pub fn funders(run: &Run<'_>) -> Vec<u8> {
    files::bytes(run, Dialect::Auto, write_funders)
}

/// `payments.csv`: what each funder has due, pays and still owes each year.
pub fn payments(run: &Run<'_>) -> Vec<u8> {
    files::bytes(run, Dialect::Auto, write_payments)
}

pub fn owners(run: &Run<'_>) -> Vec<u8> {
    files::bytes(run, Dialect::Auto, write_owners)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Money;

    #[test]
    fn writes_money_for_french_excel() {
        let table = |dialect| {
            let mut sink = Sink::memory(0);
            let mut out = table(
                &mut sink,
                &["operation", "commune", "cost", "commit_year"],
                dialect,
            );
            out.text("A.1");
            out.text("Lens, centre");
            out.money(Money::from_cents(123_450));
            out.integer(2004);
            out.end_row();
            String::from_utf8(sink.finish().unwrap()).unwrap()
        };
        let plain = "operation,commune,cost,commit_year\nA.1,\"Lens, centre\",1234.50,2004\n";
        assert_eq!(table(Dialect::Auto), plain);
        assert_eq!(table(Dialect::En), plain);
        assert_eq!(
            table(Dialect::Fr),
            "\u{feff}operation;commune;cost;commit_year\nA.1;Lens, centre;1234,50;2004\n"
        );
    }
}
