//! Every free text a person (or the platform) gives that reaches the vault or a bundle has
//! a documented maximum (`tuilu_core::limits`): evidence notes, tags, file names, step and
//! flag notes. Past it the core refuses with a typed error, in words, and stores nothing;
//! at it, the app's own exported bundle passes the bundle verifier.

use tuilu_core::app::{App, AppError};
use tuilu_core::evidence::{CancelFlag, EvidenceStore, NoProgress};
use tuilu_core::limits::{MAX_FILE_NAME_CHARS, MAX_NOTE_CHARS, MAX_TAGS, MAX_TAG_CHARS};
use tuilu_core::vault::{StepAction, Vault};
use tuilu_core::Lang;

mod app_support;
use app_support::{ctx, t, with_guild_case};

const NOW: &str = "2026-10-09T08:00:00Z";

fn with_case() -> (tempfile::TempDir, App, String) {
    with_guild_case(NOW)
}

fn add(app: &App, case: &str, name: &str, bytes: &[u8], note: &str) -> Result<String, AppError> {
    app.add_evidence_bytes(
        &ctx(Lang::Zh, NOW),
        case,
        Some("check_account_status"),
        name,
        bytes,
        Some(note),
        None,
        &NoProgress,
        &CancelFlag::new(),
    )
    .map(|v| v.item_id)
}

/// Replaces an item's tags through the evidence store (the CLI's `evidence tag`).
fn set_tags(dir: &tempfile::TempDir, item: &str, tags: &[String]) -> Result<(), String> {
    let root = dir.path().join("vault");
    let vault = Vault::open(&root, t(NOW)).unwrap();
    vault
        .with_connection_mut(|conn| {
            EvidenceStore::new(conn, &root)
                .annotate(item, None, Some(tags), t(NOW))
                .map(|_| ())
        })
        .map_err(|e| e.message(Lang::Zh))
}

#[test]
fn an_evidence_note_past_the_limit_is_refused_in_words_and_nothing_is_stored() {
    let (dir, app, case) = with_case();
    let long = "很".repeat(MAX_NOTE_CHARS + 1);
    for (lang, words) in [
        (
            Lang::Zh,
            format!(
                "备注太长（{} 字），最多 {MAX_NOTE_CHARS} 字",
                MAX_NOTE_CHARS + 1
            ),
        ),
        (
            Lang::En,
            format!(
                "The note is too long ({} characters; at most {MAX_NOTE_CHARS})",
                MAX_NOTE_CHARS + 1
            ),
        ),
    ] {
        let e = add(&app, &case, "a.txt", b"a", &long).unwrap_err();
        assert!(matches!(e, AppError::NoteTooLong { .. }), "{e:?}");
        assert!(e.message(lang).starts_with(&words), "{}", e.message(lang));
    }
    let list = app.evidence_list(&ctx(Lang::Zh, NOW), &case, None).unwrap();
    assert!(list.items.is_empty());
    // Nothing was written into the evidence folder either.
    let stored: Vec<_> = walk(&dir.path().join("vault").join("evidence"))
        .into_iter()
        .filter(|p| !p.ends_with(".lock"))
        .collect();
    assert!(stored.is_empty(), "{stored:?}");

    let at = "很".repeat(MAX_NOTE_CHARS);
    add(&app, &case, "a.txt", b"a", &at).unwrap();
}

#[test]
fn tags_past_the_count_or_the_length_are_refused_and_at_the_limits_are_kept() {
    let (dir, app, case) = with_case();
    let item = add(&app, &case, "a.txt", b"a", "").unwrap();
    let many: Vec<String> = (0..=MAX_TAGS).map(|i| format!("标签{i}")).collect();
    assert_eq!(
        set_tags(&dir, &item, &many).unwrap_err(),
        format!("标签太多（{} 个），最多 {MAX_TAGS} 个", MAX_TAGS + 1)
    );
    let long = vec!["签".repeat(MAX_TAG_CHARS + 1)];
    assert_eq!(
        set_tags(&dir, &item, &long).unwrap_err(),
        format!(
            "标签太长（{} 字），最多 {MAX_TAG_CHARS} 字",
            MAX_TAG_CHARS + 1
        )
    );
    // Repeats and blanks do not count.
    let mut at: Vec<String> = (0..MAX_TAGS)
        .map(|i| format!("{i:02}{}", "签".repeat(MAX_TAG_CHARS - 2)))
        .collect();
    at.push(at[0].clone());
    at.push("  ".into());
    set_tags(&dir, &item, &at).unwrap();
}

#[test]
fn a_file_name_past_the_limit_is_shortened_keeping_its_extension() {
    let (_d, app, case) = with_case();
    let name = format!("{}.jpg", "长".repeat(MAX_FILE_NAME_CHARS * 4));
    add(&app, &case, &name, b"jpeg?", "").unwrap();
    let list = app.evidence_list(&ctx(Lang::Zh, NOW), &case, None).unwrap();
    let kept = &list.items[0].file_name;
    assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS, "{kept}");
    assert!(
        kept.starts_with("长长长") && kept.ends_with("….jpg"),
        "{kept}"
    );
}

/// The app's own bundle, with every free text at its limit on many items (their notes,
/// names and tags repeat, so its text files deflate far better than evidence does), is
/// intact by the app's own verifier. An evidence note of 1,000,000 characters used to be
/// accepted, and the bundle then failed as "疑似压缩炸弹".
#[test]
fn the_apps_own_bundle_with_every_text_at_its_limit_passes_verification() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let huge = "注".repeat(1_000_000);
    let e = add(&app, &case, "huge.txt", b"huge", &huge).unwrap_err();
    assert_eq!(e.code(), "note_too_long");
    let note = "注".repeat(MAX_NOTE_CHARS);
    app.step_action(
        &c,
        &case,
        "check_account_status",
        StepAction::Done,
        Some(t("2026-10-01T09:00:00+08:00")),
        Some(note.clone()),
        None,
    )
    .unwrap();
    app.flag_rule(&c, &case, "backup_data", Some(&note))
        .unwrap();
    let name = format!("{}.txt", "名".repeat(MAX_FILE_NAME_CHARS - 4));
    let tags: Vec<String> = (0..MAX_TAGS)
        .map(|i| format!("{i:02}{}", "签".repeat(MAX_TAG_CHARS - 2)))
        .collect();
    for i in 0..120 {
        let item = add(&app, &case, &name, format!("第 {i} 份").as_bytes(), &note).unwrap();
        set_tags(&dir, &item, &tags).unwrap();
    }
    let out = dir.path().join("bundle.zip");
    let written = app
        .export_bundle(&c, &case, &out, true, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert_eq!(written.count, 120);
    let check = app
        .verify_bundle(&c, &out, &NoProgress, &CancelFlag::new())
        .unwrap();
    assert!(check.intact, "{:?}", check.issues);
    assert!(check.issues.is_empty(), "{:?}", check.issues);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}
