//! What every chart draws the same way, one concept a file: the page and its header
//! ([`page`]), the legend ([`legend`]), label placement ([`labels`]), run letters ([`tags`])
//! and lines and hatching ([`draw`]).

mod draw;
mod labels;
mod legend;
mod page;
mod tags;

pub(crate) use draw::*;
pub(crate) use labels::*;
pub(crate) use legend::*;
pub(crate) use page::*;
pub use page::{DrawError, ImageFormat, Size};
pub use page::{Layout, Rect};
pub(crate) use tags::*;
