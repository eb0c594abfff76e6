//! A device clock that is obviously wrong (before the day this version was built) is
//! flagged on the home screen in words, in both languages; a plausible clock is not.

use chrono::{Duration, NaiveTime, TimeZone};
use tuilu_core::app::clock::{build_date, BUILD_DATE};
use tuilu_core::app::{App, ViewContext};
use tuilu_core::reminders::UserZone;
use tuilu_core::vault::BEIJING;
use tuilu_core::Lang;

fn home_warning(app: &App, lang: Lang, now: chrono::DateTime<chrono::Utc>) -> Option<String> {
    let ctx = ViewContext::new(lang, UserZone::beijing(), now);
    app.home(&ctx).unwrap().clock_warning
}

#[test]
fn a_clock_before_the_build_date_is_flagged_on_home_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("vault")).unwrap();
    let start_of_build_day = BEIJING
        .from_local_datetime(&build_date().and_time(NaiveTime::MIN))
        .unwrap()
        .with_timezone(&chrono::Utc);
    let wrong = start_of_build_day - Duration::seconds(1);
    let zh = home_warning(&app, Lang::Zh, wrong).expect("flagged");
    let built_zh = build_date().format("%Y年%-m月%-d日").to_string();
    assert!(
        zh.starts_with("手机的时间似乎不对") && zh.contains(&built_zh) && zh.contains("校准"),
        "{zh}"
    );
    assert!(!zh.contains(BUILD_DATE), "{zh}");
    let en = home_warning(&app, Lang::En, wrong).expect("flagged");
    assert!(en.starts_with("The device clock looks wrong"), "{en}");
    let epoch = chrono::Utc.timestamp_opt(86_400, 0).unwrap();
    assert!(home_warning(&app, Lang::Zh, epoch)
        .unwrap()
        .contains("1970年1月2日"));

    assert_eq!(home_warning(&app, Lang::Zh, start_of_build_day), None);
    assert_eq!(
        home_warning(&app, Lang::En, start_of_build_day + Duration::days(400)),
        None
    );
}
