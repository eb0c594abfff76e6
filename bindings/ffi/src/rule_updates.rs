//! Rule-pack updates across the FFI: the phone fetches a release with its own HTTP client
//! (the core does no networking) and hands the bytes over; the core checks and installs
//! it and words the outcome. The settings section shows what is installed. A separate
//! `#[uniffi::export] impl` of [`TuiluApp`] (see docs/rule-updates.md).

use tuilu_core::app::{self as core_app, App};
use tuilu_core::rules::release::SignedIndex;

use super::{run, AppError, ToFfi, TuiluApp, ViewContextRecord};

view_record!(
    /// One installed pack: version, where it came from (`bundled`, `update`, `added`), its
    /// date, and the line to show.
    PackVersionRecord <= core_app::PackVersionLine {
        scenario_id: String, title: String, version: String, source: String, date: String,
        text: String,
    }
);
view_record!(
    /// The rule-update section of Settings. `check_due`: no check in 24 hours, so the app
    /// may check when it opens (on Wi-Fi unless `allow_mobile_data`).
    RuleUpdatesViewRecord <= core_app::RuleUpdatesView {
        title: String, packs: Vec<PackVersionRecord>, last_check_text: String,
        last_check_ok: bool, last_update_text: String, last_update_notes: Vec<String>,
        base_url: String, base_url_is_default: bool, allow_mobile_data: bool,
        check_due: bool, check_label: String,
    }
);
view_record!(
    /// What an update did: `outcome` is `installed`, `up_to_date`, `refused` or `failed`;
    /// `message` says it in the user's language.
    RuleUpdateResultRecord <= core_app::RuleUpdateResultView {
        outcome: String, installed: bool, message: String, changes: Vec<String>,
        refusal_kind: Option<String>,
    }
);

/// The signed files of a release as fetched: `index.json` and `index.json.minisig`, and
/// `keys.json` with its signature when the server has them (a 404 means none).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SignedIndexRecord {
    pub index: Vec<u8>,
    pub index_sig: Vec<u8>,
    pub key_list: Option<Vec<u8>>,
    pub key_list_sig: Option<Vec<u8>>,
}

impl From<SignedIndexRecord> for SignedIndex {
    fn from(r: SignedIndexRecord) -> SignedIndex {
        SignedIndex {
            index: r.index,
            index_sig: r.index_sig,
            key_list: r.key_list.zip(r.key_list_sig),
        }
    }
}

/// One fetched pack file, by its name in the release.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReleaseFileRecord {
    pub name: String,
    pub bytes: Vec<u8>,
}

export_views! {
    /// The rule-update section of Settings.
    fn rule_updates_view() -> RuleUpdatesViewRecord = |app, c| app.rule_updates_view(c);
    /// The pack files to fetch next: those of the index newer than installed (empty when
    /// the index is refused or nothing is newer; `install_rule_update` then says why).
    /// (`release_index`, not `signed`: that is a C keyword in the generated header.)
    fn rule_update_files_needed(release_index: SignedIndexRecord) -> Vec<String> =
        |app, _c| Ok(app.rule_update_files_needed(&release_index.into()));
    /// Checks the release against the keys compiled into the app and installs the newer
    /// packs at once; a refusal changes nothing and says why. Recorded for the settings.
    fn install_rule_update(release_index: SignedIndexRecord, packs: Vec<ReleaseFileRecord>)
        -> RuleUpdateResultRecord = |app, c| {
        // Inserted one by one: `collect()` into a map compiles a sort of its own.
        let mut files = std::collections::BTreeMap::new();
        files.extend(packs.into_iter().map(|f| (f.name, f.bytes)));
        let release = core_app::ReleaseBytes {
            signed: release_index.into(),
            packs: files,
        };
        app.install_rule_update(c, &release)
    };
    /// The release could not be fetched (`detail`: the HTTP client's words): recorded as
    /// the last check, and worded.
    fn record_rule_update_failure(detail: String) -> RuleUpdateResultRecord =
        |app, c| app.record_rule_update_failure(c, &detail);
    /// Sets the base URL (none: the default) and whether the daily check may use mobile
    /// data; returns the section.
    fn set_rule_update_source(base_url: Option<String>, allow_mobile_data: bool)
        -> RuleUpdatesViewRecord = |app, c| {
        app.set_rule_update_source(base_url, allow_mobile_data)?;
        app.rule_updates_view(c)
    };
}
