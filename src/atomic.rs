//! Writing a file whole or not at all: a reader, or a run killed halfway, never sees half of
//! one. Reports, annotated copies and the store's kept definitions are written here.

use std::io::Write;
use std::path::Path;

use anyhow::Context as _;

/// Writes to a temporary file beside the target, then renames: a reader never sees half a file.
pub fn write(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_with(path, |out| Ok(out.write_all(bytes)?))
}

/// [`write`] of what `write` writes.
pub fn write_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    replace(path, false, write)
}

/// [`write`], and the bytes reach the disk before the file takes its name: for files of the
/// store, which the log line written next commits, so a power cut cannot leave the name with
/// no bytes behind it. Reports skip the flush: they are rewritten from the store.
pub fn write_durably(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    replace(path, true, |out| Ok(out.write_all(bytes)?))
}

fn replace(
    path: &Path,
    durably: bool,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp"));
    let failed = || format!("не удалось записать {}", tmp.display());
    let file = std::fs::File::create(&tmp).with_context(failed)?;
    let mut out = std::io::BufWriter::new(file);
    write(&mut out).with_context(failed)?;
    let file = out
        .into_inner()
        .map_err(|e| e.into_error())
        .with_context(failed)?;
    if durably {
        file.sync_all().with_context(failed)?;
    }
    std::fs::rename(&tmp, path)
        .with_context(|| format!("не удалось записать {}", path.display()))?;
    Ok(())
}

/// Removes the temporary files a killed run left under `dir` (none when it does not exist);
/// returns how many.
pub fn remove_leftovers(dir: &Path) -> anyhow::Result<usize> {
    let mut removed = 0;
    for entry in walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with('.') && name.ends_with(".tmp") {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("не удалось удалить {}", entry.path().display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_durable_write_replaces_the_file_whole_and_leftovers_go() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("v1.xlsx");
        write(&path, b"old").unwrap();
        write_durably(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        std::fs::write(dir.path().join(".v2.xlsx.tmp"), b"").unwrap();
        assert_eq!(remove_leftovers(dir.path()).unwrap(), 1);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["v1.xlsx"]);
    }
}
