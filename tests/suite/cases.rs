//! Small datasets whose every number is worked out by hand in the comments of their
//! `base.toml` (tests/fixtures/cases/*/). Each test compares the whole run, operation by
//! operation, funder-year by funder-year and owner-year by owner-year.

use crate::common;

fn check(case: &str, expected: &str) {
    let (dataset, outcome) = common::run_fixture(&format!("cases/{case}"));
    let actual = common::digest(&dataset, &outcome);
    assert_eq!(
        actual, expected,
        "{case}: the run differs from the hand computation"
    );
}

/// first-come: a request gets what is left (reason envelope); without carry-over unused money lapses.
#[test]
fn first_come_lapse() {
    check(
        "first-come-lapse",
        r"op A commit=2004 ttc=120000.00 f=60000.00/rate residual=60000.00
op B commit=2005 ttc=100000.00 f=50000.00/rate residual=50000.00
op C commit=2005 ttc=40000.00 f=0.00/envelope residual=40000.00
funder f exhausted=2005 total=110000.00
  2004 envelope=100000.00 frozen=0.00 released=0.00 available=100000.00 requested=60000.00 granted=60000.00 waiting=0.00 unused=40000.00 carried=0.00 lapsed=40000.00
  2005 envelope=50000.00 frozen=0.00 released=0.00 available=50000.00 requested=70000.00 granted=50000.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00
owner C residual=150000.00 fctva=0.00 capacity=0.00 shortfall=150000.00 peak=150000.00@2005
  2004 paid=60000.00 capacity=0.00 gap=60000.00
  2005 paid=90000.00 capacity=0.00 gap=150000.00
",
    );
}

/// pro-rata: `floor(request × available / Σ requests)`, to the cent; the cents left are carried.
#[test]
fn pro_rata_floor() {
    check(
        "pro-rata-floor",
        r"op X commit=2004 ttc=100000.00 f=28571.42/envelope residual=71428.58
op Y commit=2004 ttc=200000.00 f=57142.85/envelope residual=142857.15
op Z commit=2004 ttc=50000.02 f=14285.71/envelope residual=35714.31
funder f exhausted=2004 total=99999.98
  2004 envelope=100000.00 frozen=0.00 released=0.00 available=100000.00 requested=175000.01 granted=99999.98 waiting=0.00 unused=0.02 carried=0.02 lapsed=0.00
owner C residual=250000.04 fctva=0.00 capacity=0.00 shortfall=250000.04 peak=250000.04@2004
  2004 paid=250000.04 capacity=0.00 gap=250000.04
",
    );
}

/// A decision lag: decided a year later, after the horizon from carried money; commitment and payments follow.
#[test]
fn decision_lag() {
    check(
        "decision-lag",
        r"op A commit=2005 ttc=119600.00 anru=50000.00/rate region=30000.00/rate residual=39600.00
op B commit=2006 ttc=239200.00 anru=50000.00/envelope region=60000.00/rate residual=129200.00
funder anru exhausted=2006 total=100000.00
  2004 envelope=100000.00 frozen=0.00 released=0.00 available=100000.00 requested=0.00 granted=0.00 waiting=0.00 unused=100000.00 carried=100000.00 lapsed=0.00
  2005 envelope=0.00 frozen=0.00 released=0.00 available=100000.00 requested=50000.00 granted=50000.00 waiting=0.00 unused=50000.00 carried=50000.00 lapsed=0.00
  2006 envelope=0.00 frozen=0.00 released=0.00 available=50000.00 requested=100000.00 granted=50000.00 waiting=0.00 unused=0.00 carried=0.00 lapsed=0.00
funder region exhausted=null total=90000.00
  2004 envelope=100000.00 frozen=0.00 released=0.00 available=100000.00 requested=30000.00 granted=30000.00 waiting=0.00 unused=70000.00 carried=70000.00 lapsed=0.00
  2005 envelope=100000.00 frozen=0.00 released=0.00 available=170000.00 requested=60000.00 granted=60000.00 waiting=0.00 unused=110000.00 carried=110000.00 lapsed=0.00
owner C residual=168800.00 fctva=0.00 capacity=60000.00 shortfall=108800.00 peak=108800.00@2006
  2004 paid=0.00 capacity=20000.00 gap=0.00
  2005 paid=19800.00 capacity=20000.00 gap=0.00
  2006 paid=149000.00 capacity=20000.00 gap=108800.00
",
    );
}

/// `depends_on`: houses ask once their roads are decided; a road waiting in a queue until the horizon leaves its houses not financed.
#[test]
fn depends_on() {
    check(
        "depends-on",
        r"op H1 commit=2005 ttc=105500.00 girzom=0.00/no-rule anah=25000.00/rate residual=80500.00
op H2 commit=null ttc=84400.00 girzom=0.00/not-asked anah=0.00/not-asked residual=84400.00
op R1 commit=2004 ttc=47840.00 girzom=30000.00/rate anah=0.00/no-rule residual=17840.00
op R2 commit=2006 ttc=119600.00 girzom=0.00/queue-expired anah=0.00/no-rule residual=119600.00
funder girzom exhausted=2004 total=30000.00
  2004 envelope=50000.00 frozen=0.00 released=0.00 available=50000.00 requested=105000.00 granted=30000.00 waiting=75000.00 unused=20000.00 carried=20000.00 lapsed=0.00
  2005 envelope=0.00 frozen=0.00 released=0.00 available=20000.00 requested=75000.00 granted=0.00 waiting=75000.00 unused=20000.00 carried=20000.00 lapsed=0.00
  2006 envelope=0.00 frozen=0.00 released=0.00 available=20000.00 requested=75000.00 granted=0.00 waiting=0.00 unused=20000.00 carried=20000.00 lapsed=0.00
funder anah exhausted=null total=25000.00
  2004 envelope=1000000.00 frozen=0.00 released=0.00 available=1000000.00 requested=0.00 granted=0.00 waiting=0.00 unused=1000000.00 carried=1000000.00 lapsed=0.00
  2005 envelope=1000000.00 frozen=0.00 released=0.00 available=2000000.00 requested=25000.00 granted=25000.00 waiting=0.00 unused=1975000.00 carried=1975000.00 lapsed=0.00
  2006 envelope=1000000.00 frozen=0.00 released=0.00 available=2975000.00 requested=0.00 granted=0.00 waiting=0.00 unused=2975000.00 carried=2975000.00 lapsed=0.00
owner C residual=217940.00 fctva=0.00 capacity=0.00 shortfall=217940.00 peak=217940.00@2006
  2004 paid=17840.00 capacity=0.00 gap=17840.00
  2005 paid=80500.00 capacity=0.00 gap=98340.00
  2006 paid=119600.00 capacity=0.00 gap=217940.00
",
    );
}

/// Rules: first match wins, modulations, clamp, cap, unit cap, strict `potential_below`, missing attributes, from/to.
#[test]
fn rule_matching() {
    check(
        "rule-matching",
        r"op A-LENS commit=2004 ttc=400000.00 anru=50000.00/cap residual=350000.00
op A-NOPOT commit=2004 ttc=400000.00 anru=0.00/no-rule residual=400000.00
op D-CARVIN commit=2004 ttc=1000000.00 anru=0.00/rate residual=1000000.00
op D-LENS commit=2004 ttc=1000000.00 anru=550000.00/cap residual=450000.00
op D-LIEVIN commit=2004 ttc=1000000.00 anru=500000.00/rate residual=500000.00
op D-NOPOT commit=2004 ttc=1000000.00 anru=500000.00/rate residual=500000.00
op L-LENS commit=2004 ttc=100000.00 anru=0.00/no-rule residual=100000.00
op R-LENS commit=2004 ttc=500000.00 anru=39000.00/unit-cap residual=461000.00
op R-ZERO commit=2004 ttc=500000.00 anru=0.00/unit-cap residual=500000.00
funder anru exhausted=null total=1639000.00
  2004 envelope=100000000.00 frozen=0.00 released=0.00 available=100000000.00 requested=1639000.00 granted=1639000.00 waiting=0.00 unused=98361000.00 carried=98361000.00 lapsed=0.00
  2005 envelope=100000000.00 frozen=0.00 released=0.00 available=198361000.00 requested=0.00 granted=0.00 waiting=0.00 unused=198361000.00 carried=198361000.00 lapsed=0.00
owner LENS residual=1861000.00 fctva=0.00 capacity=0.00 shortfall=1861000.00 peak=1861000.00@2004
  2004 paid=1861000.00 capacity=0.00 gap=1861000.00
  2005 paid=0.00 capacity=0.00 gap=1861000.00
owner LIEVIN residual=500000.00 fctva=0.00 capacity=0.00 shortfall=500000.00 peak=500000.00@2004
  2004 paid=500000.00 capacity=0.00 gap=500000.00
  2005 paid=0.00 capacity=0.00 gap=500000.00
owner CARVIN residual=1000000.00 fctva=0.00 capacity=0.00 shortfall=1000000.00 peak=1000000.00@2004
  2004 paid=1000000.00 capacity=0.00 gap=1000000.00
  2005 paid=0.00 capacity=0.00 gap=1000000.00
owner NOWHERE residual=900000.00 fctva=0.00 capacity=0.00 shortfall=900000.00 peak=900000.00@2004
  2004 paid=900000.00 capacity=0.00 gap=900000.00
  2005 paid=0.00 capacity=0.00 gap=900000.00
",
    );
}

/// FCTVA two years later for communes and EPCIs; capacity only up to the last payment year; peak before the end.
#[test]
fn fctva_capacity() {
    check(
        "fctva-capacity",
        r"op B1 commit=2004 ttc=11960.00 f=5000.00/rate residual=6960.00
op C1 commit=2004 ttc=119600.00 f=50000.00/rate residual=69600.00
op E1 commit=2004 ttc=11960.00 f=5000.00/rate residual=6960.00
funder f exhausted=null total=60000.00
  2004 envelope=1000000.00 frozen=0.00 released=0.00 available=1000000.00 requested=60000.00 granted=60000.00 waiting=0.00 unused=940000.00 carried=940000.00 lapsed=0.00
owner C residual=69600.00 fctva=18516.48 capacity=20000.00 shortfall=31083.52 peak=49600.00@2005
  2004 paid=34800.00 capacity=10000.00 gap=24800.00
  2005 paid=34800.00 capacity=10000.00 gap=49600.00
  2006 paid=-9258.24 capacity=0.00 gap=40341.76
  2007 paid=-9258.24 capacity=0.00 gap=31083.52
owner E residual=6960.00 fctva=1851.65 capacity=null shortfall=null peak=null@null
  2004 paid=6960.00 capacity=null gap=null
  2005 paid=0.00 capacity=null gap=null
  2006 paid=-1851.65 capacity=null gap=null
owner B residual=6960.00 fctva=0.00 capacity=null shortfall=null peak=null@null
  2004 paid=6960.00 capacity=null gap=null
",
    );
}

/// `operations.csv` and `[[operation]]` tables together: lists with |, empty cells, booleans, `vat_rate`.
#[test]
fn csv_and_toml() {
    check(
        "csv-and-toml",
        r"op HOUSE-1 commit=2005 ttc=100000.00 girzom=0.00/no-rule anah=18000.00/rate residual=82000.00
op HOUSE-2 commit=2005 ttc=52750.00 girzom=0.00/no-rule anah=10000.00/rate residual=42750.00
op ROAD-1 commit=2004 ttc=200000.00 girzom=150000.00/rate anah=0.00/no-rule residual=50000.00
op ROAD-2 commit=2004 ttc=100000.00 girzom=0.00/no-rule anah=0.00/no-rule residual=100000.00
funder girzom exhausted=null total=150000.00
  2004 envelope=1000000.00 frozen=0.00 released=0.00 available=1000000.00 requested=150000.00 granted=150000.00 waiting=0.00 unused=850000.00 carried=850000.00 lapsed=0.00
  2005 envelope=1000000.00 frozen=0.00 released=0.00 available=1850000.00 requested=0.00 granted=0.00 waiting=0.00 unused=1850000.00 carried=1850000.00 lapsed=0.00
  2006 envelope=1000000.00 frozen=0.00 released=0.00 available=2850000.00 requested=0.00 granted=0.00 waiting=0.00 unused=2850000.00 carried=2850000.00 lapsed=0.00
funder anah exhausted=null total=28000.00
  2004 envelope=1000000.00 frozen=0.00 released=0.00 available=1000000.00 requested=0.00 granted=0.00 waiting=0.00 unused=1000000.00 carried=1000000.00 lapsed=0.00
  2005 envelope=1000000.00 frozen=0.00 released=0.00 available=2000000.00 requested=28000.00 granted=28000.00 waiting=0.00 unused=1972000.00 carried=1972000.00 lapsed=0.00
  2006 envelope=1000000.00 frozen=0.00 released=0.00 available=2972000.00 requested=0.00 granted=0.00 waiting=0.00 unused=2972000.00 carried=2972000.00 lapsed=0.00
owner C residual=150000.00 fctva=0.00 capacity=0.00 shortfall=150000.00 peak=150000.00@2005
  2004 paid=100000.00 capacity=0.00 gap=100000.00
  2005 paid=50000.00 capacity=0.00 gap=150000.00
  2006 paid=0.00 capacity=0.00 gap=150000.00
owner sogi residual=124750.00 fctva=0.00 capacity=null shortfall=null peak=null@null
  2004 paid=0.00 capacity=null gap=null
  2005 paid=124750.00 capacity=null gap=null
  2006 paid=0.00 capacity=null gap=null
",
    );
}

fn check_treasury(case: &str, expected: &str) {
    let (dataset, outcome) = common::run_fixture(&format!("cases/{case}"));
    let actual = common::treasury_digest(&dataset, &outcome);
    assert_eq!(
        actual, expected,
        "{case}: the treasury differs from the hand computation"
    );
}

/// Payment credits short three years running: overdue amounts paid oldest first, one in part.
#[test]
fn credits_short_over_several_years() {
    check_treasury(
        "credits-short-several-years",
        r"pay F 2004 due=25000.00 paid=10000.00 overdue=15000.00
pay F 2005 due=25000.00 paid=10000.00 overdue=30000.00
pay F 2006 due=0.00 paid=10000.00 overdue=20000.00
pay F 2007 due=0.00 paid=20000.00 overdue=0.00
cash C 2004 spent=50000.00 received=10000.00 fctva=0.00 need=40000.00
cash C 2005 spent=50000.00 received=10000.00 fctva=0.00 need=40000.00
cash C 2006 spent=0.00 received=10000.00 fctva=0.00 need=-10000.00
cash C 2007 spent=0.00 received=20000.00 fctva=0.00 need=-20000.00
",
    );
    // The accrual view keeps its capacity to the works years: no gap in the years gained.
    let (_, outcome) = common::run_fixture("cases/credits-short-several-years");
    let capacities: Vec<String> = outcome.owners[0]
        .years
        .iter()
        .map(|y| y.capacity.unwrap().to_string())
        .collect();
    assert_eq!(capacities, ["30000.00", "30000.00", "0.00", "0.00"]);
}

/// A loan taken in the last simulated year: its whole schedule counts in the totals.
#[test]
fn loan_in_the_last_year() {
    check_treasury(
        "loan-in-the-last-year",
        r"pay F 2004 due=0.00 paid=0.00 overdue=0.00
cash C 2004 spent=30000.00 received=0.00 fctva=0.00 need=30000.00 borrowed=20000.00 service=0.00 interest=0.00 reserve=0.00 debt=20000.00
loans C borrowed=20000.00 interest=1512.20 debt_at_end=20000.00 peak=20000.00@2004 years_to_repay=2.0
  loan 2004 20000.00 first=10756.10 last=2006 [1000.00+9756.10 512.20+10243.90]
",
    );
}

/// A year that receives more than it spends: the reserve grows, the loan is still repaid.
#[test]
fn negative_cash_need() {
    check_treasury(
        "negative-cash-need",
        r"pay F 2004 due=0.00 paid=0.00 overdue=0.00
pay F 2005 due=20000.00 paid=20000.00 overdue=0.00
cash C 2004 spent=40000.00 received=0.00 fctva=0.00 need=40000.00 borrowed=25000.00 service=0.00 interest=0.00 reserve=0.00 debt=25000.00
cash C 2005 spent=0.00 received=20000.00 fctva=0.00 need=-20000.00 borrowed=0.00 service=15000.00 interest=2500.00 reserve=10000.00 debt=12500.00
loans C borrowed=25000.00 interest=3750.00 debt_at_end=12500.00 peak=25000.00@2004 years_to_repay=2.5
  loan 2004 25000.00 first=15000.00 last=2006 [2500.00+12500.00 1250.00+12500.00]
",
    );
}

/// The same loan on annuity and linear terms.
#[test]
fn linear_against_annuity() {
    check_treasury(
        "linear-vs-annuity",
        r"pay F 2004 due=0.00 paid=0.00 overdue=0.00
cash C1 2004 spent=20000.00 received=0.00 fctva=0.00 need=20000.00 borrowed=20000.00 service=0.00 interest=0.00 reserve=0.00 debt=20000.00
loans C1 borrowed=20000.00 interest=3047.62 debt_at_end=20000.00 peak=20000.00@2004 years_to_repay=null
  loan 2004 20000.00 first=11523.81 last=2006 [2000.00+9523.81 1047.62+10476.19]
cash C2 2004 spent=20000.00 received=0.00 fctva=0.00 need=20000.00 borrowed=20000.00 service=0.00 interest=0.00 reserve=0.00 debt=20000.00
loans C2 borrowed=20000.00 interest=3000.00 debt_at_end=20000.00 peak=20000.00@2004 years_to_repay=null
  loan 2004 20000.00 first=12000.00 last=2006 [2000.00+10000.00 1000.00+10000.00]
",
    );
}
