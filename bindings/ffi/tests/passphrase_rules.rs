//! The phone library's passphrase check: built without `strength-zxcvbn`, the core's small
//! rule estimator decides (docs/adr/0006-small-passphrase-rules-on-phones.md). Run alone
//! (`cargo test -p tuilu-ffi --test passphrase_rules`) this is the library's build; in a
//! workspace run the CLI's feature is unified in and zxcvbn decides, with the same outcome.

use chrono::{TimeZone, Utc};
use tuilu_core::backup::{assess_passphrase, create_backup, CreateOptions, PassphraseLevel};
use tuilu_core::evidence::{CancelFlag, NoProgress};
use tuilu_core::vault::Vault;
use tuilu_core::Lang;

#[test]
fn a_weak_passphrase_is_refused_in_words_and_a_strong_one_makes_a_backup() {
    // Refused by both estimators (a mobile number only by the rules: zxcvbn calls a random
    // one weak but acceptable).
    for weak in [
        "5201314",
        "woaini1314520",
        "P@ssw0rd",
        "Sunflower1",
        "19900101",
    ] {
        let a = assess_passphrase(weak);
        assert!(!a.accepted, "{weak}: {a:?}");
        assert_eq!(a.level, PassphraseLevel::TooWeak, "{weak}");
        assert_eq!(
            (a.label.zh.as_str(), a.label.en.as_str()),
            ("太弱", "Too weak")
        );
        assert!(a.advice.zh.contains("恢复码"), "{}", a.advice.zh);
        assert!(a.advice.en.contains("recovery code"), "{}", a.advice.en);
    }
    let strong = assess_passphrase("correct horse battery staple");
    assert!(
        strong.accepted && strong.level == PassphraseLevel::Strong,
        "{strong:?}"
    );
    assert_eq!(strong.label.zh, "强");

    let dir = std::env::temp_dir().join(format!("tuilu-ffi-passphrase-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap();
    let vault = dir.join("vault");
    drop(Vault::open(&vault, now).unwrap());
    let opts = CreateOptions {
        app_version: "test".into(),
        scrypt_log_n: Some(10),
    };
    let create = |passphrase: &str, name: &str| {
        create_backup(
            &vault,
            &dir.join(name),
            passphrase,
            &opts,
            &NoProgress,
            &CancelFlag::new(),
            now,
        )
    };
    let e = create("woaini1314520", "weak.backup").unwrap_err();
    assert_eq!(e.kind().as_str(), "weak_passphrase", "{e}");
    assert!(e.message(Lang::Zh).contains("生日"), "{e}");
    assert!(!e.message(Lang::Zh).contains("weak"), "{e}");
    assert!(!dir.join("weak.backup").exists());
    create("correct horse battery staple", "strong.backup").unwrap();
    assert!(dir.join("strong.backup").metadata().unwrap().len() > 0);
    std::fs::remove_dir_all(&dir).unwrap();
}
