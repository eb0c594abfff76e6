//! `index.html`: the printable evidence list (证据清单) of a bundle.

use chrono::{DateTime, Utc};

use super::custody::CustodyEntry;
use super::export::ManifestItem;
use super::snapshot::{
    CaseSnapshot, CaseStory, DeadlineOutcome, DeadlineStory, RuleSource, StepStory, TimelineEvent,
};
use super::store::StepLink;
use super::util::parse_time;
use crate::calendar::BEIJING;
use crate::text::Text;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

fn beijing(t: DateTime<Utc>) -> String {
    t.with_timezone(&BEIJING)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

fn beijing_str(s: &str) -> String {
    parse_time(s).map(beijing).unwrap_or_else(|| escape(s))
}

/// What kind of file it is, in words (never a media type such as `image/png`).
fn kind_words(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "PDF 文件 <span class=\"en\">PDF document</span>",
        t if t.starts_with("image/") => "图片 <span class=\"en\">image</span>",
        t if t.starts_with("video/") => "视频 <span class=\"en\">video</span>",
        t if t.starts_with("audio/") => "录音 <span class=\"en\">audio</span>",
        t if t.starts_with("text/") || t == "application/json" => {
            "文本 <span class=\"en\">text</span>"
        }
        _ => "文件 <span class=\"en\">file</span>",
    }
}

const STYLE: &str = r#"
body { font-family: "PingFang SC", "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei",
       sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em; color: #111;
       line-height: 1.45; }
h1 { font-size: 1.5em; margin: 0 0 0.2em 0; }
h2 { font-size: 1.2em; margin: 1.4em 0 0.4em 0; border-bottom: 2px solid #333; }
h3 { font-size: 1.02em; margin: 0 0 0.3em 0; }
.en { color: #555; font-size: 0.85em; font-weight: normal; }
.scenario { font-size: 1.25em; font-weight: bold; margin: 0.2em 0 0.6em 0; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #888; padding: 0.3em 0.45em; vertical-align: top; text-align: left; }
th { background: #eee; }
.meta td { border: none; padding: 0.05em 1em 0.05em 0; }
.meta td:first-child { white-space: nowrap; }
.hash { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Menlo, Consolas, monospace;
        font-size: 0.78em; overflow-wrap: anywhere; word-break: break-all; }
.note { white-space: pre-wrap; }
.hint { color: #444; font-size: 0.85em; margin: 0.2em 0 0.6em 0; }
.step { border: 1px solid #999; border-left: 5px solid #456; border-radius: 3px;
        padding: 0.5em 0.7em; margin: 0 0 0.7em 0; }
.step.case { border-left-color: #888; }
.num { display: inline-block; min-width: 1.4em; font-weight: bold; }
.status { font-size: 0.85em; border: 1px solid #666; border-radius: 3px; padding: 0 0.3em;
          white-space: nowrap; }
ol.events { list-style: none; margin: 0.2em 0; padding: 0; }
ol.events li { display: flex; gap: 0.8em; padding: 0.15em 0; border-top: 1px dotted #bbb; }
ol.events li:first-child { border-top: none; }
.when { flex: 0 0 9.5em; font-variant-numeric: tabular-nums; white-space: nowrap; }
.what { flex: 1 1 auto; }
li.deadline .when { font-weight: bold; }
.outcome { font-weight: bold; margin-top: 0.15em; }
.outcome.passed, .outcome.met_late { color: #a00; }
.outcome.met { color: #060; }
.rule { margin: 0.3em 0 0.1em 0; padding: 0.25em 0.6em; border-left: 3px solid #bbb;
        background: #f6f6f6; font-size: 0.88em; }
.cards { display: flex; flex-wrap: wrap; gap: 0.6em; margin-top: 0.4em; }
figure.card { margin: 0; width: 44mm; border: 1px solid #bbb; padding: 0.3em;
              font-size: 0.8em; }
img.thumb { display: block; max-width: 100%; max-height: 52mm; margin: 0 auto 0.2em auto;
            object-fit: contain; background: #fafafa; }
.icon { display: flex; align-items: center; justify-content: center; flex-direction: column;
        height: 26mm; margin-bottom: 0.2em; border: 2px solid #456; border-radius: 4px;
        color: #234; text-decoration: none; background: #eef2f6; text-align: center; }
.icon .glyph { font-size: 1.6em; font-weight: bold; line-height: 1.1; }
.also { color: #444; }
.pending { font-size: 0.9em; color: #333; }
table.items { table-layout: fixed; font-size: 0.9em; }
table.items col.n { width: 3.2em; }
table.items col.time { width: 7.5em; }
table.items col.steps { width: 11em; }
table.items col.desc { width: 8em; }
table.items col.hash { width: 10.5em; }
footer { margin-top: 2em; font-size: 0.85em; color: #333; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; }
  section.list { break-before: page; }
  ol.events li, figure.card, tr, .rule, .meta, .scenario { break-inside: avoid;
    page-break-inside: avoid; }
  .cards { break-before: avoid; }
  body { font-size: 10.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// `zh <span class="en">en</span>`, escaped.
fn bi(t: &Text) -> String {
    bi2(&t.zh, &t.en)
}

fn bi2(zh: &str, en: &str) -> String {
    if en.is_empty() || en == zh {
        escape(zh)
    } else {
        format!("{} <span class=\"en\">{}</span>", escape(zh), escape(en))
    }
}

/// Minutes are enough on a timeline.
fn beijing_min(t: DateTime<Utc>) -> String {
    crate::text::minute_text(&t.with_timezone(&BEIJING))
}

/// A path inside the bundle as a relative URL: every byte outside the unreserved set is
/// percent-encoded, so `#`, `%` or `?` in an original name cannot break the link.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn duration_text(ms: u64) -> String {
    let s = ms / 1000;
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Image types a browser shows.
fn is_displayable_image(media_type: &str) -> bool {
    matches!(
        media_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" | "image/bmp" | "image/avif"
    )
}

/// The step titles the index uses: the story's when the step is known, else the title
/// stored with the item (`zh / en`), else the id.
struct StepNames<'a> {
    story: &'a CaseStory,
}

impl StepNames<'_> {
    fn html(&self, link: &StepLink) -> String {
        match self.story.steps.iter().find(|s| s.id == link.step_id) {
            Some(s) => bi(&s.title),
            None => match link.step_title.as_deref().map(|t| t.split_once(" / ")) {
                Some(Some((zh, en))) => bi2(zh, en),
                Some(None) => escape(link.step_title.as_deref().unwrap_or_default()),
                None => escape(&link.step_id),
            },
        }
    }
}

fn item_steps(it: &ManifestItem) -> Vec<StepLink> {
    let first = it.step_id.as_ref().map(|s| StepLink {
        step_id: s.clone(),
        step_title: it.step_title.clone(),
    });
    first.into_iter().chain(it.also_steps.clone()).collect()
}

fn item_time(it: &ManifestItem) -> String {
    match &it.captured_at {
        Some(t) => format!(
            "{} <span class=\"en\">拍摄 captured</span>",
            parse_time(t).map(beijing_min).unwrap_or_else(|| escape(t))
        ),
        None => format!(
            "{} <span class=\"en\">导入 imported</span>",
            parse_time(&it.imported_at)
                .map(beijing_min)
                .unwrap_or_else(|| escape(&it.imported_at))
        ),
    }
}

/// One evidence card: a thumbnail (or an icon), the number, name and time.
fn card(it: &ManifestItem, this_step: Option<&str>, names: &StepNames<'_>) -> String {
    let url = url_path(&it.path);
    let alt = escape(&it.original_name);
    let media = if is_displayable_image(&it.media_type) {
        format!("<a href=\"{url}\"><img class=\"thumb\" src=\"{url}\" alt=\"{alt}\"></a>")
    } else {
        let (glyph, label) = match it.media_type.as_str() {
            "application/pdf" => (
                "PDF".to_string(),
                match it.pages {
                    Some(n) => format!("PDF 文件 · {n} 页<br><span class=\"en\">{n} pages</span>"),
                    None => "PDF 文件 <span class=\"en\">PDF document</span>".to_string(),
                },
            ),
            t if t.starts_with("video/") => (
                "▶".to_string(),
                match it.duration_ms {
                    Some(ms) => format!(
                        "视频 · {} <span class=\"en\">video</span>",
                        duration_text(ms)
                    ),
                    None => "视频 <span class=\"en\">video</span>".to_string(),
                },
            ),
            t if t.starts_with("audio/") => (
                "♪".to_string(),
                match it.duration_ms {
                    Some(ms) => format!(
                        "录音 · {} <span class=\"en\">audio</span>",
                        duration_text(ms)
                    ),
                    None => "录音 <span class=\"en\">audio</span>".to_string(),
                },
            ),
            t if t.starts_with("image/") => (
                "IMG".to_string(),
                "图片（浏览器无法预览）<br><span class=\"en\">image (the browser cannot show it)</span>"
                    .to_string(),
            ),
            t if t.starts_with("text/") || t == "application/json" => (
                "TXT".to_string(),
                "文本 <span class=\"en\">text</span>".to_string(),
            ),
            _ => (
                "FILE".to_string(),
                "文件 <span class=\"en\">file</span>".to_string(),
            ),
        };
        format!(
            "<a class=\"icon\" href=\"{url}\"><span class=\"glyph\">{glyph}</span><span>{label}</span></a>"
        )
    };
    let others: Vec<String> = item_steps(it)
        .iter()
        .filter(|s| Some(s.step_id.as_str()) != this_step)
        .map(|s| names.html(s))
        .collect();
    let also = if others.is_empty() || this_step.is_none() {
        String::new()
    } else {
        format!(
            "<br><span class=\"also\">也用于 <span class=\"en\">also for</span>：{}</span>",
            others.join("；")
        )
    };
    format!(
        "<figure class=\"card\">{media}<figcaption><b>#{}</b> {}<br>{}{also}</figcaption></figure>\n",
        it.n,
        escape(&it.original_name),
        item_time(it),
    )
}

fn cards(items: &[&ManifestItem], this_step: Option<&str>, names: &StepNames<'_>) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut h = String::from("<div class=\"cards\">\n");
    for it in items {
        h.push_str(&card(it, this_step, names));
    }
    h.push_str("</div>\n");
    h
}

fn event_li(e: &TimelineEvent) -> String {
    let note = e
        .note
        .as_deref()
        .filter(|n| !n.trim().is_empty())
        .map(|n| {
            format!(
                "<br><span class=\"note\">备注 <span class=\"en\">note</span>：{}</span>",
                escape(n)
            )
        })
        .unwrap_or_default();
    format!(
        "<li><span class=\"when\">{}</span><span class=\"what\">{}{note}</span></li>\n",
        beijing_min(e.at),
        bi(&e.what)
    )
}

fn rule_html(r: &RuleSource) -> String {
    let mut h = format!(
        "<div class=\"rule\">规则来源 <span class=\"en\">rule source</span>：“{}”<br>",
        escape(&r.quote)
    );
    let mut parts = Vec::new();
    if !r.seed.is_empty() {
        parts.push(format!(
            "出处 <span class=\"en\">source</span> {}",
            escape(&r.seed)
        ));
    }
    if let Some(c) = &r.confidence {
        parts.push(format!(
            "可信度 {} <span class=\"en\">confidence {}</span>",
            escape(&c.zh),
            escape(&c.en)
        ));
    }
    if !r.reviewed.is_empty() {
        parts.push(format!(
            "复核于 {} <span class=\"en\">reviewed</span>",
            escape(&r.reviewed)
        ));
    }
    parts.push(format!(
        "规则包 {} <span class=\"en\">rule pack</span>",
        escape(&r.pack_version)
    ));
    h.push_str(&parts.join(" · "));
    if !r.note.zh.is_empty() || !r.note.en.is_empty() {
        h.push_str(&format!(
            "<br>审校备注 <span class=\"en\">reviewer's note</span>：{}",
            bi(&r.note)
        ));
    }
    h.push_str(
        "<br><span class=\"en\">规则为二手整理，仅供参考 / rules are second-hand; for reference</span></div>\n",
    );
    h
}

fn deadline_li(d: &DeadlineStory, rule: Option<&RuleSource>, now: DateTime<Utc>) -> String {
    let date = d.latest.format("%Y-%m-%d").to_string();
    let range = if d.earliest == d.latest {
        String::new()
    } else {
        format!("最早 {}，最迟 ", d.earliest.format("%Y-%m-%d"))
    };
    let estimated = if d.estimated {
        "<br><span class=\"en\">日期为估算（该年节假日安排未知）/ estimated dates (holiday schedule unknown)</span>"
    } else {
        ""
    };
    let outcome = d.outcome(now);
    let (class, zh, en) = match outcome {
        DeadlineOutcome::Met => (
            "met",
            format!(
                "✓ 已按时完成（{}）",
                beijing_min(d.done_at.unwrap_or(d.deadline))
            ),
            "met: completed on time".to_string(),
        ),
        DeadlineOutcome::MetLate => (
            "met_late",
            format!(
                "✗ 逾期后才完成（{}）",
                beijing_min(d.done_at.unwrap_or(d.deadline))
            ),
            "completed after the deadline".to_string(),
        ),
        DeadlineOutcome::Passed => (
            "passed",
            "✗ 已过期：截至导出时仍无结果".to_string(),
            "passed: no result by the export".to_string(),
        ),
        DeadlineOutcome::Running => (
            "running",
            "… 尚未到期（截至导出时）".to_string(),
            "not yet reached at the export".to_string(),
        ),
        DeadlineOutcome::PastUsual => (
            "running",
            "… 已超过通常时间，仍在等待（截至导出时；这个时间不是硬性期限）".to_string(),
            "past the usual time, still waiting at the export (not a firm limit)".to_string(),
        ),
    };
    format!(
        "<li class=\"deadline\"><span class=\"when\">{} </span><span class=\"what\">\
         <b>期限</b>：{}，{range}{date} 届满 <span class=\"en\">deadline: {}, ending {date}</span>{estimated}\
         <div class=\"outcome {class}\">{zh} <span class=\"en\">{en}</span></div>{}</span></li>\n",
        beijing_min(d.deadline),
        escape(&d.sense.zh),
        escape(&d.sense.en),
        rule.map(rule_html).unwrap_or_default(),
    )
}

/// The timeline: case events, then each step with a history (oldest first) with its
/// deadline and its evidence, then evidence for steps the plan does not know, evidence
/// without a step, and the steps with nothing recorded yet.
fn timeline(case: &CaseSnapshot, items: &[ManifestItem], now: DateTime<Utc>) -> String {
    let story = &case.story;
    let names = StepNames { story };
    let mut h = String::from(
        "<section class=\"timeline\">\n<h2>时间线 <span class=\"en\">Timeline</span></h2>\n\
         <p class=\"hint\">时间均为北京时间（UTC+8），期限状态截至导出时。证据编号 # 对应后面清单中的序号。\
         <span class=\"en\">Times are Beijing time (UTC+8); deadline status as of the export. \
         Evidence numbers # refer to the list that follows.</span></p>\n",
    );
    if !story.case_events.is_empty() {
        h.push_str(
            "<div class=\"step case\"><h3>案件 <span class=\"en\">Case</span></h3>\n<ol class=\"events\">\n",
        );
        for e in &story.case_events {
            h.push_str(&event_li(e));
        }
        h.push_str("</ol></div>\n");
    }
    let items_for = |step: &str| -> Vec<&ManifestItem> {
        items
            .iter()
            .filter(|it| item_steps(it).iter().any(|s| s.step_id == step))
            .collect()
    };
    let mut shown: Vec<&StepStory> = story
        .steps
        .iter()
        .filter(|s| !s.events.is_empty() || !items_for(&s.id).is_empty())
        .collect();
    // Steps with a history by their first event, then steps with only evidence.
    crate::sort::sort_by_key(&mut shown, |s| {
        (
            s.events.first().map(|e| e.at).is_none(),
            s.events.first().map(|e| e.at),
            s.number,
        )
    });
    for s in &shown {
        let dropped = if s.in_plan {
            String::new()
        } else {
            " <span class=\"en\">（已不在当前计划中 no longer in the plan）</span>".to_string()
        };
        h.push_str(&format!(
            "<div class=\"step\"><h3><span class=\"num\">{}.</span> {} <span class=\"status\">{}</span>{dropped}</h3>\n",
            s.number,
            bi(&s.title),
            bi(&s.status)
        ));
        let mut lis: Vec<(DateTime<Utc>, String)> =
            s.events.iter().map(|e| (e.at, event_li(e))).collect();
        if let Some(d) = &s.deadline {
            lis.push((d.deadline, deadline_li(d, s.rule.as_ref(), now)));
        }
        crate::sort::sort_by_key(&mut lis, |(at, _)| *at);
        if !lis.is_empty() {
            h.push_str("<ol class=\"events\">\n");
            for (_, li) in lis {
                h.push_str(&li);
            }
            h.push_str("</ol>\n");
        }
        h.push_str(&cards(&items_for(&s.id), Some(&s.id), &names));
        h.push_str("</div>\n");
    }
    // Evidence for steps the case snapshot does not describe.
    let mut unknown: Vec<StepLink> = Vec::new();
    for it in items {
        for st in item_steps(it) {
            if !story.steps.iter().any(|s| s.id == st.step_id)
                && !unknown.iter().any(|u| u.step_id == st.step_id)
            {
                unknown.push(st);
            }
        }
    }
    for st in &unknown {
        h.push_str(&format!(
            "<div class=\"step\"><h3>{}</h3>\n{}</div>\n",
            names.html(st),
            cards(&items_for(&st.step_id), Some(&st.step_id), &names)
        ));
    }
    let loose: Vec<&ManifestItem> = items
        .iter()
        .filter(|it| item_steps(it).is_empty())
        .collect();
    if !loose.is_empty() {
        h.push_str(&format!(
            "<div class=\"step case\"><h3>未关联步骤的证据 <span class=\"en\">Evidence not linked to a step</span></h3>\n{}</div>\n",
            cards(&loose, None, &names)
        ));
    }
    let pending: Vec<String> = story
        .steps
        .iter()
        .filter(|s| s.in_plan && !shown.iter().any(|x| x.id == s.id))
        .map(|s| format!("{}. {}", s.number, bi(&s.title)))
        .collect();
    if !pending.is_empty() {
        h.push_str(&format!(
            "<p class=\"pending\">尚无记录的步骤 <span class=\"en\">steps with nothing recorded yet</span>：{}</p>\n",
            pending.join("；")
        ));
    }
    h.push_str("</section>\n");
    h
}

/// What the bundle leaves out, said on the first page: the questions of the facts left out
/// (never their answers) and that notes were left out. Empty when nothing was.
fn withheld_html(story: &CaseStory, withheld_item_notes: usize) -> String {
    let mut h = String::new();
    if !story.withheld_facts.is_empty() {
        let questions: Vec<String> = story
            .withheld_facts
            .iter()
            .map(|f| format!("<li>{}</li>", bi(&f.question)))
            .collect();
        h.push_str(&format!(
            "<p class=\"hint\">以下问题的回答属于个人隐私，用户选择不放入本证据包 \
             <span class=\"en\">The answers to these questions are private; the user left them \
             out of this bundle</span>：</p>\n<ul class=\"withheld\">{}</ul>\n",
            questions.join("")
        ));
    }
    let notes = story.withheld_notes.len() + withheld_item_notes;
    if notes > 0 {
        h.push_str(&format!(
            "<p class=\"hint\">用户的 {notes} 条备注（步骤记录和证据说明）未放入本证据包 \
             <span class=\"en\">The user's notes (on steps and on evidence) are left out of \
             this bundle: {}</span></p>\n",
            crate::text::count_en(notes as u64, "note", "notes")
        ));
    }
    if h.is_empty() {
        return h;
    }
    format!(
        "<section class=\"withheld\">\n<h2>未包含的内容 <span class=\"en\">Left out</span></h2>\n{h}</section>\n"
    )
}

/// The printable index: the case in words and its timeline first, then the evidence list.
/// All user text is escaped. `withheld_item_notes`: evidence notes left out of the bundle.
pub fn index_html(
    case_id: &str,
    case: &CaseSnapshot,
    items: &[ManifestItem],
    withheld_item_notes: usize,
    log_entries: usize,
    head: Option<&CustodyEntry>,
    now: DateTime<Utc>,
) -> String {
    let story = &case.story;
    let names = StepNames { story };
    let mut h = index_head(case_id, story);
    h.push_str(&meta_table(
        case_id,
        story,
        items.len(),
        log_entries,
        head,
        now,
    ));
    h.push_str(&facts_section(story));
    h.push_str(&withheld_html(story, withheld_item_notes));
    h.push_str(&timeline(case, items, now));
    h.push_str(&evidence_list(items, &names));
    h.push_str(FOOTER);
    h.push_str("</body>\n</html>\n");
    h
}

/// The document's head and the page header (the title, the scenario).
fn index_head(case_id: &str, story: &CaseStory) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let title = if story.scenario_title.zh.is_empty() {
        escape(case_id)
    } else {
        escape(&story.scenario_title.zh)
    };
    h.push_str(&format!(
        "<title>证据清单 Evidence — {title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    ));
    h.push_str(
        "<header>\n<h1>证据清单与案件经过 <span class=\"en\">Evidence and case history</span></h1>\n",
    );
    if !story.scenario_title.zh.is_empty() {
        h.push_str(&format!(
            "<p class=\"scenario\">{}</p>\n",
            bi(&story.scenario_title)
        ));
    }
    h
}

/// The table under the header: case id, export time, item count, rule pack, custody log
/// head, tool.
fn meta_table(
    case_id: &str,
    story: &CaseStory,
    item_count: usize,
    log_entries: usize,
    head: Option<&CustodyEntry>,
    now: DateTime<Utc>,
) -> String {
    let mut h = String::new();
    h.push_str("<table class=\"meta\">\n");
    let mut meta_row = |zh: &str, en: &str, value: String| {
        h.push_str(&format!(
            "<tr><td>{zh} <span class=\"en\">{en}</span></td><td>{value}</td></tr>\n"
        ));
    };
    meta_row("案件编号", "Case id", escape(case_id));
    meta_row(
        "导出时间",
        "Exported at",
        format!("{}（北京时间 UTC+8）", beijing(now)),
    );
    meta_row("证据数量", "Items", item_count.to_string());
    if !story.scenario.is_empty() {
        meta_row(
            "规则包",
            "Rule pack",
            format!(
                "{} 规则版本 {} <span class=\"en\">{}, rules version {}</span>",
                escape(&story.scenario_title.zh),
                escape(&story.pack_version),
                escape(&story.scenario_title.en),
                escape(&story.pack_version)
            ),
        );
    }
    meta_row(
        "保管日志",
        "Custody log",
        format!(
            "{log_entries} 条 entries；末条哈希 head hash <span class=\"hash\">{}</span>",
            escape(head.map(|e| e.entry_hash.as_str()).unwrap_or("—"))
        ),
    );
    meta_row(
        "生成工具",
        "Tool",
        format!("退路 Tuilu {}", env!("CARGO_PKG_VERSION")),
    );
    h.push_str("</table>\n</header>\n");

    h
}

/// The facts that shaped the plan, question and answer (nothing when there are none).
fn facts_section(story: &CaseStory) -> String {
    let mut h = String::new();
    if !story.facts.is_empty() {
        h.push_str(
            "<section class=\"facts\">\n<h2>影响计划的事实 <span class=\"en\">Facts that shaped the plan</span></h2>\n\
             <table>\n<thead><tr><th>问题 <span class=\"en\">Question</span></th>\
             <th>用户的回答 <span class=\"en\">The user's answer</span></th></tr></thead>\n<tbody>\n",
        );
        for f in &story.facts {
            h.push_str(&format!(
                "<tr><td>{}</td><td>{}</td></tr>\n",
                bi(&f.question),
                bi(&f.answer)
            ));
        }
        h.push_str("</tbody>\n</table>\n</section>\n");
    }
    h
}

/// The evidence list: a row per item.
fn evidence_list(items: &[ManifestItem], names: &StepNames<'_>) -> String {
    let mut h = String::new();
    h.push_str(
        "<section class=\"list\">\n<h2>证据清单 <span class=\"en\">Evidence list</span></h2>\n\
         <table class=\"items\">\n<colgroup><col class=\"n\"><col class=\"time\"><col class=\"steps\">\
         <col class=\"file\"><col class=\"desc\"><col class=\"hash\"></colgroup>\n<thead><tr>\
         <th>序号<br><span class=\"en\">No.</span></th>\
         <th>时间<br><span class=\"en\">Time (UTC+8)</span></th>\
         <th>证明步骤<br><span class=\"en\">Steps proved</span></th>\
         <th>文件<br><span class=\"en\">File</span></th>\
         <th>说明<br><span class=\"en\">Description</span></th>\
         <th>SHA-256</th></tr></thead>\n<tbody>\n",
    );
    for it in items {
        h.push_str(&evidence_row(it, names));
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
    h
}

/// One item of the evidence list: when (and how that time is known), the steps it proves,
/// the file, the description and tags, the hash.
fn evidence_row(it: &ManifestItem, names: &StepNames<'_>) -> String {
    let words = it
        .captured_at_source
        .as_deref()
        .and_then(super::capture::source_words);
    let time = match (&it.captured_at, words) {
        (Some(t), Some((zh, en))) => format!(
            "{}<br><span class=\"en\">拍摄，{} captured, {}</span>",
            beijing_str(t),
            escape(zh),
            escape(en)
        ),
        (Some(t), None) => format!(
            "{}<br><span class=\"en\">拍摄 captured</span>",
            beijing_str(t)
        ),
        (None, _) => format!(
            "{}<br><span class=\"en\">导入（拍摄时间未知）imported (capture time unknown)</span>",
            beijing_str(&it.imported_at)
        ),
    };
    let steps: Vec<String> = item_steps(it).iter().map(|s| names.html(s)).collect();
    let step = if steps.is_empty() {
        "未关联 <span class=\"en\">none</span>".to_string()
    } else {
        steps.join("<br>")
    };
    let mut desc = escape(&it.note);
    if !it.tags.is_empty() {
        let tags: Vec<String> = it.tags.iter().map(|t| escape(t)).collect();
        desc.push_str(&format!(
            "<br><span class=\"en\">标签 tags: {}</span>",
            tags.join("、")
        ));
    }
    let mut extra = String::new();
    if let Some(n) = it.pages {
        extra.push_str(&format!(" · {n} 页 pages"));
    }
    if let Some(ms) = it.duration_ms {
        extra.push_str(&format!(" · {}", duration_text(ms)));
    }
    let source = if it.source == "capture" {
        "应用内拍摄 captured in app"
    } else {
        "导入 imported"
    };
    format!(
        "<tr><td>{}</td><td>{time}</td><td>{step}</td>\
         <td><a href=\"{}\">{}</a><br><span class=\"en\">包内文件 in the bundle: {}<br>{} · {}{extra} · {}</span></td>\
         <td class=\"note\">{desc}</td><td class=\"hash\">{}</td></tr>\n",
        it.n,
        url_path(&it.path),
        escape(&it.original_name),
        escape(&it.path),
        kind_words(&it.media_type),
        crate::text::size_text_in(crate::text::Lang::Zh, it.size),
        source,
        escape(&it.sha256),
    )
}

/// How to check the bundle, in both languages.
const FOOTER: &str = "<footer>\n<p>核验方法：解压后在本目录运行 <code>sha256sum -c SHA256SUMS</code>，\
         每个文件都应显示“成功/OK”；或运行 <code>tuilu evidence verify-bundle 本文件.zip</code>。\
         原始文件按字节原样保存，未经压缩或修改；本页的缩略图直接显示原始文件，没有另存缩小的副本。</p>\n\
         <p class=\"en\">How to verify: unzip, then run <code>sha256sum -c SHA256SUMS</code> in \
         this folder; every file must report OK. Or run <code>tuilu evidence verify-bundle \
         bundle.zip</code>. Originals are stored byte-for-byte, never recompressed or \
         modified; thumbnails on this page show the original files, no resized copies are stored. \
         <code>custody-log.jsonl</code> is the hash-chained custody log; \
         <code>manifest.json</code> holds the metadata and the case snapshot.</p>\n</footer>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
