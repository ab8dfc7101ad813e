//! What lets a fact check travel: the claim's share card
//! (`claims/SLUG/card.png`), the embed page (`claims/SLUG/embed/`) and its
//! oEmbed response (`claims/SLUG/oembed.json`), and the `share` variable
//! that announces them on the claim page.
//!
//! Other outlets show a fact check inside their own articles with an
//! `<iframe>` of the embed page: the claim's card alone, styled by the theme,
//! with no site navigation, and a link to the full fact check that opens in
//! the top window. The oEmbed response (<https://oembed.com/>, type `rich`)
//! gives content systems the same `<iframe>` code, and the claim page links
//! to it for discovery and shows the code in an "Embed this fact check" box.
//! Each of the three is rendered on its own, like a page, and handed to the
//! writer as soon as it is ready; the card is drawn by [`crate::render::card`].

use serde::Serialize;

use super::{PageDraft, PageId};
use crate::diagnostic::Diagnostic;
use crate::model::{Claim, Site};
use crate::render::card::{self, CardView};
use crate::render::markdown::escape;
use crate::render::renderer::{PageMeta, Renderer};
use crate::render::theme::describe_origin;
use crate::render::views::{claim_path, Urls};
use crate::render::Output;

/// Size of the `<iframe>` the embed code asks for. The embed page fits any
/// width from 300 to 600 pixels in this height: long claims and summaries are
/// cut to a few lines there, and the link leads to the whole fact check.
pub const EMBED_WIDTH: u32 = 600;
pub const EMBED_HEIGHT: u32 = 440;

/// The `share` variable of `claim.html` and `embed.html`. URLs are absolute:
/// they are read by other sites.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// The share card (`og:image`).
    pub card_url: String,
    pub card_width: u32,
    pub card_height: u32,
    /// Text alternative of the card: what it says, in words.
    pub card_alt: String,
    /// The embed page.
    pub embed_url: String,
    pub embed_width: u32,
    pub embed_height: u32,
    /// The `<iframe>` code for other sites to paste.
    pub embed_code: String,
    /// The oEmbed response.
    pub oembed_url: String,
}

impl ShareView {
    pub fn new(site: &Site, urls: &Urls, claim: &Claim) -> ShareView {
        let base = claim_path(claim);
        let embed_url = urls.permalink(&format!("{base}embed/"));
        let verdict = &site.scale.verdicts[claim.verdict];
        let speaker = &site.speakers[claim.speaker];
        ShareView {
            card_url: urls.permalink(&format!("{base}card.png")),
            card_width: card::WIDTH,
            card_height: card::HEIGHT,
            card_alt: site.words.format(
                "card_alt",
                None,
                &[
                    ("verdict", &verdict.label),
                    ("claim", &claim.claim),
                    ("speaker", &speaker.name),
                    ("site", &site.config.title),
                ],
            ),
            embed_code: iframe(&embed_url, &site.words.format("embed_title", None, &[("title", &claim.title)])),
            embed_url,
            embed_width: EMBED_WIDTH,
            embed_height: EMBED_HEIGHT,
            oembed_url: urls.permalink(&format!("{base}oembed.json")),
        }
    }
}

/// The `<iframe>` code of an embed. Its `title` (the `embed_title` word) names
/// the frame for screen readers.
fn iframe(embed_url: &str, title: &str) -> String {
    format!(
        "<iframe src=\"{}\" width=\"{EMBED_WIDTH}\" height=\"{EMBED_HEIGHT}\" title=\"{}\" style=\"border: 0; max-width: 100%;\" loading=\"lazy\"></iframe>",
        escape(embed_url),
        escape(title)
    )
}

/// An oEmbed 1.0 response of type `rich`.
#[derive(Debug, Serialize)]
struct OEmbed<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    version: &'static str,
    title: &'a str,
    author_name: &'a str,
    author_url: &'a str,
    provider_name: &'a str,
    provider_url: &'a str,
    html: &'a str,
    width: u32,
    height: u32,
    thumbnail_url: &'a str,
    thumbnail_width: u32,
    thumbnail_height: u32,
}

impl Renderer<'_> {
    /// `claims/SLUG/embed/`: claim `i` alone, for another site's `<iframe>`.
    pub(crate) fn render_embed(&self, page: &mut PageDraft, i: usize) -> PageMeta {
        let claim = &self.site.claims[i];
        page.context.insert("claim", self.card(i));
        page.context.insert("share", &ShareView::new(self.site, &self.urls, claim));
        self.meta("embed", &page.path, claim.title.clone(), claim.summary.clone())
    }

    /// `claims/SLUG/card.png` of claim `i`, from the card cache when the same
    /// card was drawn before.
    pub(crate) fn render_card(&self, i: usize) -> Result<Output, Vec<Diagnostic>> {
        let site = self.site;
        let path = format!("{}{}", site.prefix, PageId::Card(i).output_path(site));
        let view = CardView::new(site, &site.claims[i]);
        match card::draw_card_cached(self.theme, &view, &self.card_cache) {
            Ok(card::Drawn::Png(bytes, link)) => Ok(Output { path, bytes, link, unread: false }),
            Ok(card::Drawn::InFile(file)) => Ok(Output { path, bytes: Vec::new(), link: Some(file), unread: true }),
            Err(error) => {
                let file = describe_origin(&site.root, card::TEMPLATE, self.theme.templates.get(card::TEMPLATE));
                Err(vec![Diagnostic::file_error(file, format!("cannot draw {path}: {error}"))])
            }
        }
    }

    /// `claims/SLUG/oembed.json` of claim `i`.
    pub(crate) fn render_oembed(&self, i: usize) -> Output {
        let site = self.site;
        let claim = &site.claims[i];
        let share = ShareView::new(site, &self.urls, claim);
        let config = &site.config;
        let response = OEmbed {
            kind: "rich",
            version: "1.0",
            title: &claim.title,
            author_name: &config.organization.name,
            author_url: &config.organization.url,
            provider_name: &config.title,
            provider_url: &self.urls.base_url,
            html: &share.embed_code,
            width: share.embed_width,
            height: share.embed_height,
            thumbnail_url: &share.card_url,
            thumbnail_width: share.card_width,
            thumbnail_height: share.card_height,
        };
        // Serialising plain strings and numbers cannot fail.
        let mut json = serde_json::to_string_pretty(&response).unwrap_or_default();
        json.push('\n');
        Output::new(format!("{}{}", site.prefix, PageId::OEmbed(i).output_path(site)), json)
    }
}
