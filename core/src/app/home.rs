//! The home screen (the case list) and the scenario picker.

use super::error::vault_error;
use super::{present, App, AppError, HomeView, ScenarioPickerView, ViewContext};

impl App {
    /// Home: open cases, most urgent first.
    pub fn home(&self, ctx: &ViewContext) -> Result<HomeView, AppError> {
        self.home_with_archived(ctx, false)
    }

    /// Home, with the archived cases listed too when `archived` (most recent first).
    pub fn home_with_archived(
        &self,
        ctx: &ViewContext,
        archived: bool,
    ) -> Result<HomeView, AppError> {
        let vault = self.vault(ctx.now)?;
        let book = self.rule_book()?;
        let err = |e| vault_error(e, None, ctx.lang);
        let all = vault.list_cases(true, ctx.now).map_err(err)?;
        let archived_count = all.iter().filter(|c| c.archived).count();
        let mut cases = Vec::new();
        let mut archived_cases = Vec::new();
        for c in all {
            if c.archived && !archived {
                continue;
            }
            let is_archived = c.archived;
            let card = present::case_card(ctx, &book, c, vault.deadline_calc().calendar());
            if is_archived {
                archived_cases.push(card);
            } else {
                cases.push(card);
            }
        }
        present::sort_by_urgency(&mut cases);
        let mut home = present::home(ctx, cases, archived_count, &*self.calendar()?);
        home.archived_cases = archived_cases;
        Ok(home)
    }

    /// The scenario picker.
    pub fn scenario_picker(&self, ctx: &ViewContext) -> Result<ScenarioPickerView, AppError> {
        let flags = crate::vault::read_rule_flags(&self.dir, None).unwrap_or_default();
        Ok(present::picker(ctx, &*self.rule_book()?, &flags))
    }
}
