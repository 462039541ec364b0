//! Outputs. Each format is one file here and returns bytes; [`crate::output`] decides where the
//! bytes go and writes them atomically.
//!
//! The records (one operation, one funder-year, one owner-year) are built once, in [`rows`],
//! and serialized by each exporter, so that JSON and CSV can never disagree.

pub mod bytes;
pub mod commune;
pub mod compare;
pub mod csv;
pub mod decide;
pub mod explain;
pub mod files;
pub mod grid;
pub mod headlines;
pub mod html;
pub mod json;
pub mod montecarlo;
pub mod rows;
pub mod sweep;
pub mod table;
pub mod xlsx;

use crate::runs::Run;
