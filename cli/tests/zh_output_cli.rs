//! Issue 27: no id, type name, enum value or English unit in any Chinese output. Each
//! command runs in zh over the seven scenarios (plan, case show, case list, reminders,
//! letters, evidence, backup, bundle index) and the output is scanned. Command hints a
//! user types (`tuilu …`, `--fact name=…`) and the case's own handle are left out.

mod vault_cli_support;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use vault_cli_support::{json, ok, run, s};

fn text(o: std::process::Output) -> String {
    String::from_utf8(o.stdout).unwrap() + &String::from_utf8(o.stderr).unwrap()
}

/// The bundle's index page as a reader sees it: `index.html` without its style sheet
/// and tags.
fn bundle_index(zip: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(zip).unwrap()).unwrap();
    let mut html = String::new();
    z.by_name("index.html")
        .unwrap()
        .read_to_string(&mut html)
        .unwrap();
    let html = match (html.find("<style"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html,
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Every pack id, step id, fact id and option value: words a Chinese user must not see.
fn forbidden_words(vault: &Path) -> BTreeSet<String> {
    let mut words: BTreeSet<String> = ENGLISH_WORDS.iter().map(|s| s.to_string()).collect();
    let list = json(vault, &["scenarios"]);
    for sc in list.as_array().unwrap() {
        let id = sc["id"].as_str().unwrap();
        words.insert(id.to_string());
        let plan = json(vault, &["plan", id]);
        for st in plan["steps"].as_array().unwrap() {
            words.insert(st["id"].as_str().unwrap().to_string());
        }
        for q in plan["questions"].as_array().unwrap() {
            words.insert(q["id"].as_str().unwrap().to_string());
            for o in q["options"].as_array().into_iter().flatten() {
                words.insert(o["value"].as_str().unwrap().to_string());
            }
        }
        for fact in plan["facts"].as_object().unwrap().keys() {
            words.insert(fact.clone());
        }
    }
    // Values that are also ordinary words or brand names are not ids in a Chinese text.
    for w in ["yes", "no", "other", "app"] {
        words.remove(w);
    }
    words
}

thread_local! {
    static FOUND: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// English type, unit and sense words, fine in the English half of the bilingual bundle
/// index ("deadline: …") but not ids.
const ENGLISH_WORDS: [&str; 20] = [
    "bool",
    "enum",
    "money",
    "integer",
    "datetime",
    "days",
    "hours",
    "minutes",
    "diamonds",
    "working_days",
    "natural_days",
    "deadline",
    "earliest",
    "minimum_period",
    "window",
    "lapse",
    "catch_up",
    "follow_up",
    "waiting_period_end",
    "CNY",
];

/// The bundle's index is bilingual by design (each label in Chinese and English, for
/// whoever receives it): English words are expected there, ids are not — no pack, step or
/// fact id, option value or snake_case word, in the pack line and the stored file names
/// (`files/01_<time>_<the user's name>`) too, and no media type (`image/png`).
fn scan_bundle_index(what: &str, index: &str, words: &BTreeSet<String>) {
    for line in index.lines() {
        if line.contains("sha256sum") || line.contains("tuilu ") {
            continue; // a command the reader types
        }
        for mime in ["image/", "text/", "video/", "audio/", "application/"] {
            if line.contains(mime) {
                FOUND.with(|f| f.borrow_mut().push(format!("{what}: `{mime}` in: {line}")));
            }
        }
        for token in
            line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        {
            let token = token.trim_matches(|c| c == '.' || c == '-');
            let snake = token.contains('_') && token.chars().any(|c| c.is_ascii_lowercase());
            // An option value or id that is one plain English word ("client", "fans") is
            // English in the English half; ids with separators are never words.
            let id = words.contains(token)
                && !ENGLISH_WORDS.contains(&token)
                && token.contains(['_', '.', '-']);
            if snake || id {
                FOUND.with(|f| f.borrow_mut().push(format!("{what}: `{token}` in: {line}")));
            }
        }
    }
}

fn scan(what: &str, out: &str, words: &BTreeSet<String>) {
    for line in out.lines() {
        if line.contains("tuilu ") || line.contains("--fact") {
            continue; // a command the user types
        }
        for token in
            line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-'))
        {
            let token = token.trim_matches(|c| c == '.' || c == '-');
            if token.is_empty() {
                continue;
            }
            let snake = token.contains('_') && token.chars().any(|c| c.is_ascii_lowercase());
            if snake || words.contains(token) {
                FOUND.with(|f| f.borrow_mut().push(format!("{what}: `{token}` in: {line}")));
            }
        }
    }
}

#[test]
fn chinese_output_of_every_command_shows_no_ids_types_or_english_units() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault");
    let words = forbidden_words(&vault);
    let scenarios = json(&vault, &["scenarios"]);
    let mut scanned = 0;
    for sc in scenarios.as_array().unwrap() {
        let scenario = sc["id"].as_str().unwrap();
        scan(scenario, &text(ok(&vault, &["plan", scenario])), &words);
        let case = json(&vault, &["case", "new", scenario]);
        let id = case["id"].as_str().unwrap().to_string();
        // Submit what can be submitted, so deadlines and reminders exist.
        let show = json(&vault, &["case", "show", &id]);
        for st in show["steps"].as_array().unwrap() {
            let step = st["id"].as_str().unwrap();
            let _ = run(&vault, &["step", &id, step, "done"]);
            let _ = run(&vault, &["step", &id, step, "submit"]);
        }
        // The user's own file name: the index shows it as the user gave it.
        let file = dir.path().join(format!("截图说明{scanned}.txt"));
        std::fs::write(&file, "截图说明").unwrap();
        let first = show["steps"][0]["id"].as_str().unwrap();
        let _ = run(&vault, &["evidence", "add", &id, s(&file), "--step", first]);
        for args in [
            vec!["case", "show", &id],
            vec!["case", "list"],
            vec!["letters", &id],
            vec!["evidence", "list", &id],
            vec!["evidence", "export", &id, "--dry-run"],
        ] {
            scan(
                &format!("{scenario} {args:?}"),
                &text(run(&vault, &args)),
                &words,
            );
            scanned += 1;
        }
        let letters = json(&vault, &["letters", &id]);
        for l in letters["letters"].as_array().unwrap() {
            let n = l["number"].to_string();
            scan(
                &format!("{scenario} letter {n}"),
                &text(run(&vault, &["letter", &id, &n])),
                &words,
            );
            scanned += 1;
        }
        let zip = dir.path().join(format!("{scenario}.zip"));
        let out = text(run(&vault, &["evidence", "export", &id, "-o", s(&zip)]));
        scan(&format!("{scenario} export"), &out, &words);
        assert!(zip.exists(), "{scenario}: {out}");
        scan_bundle_index(
            &format!("{scenario} bundle index"),
            &bundle_index(&zip),
            &words,
        );
        scanned += 1;
    }
    scan("reminders", &text(ok(&vault, &["reminders"])), &words);
    let pass = dir.path().join("pass.txt");
    std::fs::write(&pass, "门前大桥下 游过一群鸭").unwrap();
    let backup = dir.path().join("vault.tuilu-backup");
    let out = text(ok(
        &vault,
        &[
            "backup",
            "create",
            "-o",
            s(&backup),
            "--passphrase-file",
            s(&pass),
            "--scrypt-work-factor",
            "12",
        ],
    ));
    scan("backup create", &out, &words);
    let out = text(ok(
        &vault,
        &[
            "backup",
            "inspect",
            s(&backup),
            "--passphrase-file",
            s(&pass),
        ],
    ));
    scan("backup inspect", &out, &words);
    assert!(scanned > 40, "{scanned}");
    let found = FOUND.with(|f| f.borrow().clone());
    assert!(found.is_empty(), "{}", found.join("\n"));
}
