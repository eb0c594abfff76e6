//! The view models: plain data, one per screen, with every user-facing string already in
//! the user's language. Shells draw them as given; the CLI prints them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::timing::DeadlineView;
use crate::rules::pack::Channel;
use crate::vault::{StepAction, StepStatus};

/// Home: open cases, most urgent first, the first page of them worded as cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomeView {
    /// The first open cases, most urgent first (all of them in the CLI).
    pub cases: Vec<CaseCard>,
    /// How many cases are open, shown or not.
    pub open_count: i64,
    /// Set when open cases follow those in `cases`: the list's last row, which sends
    /// `Event::ShowMoreCases` when it is reached or tapped.
    pub more_cases: Option<MoreCases>,
    pub archived_count: i64,
    /// Archived cases, when asked for.
    pub archived_cases: Vec<CaseCard>,
    /// "2027 年节假日安排尚未公布，相关日期为估算".
    pub calendar_warnings: Vec<String>,
    /// Shown when there is no open case.
    pub empty_text: Option<String>,
    /// The label of the action that starts a new case ("开始一个退出流程").
    pub start_label: String,
    /// Set when the device clock is before this version's build date: what is wrong and
    /// what to do, in words ([`super::clock::clock_warning`]).
    pub clock_warning: Option<String>,
}

/// The end of a home list that has more cases than it shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoreCases {
    /// "还有 970 个进行中的退出流程".
    pub text: String,
    /// "显示更多".
    pub label: String,
    pub remaining: i64,
    /// How many cases the list shows with the next page: what a shell that keeps its own
    /// list passes to `App::home_showing`.
    pub next_shown: i64,
}

/// One case on the home screen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseCard {
    pub id: String,
    pub scenario: String,
    pub title: String,
    pub platform: String,
    pub settled: i64,
    pub total: i64,
    /// "3/9 步".
    pub progress_text: String,
    /// "下一步：第 4 步「提交退会申请」", or what the case waits for.
    pub next_action: Option<String>,
    /// The running timed rule that matters most (an overdue one first).
    pub next_deadline: Option<DeadlineView>,
    /// The step `next_deadline` belongs to, by title.
    pub next_deadline_step: Option<String>,
    pub overdue: bool,
    pub estimated: bool,
    pub updated_at: DateTime<Utc>,
}

/// The scenario picker, platforms grouped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioPickerView {
    pub groups: Vec<PlatformGroup>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlatformGroup {
    pub platform: String,
    pub label: String,
    pub scenarios: Vec<ScenarioCard>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioCard {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub pack_version: String,
    pub last_reviewed: String,
    /// "规则最近审核：2026-09-01".
    pub last_reviewed_text: String,
    /// Rules the user marked as possibly outdated.
    pub flagged_rules: i64,
    /// Steps in the pack (the plan for the user's answers may have fewer).
    pub steps_in_pack: i64,
}

/// How a question is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    YesNo,
    Choice,
    Money,
    Integer,
    Date,
    DateTime,
    Text,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceOption {
    /// What to send back as the answer.
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One question of the questionnaire.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub help: Option<String>,
    pub kind: QuestionKind,
    /// "是/否", "选项", "金额（元）"...: what kind of answer, in words.
    pub kind_label: String,
    /// Yes/no and choice answers, labelled (yes/no as "true"/"false").
    pub options: Vec<ChoiceOption>,
    /// Lower bound of a number or amount.
    pub min: Option<f64>,
    /// The answer in words ("是", "¥8,000.00", "季度"), given or assumed.
    pub answer_text: Option<String>,
    /// The answer as it is sent back (option value, number, date).
    pub answer_value: Option<String>,
    /// True when the answer is the pack's assumption, not the user's.
    pub assumed: bool,
    /// "默认按「否」计算，可修改".
    pub assumed_text: Option<String>,
    /// Why the last answer was refused, and what would be accepted.
    pub error: Option<String>,
    /// Answered by the user, or no default: it still needs an answer.
    pub needs_answer: bool,
}

/// The questionnaire for a scenario and the answers so far, with what they change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionnaireView {
    pub scenario: String,
    pub title: String,
    pub questions: Vec<QuestionView>,
    pub answered: i64,
    pub total: i64,
    /// Every question without an assumption has a valid answer.
    pub complete: bool,
    pub preview: PlanPreview,
}

/// What the plan looks like with the answers so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanPreview {
    pub steps: Vec<PreviewStep>,
    /// Blockers that apply, in plain words (title — remedy).
    pub blockers: Vec<String>,
    /// Steps the answers added, by title.
    pub added_steps: Vec<String>,
    /// Steps the answers removed, by title.
    pub removed_steps: Vec<String>,
    pub amounts: Vec<AmountView>,
    pub warnings: Vec<String>,
    /// "9 个步骤；1 项阻碍".
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PreviewStep {
    pub number: i64,
    pub title: String,
    /// Depends on a question not answered yet.
    pub undetermined: bool,
    /// "提交后对方应在 1–3 个工作日内答复".
    pub timing: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmountView {
    pub id: String,
    pub label: String,
    /// "¥1,500.00"; `None` while a question it needs is open.
    pub value_text: Option<String>,
    pub value: Option<f64>,
    pub explanation: String,
    pub pending_text: Option<String>,
}

/// Where a rule comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceView {
    pub quote: String,
    pub seed: String,
    pub confidence: String,
    pub last_reviewed: String,
    pub note: Option<String>,
    /// "出处可信度：中 · 最近审核：2026-09-01".
    pub summary: String,
}

/// The user's mark on a rule they think is outdated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagView {
    pub note: String,
    pub flagged_at: DateTime<Utc>,
    /// "⚑ 你标记了此规则可能过时：…".
    pub text: String,
}

/// An action the user can take on a step now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionView {
    pub action: StepAction,
    pub label: String,
    /// The app offers a time picker (default now): a submission's time starts a clock.
    pub asks_time: bool,
    /// The picker's question ("什么时候提交的？"), when it asks.
    pub time_question: Option<String>,
    /// The picker's day choices and bounds, when it asks.
    pub when: Option<super::when::WhenView>,
    /// A route must be chosen first: the step offers several (`StepRow::routes`) and none
    /// was taken yet. The shell shows the routes, then sends the action with the route.
    pub choose_route: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteView {
    pub id: String,
    pub title: String,
    pub channel: String,
    pub instructions: String,
    /// The route the user took (or the main one before a choice).
    pub selected: bool,
    pub timing: Option<String>,
}

/// One step of the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepRow {
    pub id: String,
    pub number: i64,
    pub title: String,
    pub instructions: String,
    pub channel: Channel,
    /// Where it is done ("手机App", "客服").
    pub channel_label: String,
    pub status: StepStatus,
    pub status_label: String,
    /// Local time of the latest change ("2026-09-30 17:00").
    pub status_at: Option<String>,
    pub actions: Vec<ActionView>,
    /// Why the step cannot be done yet, naming the step to finish first by its title.
    pub locked_reason: Option<String>,
    pub routes: Vec<RouteView>,
    /// Before its clock runs: what the timed rule will mean.
    pub timing: Option<String>,
    /// While its clock runs.
    pub deadline: Option<DeadlineView>,
    pub overdue: bool,
    /// What to do when the deadline passes without an answer.
    pub escalation: Option<String>,
    pub warnings: Vec<String>,
    pub tips: Vec<String>,
    /// What to keep as evidence for this step.
    pub evidence_hints: Vec<String>,
    pub evidence_count: i64,
    /// The evidence section shows: the step expects evidence (the pack names what to
    /// keep) or some is already filed under it.
    pub shows_evidence: bool,
    /// A settled step (done or skipped) folds to one line: number, title and
    /// `collapsed_text`. The shell may unfold it on a tap.
    pub collapsed: bool,
    /// The folded line after the title: "✓ 10月9日 14:00", "已跳过 9月28日 10:00".
    pub collapsed_text: Option<String>,
    pub source: Option<SourceView>,
    pub flag: Option<FlagView>,
    /// Depends on an unanswered question ("待确认：…").
    pub pending: Option<String>,
    pub note: Option<String>,
}

/// The action undo would revert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UndoView {
    pub step: String,
    /// "撤销「完成：备份数据」".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactLine {
    pub id: String,
    pub label: String,
    pub value: String,
    pub assumed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BlockerView {
    pub id: String,
    pub title: String,
    pub remedy: String,
}

/// The case screen: the checklist.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseScreen {
    pub id: String,
    pub scenario: String,
    pub title: String,
    pub platform: String,
    pub pack_version: String,
    /// "规则包已更新到 v1.1.0，更新后按新规则重新规划（进度保留）".
    pub newer_pack: Option<String>,
    pub archived: bool,
    pub facts: Vec<FactLine>,
    pub settled: i64,
    pub total: i64,
    pub progress_text: String,
    pub blockers: Vec<BlockerView>,
    /// What is next and when it is due, or what the case waits for, or that all is done:
    /// "下一步：第 4 步「提交退会申请」 · 10月10日前".
    pub next_text: String,
    /// The index in `steps` of the step to act on now (the screen opens scrolled to it,
    /// unfolded); none when every step is settled.
    pub focus_step: Option<i64>,
    pub steps: Vec<StepRow>,
    pub dropped_steps: Vec<StepRow>,
    pub warnings: Vec<String>,
    pub consequences: Vec<String>,
    pub amounts: Vec<AmountView>,
    pub undo: Option<UndoView>,
    /// Questions still open, in words.
    pub open_questions: Vec<String>,
    /// The same open questions as cards the user answers in place (the questionnaire's
    /// controls), each with why it matters to the plan. An answer is sent as
    /// `Event::CaseAnswered`.
    pub question_cards: Vec<OpenQuestionCard>,
    /// History, update to new rules, archive, delete: each sends its event.
    pub menu: Vec<super::case_admin::CaseMenuItem>,
    pub overdue_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An open question on the checklist, answered in place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OpenQuestionCard {
    pub question: QuestionView,
    /// What the answer decides: "回答后才能确定是否需要第 5 步「…」".
    pub reason: String,
}

/// One evidence item as listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceRow {
    pub id: String,
    /// "截图", "视频", "PDF 文件"...
    pub kind_label: String,
    pub media_type: String,
    pub file_name: String,
    pub size: i64,
    pub size_text: String,
    /// The row's second line: "截图 · 1.2 MB".
    pub detail: String,
    /// Local time, or "拍摄时间未知".
    pub captured_text: String,
    pub captured_at: Option<DateTime<Utc>>,
    /// The first 12 hex digits.
    pub short_hash: String,
    pub sha256: String,
    pub step: Option<String>,
    pub step_title: Option<String>,
    pub note: String,
    /// What the last check of this case's evidence found for this item.
    pub verify_state: VerifyState,
    /// "完好（已于 10:05 核验）", "文件已被改动": set once the case's evidence was checked.
    pub verify_text: Option<String>,
}

/// What the last evidence check found for one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyState {
    /// Not checked since the app started.
    Unchecked,
    Intact,
    /// The file is gone.
    Missing,
    /// The file's bytes no longer match its hash.
    Changed,
    /// Its record or custody entry disagrees (edited records).
    RecordProblem,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceListView {
    pub case_id: String,
    /// The listed step's title, or the case's.
    pub title: String,
    /// The steps an item can move to (`Event::MoveEvidence`), in order, with their labels.
    pub move_targets: Vec<MoveTarget>,
    /// "移到其他步骤", "删除": the item actions' labels.
    pub move_label: String,
    pub delete_label: String,
    pub step: Option<String>,
    pub items: Vec<EvidenceRow>,
    pub total_size_text: String,
    pub empty_text: Option<String>,
    /// After a check: "已核验 3 份证据，全部完好（10:05）" or what is wrong.
    pub verify_summary: Option<String>,
    /// After a check: true when nothing was wrong.
    pub verify_intact: Option<bool>,
}

/// A step an evidence item can be moved to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveTarget {
    pub step_id: String,
    /// "第 3 步：提交退会申请".
    pub label: String,
}

/// A notification the phone should hold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotificationView {
    pub id: String,
    /// What to schedule it under (changes when it must be replaced).
    pub token: String,
    pub fire_at: DateTime<Utc>,
    pub fire_local: String,
    pub title: String,
    pub body: String,
    /// `deadline`, `follow_up`, `waiting_over`, `short_window`: the channel or category.
    pub category: String,
    pub actions: Vec<NotificationAction>,
    pub case_id: Option<String>,
    pub step_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotificationAction {
    /// `submitted`, `snooze`.
    pub id: String,
    pub label: String,
}

/// What to schedule and cancel now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReminderSyncView {
    pub schedule: Vec<NotificationView>,
    pub cancel: Vec<String>,
    pub keep: Vec<String>,
    /// The most notifications to keep pending (iOS allows 64).
    pub budget: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalendarYearLine {
    pub year: i32,
    /// "2026：国务院办公厅通知（内置）", "2027：估算（仅按周末计算）".
    pub text: String,
    pub estimated: bool,
}

/// Settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingsView {
    pub language: crate::text::Lang,
    pub language_label: String,
    pub time_zone: String,
    pub quiet_hours_enabled: bool,
    /// "22:00–08:00".
    pub quiet_hours_text: String,
    pub preferred_time: String,
    pub calendar_years: Vec<CalendarYearLine>,
    pub calendar_warnings: Vec<String>,
    pub vault_size: i64,
    pub vault_size_text: String,
    pub evidence_count: i64,
    pub case_count: i64,
    /// Rule packs added on this device that failed to load (kept on disk, not used).
    pub pack_problems: Vec<String>,
}

/// The letters a case can draft: every template of its scenario, numbered, each available
/// now or with the reason it is not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LettersView {
    pub case_id: String,
    /// "文书草稿".
    pub title: String,
    pub letters: Vec<LetterCard>,
    /// Shown when the scenario has no letter.
    pub empty_text: Option<String>,
}

/// One letter in the list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterCard {
    pub id: String,
    /// What the user types to open it (`tuilu letter <case> 2`).
    pub number: i64,
    pub title: String,
    /// "书面通知", "投诉"...
    pub kind_label: String,
    /// The step it belongs to, by number and title ("第 6 步「提前30天书面通知MCN解约」").
    pub step_text: String,
    /// The card's second line: "书面通知 · 第 6 步「…」".
    pub detail: String,
    /// It can be drafted now (possibly after answering a few questions).
    pub available: bool,
    /// Why not, in words, naming steps by title.
    pub reason: Option<String>,
    /// Questions to answer before the letter can be written.
    pub missing_count: i64,
    /// "可以生成", "还需回答 2 个问题", "已于 2026-10-08 09:00 发送".
    pub status_text: String,
    /// When it was last marked as sent (local time), if ever.
    pub sent_text: Option<String>,
}

/// A dated line of a letter: what the date is, and the date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterDateView {
    pub label: String,
    pub value: String,
}

/// An evidence item listed as an attachment: the same name, time and hash as in the
/// dispute bundle, so the two refer to each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterAttachment {
    pub number: i64,
    pub evidence_id: String,
    pub file_name: String,
    /// "记录于北京时间 2026年9月28日 14:03" or "记录时间不详".
    pub captured_text: String,
    pub short_hash: String,
    pub sha256: String,
    /// The whole line as the letter prints it.
    pub text: String,
}

/// A copy of the letter already marked as sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SentCopy {
    pub evidence_id: String,
    pub sent_at: DateTime<Utc>,
    /// "已于 2026-10-08 09:00 发送（证据哈希 3f2a…）".
    pub text: String,
}

/// One letter, structured. When facts are missing, `complete` is false, `missing` lists
/// them as questions and the body is empty: a letter never shows a blank.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterView {
    pub case_id: String,
    pub id: String,
    pub number: i64,
    pub kind_label: String,
    pub title: String,
    pub recipient: String,
    /// The letter's date ("2026年10月8日").
    pub date_text: String,
    pub dates: Vec<LetterDateView>,
    pub paragraphs: Vec<String>,
    pub demands: Vec<String>,
    pub attachments: Vec<LetterAttachment>,
    pub signature: Vec<String>,
    pub complete: bool,
    pub available: bool,
    /// Why the letter cannot be drafted now (see `LetterCard::reason`).
    pub reason: Option<String>,
    pub missing: Vec<QuestionView>,
    /// "还需要回答以下 2 个问题，才能生成这封信".
    pub missing_text: Option<String>,
    /// In English: "English rendering for your understanding only…"; none in Chinese.
    pub translation_note: Option<String>,
    /// Advice to the writer (not part of the letter).
    pub guidance: Option<String>,
    pub step_id: String,
    pub step_text: String,
    pub source: SourceView,
    pub sent: Vec<SentCopy>,
    /// The whole letter as plain text (to copy or share); empty while incomplete.
    pub plain_text: String,
    /// Section headings in the view's language, for shells and renderers.
    pub labels: LetterLabels,
    /// The letter's page below its title, laid out in the view's language (recipient
    /// line, indented body, headed and numbered lists, labelled dates, signature): a
    /// shell prints each line as given, styled by its role. Empty while incomplete.
    pub page: Vec<LetterPageLine>,
    /// "出处：“…”（出处可信度：中 · 最近审核：…）" / "Source: “…” (confidence: …)".
    pub source_text: String,
}

/// What a line of a laid-out letter is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterLineRole {
    /// "抖音客服：" / "Douyin customer service:".
    Recipient,
    /// A paragraph (indented with two ideographic spaces in Chinese).
    Body,
    /// "诉求：" / "Demands:".
    Heading,
    /// "1. …": a demand, a labelled date or an attachment.
    Item,
    /// A signature line (name, phone, date), set flush right.
    Signature,
}

/// One line of a laid-out letter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterPageLine {
    pub role: LetterLineRole,
    pub text: String,
}

/// Headings a letter is printed with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LetterLabels {
    /// "诉求".
    pub demands: String,
    /// "附件清单".
    pub attachments: String,
    /// "日期说明".
    pub dates: String,
    /// "出处".
    pub source: String,
}
