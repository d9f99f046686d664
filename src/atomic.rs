//! Writing a file whole or not at all: a reader, or a run killed halfway, never sees half of
//! one. Reports, annotated copies and the store's kept definitions are written here; files
//! written without a flush are made durable together by [`sync_files`].

use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Files up to which [`sync_files`] flushes each file on its own, even on Linux: `syncfs`
/// also flushes every other file written and not yet on the disk, and in `watch` those are
/// the reports and term tables of the run before (tens of MB): one new journal per drop took
/// 1.85 s to its PDF instead of 1.38 s.
const FEW_FILES: usize = 16;

/// Makes `files`, all on one file system, durable, with the folder entries naming them. On
/// Linux, for more than [`FEW_FILES`], one `syncfs` of that file system commits them
/// together: a `fsync` each, on the threads that staged the store's files, made those
/// threads wait for the disk 3 900 times in a 300-school ingest. Otherwise each file is
/// flushed on its own.
pub fn sync_files(files: &[PathBuf]) -> anyhow::Result<()> {
    let failed = |path: &Path| format!("не удалось сохранить на диск {}", path.display());
    #[cfg(target_os = "linux")]
    if files.len() > FEW_FILES {
        use std::os::fd::AsRawFd;
        let first = &files[0];
        let file = std::fs::File::open(first).with_context(|| failed(first))?;
        // SAFETY: `syncfs` takes an open descriptor, which `file` keeps open, and touches no
        // memory of ours.
        if unsafe { libc::syncfs(file.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error()).with_context(|| failed(first));
        }
        return Ok(());
    }
    for path in files {
        // Write access: Windows flushes only a handle that may write.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .with_context(|| failed(path))?;
        file.sync_all().with_context(|| failed(path))?;
    }
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

    #[test]
    fn files_are_synced_together_and_a_missing_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<PathBuf> = ["a.parquet", "b.parquet"]
            .iter()
            .map(|name| dir.path().join(name))
            .collect();
        for file in &files {
            std::fs::write(file, b"PAR1").unwrap();
        }
        sync_files(&files).unwrap();
        sync_files(&[]).unwrap();
        let missing = dir.path().join("c.parquet");
        let error = sync_files(std::slice::from_ref(&missing)).unwrap_err();
        assert!(format!("{error:#}").contains("c.parquet"), "{error:#}");
        // Many files at once (one `syncfs` on Linux), the first one missing: still named.
        let mut many = vec![missing];
        many.extend(std::iter::repeat_n(files[0].clone(), FEW_FILES + 1));
        let error = sync_files(&many).unwrap_err();
        assert!(format!("{error:#}").contains("c.parquet"), "{error:#}");
        sync_files(&many[1..]).unwrap();
    }
}
