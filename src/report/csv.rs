//! `allocations.csv`, `funders.csv`, `owners.csv`: the facts of `summary.json` as flat tables,
//! one header line, money with two decimals and a dot, as spreadsheets import it; or, in the
//! `fr` dialect ([`in_dialect`]), as French Excel opens it: `;` between cells, decimal commas,
//! a UTF-8 BOM.

use super::Run;
use super::rows;
use crate::input::Dialect;
use crate::model::{Money, Year};
use serde::Serialize;

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

/// One of the files above, or compare.csv, rewritten in a dialect: `Fr` puts `;` between cells, a decimal
/// comma in money and a UTF-8 BOM in front (French Excel reads a CSV without one as
/// Windows-1252); the other dialects leave the bytes as they are.
pub fn in_dialect(bytes: Vec<u8>, dialect: Dialect) -> Vec<u8> {
    if dialect != Dialect::Fr {
        return bytes;
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xef\xbb\xbf".to_vec());
    let mut money = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.expect("our own CSV reads back");
        if index == 0 {
            money = record
                .iter()
                .map(|name| MONEY_COLUMNS.contains(&name))
                .collect();
            writer
                .write_record(&record)
                .expect("writing to memory cannot fail");
            continue;
        }
        let fields = record.iter().zip(&money).map(|(field, &is_money)| {
            if is_money {
                field.replace('.', ",")
            } else {
                field.to_owned()
            }
        });
        writer
            .write_record(fields)
            .expect("writing to memory cannot fail");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

/// One grant: an operation and one funder.
#[derive(Debug, Serialize)]
struct AllocationRow<'a> {
    operation: &'a str,
    commune: &'a str,
    owner: &'a str,
    family: &'static str,
    commit_year: Option<Year>,
    cost: Money,
    cost_ttc: Money,
    funder: &'a str,
    grant: Money,
    reason: &'static str,
    residual: Money,
}

/// One funder-year of the ledger.
#[derive(Debug, Serialize)]
struct FunderRow<'a> {
    funder: &'a str,
    year: Year,
    envelope: Money,
    frozen: Money,
    released: Money,
    available: Money,
    requested: Money,
    granted: Money,
    waiting: Money,
    unused: Money,
    carried: Money,
    lapsed: Money,
    exhaustion_year: Option<Year>,
    cancelled: Money,
    returned: Money,
}

/// One funder-year of payments.
#[derive(Debug, Serialize)]
struct PaymentRow<'a> {
    funder: &'a str,
    year: Year,
    due: Money,
    paid: Money,
    overdue: Money,
}

/// One owner-year.
#[derive(Debug, Serialize)]
struct OwnerRow<'a> {
    owner: &'a str,
    kind: &'static str,
    year: Year,
    residual_paid: Money,
    capacity: Option<Money>,
    gap: Option<Money>,
    residual_total: Money,
    fctva_total: Money,
    shortfall: Option<Money>,
    spent: Money,
    received: Money,
    fctva: Money,
    cash_need: Money,
    borrowed: Option<Money>,
    debt_service: Option<Money>,
    interest: Option<Money>,
    reserve: Option<Money>,
    debt: Option<Money>,
    borrowed_total: Option<Money>,
    interest_total: Option<Money>,
    debt_at_end: Option<Money>,
    years_to_repay: Option<&'a str>,
}

fn to_bytes<T: Serialize>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row).expect("flat rows always serialize");
    }
    writer.into_inner().expect("writing to memory cannot fail")
}

pub fn allocations(run: &Run<'_>) -> Vec<u8> {
    to_bytes(rows::operations(run).iter().flat_map(|op| {
        op.grants
            .0
            .iter()
            .zip(&op.reasons.0)
            .map(move |(&(funder, grant), &(_, reason))| AllocationRow {
                operation: op.id,
                commune: op.commune,
                owner: op.owner,
                family: op.family,
                commit_year: op.commit_year,
                cost: op.cost,
                cost_ttc: op.cost_ttc,
                funder,
                grant,
                reason,
                residual: op.residual,
            })
    }))
}

pub fn funders(run: &Run<'_>) -> Vec<u8> {
    to_bytes(rows::funders(run).iter().flat_map(|f| {
        f.years.iter().map(move |y| FunderRow {
            funder: f.id,
            year: y.year,
            envelope: y.envelope,
            frozen: y.frozen,
            released: y.released,
            available: y.available,
            requested: y.requested,
            granted: y.granted,
            waiting: y.waiting,
            unused: y.unused,
            carried: y.carried,
            lapsed: y.lapsed,
            exhaustion_year: f.exhaustion_year,
            cancelled: y.cancelled,
            returned: y.returned,
        })
    }))
}

/// `payments.csv`: what each funder has due, pays and still owes each year.
pub fn payments(run: &Run<'_>) -> Vec<u8> {
    to_bytes(rows::funders(run).iter().flat_map(|f| {
        f.payments.iter().map(move |p| PaymentRow {
            funder: f.id,
            year: p.year,
            due: p.due,
            paid: p.paid,
            overdue: p.overdue,
        })
    }))
}

pub fn owners(run: &Run<'_>) -> Vec<u8> {
    to_bytes(rows::owners(run).iter().flat_map(|o| {
        o.years.iter().map(move |y| OwnerRow {
            owner: o.id,
            kind: o.kind,
            year: y.year,
            residual_paid: y.residual_paid,
            capacity: y.capacity,
            gap: y.gap,
            residual_total: o.residual_total,
            fctva_total: o.fctva_total,
            shortfall: o.shortfall,
            spent: y.spent,
            received: y.received,
            fctva: y.fctva,
            cash_need: y.cash_need,
            borrowed: y.borrowed,
            debt_service: y.debt_service,
            interest: y.interest,
            reserve: y.reserve,
            debt: y.debt,
            borrowed_total: o.borrowed_total,
            interest_total: o.interest_total,
            debt_at_end: o.debt_at_end,
            years_to_repay: o.years_to_repay,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_money_for_french_excel() {
        let plain =
            b"operation,commune,cost,commit_year\nA.1,\"Lens, centre\",1234.50,2004\n".to_vec();
        assert_eq!(in_dialect(plain.clone(), Dialect::Auto), plain);
        assert_eq!(in_dialect(plain.clone(), Dialect::En), plain);
        let french = String::from_utf8(in_dialect(plain, Dialect::Fr)).unwrap();
        assert_eq!(
            french,
            "\u{feff}operation;commune;cost;commit_year\nA.1;Lens, centre;1234,50;2004\n"
        );
    }
}
