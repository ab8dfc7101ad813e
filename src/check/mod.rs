//! `verdict check`: everything a build validates, plus what a careful editor
//! wants checked before publishing. [`links`] requests every external URL the
//! site cites (`check --external`); [`report`] writes the problems as JSON or
//! as GitHub Actions annotations for CI.

pub mod links;
pub mod report;
pub mod warnings;
