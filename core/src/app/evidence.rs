//! The evidence list of a case. The evidence events (add, delete, export, bundle, verify)
//! are in `evidence_ops.rs`.

use super::error::{evidence_error, vault_error};
use super::present::{size_text_in, tr};
use super::views::*;
use super::{App, AppError, EvidenceListView, Missing, ViewContext};
use crate::evidence::{EvidenceItem, EvidenceStore};
use crate::text::Lang;
use crate::vault::CaseView;

impl App {
    /// The evidence of a case, or of one of its steps.
    pub fn evidence_list(
        &self,
        ctx: &ViewContext,
        case_ref: &str,
        step: Option<&str>,
    ) -> Result<EvidenceListView, AppError> {
        let vault = self.vault(ctx.now)?;
        let view = vault
            .case(case_ref, ctx.now)
            .map_err(|e| vault_error(e, None, ctx.lang))?;
        if let Some(s) = step {
            if view.step(s).is_none() {
                return Err(AppError::NotFound {
                    what: Missing::Step,
                    id: s.to_string(),
                });
            }
        }
        let root = vault.dir().to_path_buf();
        let items = vault
            .with_connection_mut(|conn| EvidenceStore::new(conn, &root).list(&view.id))
            .map_err(evidence_error)?;
        let mut list = build_evidence_list(ctx, &view, step, &items);
        self.apply_verify(ctx, &mut list);
        Ok(list)
    }
}

fn media_kind_label(lang: Lang, media_type: &str) -> String {
    let (zh, en) = match media_type {
        t if t.starts_with("image/") => ("图片", "image"),
        t if t.starts_with("video/") => ("视频", "video"),
        t if t.starts_with("audio/") => ("录音", "audio"),
        "application/pdf" => ("PDF 文件", "PDF"),
        t if t.starts_with("text/") => ("文本", "text"),
        _ => ("文件", "file"),
    };
    tr(lang, zh, en)
}

fn build_evidence_list(
    ctx: &ViewContext,
    case: &CaseView,
    step: Option<&str>,
    items: &[EvidenceItem],
) -> EvidenceListView {
    let lang = ctx.lang;
    let rows: Vec<EvidenceRow> = items
        .iter()
        .filter(|i| i.deleted_at.is_none())
        .filter(|i| step.is_none_or(|s| i.steps().iter().any(|l| l.step_id == s)))
        .map(|i| {
            // Listed for a step, an item linked to several is named by that step, not the
            // first one it was added to.
            let shown_step = step.map(str::to_string).or_else(|| i.step_id.clone());
            let kind_label = media_kind_label(lang, &i.media_type);
            EvidenceRow {
                id: i.id.clone(),
                detail: format!("{kind_label} · {}", size_text_in(lang, i.size)),
                kind_label,
                media_type: i.media_type.clone(),
                file_name: i.original_name.clone(),
                size: i.size as i64,
                size_text: size_text_in(lang, i.size),
                captured_text: match i.captured_at {
                    Some(t) => super::evidence_ops::captured_text(ctx, t, i),
                    None => tr(lang, "拍摄时间未知", "capture time unknown"),
                },
                captured_at: i.captured_at,
                short_hash: i.sha256.chars().take(12).collect(),
                sha256: i.sha256.clone(),
                step_title: shown_step
                    .as_deref()
                    .and_then(|s| case.step(s))
                    .map(|s| s.title.get(lang).to_string()),
                step: shown_step,
                note: i.note.clone(),
                verify_state: VerifyState::Unchecked,
                verify_text: None,
            }
        })
        .collect();
    let total: u64 = rows.iter().map(|r| r.size as u64).sum();
    let listed = step.and_then(|s| case.step(s));
    let title = match listed {
        Some(s) => s.title.get(lang).to_string(),
        None => case.title.get(lang).to_string(),
    };
    let move_targets = case
        .steps
        .iter()
        .filter(|s| s.in_plan && Some(s.id.as_str()) != step)
        .map(|s| MoveTarget {
            step_id: s.id.clone(),
            label: match lang {
                Lang::Zh => format!("第 {} 步：{}", s.number, s.title.get(lang)),
                Lang::En => format!("Step {}: {}", s.number, s.title.get(lang)),
            },
        })
        .collect();
    EvidenceListView {
        case_id: case.id.clone(),
        title,
        move_targets,
        move_label: tr(lang, "移到其他步骤", "Move to another step"),
        delete_label: tr(lang, "删除", "Delete"),
        step: step.map(str::to_string),
        empty_text: rows.is_empty().then(|| {
            tr(
                lang,
                "还没有证据。截图、录屏、聊天记录和合同都可以添加，文件原样保存并记录哈希。",
                "No evidence yet. Add screenshots, recordings, chats and contracts; files are kept as they are, with their hash.",
            )
        }),
        items: rows,
        total_size_text: size_text_in(lang, total),
        verify_summary: None,
        verify_intact: None,
    }
}
