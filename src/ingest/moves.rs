//! Where inbox files go and how they get there: `archive/` for stored and duplicate files,
//! `rejected/` with a problem list and an annotated copy beside each, `rejected/исправлено/`
//! once a corrected file is accepted. Moves never overwrite and never leave the workspace.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::store::log::{Entry, Outcome};
use crate::workspace::Workspace;

/// Where rejected files go once a corrected file of their submission key is accepted.
pub const FIXED: &str = "исправлено";

/// What is written beside a rejected file.
#[derive(Debug, Clone, Copy)]
pub enum Beside {
    /// The problem list, `<name>.ошибки.txt`.
    ProblemList,
    /// The annotated copy, `<name>.ошибки.xlsx`.
    AnnotatedCopy,
}

/// The name of what is written beside a file in `rejected/`: the file's whole name, its
/// extension kept, then `.ошибки.txt` or `.ошибки.xlsx`. `Журнал.xlsx`, `Журнал.xls` and
/// `Журнал.ods` thus never share a list or a copy (`Журнал.xls.ошибки.xlsx`), and the
/// file's own name in `rejected/` is unique (a second `Журнал.xls` gets its hash).
pub fn beside_rejected(rejected: &Path, what: Beside) -> PathBuf {
    let name = rejected
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let ext = match what {
        Beside::ProblemList => "txt",
        Beside::AnnotatedCopy => "xlsx",
    };
    rejected.with_file_name(format!("{name}.ошибки.{ext}"))
}

/// `archive/<date>_<sha12>_<name>`: date and content hash in the name, extension kept.
pub(super) fn archive_path(
    ws: &Workspace,
    path: &Path,
    sha: &str,
    now: chrono::NaiveDateTime,
) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    ws.archive().join(format!(
        "{}_{}_{name}",
        now.format("%Y-%m-%d"),
        &sha[..12.min(sha.len())]
    ))
}

/// A path from the log that may be trusted as a move target: relative, below archive/ or rejected/.
pub(super) fn inside_workspace(rel: &str) -> bool {
    let path = Path::new(rel);
    path.is_relative()
        && path
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)))
        && (rel.starts_with("archive/") || rel.starts_with("rejected/"))
}

/// The name a file is given in `rejected/`: a teacher's corrected annotated copy
/// (`журнал.ошибки.xlsx`, `журнал_5aa78da2.xlsx.ошибки.xlsx`) goes back to the first name of
/// the journal, `журнал.xlsx`, with its own extension; the `_<sha8>` that told apart two
/// attempts of one name is dropped too. Otherwise every round of corrections would add a
/// suffix (`журнал.ошибки_5aa78da2.ошибки.xlsx`).
pub(super) fn first_name(name: &str) -> String {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return name.to_string();
    };
    let mut base = stem.split(".ошибки").next().unwrap_or(stem);
    if let Some((inner, source_ext)) = base.rsplit_once('.')
        && ["xlsx", "xlsm", "xls", "xlsb", "ods"].contains(&source_ext.to_lowercase().as_str())
    {
        base = inner;
    }
    if let Some((inner, hash)) = base.rsplit_once('_')
        && hash.len() == 8
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && !inner.is_empty()
    {
        base = inner;
    }
    if base.is_empty() {
        name.to_string()
    } else {
        format!("{base}.{ext}")
    }
}

/// Moves every rejected file that a later accepted file of the same submission key has
/// fixed, with its problem list and annotated copy, from `rejected/` to
/// `rejected/исправлено/`, so `rejected/` holds only what still waits for a teacher. Keyed
/// on the log's submission key, never on file names; run at the end of every ingest, so a
/// run killed half-way through the moves is finished by the next one.
pub(super) fn move_fixed_rejections(
    ws: &Workspace,
    entries: &[Entry],
) -> anyhow::Result<Vec<String>> {
    let mut last_commit: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries
        .iter()
        .enumerate()
        .filter(|(_, e)| e.outcome.commits() && !e.key_id.is_empty())
    {
        last_commit.insert(e.key_id.as_str(), i);
    }
    let dir = ws.rejected().join(FIXED);
    let mut moved = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let fixed = e.outcome == Outcome::Rejected
            && last_commit.get(e.key_id.as_str()).is_some_and(|&c| c > i);
        let from = ws.root.join(&e.moved_to);
        // Only files still lying directly in rejected/: those moved before are done.
        if !fixed
            || !inside_workspace(&e.moved_to)
            || from.parent() != Some(ws.rejected().as_path())
            || !from.is_file()
        {
            continue;
        }
        let name = from
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut target = dir.join(&name);
        if target.exists() {
            let stem = from
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            let ext = from
                .extension()
                .map(|x| format!(".{}", x.to_string_lossy()))
                .unwrap_or_default();
            target = dir.join(format!(
                "{stem}_{}{ext}",
                &e.sha256[..8.min(e.sha256.len())]
            ));
        }
        for what in [Beside::ProblemList, Beside::AnnotatedCopy] {
            let (companion, to) = (beside_rejected(&from, what), beside_rejected(&target, what));
            if companion.is_file() {
                move_file(&companion, &to)?;
            }
        }
        // The file itself last: while it is in rejected/, the next run finishes its move.
        move_file(&from, &target)?;
        moved.push(ws.relative(&target));
    }
    Ok(moved)
}

/// Moves a file, copying when a rename across file systems is impossible.
/// An identical file already at the target (same name means same content hash) is kept.
pub(super) fn move_file(from: &Path, to: &Path) -> anyhow::Result<()> {
    if let Some(dir) = to.parent() {
        fs::create_dir_all(dir)?;
    }
    if to.exists() {
        fs::remove_file(from).with_context(|| format!("не удалось убрать {}", from.display()))?;
        return Ok(());
    }
    if fs::rename(from, to).is_err() {
        fs::copy(from, to).with_context(|| {
            format!(
                "не удалось скопировать {} в {}",
                from.display(),
                to.display()
            )
        })?;
        fs::remove_file(from)
            .with_context(|| format!("не удалось убрать {} после копирования", from.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_copy_goes_back_to_its_first_name() {
        assert_eq!(first_name("журнал.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(first_name("журнал.xls.ошибки.xlsx"), "журнал.xlsx");
        assert_eq!(
            first_name("журнал_5aa78da2.xlsx.ошибки.xlsx"),
            "журнал.xlsx"
        );
        assert_eq!(
            first_name("журнал.ошибки_5aa78da2.ошибки.xlsx"),
            "журнал.xlsx"
        );
        assert_eq!(first_name("журнал_2025.xlsx"), "журнал_2025.xlsx");
        assert_eq!(first_name("без расширения"), "без расширения");
        assert_eq!(first_name(".ошибки.xlsx"), ".ошибки.xlsx");
    }
}
