//! Rule-pack updates in the app: install a release handed over as bytes (the CLI reads a
//! folder or fetches a URL, the phones fetch with their own HTTP client), and the settings
//! section that shows what is installed and what the last check found. The checks are in
//! `rules::release`, the files in `rules::updates`; see `docs/rule-updates.md`.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::rules::release::{
    is_acceptable_url, verify_index, verify_packs, wanted_files, CurrentPack, Installed,
    SignedIndex, TrustedKeys, APP_VERSION, DEFAULT_UPDATE_URL,
};
use crate::rules::updates::{self, CheckOutcome, LastCheck, UpdateConfig};
use crate::text::{Lang, Text};

use super::present::{local_text, tr};
use super::{io_error, poisoned, App, AppError, ChangeKind, ViewContext, PACKS_DIR};

/// A release as bytes: the signed index (and key list, when the release has one) and the
/// pack files by name (only those [`App::rule_update_files_needed`] asked for are needed).
#[derive(Debug, Clone, Default)]
pub struct ReleaseBytes {
    pub signed: SignedIndex,
    pub packs: BTreeMap<String, Vec<u8>>,
}

/// What an update did, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleUpdateResultView {
    /// `installed`, `up_to_date` or `refused` (or `failed`, for a fetch that failed).
    pub outcome: String,
    /// Whether any pack changed.
    pub installed: bool,
    /// "已安装 2 个规则包更新" / "规则已是最新" / why it was refused.
    pub message: String,
    /// One line per installed pack: title, versions and its change note.
    pub changes: Vec<String>,
    /// For a refusal: its kind (`bad_signature`, `hash_mismatch`...), for tests and logs.
    pub refusal_kind: Option<String>,
}

/// The rule-update section of Settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleUpdatesView {
    /// "规则更新".
    pub title: String,
    /// Each scenario's installed pack.
    pub packs: Vec<PackVersionLine>,
    /// "上次检查：2026-12-07 10:00，已是最新" or "尚未检查规则更新".
    pub last_check_text: String,
    /// False when the last check was refused or failed.
    pub last_check_ok: bool,
    /// "最近一次更新：2026-12-07 10:00" (empty when no update was installed).
    pub last_update_text: String,
    /// The change notes of the last update, one line per pack.
    pub last_update_notes: Vec<String>,
    /// Where releases are fetched from.
    pub base_url: String,
    pub base_url_is_default: bool,
    /// The daily check may use mobile data.
    pub allow_mobile_data: bool,
    /// No check in the last 24 hours: the phone may check when the app opens.
    pub check_due: bool,
    /// "检查规则更新".
    pub check_label: String,
}

/// One installed pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackVersionLine {
    pub scenario_id: String,
    pub title: String,
    pub version: String,
    /// `bundled`, `update` or `added`.
    pub source: String,
    /// The pack's date: its release date for an update, its review date otherwise.
    pub date: String,
    /// "抖音：退出公会 1.2.0 · 规则更新（发布于 2026-12-07）".
    pub text: String,
}

/// Hours between the automatic checks of the phones.
pub const CHECK_EVERY_HOURS: i64 = 24;

impl App {
    /// The pack files of a release's index that this device needs (newer than installed).
    /// Empty when the index is refused or nothing is newer; [`App::install_rule_update`]
    /// then says why.
    pub fn rule_update_files_needed(&self, signed: &SignedIndex) -> Vec<String> {
        let Ok(index) = verify_index(signed, &TrustedKeys::embedded()) else {
            return Vec::new();
        };
        let Ok(book) = self.rule_book() else {
            return Vec::new();
        };
        wanted_files(&index, &|id| book.get(id).map(|s| s.pack.version.clone()))
    }

    /// Checks a release against the keys compiled into the app and installs it.
    pub fn install_rule_update(
        &self,
        ctx: &ViewContext,
        release: &ReleaseBytes,
    ) -> Result<RuleUpdateResultView, AppError> {
        self.install_rule_update_trusting(ctx, release, &TrustedKeys::embedded())
    }

    /// Checks a release against `trusted` and installs the packs newer than installed,
    /// all at once. A refusal changes no pack and says why; either way the check is
    /// recorded for the settings view.
    pub fn install_rule_update_trusting(
        &self,
        ctx: &ViewContext,
        release: &ReleaseBytes,
        trusted: &TrustedKeys,
    ) -> Result<RuleUpdateResultView, AppError> {
        let serial = self.file_lock.lock().map_err(|_| poisoned())?;
        let book = self.rule_book()?;
        let installed_state = updates::load_installed(&self.dir).0;
        let outcome = verify_index(&release.signed, trusted).and_then(|index| {
            let pack = |id: &str| {
                book.get(id).map(|s| CurrentPack {
                    version: s.pack.version.clone(),
                    title: s.title().clone(),
                    // The bundled pack is the one in use: no update or added pack over it.
                    bundled: installed_state
                        .packs
                        .get(id)
                        .is_none_or(|p| p.version != s.pack.version)
                        && !self
                            .dir
                            .join(PACKS_DIR)
                            .join(format!("{id}.json"))
                            .is_file(),
                })
            };
            let installed = Installed {
                pack: &pack,
                index_released: installed_state.index_released.clone(),
                app_version: APP_VERSION,
            };
            let update = verify_packs(index, &release.packs, &installed)?;
            updates::install(&self.dir, &update, ctx.now)?;
            Ok(update)
        });
        let (view, check) = match outcome {
            Ok(update) if update.is_up_to_date() => (
                RuleUpdateResultView {
                    outcome: "up_to_date".into(),
                    installed: false,
                    message: tr(
                        ctx.lang,
                        "规则已是最新。",
                        "The rules are already up to date.",
                    ),
                    changes: Vec::new(),
                    refusal_kind: None,
                },
                CheckOutcome::UpToDate,
            ),
            Ok(update) => {
                let changes = update
                    .packs
                    .iter()
                    .map(|p| {
                        change_line(
                            ctx.lang,
                            p.scenario.title(),
                            p.replaces.as_deref(),
                            &p.entry.version,
                            &p.entry.notes,
                        )
                    })
                    .collect();
                let count = update.packs.len();
                (
                    RuleUpdateResultView {
                        outcome: "installed".into(),
                        installed: true,
                        message: match ctx.lang {
                            Lang::Zh => format!("已安装 {count} 个规则包更新。已有案件仍按原版本规则，可在案件中选择升级。"),
                            Lang::En => format!(
                                "Installed {}. Existing cases keep their pack version until you upgrade them.",
                                super::present::count_en(count as u64, "pack update", "pack updates")
                            ),
                        },
                        changes,
                        refusal_kind: None,
                    },
                    CheckOutcome::Installed { count },
                )
            }
            Err(e) => (
                RuleUpdateResultView {
                    outcome: "refused".into(),
                    installed: false,
                    message: e.message(ctx.lang),
                    changes: Vec::new(),
                    refusal_kind: Some(e.kind().to_string()),
                },
                CheckOutcome::Refused {
                    kind: e.kind().to_string(),
                    message: Text::new(e.message(Lang::Zh), e.message(Lang::En)),
                },
            ),
        };
        let changed = view.installed;
        if changed {
            let (book, problems) =
                updates::load_rule_book(Some(&self.dir)).map_err(|_| AppError::Internal {
                    detail: "a bundled rule pack is invalid".into(),
                })?;
            *self.rules.write().map_err(|_| poisoned())? = Arc::new(book);
            *self.pack_problems.lock().map_err(|_| poisoned())? = problems;
        }
        updates::write_last_check(
            &self.dir,
            &LastCheck {
                at: ctx.now,
                outcome: check,
            },
        )
        .map_err(io_error)?;
        drop(serial);
        if changed {
            self.notify(ChangeKind::RulesChanged, None);
        }
        self.notify(ChangeKind::SettingsChanged, None);
        Ok(view)
    }

    /// Records a check whose release could not be fetched (no network, a timeout, a
    /// redirect refused). `detail` is the transport's own words, shown after the core's.
    pub fn record_rule_update_failure(
        &self,
        ctx: &ViewContext,
        detail: &str,
    ) -> Result<RuleUpdateResultView, AppError> {
        let message = Text::new(
            format!("无法获取规则更新，未做任何更改。{detail}")
                .trim()
                .to_string(),
            format!("Could not fetch the rule update; nothing was changed. {detail}")
                .trim()
                .to_string(),
        );
        let _serial = self.file_lock.lock().map_err(|_| poisoned())?;
        updates::write_last_check(
            &self.dir,
            &LastCheck {
                at: ctx.now,
                outcome: CheckOutcome::Failed {
                    message: message.clone(),
                },
            },
        )
        .map_err(io_error)?;
        drop(_serial);
        self.notify(ChangeKind::SettingsChanged, None);
        Ok(RuleUpdateResultView {
            outcome: "failed".into(),
            installed: false,
            message: message.get(ctx.lang).to_string(),
            changes: Vec::new(),
            refusal_kind: None,
        })
    }

    /// Sets where releases come from (none: the default) and whether the daily check may
    /// use mobile data. A URL must start with `https://` (or `http://` for a loopback
    /// address, for tests).
    pub fn set_rule_update_source(
        &self,
        base_url: Option<String>,
        allow_mobile_data: bool,
    ) -> Result<(), AppError> {
        let base_url = base_url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty());
        if let Some(u) = &base_url {
            if !is_acceptable_url(u) {
                return Err(AppError::Storage {
                    detail: format!("not an https:// address: {u}"),
                });
            }
        }
        let _serial = self.file_lock.lock().map_err(|_| poisoned())?;
        updates::write_config(
            &self.dir,
            &UpdateConfig {
                base_url,
                allow_mobile_data,
            },
        )
        .map_err(io_error)?;
        drop(_serial);
        self.notify(ChangeKind::SettingsChanged, None);
        Ok(())
    }

    /// The base URL releases are fetched from (the setting, or the default).
    pub fn rule_update_url(&self) -> String {
        updates::read_config(&self.dir)
            .base_url
            .unwrap_or_else(|| DEFAULT_UPDATE_URL.to_string())
    }

    /// The rule-update section of Settings.
    pub fn rule_updates_view(&self, ctx: &ViewContext) -> Result<RuleUpdatesView, AppError> {
        let lang = ctx.lang;
        let book = self.rule_book()?;
        let state = updates::load_installed(&self.dir).0;
        let added_dir = self.dir.join(PACKS_DIR);
        let packs = book
            .scenarios()
            .iter()
            .map(|s| {
                let title = s.title().get(lang).to_string();
                let version = s.pack.version.clone();
                let updated = state
                    .packs
                    .get(s.id())
                    .filter(|p| p.version == s.pack.version);
                let added = added_dir.join(format!("{}.json", s.id())).is_file();
                let (source, date, how) = match (updated, added) {
                    (_, true) => (
                        "added",
                        s.pack.last_reviewed.clone(),
                        match lang {
                            Lang::Zh => format!("手动添加（规则审核于 {}）", s.pack.last_reviewed),
                            Lang::En => {
                                format!("added by hand (reviewed {})", s.pack.last_reviewed)
                            }
                        },
                    ),
                    (Some(p), false) => (
                        "update",
                        p.released.clone(),
                        match lang {
                            Lang::Zh => format!(
                                "规则更新（发布于 {}，{} 安装）",
                                p.released,
                                local_text(ctx, p.installed_at)
                            ),
                            Lang::En => format!(
                                "rule update (released {}, installed {})",
                                p.released,
                                local_text(ctx, p.installed_at)
                            ),
                        },
                    ),
                    (None, false) => (
                        "bundled",
                        s.pack.last_reviewed.clone(),
                        match lang {
                            Lang::Zh => {
                                format!("随应用内置（规则审核于 {}）", s.pack.last_reviewed)
                            }
                            Lang::En => format!("bundled (reviewed {})", s.pack.last_reviewed),
                        },
                    ),
                };
                PackVersionLine {
                    scenario_id: s.id().to_string(),
                    text: format!("{title} {version} · {how}"),
                    title,
                    version,
                    source: source.into(),
                    date,
                }
            })
            .collect();
        let last = updates::read_last_check(&self.dir);
        let (last_check_text, last_check_ok) = match &last {
            None => (
                tr(lang, "尚未检查规则更新", "No check for rule updates yet"),
                true,
            ),
            Some(c) => {
                let at = local_text(ctx, c.at);
                let (what, ok) = match &c.outcome {
                    CheckOutcome::Installed { count } => (
                        match lang {
                            Lang::Zh => format!("安装了 {count} 个规则包更新"),
                            Lang::En => format!(
                                "installed {}",
                                super::present::count_en(
                                    *count as u64,
                                    "pack update",
                                    "pack updates"
                                )
                            ),
                        },
                        true,
                    ),
                    CheckOutcome::UpToDate => (tr(lang, "已是最新", "already up to date"), true),
                    CheckOutcome::Refused { message, .. } | CheckOutcome::Failed { message } => {
                        (message.get(lang).to_string(), false)
                    }
                };
                (
                    match lang {
                        Lang::Zh => format!("上次检查：{at}，{what}"),
                        Lang::En => format!("Last check: {at}, {what}"),
                    },
                    ok,
                )
            }
        };
        let last_update_notes = state
            .last_changed
            .iter()
            .filter_map(|id| {
                let p = state.packs.get(id)?;
                let title = book
                    .get(id)
                    .map(|s| s.title().clone())
                    .unwrap_or_else(|| Text::new(id.clone(), id.clone()));
                Some(change_line(
                    lang,
                    &title,
                    p.replaced.as_deref(),
                    &p.version,
                    &p.notes,
                ))
            })
            .collect();
        let last_update_text = state
            .installed_at
            .map(|t| match lang {
                Lang::Zh => format!("最近一次更新：{}", local_text(ctx, t)),
                Lang::En => format!("Last update: {}", local_text(ctx, t)),
            })
            .unwrap_or_default();
        let config = updates::read_config(&self.dir);
        Ok(RuleUpdatesView {
            title: tr(lang, "规则更新", "Rule updates"),
            packs,
            last_check_text,
            last_check_ok,
            last_update_text,
            last_update_notes,
            base_url_is_default: config.base_url.is_none(),
            base_url: config
                .base_url
                .unwrap_or_else(|| DEFAULT_UPDATE_URL.to_string()),
            allow_mobile_data: config.allow_mobile_data,
            check_due: check_due(last.as_ref(), ctx.now),
            check_label: tr(lang, "检查规则更新", "Check for rule updates"),
        })
    }
}

fn check_due(last: Option<&LastCheck>, now: DateTime<Utc>) -> bool {
    last.is_none_or(|c| now - c.at >= chrono::Duration::hours(CHECK_EVERY_HOURS) || c.at > now)
}

/// "「抖音：退出公会」1.1.0 → 1.2.0：改动说明".
fn change_line(lang: Lang, title: &Text, from: Option<&str>, to: &str, notes: &Text) -> String {
    let versions = match (lang, from) {
        (_, Some(f)) => format!("{f} → {to}"),
        (Lang::Zh, None) => format!("{to}（新场景）"),
        (Lang::En, None) => format!("{to} (new scenario)"),
    };
    match lang {
        Lang::Zh => format!("「{}」{versions}：{}", title.get(lang), notes.get(lang)),
        Lang::En => format!(
            "\u{201c}{}\u{201d} {versions}: {}",
            title.get(lang),
            notes.get(lang)
        ),
    }
}
