//! Signed rule-pack updates (issue 29): a release signed with a trusted key installs the
//! packs newer than installed, all at once; every bad release is refused with words and
//! changes nothing. Releases are made here with the `minisign` crate; the CLI tests make
//! them with `tuilu rules release` and Debian's `minisign` tool.

mod app_support;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;

use app_support::ctx;
use serde_json::Value;
use tuilu_core::app::{App, ReleaseBytes, ViewContext};
use tuilu_core::limits::{MAX_INDEX_BYTES, MAX_INDEX_ENTRIES};
use tuilu_core::rules::bundled::BUNDLED_PACKS;
use tuilu_core::rules::release::{
    sha256_hex, verify_index, IndexEntry, KeyList, ListedKey, ReleaseIndex, SignedIndex,
    TrustedKeys, UpdateError, INDEX_FORMAT,
};
use tuilu_core::rules::updates::{self, updates_dir};
use tuilu_core::{Lang, Text};

const NOW: &str = "2026-12-07T02:00:00Z";
const GUILD: &str = "douyin.guild-exit";

struct Key {
    public: String,
    secret: minisign::SecretKey,
}

fn key() -> Key {
    let pair = minisign::KeyPair::generate_unencrypted_keypair().unwrap();
    Key {
        public: pair.pk.to_box().unwrap().into_string(),
        secret: pair.sk,
    }
}

fn sign(k: &Key, data: &[u8]) -> Vec<u8> {
    minisign::sign(None, &k.secret, Cursor::new(data), None, None)
        .unwrap()
        .into_string()
        .into_bytes()
}

fn trusting(k: &Key) -> TrustedKeys {
    let mut t = TrustedKeys::none();
    t.add(&k.public).unwrap();
    t
}

/// The bundled pack of `id` in its compiled form, as a JSON value.
fn bundled_json(id: &str) -> Value {
    let b = BUNDLED_PACKS
        .iter()
        .find(|b| b.file == format!("{id}.toml"))
        .unwrap();
    serde_json::from_str(&b.json().unwrap()).unwrap()
}

/// The bundled pack of `id` at another version.
fn pack(id: &str, version: &str) -> Vec<u8> {
    let mut v = bundled_json(id);
    v["version"] = Value::from(version);
    serde_json::to_vec(&v).unwrap()
}

/// A scenario the app has never seen: a new platform.
fn new_platform_pack() -> Vec<u8> {
    let mut v = bundled_json(GUILD);
    v["id"] = Value::from("bilibili.guild-exit");
    v["platform"] = Value::from("bilibili");
    v["version"] = Value::from("1.0.0");
    v["title"] = serde_json::json!({"zh": "哔哩哔哩：退出公会", "en": "Bilibili: leave a guild"});
    serde_json::to_vec(&v).unwrap()
}

fn entry(id: &str, version: &str, bytes: &[u8]) -> IndexEntry {
    IndexEntry {
        scenario: id.into(),
        version: version.into(),
        sha256: sha256_hex(bytes),
        file: format!("{id}.json"),
        min_app_version: "0.1.0".into(),
        released: "2026-12-07".into(),
        notes: Text::new(
            format!("复核后更新到 {version}"),
            format!("Reviewed, now {version}"),
        ),
    }
}

fn index(entries: Vec<IndexEntry>) -> ReleaseIndex {
    ReleaseIndex {
        format: INDEX_FORMAT,
        released: "2026-12-07".into(),
        packs: entries,
    }
}

/// A release of `index` signed with `k`, with `packs` by file name.
fn release(k: &Key, index: &ReleaseIndex, packs: Vec<(String, Vec<u8>)>) -> ReleaseBytes {
    let bytes = serde_json::to_vec_pretty(index).unwrap();
    ReleaseBytes {
        signed: SignedIndex {
            index_sig: sign(k, &bytes),
            index: bytes,
            key_list: None,
        },
        packs: packs.into_iter().collect::<BTreeMap<_, _>>(),
    }
}

/// A release of the guild pack at `version`.
fn guild_release(k: &Key, version: &str) -> ReleaseBytes {
    let p = pack(GUILD, version);
    release(
        k,
        &index(vec![entry(GUILD, version, &p)]),
        vec![(format!("{GUILD}.json"), p)],
    )
}

fn version_of(app: &App, id: &str) -> Option<String> {
    app.rule_book()
        .unwrap()
        .get(id)
        .map(|s| s.pack.version.clone())
}

fn c() -> ViewContext {
    ctx(Lang::Zh, NOW)
}

/// Installs and expects a refusal of `kind`; checks that nothing changed: the rule book,
/// the installed set on disk, and the book a fresh open reads.
fn refused(dir: &Path, app: &App, k: &Key, r: &ReleaseBytes, kind: &str) -> String {
    let before = version_of(app, GUILD);
    let installed_before = updates::load_installed(dir).0;
    let view = app
        .install_rule_update_trusting(&c(), r, &trusting(k))
        .unwrap();
    assert_eq!(view.outcome, "refused", "{view:?}");
    assert_eq!(view.refusal_kind.as_deref(), Some(kind), "{}", view.message);
    assert!(!view.installed);
    assert!(
        view.message.starts_with("规则更新被拒绝，未做任何更改："),
        "{}",
        view.message
    );
    assert_eq!(version_of(app, GUILD), before);
    assert_eq!(updates::load_installed(dir).0, installed_before);
    let reopened = App::open(dir).unwrap();
    assert_eq!(version_of(&reopened, GUILD), before);
    assert!(version_of(&reopened, "bilibili.guild-exit").is_none());
    view.message
}

fn open() -> (tempfile::TempDir, App) {
    let t = tempfile::tempdir().unwrap();
    let app = App::open(t.path()).unwrap();
    (t, app)
}

#[test]
fn a_signed_release_installs_the_newer_packs_and_survives_a_restart() {
    let (t, app) = open();
    let k = key();
    assert_eq!(version_of(&app, GUILD).as_deref(), Some("1.2.1"));
    let view = app
        .install_rule_update_trusting(&c(), &guild_release(&k, "1.3.0"), &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "installed", "{}", view.message);
    assert!(
        view.message.contains("已安装 1 个规则包更新"),
        "{}",
        view.message
    );
    assert_eq!(
        view.changes,
        vec!["「抖音：退出公会」1.2.1 → 1.3.0：复核后更新到 1.3.0".to_string()]
    );
    assert_eq!(version_of(&app, GUILD).as_deref(), Some("1.3.0"));
    let reopened = App::open(t.path()).unwrap();
    assert_eq!(version_of(&reopened, GUILD).as_deref(), Some("1.3.0"));

    // The same release again: nothing newer.
    let again = app
        .install_rule_update_trusting(&c(), &guild_release(&k, "1.3.0"), &trusting(&k))
        .unwrap();
    assert_eq!(again.outcome, "up_to_date");
    assert!(again.message.contains("已是最新"), "{}", again.message);
}

#[test]
fn only_the_packs_newer_than_installed_are_needed() {
    let (_t, app) = open();
    let k = key();
    let newer = pack(GUILD, "1.3.0");
    let same = pack("kuaishou.live-exit", "1.3.0");
    let r = release(
        &k,
        &index(vec![
            entry(GUILD, "1.3.0", &newer),
            entry("kuaishou.live-exit", "1.3.0", &same),
        ]),
        vec![],
    );
    let index = verify_index(&r.signed, &trusting(&k)).unwrap();
    let book = app.rule_book().unwrap();
    let wanted = tuilu_core::rules::release::wanted_files(&index, &|id| {
        book.get(id).map(|s| s.pack.version.clone())
    });
    assert_eq!(wanted, vec![format!("{GUILD}.json")]);
    // Installing with only the wanted file works; the unchanged pack is not needed.
    let mut r = r;
    r.packs.insert(format!("{GUILD}.json"), newer);
    let view = app
        .install_rule_update_trusting(&c(), &r, &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "installed", "{}", view.message);
}

#[test]
fn a_new_scenario_appears_in_the_picker_with_its_review_date() {
    let (_t, app) = open();
    let k = key();
    let p = new_platform_pack();
    let r = release(
        &k,
        &index(vec![entry("bilibili.guild-exit", "1.0.0", &p)]),
        vec![("bilibili.guild-exit.json".into(), p)],
    );
    let view = app
        .install_rule_update_trusting(&c(), &r, &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "installed", "{}", view.message);
    assert!(
        view.changes[0].contains("1.0.0（新场景）"),
        "{:?}",
        view.changes
    );
    let picker = app.scenario_picker(&c()).unwrap();
    let card = picker
        .groups
        .iter()
        .flat_map(|g| &g.scenarios)
        .find(|s| s.id == "bilibili.guild-exit")
        .expect("the new scenario is in the picker");
    assert_eq!(card.title, "哔哩哔哩：退出公会");
    // The new platform is named in words, not by its id.
    let group = picker
        .groups
        .iter()
        .find(|g| g.platform == "bilibili")
        .unwrap();
    assert_eq!(group.label, "哔哩哔哩");
    assert!(card.last_reviewed_text.starts_with("规则最近审核："));
    // The settings view says where it came from.
    let settings = app.rule_updates_view(&c()).unwrap();
    let line = settings
        .packs
        .iter()
        .find(|l| l.scenario_id == "bilibili.guild-exit")
        .unwrap();
    assert_eq!(line.source, "update");
    assert!(
        line.text.contains("规则更新（发布于 2026-12-07"),
        "{}",
        line.text
    );
}

#[test]
fn the_settings_view_shows_versions_the_last_check_and_the_notes() {
    let (_t, app) = open();
    let k = key();
    let fresh = app.rule_updates_view(&c()).unwrap();
    assert_eq!(fresh.last_check_text, "尚未检查规则更新");
    assert!(fresh.check_due);
    assert!(fresh.base_url_is_default);
    assert_eq!(fresh.packs.len(), BUNDLED_PACKS.len());
    assert!(fresh.packs.iter().all(|l| l.source == "bundled"));
    assert!(fresh.last_update_notes.is_empty());

    app.install_rule_update_trusting(&c(), &guild_release(&k, "1.3.0"), &trusting(&k))
        .unwrap();
    let v = app.rule_updates_view(&c()).unwrap();
    assert_eq!(
        v.last_check_text,
        "上次检查：2026-12-07 10:00，安装了 1 个规则包更新"
    );
    assert!(v.last_check_ok);
    assert!(!v.check_due);
    assert_eq!(v.last_update_text, "最近一次更新：2026-12-07 10:00");
    assert_eq!(
        v.last_update_notes,
        vec!["「抖音：退出公会」1.2.1 → 1.3.0：复核后更新到 1.3.0".to_string()]
    );
    let guild = v.packs.iter().find(|l| l.scenario_id == GUILD).unwrap();
    assert_eq!(
        (guild.version.as_str(), guild.source.as_str()),
        ("1.3.0", "update")
    );

    // A refused check is shown as such, in the user's language; the notes stay.
    let other = key();
    app.install_rule_update_trusting(&c(), &guild_release(&other, "1.4.0"), &trusting(&k))
        .unwrap();
    let en = app.rule_updates_view(&ctx(Lang::En, NOW)).unwrap();
    assert!(!en.last_check_ok);
    assert!(
        en.last_check_text
            .starts_with("Last check: 2026-12-07 10:00, The rule update was refused"),
        "{}",
        en.last_check_text
    );
    assert_eq!(en.last_update_notes.len(), 1);
}

#[test]
fn the_base_url_is_a_setting_with_a_default() {
    let (_t, app) = open();
    assert_eq!(
        app.rule_update_url(),
        tuilu_core::rules::release::DEFAULT_UPDATE_URL
    );
    app.set_rule_update_source(Some("https://mirror.example.cn/tuilu/v1/".into()), true)
        .unwrap();
    assert_eq!(app.rule_update_url(), "https://mirror.example.cn/tuilu/v1/");
    let v = app.rule_updates_view(&c()).unwrap();
    assert!(!v.base_url_is_default && v.allow_mobile_data);
    assert!(app
        .set_rule_update_source(Some("http://mirror.example.cn/".into()), false)
        .is_err());
    app.set_rule_update_source(Some("http://127.0.0.1:8080/".into()), false)
        .unwrap();
    app.set_rule_update_source(None, false).unwrap();
    assert_eq!(
        app.rule_update_url(),
        tuilu_core::rules::release::DEFAULT_UPDATE_URL
    );
}

#[test]
fn the_embedded_key_is_a_valid_minisign_key() {
    assert_eq!(TrustedKeys::embedded().len(), 1);
}

// -- bad input: each refused with words, nothing installed ---------------------------------

#[test]
fn a_bad_signature_is_refused() {
    let (t, app) = open();
    let k = key();
    let mut r = guild_release(&k, "1.3.0");
    let text = String::from_utf8(r.signed.index.clone()).unwrap();
    r.signed.index = text.replace("复核后", "未复核").into_bytes();
    let m = refused(t.path(), &app, &k, &r, "bad_signature");
    assert!(m.contains("签名与内容不符"), "{m}");
}

#[test]
fn an_unknown_key_is_refused() {
    let (t, app) = open();
    let k = key();
    let stranger = key();
    let r = guild_release(&stranger, "1.3.0");
    let m = refused(t.path(), &app, &k, &r, "unknown_key");
    assert!(m.contains("不信任的密钥"), "{m}");
    // The embedded keys do not sign test releases either.
    let view = app.install_rule_update(&c(), &r).unwrap();
    assert_eq!(view.refusal_kind.as_deref(), Some("unknown_key"));
}

fn key_list(keys: &[&Key]) -> Vec<u8> {
    serde_json::to_vec(&KeyList {
        format: 1,
        keys: keys
            .iter()
            .enumerate()
            .map(|(i, k)| ListedKey {
                name: format!("key-{i}"),
                public_key: k.public.lines().nth(1).unwrap().to_string(),
            })
            .collect(),
    })
    .unwrap()
}

#[test]
fn a_rotated_key_is_trusted_through_a_key_list_signed_by_a_current_key() {
    let (_t, app) = open();
    let current = key();
    let next = key();
    let mut r = guild_release(&next, "1.3.0");
    let list = key_list(&[&next]);
    r.signed.key_list = Some((list.clone(), sign(&current, &list)));
    let view = app
        .install_rule_update_trusting(&c(), &r, &trusting(&current))
        .unwrap();
    assert_eq!(view.outcome, "installed", "{}", view.message);
}

#[test]
fn a_key_list_not_signed_by_a_trusted_key_is_refused() {
    let (t, app) = open();
    let current = key();
    let next = key();
    let mut r = guild_release(&next, "1.3.0");
    let list = key_list(&[&next]);
    // Signed by the new key itself, not by one the app trusts.
    r.signed.key_list = Some((list.clone(), sign(&next, &list)));
    let m = refused(t.path(), &app, &current, &r, "key_list_not_trusted");
    assert!(m.contains("密钥列表"), "{m}");
    // A list signed by a trusted key, then altered.
    let mut tampered = list.clone();
    tampered.extend_from_slice(b" ");
    r.signed.key_list = Some((tampered, sign(&current, &list)));
    refused(t.path(), &app, &current, &r, "key_list_not_trusted");
}

#[test]
fn a_pack_whose_hash_differs_from_the_index_is_refused() {
    let (t, app) = open();
    let k = key();
    let mut r = guild_release(&k, "1.3.0");
    // A valid pack, but not the one the index names.
    r.packs
        .insert(format!("{GUILD}.json"), pack(GUILD, "1.4.0"));
    let m = refused(t.path(), &app, &k, &r, "hash_mismatch");
    assert!(m.contains("校验值不符"), "{m}");
}

#[test]
fn truncated_files_are_refused() {
    let (t, app) = open();
    let k = key();
    let good = guild_release(&k, "1.3.0");
    let file = format!("{GUILD}.json");

    let mut r = good.clone();
    let p = r.packs.get_mut(&file).unwrap();
    p.truncate(p.len() / 2);
    refused(t.path(), &app, &k, &r, "hash_mismatch");

    let mut r = good.clone();
    r.signed.index.truncate(r.signed.index.len() - 10);
    refused(t.path(), &app, &k, &r, "bad_signature");

    let mut r = good.clone();
    r.signed.index_sig.truncate(40);
    let m = refused(t.path(), &app, &k, &r, "malformed");
    assert!(m.contains("不完整或格式不对"), "{m}");

    let mut r = good;
    r.packs.remove(&file);
    refused(t.path(), &app, &k, &r, "missing_pack");
}

#[test]
fn a_pack_that_fails_validation_is_refused() {
    let (t, app) = open();
    let k = key();
    let mut v = bundled_json(GUILD);
    v["version"] = Value::from("1.3.0");
    v["steps"][0]["id"] = v["steps"][1]["id"].clone(); // two steps with one id
    let bad = serde_json::to_vec(&v).unwrap();
    let r = release(
        &k,
        &index(vec![entry(GUILD, "1.3.0", &bad)]),
        vec![(format!("{GUILD}.json"), bad)],
    );
    let m = refused(t.path(), &app, &k, &r, "invalid_pack");
    assert!(m.contains("未通过校验"), "{m}");
    // A valid pack of another version than the index says.
    let p = pack(GUILD, "1.4.0");
    let r = release(
        &k,
        &index(vec![entry(GUILD, "1.3.0", &p)]),
        vec![(format!("{GUILD}.json"), p)],
    );
    refused(t.path(), &app, &k, &r, "pack_differs");
}

#[test]
fn a_downgrade_or_a_replayed_old_index_is_refused() {
    let (t, app) = open();
    let k = key();
    // Older than the bundled 1.2.1: the release is behind this app; nothing changes.
    let view = app
        .install_rule_update_trusting(&c(), &guild_release(&k, "1.0.9"), &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "up_to_date", "{}", view.message);
    assert_eq!(version_of(&app, GUILD).as_deref(), Some("1.2.1"));

    // Install 1.4.0 released on 2026-12-07, then replay 1.3.0 released earlier.
    let old = guild_release(&k, "1.3.0");
    let mut newer_index = index(vec![]);
    let p = pack(GUILD, "1.4.0");
    newer_index.packs.push(entry(GUILD, "1.4.0", &p));
    let newer = release(&k, &newer_index, vec![(format!("{GUILD}.json"), p)]);
    let view = app
        .install_rule_update_trusting(&c(), &newer, &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "installed");
    let m = refused(t.path(), &app, &k, &old, "not_newer");
    assert!(
        m.contains("「抖音：退出公会」的版本 1.3.0 不比已安装的 1.4.0 新"),
        "{m}"
    );

    // An older index, even one whose packs would not be older.
    let mut stale = index(vec![]);
    stale.released = "2026-11-01".into();
    let r = release(&k, &stale, vec![]);
    let m = refused(t.path(), &app, &k, &r, "older_index");
    assert!(m.contains("比已安装的更新（2026-12-07）旧"), "{m}");
}

#[test]
fn a_pack_that_needs_a_newer_app_is_refused() {
    let (t, app) = open();
    let k = key();
    let p = pack(GUILD, "1.3.0");
    let mut e = entry(GUILD, "1.3.0", &p);
    e.min_app_version = "99.0.0".into();
    let r = release(&k, &index(vec![e]), vec![(format!("{GUILD}.json"), p)]);
    let m = refused(t.path(), &app, &k, &r, "needs_newer_app");
    assert!(m.contains("需要 99.0.0 或更新版本的应用"), "{m}");
}

#[test]
fn a_huge_index_is_refused_before_its_signature_is_checked() {
    let (t, app) = open();
    let k = key();
    let p = pack(GUILD, "1.3.0");
    // 10,000 entries: past the byte limit.
    let e = entry(GUILD, "1.3.0", &p);
    let entries: Vec<IndexEntry> = (0..10_000)
        .map(|i| IndexEntry {
            scenario: format!("x{i}.guild-exit"),
            file: format!("x{i}.guild-exit.json"),
            ..e.clone()
        })
        .collect();
    let r = release(&k, &index(entries), vec![]);
    assert!(r.signed.index.len() > MAX_INDEX_BYTES);
    let m = refused(t.path(), &app, &k, &r, "too_large");
    assert!(m.contains("超过 262144 字节的上限"), "{m}");
    // 100 MB, unsigned: refused on its size alone.
    let mut r = guild_release(&k, "1.3.0");
    r.signed.index = vec![b' '; 100 << 20];
    refused(t.path(), &app, &k, &r, "too_large");
}

#[test]
fn an_index_with_too_many_entries_is_refused() {
    let (t, app) = open();
    let k = key();
    let p = pack(GUILD, "1.3.0");
    let mut e = entry(GUILD, "1.3.0", &p);
    e.notes = Text::default();
    let entries: Vec<IndexEntry> = (0..=MAX_INDEX_ENTRIES)
        .map(|i| IndexEntry {
            scenario: format!("x{i}.y"),
            file: format!("x{i}.y.json"),
            ..e.clone()
        })
        .collect();
    let r = release(&k, &index(entries), vec![]);
    assert!(r.signed.index.len() <= MAX_INDEX_BYTES);
    let m = refused(t.path(), &app, &k, &r, "too_many_entries");
    assert!(m.contains("超过上限 500"), "{m}");
}

#[test]
fn a_pack_id_or_file_that_is_a_path_is_refused() {
    let (t, app) = open();
    let k = key();
    let p = pack(GUILD, "1.3.0");
    for (scenario, file) in [
        ("../douyin.guild-exit", "douyin.guild-exit.json"),
        ("douyin.guild-exit", "../douyin.guild-exit.json"),
        ("douyin..guild-exit", "douyin.guild-exit.json"),
        ("douyin.guild-exit", "sub/douyin.guild-exit.json"),
    ] {
        let mut e = entry(GUILD, "1.3.0", &p);
        e.scenario = scenario.into();
        e.file = file.into();
        let r = release(&k, &index(vec![e]), vec![(file.into(), p.clone())]);
        let m = refused(t.path(), &app, &k, &r, "invalid_entry");
        assert!(m.contains("索引第 1 项的名称、版本或日期不合规"), "{m}");
    }
    assert!(!t.path().join("douyin.guild-exit.json").exists());
}

#[test]
fn the_same_scenario_twice_is_refused() {
    let (t, app) = open();
    let k = key();
    let p = pack(GUILD, "1.3.0");
    let q = pack(GUILD, "1.4.0");
    let mut second = entry(GUILD, "1.4.0", &q);
    second.file = "douyin.guild-exit.v2.json".into();
    let r = release(
        &k,
        &index(vec![entry(GUILD, "1.3.0", &p), second]),
        vec![
            (format!("{GUILD}.json"), p),
            ("douyin.guild-exit.v2.json".into(), q),
        ],
    );
    let m = refused(t.path(), &app, &k, &r, "duplicate_scenario");
    assert!(m.contains("同一个场景列了两次"), "{m}");
}

#[test]
fn refusals_are_worded_in_english_too() {
    let e = UpdateError::HashMismatch {
        file: "a.b.json".into(),
    };
    assert_eq!(
        e.message(Lang::En),
        "The rule update was refused; nothing was changed: the pack file a.b.json does not match the hash in the index (altered or incomplete)."
    );
}

// -- the install is all or nothing -----------------------------------------------------------

#[test]
fn a_set_is_installed_at_once_and_a_stopped_install_leaves_the_previous_set() {
    let (t, app) = open();
    let k = key();
    app.install_rule_update_trusting(&c(), &guild_release(&k, "1.3.0"), &trusting(&k))
        .unwrap();
    let dir = updates_dir(t.path());
    let current = std::fs::read_to_string(dir.join("current")).unwrap();

    // An install that stopped before its switch: a half-written generation folder.
    std::fs::create_dir(dir.join("gen-000009")).unwrap();
    std::fs::write(dir.join("gen-000009").join("douyin.guild-exit.json"), b"{").unwrap();
    let reopened = App::open(t.path()).unwrap();
    assert_eq!(version_of(&reopened, GUILD).as_deref(), Some("1.3.0"));
    assert_eq!(
        std::fs::read_to_string(dir.join("current")).unwrap(),
        current
    );

    // The next install replaces both packs at once and removes the old folders (and only
    // generation folders).
    std::fs::write(dir.join("notes.txt"), b"not ours to remove").unwrap();
    let p = pack(GUILD, "1.4.0");
    let q = pack("kuaishou.live-exit", "1.4.0");
    let r = release(
        &k,
        &index(vec![
            entry(GUILD, "1.4.0", &p),
            entry("kuaishou.live-exit", "1.4.0", &q),
        ]),
        vec![
            (format!("{GUILD}.json"), p),
            ("kuaishou.live-exit.json".into(), q),
        ],
    );
    let view = reopened
        .install_rule_update_trusting(&c(), &r, &trusting(&k))
        .unwrap();
    assert_eq!(view.outcome, "installed", "{}", view.message);
    let mut gens: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-"))
        .collect();
    gens.sort();
    assert_eq!(gens, vec!["gen-000010".to_string()]);
    assert!(dir.join("notes.txt").exists());
    let again = App::open(t.path()).unwrap();
    assert_eq!(version_of(&again, GUILD).as_deref(), Some("1.4.0"));
    assert_eq!(
        version_of(&again, "kuaishou.live-exit").as_deref(),
        Some("1.4.0")
    );

    // A refused release in between leaves this set exactly.
    let bad = guild_release(&key(), "1.4.0");
    refused(t.path(), &again, &k, &bad, "unknown_key");
}

#[test]
fn a_case_keeps_its_pack_version_until_it_is_upgraded() {
    let (_t, app) = open();
    let k = key();
    let now = app_support::t(NOW);
    let vault = app.vault(now).unwrap();
    let book = app.rule_book().unwrap();
    let case = vault
        .create_case(book.get(GUILD).unwrap(), &Default::default(), now)
        .unwrap();
    assert_eq!(case.pack_version, "1.2.1");
    app.install_rule_update_trusting(&c(), &guild_release(&k, "1.3.0"), &trusting(&k))
        .unwrap();
    assert_eq!(vault.case(&case.id, now).unwrap().pack_version, "1.2.1");
    let book = app.rule_book().unwrap();
    vault
        .upgrade(&case.id, book.get(GUILD).unwrap(), now)
        .unwrap();
    assert_eq!(vault.case(&case.id, now).unwrap().pack_version, "1.3.0");
}
