//! `verdict serve`: a live preview that keeps up with the author.
//!
//! [`state::Preview`] keeps the whole site in memory and re-renders only what
//! a change touches ([`graph`]); [`http`] serves it with live reload over
//! server-sent events; [`watch`] turns file-system events into changes.

pub mod graph;
pub mod state;

pub use state::{Outcome, Preview, Rebuild};
