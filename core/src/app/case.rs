//! The case screen (the checklist): its view and the events on its steps, from creating
//! the case to undoing an action.

use chrono::{DateTime, Utc};

use super::error::{evidence_error, vault_error};
use super::{present, questionnaire, Answer, App, AppError, CaseScreen, ChangeKind, ViewContext};
use crate::evidence::EvidenceStore;
use crate::vault::{CaseView, StepAction, TransitionOptions, Vault};

impl App {
    /// The checklist of a case (`case_ref`: its id or an unambiguous prefix).
    pub fn case_screen(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        self.render_case(ctx, &vault, &view)
    }

    fn render_case(
        &self,
        ctx: &ViewContext,
        vault: &Vault,
        view: &CaseView,
    ) -> Result<CaseScreen, AppError> {
        let err = |e| vault_error(e, Some(view), ctx.lang);
        // Only what undo could revert, not the whole journal.
        let journal = vault.undo_candidates(&view.id).map_err(err)?;
        let flags = vault.rule_flags(Some(&view.scenario)).map_err(err)?;
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let book = self.rule_book()?;
        Ok(present::case_screen(
            ctx,
            &book,
            view,
            &journal,
            &flags,
            &items,
            vault.deadline_calc().calendar(),
        ))
    }

    // -- events ---------------------------------------------------------------------------

    /// Starts a case from the questionnaire's answers; returns its checklist.
    pub fn create_case(
        &self,
        ctx: &ViewContext,
        scenario: &str,
        answers: &[Answer],
    ) -> Result<CaseScreen, AppError> {
        let (book, i) = self.scenario(scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, answers)?;
        let vault = self.vault(ctx.now)?;
        let view = vault
            .create_case(sc, &facts, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseCreated, Some(&view.id));
        Ok(screen)
    }

    /// Applies a step action (`at`: when it happened, default now; `note`; `route`: the
    /// alternative taken). Returns the updated checklist, or an error naming steps by
    /// their titles.
    #[allow(clippy::too_many_arguments)]
    pub fn step_action(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: &str,
        action: StepAction,
        at: Option<DateTime<Utc>>,
        note: Option<String>,
        route: Option<String>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let before = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let opts = TransitionOptions { at, note, route };
        vault
            .transition(&before.id, step, action, &opts, ctx.now)
            .map_err(|e| vault_error(e, Some(&before), ctx.lang))?;
        let after = vault
            .case(&before.id, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &after)?;
        self.notify(ChangeKind::CaseChanged, Some(&after.id));
        Ok(screen)
    }

    /// Undoes the latest action of the case that can be undone (the undo snackbar).
    pub fn undo_last(&self, ctx: &ViewContext, case_ref: &str) -> Result<CaseScreen, AppError> {
        let screen = self.case_screen(ctx, case_ref)?;
        let Some(undo) = screen.undo else {
            return Err(AppError::NothingToUndo {
                step: String::new(),
                step_title: screen.title,
            });
        };
        self.step_action(
            ctx,
            &screen.id,
            &undo.step,
            StepAction::Undo,
            None,
            None,
            None,
        )
    }

    /// Changes the case's answers (`set` added or replaced, `unset` forgotten) and
    /// re-plans, keeping progress.
    pub fn set_case_facts(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        set: &[Answer],
        unset: &[String],
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let facts = questionnaire::parse_answers(ctx.lang, sc, set)?;
        vault
            .set_facts(&view.id, sc, &facts, unset, ctx.now)
            .map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        let after = vault
            .case(&view.id, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &after)?;
        self.notify(ChangeKind::CaseChanged, Some(&view.id));
        Ok(screen)
    }

    /// Flags a rule of the case's scenario as possibly outdated (or clears the flag with
    /// `note == None`); returns the updated checklist.
    pub fn flag_rule(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        rule_id: &str,
        note: Option<&str>,
    ) -> Result<CaseScreen, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        let (book, i) = self.scenario(&view.scenario)?;
        let sc = &book.scenarios()[i];
        let result = match note {
            Some(n) => vault.flag_rule(sc, rule_id, n, ctx.now).map(|_| ()),
            None => vault.unflag_rule(sc.id(), rule_id).map(|_| ()),
        };
        result.map_err(|e| vault_error(e, Some(&view), ctx.lang))?;
        let screen = self.render_case(ctx, &vault, &view)?;
        self.notify(ChangeKind::CaseChanged, Some(&view.id));
        Ok(screen)
    }
}
