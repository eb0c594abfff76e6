//! Importing year files into a vault: validation, atomic storage, replacement of bundled data.

use std::fs;

use chrono::NaiveDate;
use tuilu_core::calendar::{
    calendar_dir, import_year, import_year_into, year_file_path, CalendarError, ChinaCalendar,
    DataSource, DayKind, JsonType,
};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A plausible 2027 file: National Day 10-01..07 off, Saturday 10-09 a make-up day, and a
/// New Year make-up day in late December 2026 (listed in the 2027 file, as upstream does).
const Y2027: &str = r#"{
  "year": 2027,
  "papers": ["https://example.invalid/notice-2027"],
  "days": [
    {"name": "元旦", "date": "2026-12-31", "isOffDay": true},
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-04", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-05", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-06", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-07", "isOffDay": true},
    {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}
  ]
}"#;

fn rejects(json: &str) -> CalendarError {
    import_year(json.as_bytes()).expect_err(json)
}

#[test]
fn malformed_files_are_rejected_with_a_clear_error() {
    assert!(matches!(
        rejects("{\"year\": 2027,"),
        CalendarError::Json { .. }
    ));
    assert!(matches!(
        rejects("[]"),
        CalendarError::WrongType {
            expected: JsonType::Object,
            ..
        }
    ));
    assert_eq!(
        rejects(r#"{"days": []}"#),
        CalendarError::MissingField {
            field: "year".into()
        }
    );
    assert!(matches!(
        rejects(r#"{"year": "2027", "days": []}"#),
        CalendarError::WrongType { ref field, expected: JsonType::Integer, .. } if field == "year"
    ));
    assert!(matches!(
        rejects(r#"{"year": 2027.5, "days": []}"#),
        CalendarError::WrongType { .. }
    ));
    assert!(matches!(
        rejects(r#"{"year": 1899, "days": []}"#),
        CalendarError::YearOutOfRange { year: 1899, .. }
    ));
    assert_eq!(
        rejects(r#"{"year": 2027}"#),
        CalendarError::MissingField {
            field: "days".into()
        }
    );
    let e = rejects(
        r#"{"year": 2027, "days": [{"name": "x", "date": "2027-10-01", "isOffDay": "true"}]}"#,
    );
    assert!(
        matches!(e, CalendarError::WrongType { ref field, expected: JsonType::Boolean, .. } if field == "days[0].isOffDay"),
        "{e:?}"
    );
    assert!(e.to_string().contains("days[0].isOffDay"), "{e}");
    assert_eq!(
        rejects(r#"{"year": 2027, "days": [{"name": "x", "date": "2027-10-01"}]}"#),
        CalendarError::MissingField {
            field: "days[0].isOffDay".into()
        }
    );
    for bad in [
        "2027-13-01",
        "2027-02-29",
        "2027/10/01",
        "27-10-01",
        "2027-10-1",
    ] {
        let json = format!(r#"{{"year": 2027, "days": [{{"date": "{bad}", "isOffDay": true}}]}}"#);
        assert!(
            matches!(rejects(&json), CalendarError::BadDate { ref value, .. } if value == bad),
            "{bad}"
        );
    }
    assert_eq!(
        rejects(r#"{"year": 2027, "days": [{"date": "2025-12-31", "isOffDay": true}]}"#),
        CalendarError::DateOutsideYear {
            date: "2025-12-31".into(),
            year: 2027
        }
    );
    assert_eq!(
        rejects(
            r#"{"year": 2027, "days": [{"date": "2027-10-01", "isOffDay": true},
                                        {"date": "2027-10-01", "isOffDay": false}]}"#
        ),
        CalendarError::DuplicateDate {
            date: "2027-10-01".into()
        }
    );
    assert!(matches!(
        rejects(r#"{"year": 2027, "papers": [1], "days": []}"#),
        CalendarError::WrongType { .. }
    ));
    // The placeholder published before the notice: valid format, but nothing to import.
    let placeholder = fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/holidays-cn/2027.json"
    ))
    .unwrap();
    assert_eq!(
        import_year(&placeholder),
        Err(CalendarError::NoDaysListed { year: 2027 })
    );
    // Messages are bilingual.
    let msg = rejects(r#"{"days": []}"#).to_string();
    assert!(msg.contains("缺少") && msg.contains("missing"), "{msg}");
}

#[test]
fn every_bundled_file_is_a_valid_import() {
    for year in 2020..=2026 {
        let bytes = fs::read(format!(
            "{}/data/holidays-cn/{year}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let y = import_year(&bytes).unwrap();
        assert_eq!(y.year, year);
        assert!(!y.days.is_empty());
    }
}

#[test]
fn importing_a_year_removes_the_estimate_and_honours_late_december() {
    let vault = tempfile::tempdir().unwrap();
    let dir = calendar_dir(vault.path());
    let bundled = ChinaCalendar::bundled();
    assert!(bundled.is_working(d("2026-12-31")));
    assert!(bundled.is_working_day(d("2027-10-04")).estimated);

    let imported = import_year_into(&dir, Y2027.as_bytes()).unwrap();
    assert_eq!(imported.year, 2027);
    assert!(year_file_path(&dir, 2027).is_file());
    // No temporary files left behind.
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);

    let cal = ChinaCalendar::with_overrides(&dir).unwrap();
    let mon = cal.is_working_day(d("2027-10-04"));
    assert!(!mon.working && !mon.estimated);
    assert_eq!(mon.kind, DayKind::Holiday);
    let sat = cal.is_working_day(d("2027-10-09"));
    assert!(sat.working && !sat.estimated);
    // 2026-12-31 comes from the 2027 file.
    let eve = cal.is_working_day(d("2026-12-31"));
    assert!(!eve.working && !eve.estimated);
    assert_eq!(eve.reason.as_deref(), Some("元旦"));
    // Thu 2027-09-30 + 3: Fri 10-01 and Mon–Thu 10-04..07 off, Fri 10-08, Sat 10-09, Mon 10-11.
    let r = cal.add_working_days(d("2027-09-30"), 3).unwrap();
    assert_eq!(r.date, d("2027-10-11"));
    assert!(!r.estimated);
    // 2028 is still unknown, and so is the last week of 2027.
    assert!(cal.is_working_day(d("2027-12-27")).estimated);
    assert_eq!(
        cal.is_working_day(d("2027-12-27"))
            .estimate_reason
            .unwrap()
            .year,
        2028
    );

    let status = cal.status();
    let y2027 = status.years.iter().find(|y| y.year == 2027).unwrap();
    assert_eq!(y2027.source, DataSource::Imported);
    assert!(y2027.replaces_bundled);
    assert!(!y2027.estimated);
    assert_eq!(y2027.days_listed, 8);
    let y2026 = status.years.iter().find(|y| y.year == 2026).unwrap();
    assert_eq!(y2026.source, DataSource::Bundled);
    assert!(status.problems.is_empty());
}

#[test]
fn an_import_replaces_bundled_data_for_its_year() {
    let vault = tempfile::tempdir().unwrap();
    let dir = calendar_dir(vault.path());
    // A (fictional) corrected 2026: only National Day 10-01..02 off, no make-up days.
    let json = r#"{"year": 2026, "papers": [], "days": [
        {"name": "国庆节", "date": "2026-10-01", "isOffDay": true},
        {"name": "国庆节", "date": "2026-10-02", "isOffDay": true}]}"#;
    import_year_into(&dir, json.as_bytes()).unwrap();
    let cal = ChinaCalendar::with_overrides(&dir).unwrap();
    // The bundled make-up Sunday and the Spring Festival holidays are gone.
    assert!(!cal.is_working(d("2026-09-20")));
    assert!(cal.is_working(d("2026-02-17")));
    assert_eq!(
        cal.add_working_days(d("2026-09-30"), 3).unwrap().date,
        d("2026-10-07")
    );
    // Other years keep their bundled data.
    assert!(!cal.is_working(d("2025-10-01")));
    let s = cal.status();
    let y = s.years.iter().find(|y| y.year == 2026).unwrap();
    assert_eq!((y.source, y.replaces_bundled), (DataSource::Imported, true));

    // In memory, the same.
    let mut mem = ChinaCalendar::bundled();
    mem.apply_import(import_year(json.as_bytes()).unwrap());
    assert!(!mem.is_working(d("2026-09-20")));
    assert_eq!(mem.status().years.len(), 8);
}

#[test]
fn a_rejected_import_leaves_earlier_data_in_force() {
    let vault = tempfile::tempdir().unwrap();
    let dir = calendar_dir(vault.path());
    import_year_into(&dir, Y2027.as_bytes()).unwrap();
    let before = fs::read(year_file_path(&dir, 2027)).unwrap();

    // Same year, broken: a string where a boolean belongs.
    let broken = Y2027.replace(r#""isOffDay": false"#, r#""isOffDay": "no""#);
    let err = import_year_into(&dir, broken.as_bytes()).unwrap_err();
    assert!(matches!(err, CalendarError::WrongType { .. }), "{err:?}");
    // Truncated JSON.
    let truncated = &Y2027[..Y2027.len() / 2];
    assert!(matches!(
        import_year_into(&dir, truncated.as_bytes()),
        Err(CalendarError::Json { .. })
    ));

    assert_eq!(fs::read(year_file_path(&dir, 2027)).unwrap(), before);
    assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
    let cal = ChinaCalendar::with_overrides(&dir).unwrap();
    assert!(!cal.is_working(d("2027-10-04")));
    assert!(cal.is_working(d("2027-10-09")));
    assert!(cal.status().problems.is_empty());

    // A rejected first import of a bundled year keeps the bundled data.
    let bad2026 = r#"{"year": 2026, "days": [{"date": "2026-10-01", "isOffDay": 1}]}"#;
    assert!(import_year_into(&dir, bad2026.as_bytes()).is_err());
    let cal = ChinaCalendar::with_overrides(&dir).unwrap();
    assert!(cal.is_working(d("2026-09-20")));
    let s = cal.status();
    assert_eq!(
        s.years.iter().find(|y| y.year == 2026).unwrap().source,
        DataSource::Bundled
    );
}

#[test]
fn a_corrupted_stored_file_is_skipped_and_reported() {
    let vault = tempfile::tempdir().unwrap();
    let dir = calendar_dir(vault.path());
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("2026.json"), b"{ not json").unwrap();
    // A file whose name does not match its year.
    fs::write(dir.join("2025.json"), Y2027).unwrap();
    // Unrelated files are ignored.
    fs::write(dir.join("notes.txt"), b"hello").unwrap();
    let cal = ChinaCalendar::with_overrides(&dir).unwrap();
    assert!(
        cal.is_working(d("2026-09-20")),
        "bundled 2026 still in force"
    );
    assert!(
        !cal.is_working(d("2025-10-01")),
        "bundled 2025 still in force"
    );
    let s = cal.status();
    assert_eq!(s.problems.len(), 2, "{:?}", s.problems);
    assert!(s.years.iter().all(|y| y.source == DataSource::Bundled));
}

#[test]
fn a_missing_directory_means_no_imports() {
    let vault = tempfile::tempdir().unwrap();
    let cal = ChinaCalendar::with_overrides(&calendar_dir(vault.path())).unwrap();
    let s = cal.status();
    assert_eq!(s.years.len(), 8);
    assert_eq!(s.years[0].year, 2020);
    let y2027 = s.years.iter().find(|y| y.year == 2027).unwrap();
    assert!(y2027.estimated);
    assert_eq!(y2027.days_listed, 0);
    assert!(s
        .years
        .iter()
        .filter(|y| y.year < 2027)
        .all(|y| !y.estimated && y.source == DataSource::Bundled));
}

#[test]
fn importing_a_year_beyond_the_table_extends_it() {
    let mut cal = ChinaCalendar::bundled();
    let json =
        r#"{"year": 2031, "days": [{"name": "国庆节", "date": "2031-10-01", "isOffDay": true}]}"#;
    cal.apply_import(import_year(json.as_bytes()).unwrap());
    let info = cal.is_working_day(d("2031-10-01")); // a Wednesday
    assert!(!info.working && !info.estimated);
    // 2030 still unknown.
    assert_eq!(
        cal.is_working_day(d("2030-06-03"))
            .estimate_reason
            .unwrap()
            .year,
        2030
    );
    let r = cal.add_working_days(d("2031-09-29"), 3).unwrap();
    assert_eq!(r.date, d("2031-10-03"));
    assert!(!r.estimated);
}
