//! Cheap facts about a media file for the printed index: a PDF's page count, a video's
//! duration. Best effort: `None` whenever the answer is not cheap or not certain.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// PDFs larger than this are not scanned for their page count.
const PDF_SCAN_LIMIT: u64 = 64 << 20;
/// A `moov` box larger than this is not read.
const MOOV_LIMIT: u64 = 16 << 20;

/// What the index shows about a file besides its name and size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaInfo {
    pub pages: Option<u32>,
    pub duration_ms: Option<u64>,
}

/// Reads what is cheap to read for `media_type`.
pub fn probe(path: &Path, media_type: &str) -> MediaInfo {
    match media_type {
        "application/pdf" => MediaInfo {
            pages: pdf_page_count(path),
            duration_ms: None,
        },
        "video/mp4" | "video/quicktime" | "video/3gpp" | "audio/mp4" | "audio/m4a"
        | "audio/x-m4a" => MediaInfo {
            pages: None,
            duration_ms: mp4_duration_ms(path),
        },
        _ => MediaInfo::default(),
    }
}

/// The page count of a PDF whose page tree is stored uncompressed: the largest `/Count`
/// of a `/Type /Pages` dictionary (the root's). PDFs that keep the tree in compressed
/// object streams give `None`.
pub fn pdf_page_count(path: &Path) -> Option<u32> {
    let f = File::open(path).ok()?;
    if f.metadata().ok()?.len() > PDF_SCAN_LIMIT {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(PDF_SCAN_LIMIT).read_to_end(&mut bytes).ok()?;
    pdf_page_count_bytes(&bytes)
}

/// [`pdf_page_count`] on bytes in memory.
pub fn pdf_page_count_bytes(b: &[u8]) -> Option<u32> {
    if !b.starts_with(b"%PDF-") {
        return None;
    }
    let mut best: Option<u32> = None;
    let mut i = 0;
    while let Some(p) = find(&b[i..], b"/Type") {
        let at = i + p;
        i = at + 5;
        let rest = skip_ws(&b[i..]);
        let is_pages = rest.starts_with(b"/Pages")
            && !rest[6..].first().is_some_and(u8::is_ascii_alphanumeric);
        if !is_pages {
            continue;
        }
        // The object around it (from its `obj` to its `endobj`, within 4 KiB either
        // side): search it for `/Count n`.
        let back = &b[at.saturating_sub(4096)..at];
        let lo = match back.windows(3).rposition(|w| w == b"obj") {
            Some(q) => at - back.len() + q,
            None => continue,
        };
        let ahead = &b[at..(at + 4096).min(b.len())];
        let hi = match find(ahead, b"endobj") {
            Some(q) => at + q,
            None => continue,
        };
        let window = &b[lo..hi];
        let mut j = 0;
        while let Some(q) = find(&window[j..], b"/Count") {
            let digits = skip_ws(&window[j + q + 6..]);
            let n: String = digits
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .map(|&c| c as char)
                .collect();
            if let Ok(n) = n.parse::<u32>() {
                best = Some(best.map_or(n, |b| b.max(n)));
            }
            j += q + 6;
        }
    }
    best.filter(|&n| n > 0)
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let n = b
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' | b'\0'))
        .count();
    &b[n..]
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The duration of an MP4 / QuickTime file from its `moov/mvhd` box, in milliseconds.
/// Walks the top-level boxes by seeking, so a `moov` at the end costs a few reads.
pub fn mp4_duration_ms(path: &Path) -> Option<u64> {
    let f = File::open(path).ok()?;
    let len = f.metadata().ok()?.len();
    mp4_duration_ms_in(f, len)
}

/// [`mp4_duration_ms`] on any seekable reader of `len` bytes.
pub fn mp4_duration_ms_in<R: Read + Seek>(mut f: R, len: u64) -> Option<u64> {
    let mut pos = 0u64;
    for _ in 0..4096 {
        if pos.saturating_add(8) > len {
            return None;
        }
        f.seek(SeekFrom::Start(pos)).ok()?;
        let mut h = [0u8; 16];
        f.read_exact(&mut h[..8]).ok()?;
        let size32 = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) as u64;
        let kind = [h[4], h[5], h[6], h[7]];
        let (size, header) = match size32 {
            0 => (len - pos, 8),
            1 => {
                f.read_exact(&mut h[8..16]).ok()?;
                (
                    u64::from_be_bytes([h[8], h[9], h[10], h[11], h[12], h[13], h[14], h[15]]),
                    16,
                )
            }
            n => (n, 8),
        };
        if size < header {
            return None;
        }
        if &kind == b"moov" {
            let body = size - header;
            if body > MOOV_LIMIT {
                return None;
            }
            let mut moov = vec![0u8; body as usize];
            f.read_exact(&mut moov).ok()?;
            return mvhd_duration_ms(&moov);
        }
        pos = pos.checked_add(size)?;
    }
    None
}

/// Finds `mvhd` among the children of a `moov` body.
fn mvhd_duration_ms(moov: &[u8]) -> Option<u64> {
    let mut i = 0usize;
    while i + 8 <= moov.len() {
        let size = u32::from_be_bytes(moov[i..i + 4].try_into().ok()?) as usize;
        let kind = &moov[i + 4..i + 8];
        if size < 8 || i.saturating_add(size) > moov.len() {
            return None;
        }
        if kind == b"mvhd" {
            let b = &moov[i + 8..i + size];
            let version = *b.first()?;
            let (timescale, duration) = if version == 1 {
                (
                    u32::from_be_bytes(b.get(20..24)?.try_into().ok()?) as u64,
                    u64::from_be_bytes(b.get(24..32)?.try_into().ok()?),
                )
            } else {
                (
                    u32::from_be_bytes(b.get(12..16)?.try_into().ok()?) as u64,
                    u32::from_be_bytes(b.get(16..20)?.try_into().ok()?) as u64,
                )
            };
            if timescale == 0 || duration == u64::MAX || duration == u32::MAX as u64 {
                return None;
            }
            return Some(duration.saturating_mul(1000) / timescale);
        }
        i += size;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_root_page_count() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
                    2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 3 >> endobj\n\
                    3 0 obj << /Type /Pages /Parent 2 0 R /Kids [5 0 R 6 0 R] /Count 2 >> endobj\n\
                    5 0 obj << /Type /Page /Parent 3 0 R >> endobj\n\
                    7 0 obj << /Type /Outlines /Count 9 >> endobj\n";
        assert_eq!(pdf_page_count_bytes(pdf), Some(3));
        assert_eq!(pdf_page_count_bytes(b"%PDF-1.7\n<< /Type /Page >>"), None);
        assert_eq!(
            pdf_page_count_bytes(b"not a pdf /Type /Pages /Count 4"),
            None
        );
    }

    #[test]
    fn mp4_duration_from_mvhd() {
        let mut mvhd = vec![0u8; 8 + 100];
        mvhd[..4].copy_from_slice(&108u32.to_be_bytes());
        mvhd[4..8].copy_from_slice(b"mvhd");
        mvhd[8 + 12..8 + 16].copy_from_slice(&600u32.to_be_bytes()); // timescale
        mvhd[8 + 16..8 + 20].copy_from_slice(&45_300u32.to_be_bytes()); // 75.5 s
        let mut file = Vec::new();
        file.extend_from_slice(&16u32.to_be_bytes());
        file.extend_from_slice(b"ftypisom\0\0\0\0");
        file.extend_from_slice(&16u32.to_be_bytes());
        file.extend_from_slice(b"mdat12345678");
        file.extend_from_slice(&(8 + mvhd.len() as u32).to_be_bytes());
        file.extend_from_slice(b"moov");
        file.extend_from_slice(&mvhd);
        let dir = std::env::temp_dir().join(format!("tuilu-mp4-{}", std::process::id()));
        std::fs::write(&dir, &file).unwrap();
        assert_eq!(mp4_duration_ms(&dir), Some(75_500));
        std::fs::write(&dir, &file[..30]).unwrap();
        assert_eq!(mp4_duration_ms(&dir), None);
        let _ = std::fs::remove_file(&dir);
    }
}
