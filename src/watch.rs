//! `tutorstat watch`: processes files as they land in `inbox/`. Events from the file system
//! (notify) wake it early; a poll every interval catches network shares that send none. A
//! batch is processed only once every spreadsheet in the inbox has kept its size and
//! modification time for a while, so a file still being copied is never read half written:
//! [`SETTLED`] when every file is already a whole zip (the central directory a copy writes
//! last is there), else the quiet period (`--quiet`), which .xls files and shares that
//! report sizes late keep. Ctrl-C stops it between batches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};

use crate::discover;
use crate::workspace::Workspace;

/// How long a batch of whole zips must keep its sizes: long enough for a copy that has
/// paused, short against the quiet period a teacher would otherwise wait out (issue 19).
pub const SETTLED: Duration = Duration::from_millis(300);

/// Whether a spreadsheet is a whole zip (.xlsx, .xlsm, .xlsb, .ods): its central directory,
/// which every zip writer writes last, reads. A file still being copied has none yet.
fn is_whole_zip(path: &Path) -> bool {
    std::fs::File::open(path)
        .is_ok_and(|file| zip::ZipArchive::new(std::io::BufReader::new(file)).is_ok())
}

/// Size and modification time of every spreadsheet waiting in the inbox.
fn snapshot(ws: &Workspace) -> anyhow::Result<BTreeMap<PathBuf, (u64, Option<SystemTime>)>> {
    let found = discover::inbox(&ws.inbox())?;
    Ok(found
        .files
        .into_iter()
        .filter_map(|p| {
            let meta = std::fs::metadata(&p).ok()?;
            Some((p, (meta.len(), meta.modified().ok())))
        })
        .collect())
}

/// Waits until the inbox has kept every file's size and time for [`SETTLED`] when all are
/// whole zips, else for `quiet`, looking every [`SETTLED`]; false when the inbox is empty
/// or Ctrl-C came first.
fn settle(ws: &Workspace, quiet: Duration, stop: &AtomicBool) -> anyhow::Result<bool> {
    let mut before = snapshot(ws)?;
    let mut since = Instant::now();
    while !before.is_empty() && !stop.load(Ordering::SeqCst) {
        std::thread::sleep(SETTLED.min(quiet));
        let now = snapshot(ws)?;
        if now != before {
            // Still growing or changing: the wait starts again.
            (before, since) = (now, Instant::now());
            continue;
        }
        let needed = if before.keys().all(|p| is_whole_zip(p)) {
            SETTLED.min(quiet)
        } else {
            quiet
        };
        if since.elapsed() >= needed {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Runs `process` for every settled batch of inbox files until Ctrl-C.
pub fn watch(
    ws: &Workspace,
    quiet: Duration,
    mut process: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst))
        .map_err(|e| anyhow::anyhow!("не удалось перехватить Ctrl-C: {e}"))?;
    let (tx, rx) = mpsc::channel();
    // Without events (some network shares) the poll below still finds the files.
    let mut watcher = notify::recommended_watcher(move |_| {
        let _ = tx.send(());
    })
    .ok();
    if let Some(w) = watcher.as_mut() {
        let _ = w.watch(&ws.inbox(), RecursiveMode::Recursive);
    }
    eprintln!(
        "Слежу за папкой {}: новые таблицы обрабатываются сами. Остановить — Ctrl-C.",
        ws.inbox().display()
    );
    while !stop.load(Ordering::SeqCst) {
        let _ = rx.recv_timeout(quiet);
        while rx.try_recv().is_ok() {}
        if settle(ws, quiet, &stop)? {
            process()?;
        }
    }
    eprintln!("Наблюдение остановлено.");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_zip_with_its_central_directory_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        zip.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut zip, &[b'x'; 4000]).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let whole = dir.path().join("whole.xlsx");
        std::fs::write(&whole, &bytes).unwrap();
        assert!(is_whole_zip(&whole));
        // A copy cut short anywhere, the last byte included, is not.
        for cut in [10, bytes.len() / 2, bytes.len() - 1] {
            let part = dir.path().join(format!("part{cut}.xlsx"));
            std::fs::write(&part, &bytes[..cut]).unwrap();
            assert!(!is_whole_zip(&part), "cut at {cut} of {}", bytes.len());
        }
        let xls = dir.path().join("old.xls");
        std::fs::write(&xls, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).unwrap();
        assert!(!is_whole_zip(&xls));
    }
}
