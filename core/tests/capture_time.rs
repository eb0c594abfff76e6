//! Where an evidence item's capture time comes from, end to end through the application
//! layer: EXIF in the bytes, then the platform's record (MediaStore `DATE_TAKEN`,
//! `PHAsset.creationDate`), then a screenshot's file name in the user's zone; stored with
//! its source and worded for the user.

use std::path::Path;

use chrono::{DateTime, FixedOffset, Utc};
use tuilu_core::app::{App, ViewContext};
use tuilu_core::evidence::{CancelFlag, NoProgress, PlatformTime, PlatformTimeSource};
use tuilu_core::reminders::UserZone;
use tuilu_core::vault::DB_FILE;
use tuilu_core::Lang;

mod app_support;
mod evidence_support;
use app_support::{ctx, t, with_guild_case};
use evidence_support::jpeg_with_exif;

const NOW: &str = "2026-12-07T08:00:00Z";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\na screenshot without EXIF";
const SHOT: &str = "Screenshot_20261009-143012_Douyin.png";

fn with_case() -> (tempfile::TempDir, App, String) {
    with_guild_case(NOW)
}

/// `captured_at` and `captured_at_source` as stored in the vault.
fn stored(dir: &Path, id: &str) -> (Option<String>, Option<String>) {
    let c = rusqlite::Connection::open(dir.join("vault").join(DB_FILE)).unwrap();
    c.query_row(
        "SELECT captured_at, captured_at_source FROM evidence_items WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .unwrap()
}

fn add(
    app: &App,
    c: &ViewContext,
    case: &str,
    name: &str,
    bytes: &[u8],
    captured: Option<PlatformTime>,
) -> tuilu_core::app::EvidenceAddedView {
    app.add_evidence_bytes(
        c,
        case,
        Some("submit_exit"),
        name,
        bytes,
        None,
        captured,
        &NoProgress,
        &CancelFlag::new(),
    )
    .unwrap()
}

#[test]
fn a_screenshot_without_a_platform_date_is_dated_by_its_name_in_the_users_zone() {
    let (dir, app, case) = with_case();
    let added = add(&app, &ctx(Lang::Zh, NOW), &case, SHOT, PNG, None);
    // 14:30:12 Beijing time.
    assert_eq!(
        stored(dir.path(), &added.item_id),
        (
            Some("2026-10-09T06:30:12.000Z".into()),
            Some("file_name".into())
        )
    );
    let row = added
        .list
        .items
        .iter()
        .find(|r| r.id == added.item_id)
        .unwrap();
    assert_eq!(row.captured_at, Some(t("2026-10-09T06:30:12Z")));
    assert!(
        row.captured_text.contains("来自文件名（可能不准）"),
        "{}",
        row.captured_text
    );
    let en = app
        .evidence_list(&ctx(Lang::En, NOW), &case, Some("submit_exit"))
        .unwrap();
    assert!(
        en.items[0]
            .captured_text
            .contains("from the file name (may be inaccurate)"),
        "{}",
        en.items[0].captured_text
    );

    // The same name on a phone set to Berlin (UTC+2) is another instant.
    let (dir, app, case) = with_case();
    let berlin = ViewContext::new(
        Lang::Zh,
        UserZone::fixed(FixedOffset::east_opt(2 * 3600).unwrap()),
        t(NOW),
    );
    let added = add(&app, &berlin, &case, SHOT, PNG, None);
    assert_eq!(
        stored(dir.path(), &added.item_id).0.as_deref(),
        Some("2026-10-09T12:30:12.000Z")
    );
}

#[test]
fn the_platforms_date_wins_over_the_name_and_exif_wins_over_the_platform() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    let taken: DateTime<Utc> = t("2026-10-09T06:30:11.250Z");
    let store = PlatformTime {
        at: taken,
        source: PlatformTimeSource::MediaStore,
    };
    let added = add(&app, &c, &case, SHOT, PNG, Some(store));
    assert_eq!(
        stored(dir.path(), &added.item_id),
        (
            Some("2026-10-09T06:30:11.250Z".into()),
            Some("media_store".into())
        )
    );
    let row = &added.list.items[0];
    assert!(
        row.captured_text.contains("来自相册记录"),
        "{}",
        row.captured_text
    );

    // iOS: the photo library's date.
    let library = PlatformTime {
        at: taken,
        source: PlatformTimeSource::PhotoLibrary,
    };
    let added = add(
        &app,
        &c,
        &case,
        "IMG_0042.PNG",
        b"\x89PNG\r\n\x1a\nb",
        Some(library),
    );
    assert_eq!(
        stored(dir.path(), &added.item_id).1.as_deref(),
        Some("photo_library")
    );

    // A photo whose bytes carry EXIF: that date, whatever the platform says.
    let jpeg = jpeg_with_exif("2026:10:01 09:00:00", Some("+08:00"));
    let added = add(&app, &c, &case, SHOT, &jpeg, Some(store));
    assert_eq!(
        stored(dir.path(), &added.item_id),
        (
            Some("2026-10-01T01:00:00.000Z".into()),
            Some("exif_offset".into())
        )
    );

    // Neither: an ordinary name gives no time, and the list says it is unknown.
    let added = add(&app, &c, &case, "聊天记录.txt", "聊天".as_bytes(), None);
    assert_eq!(stored(dir.path(), &added.item_id), (None, None));
}

#[test]
fn the_dispute_bundle_carries_the_source() {
    let (dir, app, case) = with_case();
    let c = ctx(Lang::Zh, NOW);
    add(&app, &c, &case, SHOT, PNG, None);
    let out = dir.path().join("bundle.zip");
    app.export_bundle(&c, &case, &out, false, &NoProgress, &CancelFlag::new())
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&mut zip, "manifest.json")).unwrap();
    assert_eq!(manifest["items"][0]["captured_at_source"], "file_name");
    let html = read(&mut zip, "index.html");
    assert!(
        html.contains("来自文件名（可能不准）"),
        "index.html words the source"
    );
}
