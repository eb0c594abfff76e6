//! The evidence list of a case. The evidence events (add, delete, export, bundle, verify)
//! are in `evidence_ops.rs`.

use super::error::{evidence_error, vault_error};
use super::{present, App, AppError, EvidenceListView, Missing, ViewContext};
use crate::evidence::EvidenceStore;

impl App {
    /// The evidence of a case, or of one of its steps.
    pub fn evidence_list(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
    ) -> Result<EvidenceListView, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        if let Some(s) = step {
            if view.step(s).is_none() {
                return Err(AppError::NotFound {
                    what: Missing::Step,
                    id: s.to_string(),
                });
            }
        }
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let mut list = present::evidence_list(ctx, &view, step, &items);
        self.apply_verify(ctx, &mut list);
        Ok(list)
    }
}
