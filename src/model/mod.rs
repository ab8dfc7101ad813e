//! Stage 2, **model**: the site as a fact-check desk thinks of it.
//!
//! Claims, speakers, sources, topics, free pages and the verdict scale, with the
//! cross-references resolved (each claim points at its speaker, verdict, topics
//! and sources by index) and the reverse indices built: which claims each source
//! supports or contradicts, each speaker's verdict counts. Building the model is
//! where every check that needs more than one file happens.

mod archive;
pub mod build;
mod config;
mod edition;
pub mod frontmatter;
pub mod index;
pub mod languages;
pub mod quotes;
pub mod resolve;
pub mod site;
pub mod slug;
pub mod values;
pub mod verdict;

pub use build::build_site;
pub use index::index_site;
pub use site::{Citation, Claim, Correction, Organization, Page, Site, SiteConfig, Source, Speaker, Topic};
pub use values::{Date, WebUrl};
pub use verdict::{Verdict, VerdictScale};
