//! Benchmark: the view models. Targets: the case screen of a 20-step case < 1 ms; home over
//! 1,000 cases < 20 ms.
//!
//! ```sh
//! cargo run --release -p tuilu-core --example bench_views [-- --cases 1000] [--journal-only]
//! ```
//!
//! First a guild case fresh and after 500 start/undo pairs (`--journal-only`: only that).
//!
//! Two vaults: 1,000 cases of a generated 20-step scenario, and 1,000 cases spread over the
//! bundled scenarios; every case part-way through with clocks running. The app service is
//! opened once (as a phone app keeps it) and each view is built 30 times.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use tuilu_core::app::{effects, App, Event, Os, PlatformState, Route, ViewContext};
use tuilu_core::reminders::UserZone;
use tuilu_core::{load_bundled, Lang, Scenario};

mod support;
use support::{populate, twenty_step_pack, twenty_step_toml};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// CPU time of this thread: on a shared machine the wall time also counts the time the
/// scheduler gave to others; the CPU time is what the work itself cost.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn stats((wall, cpu): &mut (Vec<Duration>, Vec<Duration>)) -> String {
    wall.sort();
    cpu.sort();
    format!(
        "wall min {:.3} / median {:.3} / max {:.3} ms   cpu median {:.3} ms  ({} runs)",
        ms(wall[0]),
        ms(wall[wall.len() / 2]),
        ms(wall[wall.len() - 1]),
        ms(cpu[cpu.len() / 2]),
        wall.len()
    )
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Vec<Duration>, Vec<Duration>) {
    (0..runs)
        .map(|_| {
            let (start, cpu) = (Instant::now(), thread_cpu());
            std::hint::black_box(f());
            (start.elapsed(), thread_cpu() - cpu)
        })
        .unzip()
}

fn measure(label: &str, app: &App, cases: usize) {
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    let ctx = ViewContext::new(Lang::Zh, UserZone::beijing(), now);
    let home = app.home_with_archived(&ctx, false).unwrap();
    assert_eq!(home.cases.len(), cases);
    let busiest = home
        .cases
        .iter()
        .max_by_key(|c| c.total)
        .map(|c| c.id.clone())
        .unwrap();
    let steps = app.case_screen(&ctx, &busiest).unwrap().steps.len();
    println!(
        "{label}: {cases} cases, {} overdue",
        home.cases.iter().filter(|c| c.overdue).count()
    );
    println!(
        "  home (first page of {cases}) {}",
        stats(&mut time(30, || app.home(&ctx).unwrap()))
    );
    println!(
        "  home (all {cases} cards)   {}",
        stats(&mut time(30, || app
            .home_with_archived(&ctx, false)
            .unwrap()))
    );
    println!(
        "  case screen ({steps} steps)  {}",
        stats(&mut time(30, || app.case_screen(&ctx, &busiest).unwrap()))
    );
    let vault = app.vault(now).unwrap();
    println!(
        "  list_cases             {}",
        stats(&mut time(30, || vault.list_cases(false, now).unwrap()))
    );
    println!(
        "  running clocks         {}",
        stats(&mut time(30, || tuilu_core::reminders::subjects_for_vault(
            &vault
        )
        .unwrap()))
    );
    // Events with their effects (App::handle), as a phone sends them: a launch (the
    // re-plan trusting what is held), a boot (everything rescheduled), and opening a case.
    let platform = PlatformState {
        os: Os::Android { sdk: 34 },
        notifications_allowed: true,
        exact_alarms_allowed: true,
        pending_limit: effects::ANDROID_PENDING_LIMIT,
        scheduled: Vec::new(),
        in_foreground: true,
    };
    let held = app
        .handle(&ctx, &platform, Event::Launched)
        .reminders_held
        .unwrap_or_default();
    let holding = PlatformState {
        scheduled: held,
        ..platform.clone()
    };
    println!(
        "  event: launch + effects {}",
        stats(&mut time(30, || app.handle(
            &ctx,
            &holding,
            Event::Launched
        )))
    );
    // A boot reaches a receiver: no screen is made, only the effects.
    let receiver = PlatformState {
        in_foreground: false,
        ..holding.clone()
    };
    println!(
        "  event: boot + effects   {}",
        stats(&mut time(30, || app.handle(&ctx, &receiver, Event::Booted)))
    );
    let open = Event::Open {
        route: Route::Case {
            case_id: busiest.clone(),
        },
    };
    println!(
        "  event: open a case      {}",
        stats(&mut time(30, || app.handle(&ctx, &holding, open.clone())))
    );
    let first = app.scenario_picker(&ctx).unwrap().groups[0].scenarios[0]
        .id
        .clone();
    println!(
        "  questionnaire          {}",
        stats(&mut time(30, || app
            .questionnaire(&ctx, &first, &[])
            .unwrap()))
    );
}

/// The case screen, and a START (with the screen it returns), of a fresh guild case and of
/// one whose first step was started and undone `pairs` times: views must not replay the
/// journal (target: within 1.5x of the fresh case).
fn journal_growth(tmp: &std::path::Path, pairs: usize) {
    use tuilu_core::app::Answer;
    use tuilu_core::vault::StepAction;
    let now = Utc.with_ymd_and_hms(2026, 12, 8, 2, 0, 0).unwrap();
    let ctx = ViewContext::new(Lang::Zh, UserZone::beijing(), now);
    let answers = [
        Answer::new("has_unsettled_earnings", "否"),
        Answer::new("has_violation_record", "否"),
        Answer::new("contract_ended", "是"),
    ];
    let step = "check_account_status";
    for n in [0, pairs] {
        let app = App::open(&tmp.join(format!("journal-{n}"))).unwrap();
        let case = app
            .create_case(&ctx, "douyin.guild-exit", &answers)
            .unwrap()
            .id;
        for _ in 0..n {
            app.step_action(&ctx, &case, step, StepAction::Start, None, None, None)
                .unwrap();
            app.step_action(&ctx, &case, step, StepAction::Undo, None, None, None)
                .unwrap();
        }
        println!("guild case with {n} start/undo pairs:");
        println!(
            "  case screen            {}",
            stats(&mut time(30, || app.case_screen(&ctx, &case).unwrap()))
        );
        println!(
            "  start + undo           {}",
            stats(&mut time(30, || {
                app.step_action(&ctx, &case, step, StepAction::Start, None, None, None)
                    .unwrap();
                app.step_action(&ctx, &case, step, StepAction::Undo, None, None, None)
                    .unwrap()
            }))
        );
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut cases = 1000;
    let mut journal_only = false;
    while let Some(a) = args.next() {
        if a == "--cases" {
            cases = args.next().and_then(|n| n.parse().ok()).unwrap_or(cases);
        } else if a == "--journal-only" {
            journal_only = true;
        }
    }
    let tmp = std::env::temp_dir().join(format!("tuilu-bench-views-{}", std::process::id()));
    journal_growth(&tmp, 500);
    if journal_only {
        let _ = std::fs::remove_dir_all(&tmp);
        return;
    }

    // The 20-step scenario is added to the app's rule book as a compiled pack.
    let dir = tmp.join("twenty");
    populate(&dir, &[&twenty_step_pack()], cases);
    let toml = tmp.join("bench.toml");
    std::fs::write(&toml, twenty_step_toml()).unwrap();
    let json = tuilu_core::rules::compile_pack_file(&toml).unwrap();
    let app = App::open(&dir).unwrap();
    app.add_pack(&json).unwrap();
    measure("20-step", &app, cases);

    let book = load_bundled().expect("bundled packs are valid");
    let bundled: Vec<&Scenario> = book.scenarios().iter().collect();
    let dir = tmp.join("bundled");
    populate(&dir, &bundled, cases);
    let app = App::open(&dir).unwrap();
    measure(
        &format!("bundled ({} scenarios)", bundled.len()),
        &app,
        cases,
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
