//! The one application service of a run and its view context: the CLI is one more shell.
//! What a screen says comes from `tuilu_core::app` (the checklist and home as text:
//! `app::cli_screens`); the CLI prints it.

use std::sync::{Arc, Mutex, PoisonError};

use tuilu_core::app::cli_support::desktop_context;
use tuilu_core::app::{App, ViewContext};

use crate::output::Globals;
use crate::vault_path::resolve_vault;

/// The application service of this run, on the vault chosen by `--vault`, `$TUILU_VAULT`
/// or the default: one per process, so every command reads one rule book and one
/// calendar and holds one database handle, like the phones.
pub fn open_app(g: &Globals) -> anyhow::Result<Arc<App>> {
    let mut slot = APP.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(app) = slot.as_ref() {
        return Ok(app.clone());
    }
    let dir = resolve_vault(g.vault.as_deref())?;
    let app = Arc::new(App::open_in(&dir, g.lang)?);
    *slot = Some(app.clone());
    Ok(app)
}

/// The run's service with its vault open (created when missing), a failure to open said
/// in the run's language: for the commands that work on the vault.
pub fn open_app_with_vault(g: &Globals) -> anyhow::Result<Arc<App>> {
    let app = open_app(g)?;
    app.vault_for(&context(g))?;
    Ok(app)
}

/// Closes the run's service (and with it the vault, cleanly) before the process ends.
pub fn close_app() {
    drop(APP.lock().unwrap_or_else(PoisonError::into_inner).take());
}

static APP: Mutex<Option<Arc<App>>> = Mutex::new(None);

/// The view context of this run: `--lang`, the system's zone, `--now`.
pub fn context(g: &Globals) -> ViewContext {
    desktop_context(g.lang, g.clock())
}
