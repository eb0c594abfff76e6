// SCRATCH: not to be committed.
use chrono::{TimeZone, Utc};
use tuilu_core::app::{effects, App, Event, Os, PlatformState, ViewContext};
use tuilu_core::reminders::UserZone;
use tuilu_core::Lang;
mod support;
use support::{populate, twenty_step_pack, twenty_step_toml};
fn main() {
    let tmp = std::env::temp_dir().join(format!("tuilu-prof-{}", std::process::id()));
    let dir = tmp.join("twenty");
    populate(&dir, &[&twenty_step_pack()], 1000);
    let toml = tmp.join("bench.toml");
    std::fs::write(&toml, twenty_step_toml()).unwrap();
    let json = tuilu_core::rules::compile_pack_file(&toml).unwrap();
    let app = App::open(&dir).unwrap();
    app.add_pack(&json).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 2, 0, 0).unwrap();
    let ctx = ViewContext::new(Lang::Zh, UserZone::beijing(), now);
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
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let t = std::time::Instant::now();
    for _ in 0..n {
        std::hint::black_box(app.handle(&ctx, &holding, Event::Launched));
    }
    println!(
        "launch avg {:.3} ms",
        t.elapsed().as_secs_f64() * 1000.0 / n as f64
    );
    let _ = std::fs::remove_dir_all(&tmp);
}
