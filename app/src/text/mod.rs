//! Pure text logic, compiled for the browser and the server alike: no IO here.

pub mod diff;
pub mod draft;
pub mod eol;
pub mod html;

pub use diff::{diff_lines, DiffLine, LineTag};
pub mod merge;
pub mod ops;
