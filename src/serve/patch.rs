//! The fast path of the preview for its commonest change, edited claims:
//! each edited file is resolved against the speakers, sources and topics the
//! site already has and patched into the site in place, without building the
//! model again from every file.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::state::{Built, Generation, Outcome, Preview};
use crate::diagnostic::Diagnostic;
use crate::model::index::reindex;
use crate::model::resolve::Entities;
use crate::model::slug::is_valid_file_slug;
use crate::model::Site;
use crate::render::graph;
use crate::sort_diagnostics;

/// What patching edited claims into the site did.
enum Patch {
    Patched,
    /// The edited claims have problems; the site is unchanged.
    Failed(Vec<Diagnostic>),
    /// The change needs the full model; the site is unchanged.
    Unpatchable,
    /// The change needs the full model, and the site was changed on the way.
    SiteChanged,
}

impl Preview {
    /// The fast path for the commonest change, edited claims: resolves just
    /// those files against the speakers, sources and topics the site already
    /// has, patches them into the site in place, and re-indexes. `None` when
    /// the change needs the full model (a new speaker, source or topic, a
    /// problem elsewhere, a slug clash), which the caller then builds.
    pub(super) fn patch_claims(
        &mut self,
        files: &HashSet<PathBuf>,
        changed: Vec<PathBuf>,
        started: Instant,
    ) -> Option<Outcome> {
        if !self.clean || !self.load_problems.is_empty() || self.registry.is_none() {
            return None;
        }
        let (mut site, theme) = match Arc::try_unwrap(self.generation.take()?) {
            Ok(generation) => {
                let Built { site, theme, .. } = generation.into_owner();
                (site, theme)
            }
            // The generated files are being made from it on another thread: patch a copy.
            Err(shared) => {
                let built = shared.borrow_owner();
                (built.site.clone(), Arc::clone(&built.theme))
            }
        };
        let patch = self.patch_into(&mut site, files);
        match patch {
            Patch::Patched => {
                let (plan, snapshot) = graph::plan(&self.snapshot, &site, files);
                let mut outcome = self.finish(site, plan, changed, started);
                if let Outcome::Rebuilt(rebuild) = &mut outcome {
                    rebuild.patched = true;
                    self.snapshot = snapshot;
                }
                Some(outcome)
            }
            Patch::Failed(problems) => {
                self.generation = Some(Arc::new(Generation::of(site, theme)));
                self.clean = false;
                Some(Outcome::Failed(problems))
            }
            Patch::Unpatchable => {
                self.generation = Some(Arc::new(Generation::of(site, theme)));
                None
            }
            Patch::SiteChanged => {
                // The site was changed in place: the caller's full model replaces it.
                self.registry = None;
                None
            }
        }
    }

    fn patch_into(&mut self, site: &mut Site, files: &HashSet<PathBuf>) -> Patch {
        let (Some(loaded), Some(registry)) = (self.loaded.as_ref(), self.registry.as_mut()) else {
            return Patch::Unpatchable;
        };
        let mut patched = Vec::new();
        let mut problems = Vec::new();
        for path in files {
            let Some(file) = loaded.claims.iter().find(|f| &f.relative_path == path) else {
                patched.push((path, None));
                continue;
            };
            let clash = site.claims.iter().any(|c| c.slug == file.slug && &c.file != path);
            if clash || !is_valid_file_slug(&file.slug) {
                return Patch::Unpatchable;
            }
            // A lookup-only registry adds no entity: the site is unchanged until the claims are swapped below.
            let Site { scale, speakers, sources, topics, .. } = &mut *site;
            let mut entities = Entities { speakers, sources, topics };
            let claim = registry.claim(&self.root, scale, file, file.slug.clone(), &mut entities, &mut problems);
            if registry.needs_new_entity {
                registry.needs_new_entity = false;
                return Patch::Unpatchable;
            }
            patched.push((path, claim.filter(|c| self.drafts || !c.draft)));
        }
        if !problems.is_empty() {
            sort_diagnostics(&mut problems);
            return Patch::Failed(problems);
        }
        for (path, claim) in patched {
            site.claims.retain(|c| &c.file != path);
            site.claims.extend(claim);
        }
        // An edit that leaves a generated speaker, source or topic unused needs
        // the full model, which drops it.
        if reindex(site) {
            Patch::Patched
        } else {
            Patch::SiteChanged
        }
    }
}
