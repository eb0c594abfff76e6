//! Imported year files, stored with the user's data: `<vault>/calendar/<year>.json`.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::CalendarError;
use super::yearfile::{import_year, parse_year_file, YearImport};

/// A stored year file that could not be used (it is skipped; earlier data stays in force).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoadProblem {
    /// The file.
    pub path: String,
    /// What is wrong with it (bilingual).
    pub message: String,
}

/// The calendar directory inside a vault: `<vault>/calendar`.
pub fn calendar_dir(vault: &Path) -> PathBuf {
    vault.join("calendar")
}

/// Where the imported file for `year` lives inside the calendar directory `dir`.
pub fn year_file_path(dir: &Path, year: i32) -> PathBuf {
    dir.join(format!("{year}.json"))
}

/// Writes a validated year file to `<dir>/<year>.json` atomically (temporary file, fsync,
/// rename), creating `dir` when needed. Returns the file's path.
pub fn save_import(dir: &Path, import: &YearImport) -> Result<PathBuf, CalendarError> {
    fs::create_dir_all(dir).map_err(|e| CalendarError::io(dir, &e))?;
    let target = year_file_path(dir, import.year);
    crate::files::write_atomic(&target, import.to_json().as_bytes())
        .map_err(|e| CalendarError::io(&target, &e))?;
    Ok(target)
}

/// Validates `json` with [`import_year`] and, only if it is valid, stores it in `dir`.
/// A rejected file changes nothing on disk.
pub fn import_year_into(dir: &Path, json: &[u8]) -> Result<YearImport, CalendarError> {
    let import = import_year(json)?;
    save_import(dir, &import)?;
    Ok(import)
}

/// Reads every `<year>.json` in `dir`. A missing directory is empty. Files that fail
/// validation are reported as problems and skipped.
pub(crate) fn read_overrides(
    dir: &Path,
) -> Result<(Vec<YearImport>, Vec<LoadProblem>), CalendarError> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(CalendarError::io(dir, &e)),
    };
    let mut years = Vec::new();
    let mut problems = Vec::new();
    let mut paths: Vec<(i32, PathBuf)> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| CalendarError::io(dir, &e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        if stem.len() == 4 && stem.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(y) = stem.parse::<i32>() {
                paths.push((y, entry.path()));
            }
        }
    }
    crate::sort::sort(&mut paths);
    for (stem_year, path) in paths {
        let result = fs::read(&path)
            .map_err(|e| CalendarError::io(&path, &e))
            .and_then(|bytes| parse_year_file(&bytes))
            .and_then(|y| {
                if y.year == stem_year {
                    Ok(y)
                } else {
                    Err(CalendarError::FileNameMismatch {
                        path: path.display().to_string(),
                        year: y.year,
                    })
                }
            });
        match result {
            Ok(y) => years.push(y),
            Err(e) => problems.push(LoadProblem {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }
    Ok((years, problems))
}
