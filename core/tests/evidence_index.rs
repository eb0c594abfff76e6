//! The bundle's `index.html` for a realistic guild exit: the story in words (golden text),
//! and the page as a browser renders and prints it (headless Chromium, poppler-utils).
//!
//! The case: facts answered, three preparation steps done, the exit request submitted on
//! 2026-09-30 at 17:00 Beijing time, its 1–3 working-day review ending 2026-10-10 with no
//! answer by the export on 2026-10-12; three evidence items, the submission screenshot
//! proving two steps. `UPDATE_GOLDEN=1` rewrites `tests/golden/evidence/`; review the diff.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use chrono::{DateTime, TimeZone, Utc};
use tuilu_core::evidence::{
    verify_bundle, CancelFlag, CaseSnapshot, Disclosure, EvidenceStore, NewItem, NoProgress,
};
use tuilu_core::rules::Facts;
use tuilu_core::vault::{StepAction, TransitionOptions, Vault};
use tuilu_core::FactValue;

mod chromium_support;
use chromium_support::{chromium, render, tool};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// A PNG of `w`×`h` pixels: a coloured title bar, a grey body and a coloured button, like
/// a phone screenshot. Written by hand (zlib from flate2) to need no image library.
fn png(w: u32, h: u32, bar: [u8; 3], button: [u8; 3]) -> Vec<u8> {
    use std::io::Write;
    let mut raw = Vec::new();
    for y in 0..h {
        raw.push(0); // filter: none
        for x in 0..w {
            let px = if y < h / 10 {
                bar
            } else if y > h / 2 && y < h / 2 + h / 12 && x > w / 8 && x < w - w / 8 {
                button
            } else if y % 24 < 3 && x > w / 10 && x < w / 2 && y < h / 2 {
                [90, 90, 90]
            } else {
                [246, 246, 246]
            };
            raw.extend_from_slice(&px);
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).unwrap();
    let idat = z.finish().unwrap();
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], data: &[u8]| {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    };
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &idat);
    chunk(b"IEND", &[]);
    out
}

struct Bundle {
    _dir: tempfile::TempDir,
    zip: PathBuf,
    unzipped: PathBuf,
    case_id: String,
    originals: Vec<(String, Vec<u8>)>,
}

/// Builds the case in a real vault, adds the evidence, exports and unzips the bundle as
/// a user does by default (private facts and notes left out).
fn guild_exit_bundle() -> Bundle {
    guild_exit_bundle_with(Disclosure::PublicOnly)
}

fn guild_exit_bundle_with(disclosure: Disclosure) -> Bundle {
    let dir = tempfile::tempdir().unwrap();
    let vault_dir = dir.path().join("vault");
    let created = utc(2026, 9, 20, 2, 0);
    let vault = Vault::open(&vault_dir, created).unwrap();
    let book = tuilu_core::load_bundled().unwrap();
    let scenario = book.get("douyin.guild-exit").unwrap();
    let facts: Facts = [
        ("has_unsettled_earnings", FactValue::Bool(false)),
        ("has_violation_record", FactValue::Bool(false)),
        ("contract_ended", FactValue::Bool(true)),
        ("contract_penalty", FactValue::Enum("no".into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let case = vault.create_case(scenario, &facts, created).unwrap();
    let step = |id: &str, action: StepAction, at: DateTime<Utc>, note: Option<&str>| {
        let opts = TransitionOptions {
            at: Some(at),
            note: note.map(str::to_string),
            ..Default::default()
        };
        vault.transition(&case.id, id, action, &opts, at).unwrap();
    };
    step(
        "check_account_status",
        StepAction::Done,
        utc(2026, 9, 25, 3, 10),
        None,
    );
    step(
        "backup_data",
        StepAction::Done,
        utc(2026, 9, 26, 1, 0),
        None,
    );
    step(
        "read_contract_and_negotiate",
        StepAction::Start,
        utc(2026, 9, 27, 2, 0),
        None,
    );
    step(
        "read_contract_and_negotiate",
        StepAction::Done,
        utc(2026, 9, 29, 2, 0),
        Some("公会同意退出，见聊天记录"),
    );
    // 17:00 Beijing time.
    step(
        "submit_exit",
        StepAction::Submit,
        utc(2026, 9, 30, 9, 0),
        None,
    );

    let earnings = png(180, 320, [7, 193, 96], [7, 193, 96]);
    let submitted = png(180, 320, [22, 24, 35], [254, 44, 85]);
    let chat = "2026-09-28 20:15 公会运营：同意你退出，按流程在App里提交即可。\n\
                2026-09-28 20:16 我：好的，谢谢。\n"
        .as_bytes()
        .to_vec();
    let originals = vec![
        ("收益页面.png".to_string(), earnings),
        ("退出申请已提交.png".to_string(), submitted),
        ("与公会的聊天记录.txt".to_string(), chat),
    ];
    let title = |s: &str| {
        let st = vault.case(&case.id, created).unwrap();
        let t = &st.step(s).unwrap().title;
        format!("{} / {}", t.zh, t.en)
    };
    let add = |step: &str,
               (name, bytes): &(String, Vec<u8>),
               captured: Option<DateTime<Utc>>,
               at: DateTime<Utc>| {
        let item = NewItem {
            step_id: Some(step.to_string()),
            step_title: Some(title(step)),
            captured_at: captured.map(tuilu_core::evidence::CaptureTime::caller),
            ..NewItem::import(case.id.clone())
        };
        vault
            .with_connection_mut(|conn| {
                EvidenceStore::new(conn, &vault_dir).add_bytes(
                    &item,
                    name,
                    bytes,
                    &NoProgress,
                    &CancelFlag::new(),
                    at,
                )
            })
            .unwrap()
    };
    let a = add(
        "check_account_status",
        &originals[0],
        Some(utc(2026, 9, 25, 3, 5)),
        utc(2026, 9, 25, 3, 20),
    );
    assert!(!a.duplicate);
    add(
        "submit_exit",
        &originals[1],
        Some(utc(2026, 9, 30, 9, 1)),
        utc(2026, 9, 30, 9, 5),
    );
    add(
        "record_communications",
        &originals[2],
        None,
        utc(2026, 9, 30, 9, 10),
    );
    // The same screenshot for another step: attached, not stored twice.
    let again = add(
        "record_communications",
        &originals[1],
        None,
        utc(2026, 10, 1, 2, 0),
    );
    assert!(again.duplicate);
    assert_eq!(again.linked_step.as_deref(), Some("record_communications"));

    let now = utc(2026, 10, 12, 2, 0); // 10:00 Beijing, two days after the deadline
    let view = vault.case(&case.id, now).unwrap();
    let journal = vault.journal(&case.id).unwrap();
    let snapshot = CaseSnapshot::new(
        &view,
        &journal,
        Some(&scenario.pack),
        vault.deadline_calc(),
        disclosure,
    );
    let zip = dir.path().join("退路证据包.zip");
    vault
        .with_connection_mut(|conn| {
            EvidenceStore::new(conn, &vault_dir).export(
                &case.id,
                &snapshot,
                &zip,
                &NoProgress,
                &CancelFlag::new(),
                now,
            )
        })
        .unwrap();
    let unzipped = dir.path().join("unzipped");
    let mut z = zip::ZipArchive::new(File::open(&zip).unwrap()).unwrap();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let p = unzipped.join(f.enclosed_name().expect("safe name"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        std::fs::write(p, buf).unwrap();
    }
    Bundle {
        case_id: case.id.clone(),
        _dir: dir,
        zip,
        unzipped,
        originals,
    }
}

/// The text a reader sees: tags stripped, one block per line, entities decoded. The case
/// id, the custody head hash and the tool version (which change between runs or
/// releases) are masked.
fn index_text(html: &str, case_id: &str) -> String {
    let mut s = html.to_string();
    if let (Some(a), Some(b)) = (s.find("<style>"), s.find("</style>")) {
        s.replace_range(a..b + "</style>".len(), "");
    }
    for (from, to) in [
        ("<br>", "\n"),
        ("</td>", " | "),
        ("</th>", " | "),
        ("<li", "\n<li"),
        ("</li>", "\n"),
        ("</tr>", "\n"),
        ("</p>", "\n"),
        ("</h1>", "\n"),
        ("</h2>", "\n"),
        ("</h3>", "\n"),
        ("</div>", "\n"),
        ("<div", "\n<div"),
        ("</figure>", "\n"),
        ("</figcaption>", "\n"),
        ("<figcaption>", "\n"),
        ("</span><span class=\"what\">", "  "),
        ("</a>", "\n"),
    ] {
        s = s.replace(from, to);
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .replace(case_id, "<case id>")
        .replace(env!("CARGO_PKG_VERSION"), "<version>");
    let mut lines = Vec::new();
    for line in out.lines() {
        let line = line.trim().trim_end_matches('|').trim();
        if line.is_empty() {
            continue;
        }
        // The head hash depends on random item ids.
        let line = match line.find("head hash ") {
            Some(i) => format!("{}<head hash>", &line[..i + "head hash ".len()]),
            None => line.to_string(),
        };
        lines.push(line);
    }
    lines.join("\n") + "\n"
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden/evidence")
        .join(name)
}

/// Compares `text` with the golden file `name` (rewritten with `UPDATE_GOLDEN=1`).
fn check_golden(name: &str, text: &str) {
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_GOLDEN=1)", path.display()));
    assert!(
        expected == text,
        "index.html text differs from {}; run with UPDATE_GOLDEN=1 and review the diff.\n{text}",
        path.display()
    );
}

/// The default bundle: the private answers and the step note are left out, and the
/// first page says which questions and how many notes.
#[test]
fn index_leaves_out_private_facts_and_notes_golden() {
    let b = guild_exit_bundle();
    let html = std::fs::read_to_string(b.unzipped.join("index.html")).unwrap();
    let text = index_text(&html, &b.case_id);
    check_golden("guild-exit-index-public.txt", &text);
    assert!(text.contains("未包含的内容 Left out"));
    assert!(
        text.contains("合同里有违约金条款吗？"),
        "the question is named"
    );
    assert!(
        !text.contains("用户的回答"),
        "no answers table: every answer is private"
    );
    assert!(!text.contains("公会同意退出"), "the step note is left out");
    assert!(text.contains("用户的 1 条备注"), "{text}");
    assert!(text.contains("2026-09-30 17:00  提交 submitted"));
}

#[test]
fn index_tells_the_case_golden() {
    let b = guild_exit_bundle_with(Disclosure::IncludePrivate);
    let html = std::fs::read_to_string(b.unzipped.join("index.html")).unwrap();
    let text = index_text(&html, &b.case_id);
    check_golden("guild-exit-index.txt", &text);

    // What the golden file shows, stated: the scenario in words, the answers in words,
    // the timeline before the list, the overdue review, the rule's quote and review date,
    // and the shared screenshot under both steps.
    assert!(text.contains("抖音：退出公会 Douyin: leave a guild"));
    assert!(text.contains("合同里有违约金条款吗？"));
    assert!(!text.contains("contract_penalty"), "no fact ids");
    let timeline = text.find("时间线 Timeline").unwrap();
    let list = text.find("证据清单 Evidence list").unwrap();
    assert!(timeline < list);
    assert!(text.contains("2026-09-30 17:00  提交 submitted"));
    assert!(text.contains("2026-10-10 届满"));
    assert!(text.contains("✗ 已过期：截至导出时仍无结果"));
    assert!(text.contains("复核于 2026-12-07"));
    assert!(text.contains("官方流程通常需1-3个工作日审核"));
    assert_eq!(
        text.matches("#2 退出申请已提交.png").count(),
        2,
        "under two steps"
    );

    // Thumbnails point at the originals in the bundle; nothing else is stored.
    assert!(html.contains("<img class=\"thumb\" src=\"files/"));
    let files: Vec<_> = std::fs::read_dir(b.unzipped.join("files"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 3, "three originals, no resized copies");
}

#[test]
fn bundle_still_verifies_with_every_original() {
    let b = guild_exit_bundle();
    let report = verify_bundle(&b.zip, &NoProgress, &CancelFlag::new()).unwrap();
    assert!(report.intact, "{:?}", report.issues);
    let check = Command::new("sha256sum")
        .args(["-c", "--strict", "SHA256SUMS"])
        .current_dir(&b.unzipped)
        .output()
        .expect("sha256sum is installed");
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(b.unzipped.join("manifest.json")).unwrap()).unwrap();
    for (name, bytes) in &b.originals {
        let it = manifest["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["original_name"] == name.as_str())
            .unwrap();
        let path = b.unzipped.join(it["path"].as_str().unwrap());
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{name} byte for byte");
    }
    let shared = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["original_name"] == "退出申请已提交.png")
        .unwrap();
    assert_eq!(shared["step_id"], "submit_exit");
    assert_eq!(shared["also_steps"][0]["step_id"], "record_communications");
    assert_eq!(
        manifest["case"]["story"]["scenario_title"]["zh"],
        "抖音：退出公会"
    );
}

#[test]
fn chromium_renders_and_prints_the_timeline_and_thumbnails() {
    let browser = chromium();
    let b = guild_exit_bundle();
    let index = b.unzipped.join("index.html");
    let work = tempfile::tempdir().unwrap();
    let png_path = work.path().join("index.png");
    let pdf_path = work.path().join("index.pdf");
    render(
        &browser,
        &work.path().join("profile"),
        &[
            "--window-size=1000,2400".to_string(),
            format!("--screenshot={}", png_path.display()),
        ],
        &index,
    );
    render(
        &browser,
        &work.path().join("profile"),
        &[format!("--print-to-pdf={}", pdf_path.display())],
        &index,
    );
    if let Some(keep) = std::env::var_os("TUILU_KEEP_RENDER") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&png_path, keep.join("index.png")).unwrap();
        std::fs::copy(&pdf_path, keep.join("index.pdf")).unwrap();
    }

    // The screenshot: a real PNG of the window size with a page on it (a blank page
    // compresses to a few kilobytes).
    let shot = std::fs::read(&png_path).unwrap();
    assert!(shot.starts_with(b"\x89PNG\r\n\x1a\n"));
    let w = u32::from_be_bytes(shot[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(shot[20..24].try_into().unwrap());
    assert_eq!((w, h), (1000, 2400));
    assert!(
        shot.len() > 40_000,
        "screenshot looks blank: {} bytes",
        shot.len()
    );

    // The print: A4 pages, the timeline text first, then the list.
    let pdf = pdf_path.to_str().unwrap();
    let info = tool("pdfinfo", &[pdf]);
    assert!(info.contains("(A4)"), "A4 pages: {info}");
    let text = tool("pdftotext", &[pdf, "-"]);
    for needle in [
        "抖音：退出公会",
        "时间线",
        "2026-09-30 17:00",
        "2026-10-10",
        "已过期",
        "复核于 2026-12-07",
        "退出申请已提交.png",
        "与公会的聊天记录.txt",
    ] {
        assert!(text.contains(needle), "PDF lacks {needle}:\n{text}");
    }
    let timeline = text.find("时间线").unwrap();
    let list = text.find("证据清单 Evidence list").expect("list heading");
    assert!(timeline < list, "timeline first");
    // The thumbnails are in the print: the two screenshots are embedded images.
    let images = tool("pdfimages", &["-list", pdf]);
    let count = images
        .lines()
        .skip(2)
        .filter(|l| l.contains("image"))
        .count();
    assert!(count >= 2, "thumbnails missing from the PDF:\n{images}");
}
