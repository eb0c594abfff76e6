//! `index.html`: the printable evidence list (证据清单) of a bundle.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::custody::CustodyEntry;
use super::export::ManifestItem;
use super::util::parse_time;
use crate::calendar::BEIJING;

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

fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

const STYLE: &str = r#"
body { font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 2em; color: #111; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0; }
.en { color: #555; font-size: 0.85em; font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border: 1px solid #888; padding: 0.35em 0.5em; vertical-align: top; text-align: left; }
th { background: #eee; }
.hash { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.78em;
        word-break: break-all; }
.meta td { border: none; padding: 0.1em 1em 0.1em 0; }
.note { white-space: pre-wrap; }
footer { margin-top: 2em; font-size: 0.85em; color: #333; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { margin: 0; }
  tr { page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The printable evidence list. All user text is escaped.
pub fn index_html(
    case_id: &str,
    case: &Value,
    items: &[ManifestItem],
    log_entries: usize,
    head: Option<&CustodyEntry>,
    now: DateTime<Utc>,
) -> String {
    let case_title = ["title", "name"]
        .iter()
        .find_map(|k| case.get(*k).and_then(Value::as_str))
        .unwrap_or("");
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-Hans\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>证据清单 Evidence list — {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(case_id)
    ));
    h.push_str("<h1>证据清单 <span class=\"en\">Evidence list</span></h1>\n");
    h.push_str("<table class=\"meta\">\n");
    let mut meta_row = |zh: &str, en: &str, value: String| {
        h.push_str(&format!(
            "<tr><td>{zh} <span class=\"en\">{en}</span></td><td>{value}</td></tr>\n"
        ));
    };
    meta_row("案件", "Case", escape(case_id));
    if !case_title.is_empty() {
        meta_row("案件名称", "Case title", escape(case_title));
    }
    meta_row(
        "导出时间",
        "Exported at",
        format!("{}（北京时间 UTC+8）", beijing(now)),
    );
    meta_row("证据数量", "Items", items.len().to_string());
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
    h.push_str("</table>\n");

    h.push_str(
        "<table>\n<thead><tr>\
         <th>序号<br><span class=\"en\">No.</span></th>\
         <th>时间<br><span class=\"en\">Time (UTC+8)</span></th>\
         <th>证明步骤<br><span class=\"en\">Step proved</span></th>\
         <th>文件<br><span class=\"en\">File</span></th>\
         <th>说明<br><span class=\"en\">Description</span></th>\
         <th>SHA-256</th></tr></thead>\n<tbody>\n",
    );
    for it in items {
        let time = match (&it.captured_at, it.captured_at_source.as_deref()) {
            (Some(t), Some("exif")) => format!(
                "{}<br><span class=\"en\">拍摄（EXIF，按北京时间）captured (EXIF, read as UTC+8)</span>",
                beijing_str(t)
            ),
            (Some(t), Some("exif_offset")) => format!(
                "{}<br><span class=\"en\">拍摄（EXIF）captured (EXIF)</span>",
                beijing_str(t)
            ),
            (Some(t), _) => format!(
                "{}<br><span class=\"en\">拍摄 captured</span>",
                beijing_str(t)
            ),
            (None, _) => format!(
                "{}<br><span class=\"en\">导入（拍摄时间未知）imported (capture time unknown)</span>",
                beijing_str(&it.imported_at)
            ),
        };
        let step = match (&it.step_title, &it.step_id) {
            (Some(t), Some(id)) => {
                format!("{}<br><span class=\"en\">{}</span>", escape(t), escape(id))
            }
            (None, Some(id)) => escape(id),
            _ => "未关联 <span class=\"en\">none</span>".to_string(),
        };
        let mut desc = escape(&it.note);
        if !it.tags.is_empty() {
            let tags: Vec<String> = it.tags.iter().map(|t| escape(t)).collect();
            desc.push_str(&format!(
                "<br><span class=\"en\">标签 tags: {}</span>",
                tags.join("、")
            ));
        }
        let source = if it.source == "capture" {
            "应用内拍摄 captured in app"
        } else {
            "导入 imported"
        };
        h.push_str(&format!(
            "<tr><td>{}</td><td>{time}</td><td>{step}</td>\
             <td><a href=\"{}\">{}</a><br><span class=\"en\">原名 original: {}<br>{} · {} · {}</span></td>\
             <td class=\"note\">{desc}</td><td class=\"hash\">{}</td></tr>\n",
            it.n,
            escape(&it.path),
            escape(it.path.trim_start_matches("files/")),
            escape(&it.original_name),
            escape(&it.media_type),
            human_size(it.size),
            source,
            escape(&it.sha256),
        ));
    }
    h.push_str("</tbody>\n</table>\n");
    h.push_str(
        "<footer>\n<p>核验方法：解压后在本目录运行 <code>sha256sum -c SHA256SUMS</code>，\
         每个文件都应显示“成功/OK”；或运行 <code>tuilu evidence verify-bundle 本文件.zip</code>。\
         原始文件按字节原样保存，未经压缩或修改。</p>\n\
         <p class=\"en\">How to verify: unzip, then run <code>sha256sum -c SHA256SUMS</code> in \
         this folder; every file must report OK. Or run <code>tuilu evidence verify-bundle \
         bundle.zip</code>. Originals are stored byte-for-byte, never recompressed or \
         modified. <code>custody-log.jsonl</code> is the hash-chained custody log; \
         <code>manifest.json</code> holds the metadata and the case snapshot.</p>\n</footer>\n",
    );
    h.push_str("</body>\n</html>\n");
    h
}

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
