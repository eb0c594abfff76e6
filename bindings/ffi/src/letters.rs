//! Letters drafted from a case across the FFI: the list, one letter (structured, with its
//! text), its printable HTML, and "mark as sent". A separate `#[uniffi::export] impl` of
//! [`TuiluApp`]; the records come from the core's views through `view_record!`.

use tuilu_core::app::{self as core_app, App};

use super::{
    run, AppError, QuestionViewRecord, SourceViewRecord, ToFfi, TuiluApp, ViewContextRecord,
};
use crate::uniffi_support::Timestamp;

view_record!(
    /// One letter in the list: its number, step, state, and why it is not available.
    LetterCardRecord <= core_app::LetterCard {
        id: String, number: i32 as count, title: String, kind_label: String, step_text: String,
        detail: String,
        available: bool, reason: Option<String>, missing_count: i32 as count, status_text: String,
        sent_text: Option<String>,
    }
);
view_record!(
    /// The letters a case can draft.
    LettersViewRecord <= core_app::LettersView {
        case_id: String, title: String, letters: Vec<LetterCardRecord>,
        empty_text: Option<String>,
    }
);
view_record!(
    /// A date in a letter with the label that says what it is.
    LetterDateRecord <= core_app::LetterDateView { label: String, value: String }
);
view_record!(
    /// An evidence item listed as an attachment (name, time, short hash, as in the bundle).
    LetterAttachmentRecord <= core_app::LetterAttachment {
        number: i32 as count, evidence_id: String, file_name: String, captured_text: String,
        short_hash: String, sha256: String, text: String,
    }
);
view_record!(
    /// A copy already marked as sent.
    SentCopyRecord <= core_app::SentCopy { evidence_id: String, sent_at: Timestamp, text: String }
);
view_record!(
    /// The headings a letter is printed with.
    LetterLabelsRecord <= core_app::LetterLabels {
        demands: String, attachments: String, dates: String, source: String,
    }
);
mirror_enum!(
    /// What a line of a laid-out letter is, for its style only: its text is printed as given.
    LetterLineRole <=> core_app::LetterLineRole { Recipient, Body, Heading, Item, Signature }
);
via_from!(core_app::LetterLineRole => LetterLineRole);
view_record!(
    /// One line of a laid-out letter, in the view's language.
    LetterPageLineRecord <= core_app::LetterPageLine { role: LetterLineRole, text: String }
);
view_record!(
    /// One letter. `complete` false: the body is empty and `missing` holds the questions
    /// to answer (with `set_case_facts`); `reason` set: not available now.
    LetterViewRecord <= core_app::LetterView {
        case_id: String, id: String, number: i32 as count, kind_label: String, title: String,
        recipient: String, date_text: String, dates: Vec<LetterDateRecord>,
        paragraphs: Vec<String>, demands: Vec<String>,
        attachments: Vec<LetterAttachmentRecord>, signature: Vec<String>, complete: bool,
        available: bool, reason: Option<String>, missing: Vec<QuestionViewRecord>,
        missing_text: Option<String>, translation_note: Option<String>,
        guidance: Option<String>, step_id: String, step_text: String,
        source: SourceViewRecord, sent: Vec<SentCopyRecord>, plain_text: String,
        labels: LetterLabelsRecord, page: Vec<LetterPageLineRecord>, source_text: String,
    }
);

export_views! {
    /// The case's letters, numbered, each available now or with the reason it is not.
    fn letters(case_id: String) -> LettersViewRecord = |app, c| app.letters(c, &case_id);
    /// One letter (`letter`: its id or number), in the context's language; in English it
    /// is a rendering for the user's understanding, marked as such.
    fn letter(case_id: String, letter: String) -> LetterViewRecord =
        |app, c| app.letter(c, &case_id, &letter);
    /// The letter as a printable HTML page (A4, CJK fonts named), for the platform's print
    /// service.
    fn letter_html(case_id: String, letter: String) -> String =
        |app, c| app.letter(c, &case_id, &letter).map(|v| core_app::letters::html(&v));
    /// Records the letter as sent at `at` (default now): the Chinese text becomes an
    /// evidence file of its step. Returns the letter with the copy listed.
    fn mark_letter_sent(case_id: String, letter: String, at: Option<Timestamp>)
        -> LetterViewRecord = |app, c| app.mark_letter_sent(c, &case_id, &letter, at);
}
