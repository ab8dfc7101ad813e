//! `verdict check`: everything a build validates, plus what a careful editor
//! wants checked before publishing. [`links`] requests every external URL the
//! site cites (`check --external`).

pub mod links;
pub mod warnings;
