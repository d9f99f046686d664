//! `tutorstat watch`: processes files as they land in `inbox/`. Events from the file system
//! (notify) wake it early; a poll every interval catches network shares that send none. A
//! batch is processed only once every spreadsheet in the inbox has kept its size and
//! modification time for a while, so a file still being copied is never read half written:
//! [`SETTLED`] when every file is already whole (a zip whose central directory, which a copy
//! writes last, is there; an .xls whose every sector is), else the quiet period (`--quiet`),
//! which files not yet whole (.csv among them) and shares that report sizes late keep. Ctrl-C stops it between batches.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};

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

/// Whether a spreadsheet is a whole OLE compound file (.xls): its header, allocation tables
/// and directory read, and every stream reads to its end. A copy cut short lacks the
/// sectors its tables name.
fn is_whole_ole(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path).map(std::io::BufReader::new) else {
        return false;
    };
    let Ok(mut ole) = cfb::CompoundFile::open(&mut file) else {
        return false;
    };
    let streams: Vec<PathBuf> = ole
        .walk()
        .filter(|entry| entry.is_stream())
        .map(|entry| entry.path().to_path_buf())
        .collect();
    streams.iter().all(|stream| {
        ole.open_stream(stream)
            .is_ok_and(|mut s| std::io::copy(&mut s, &mut std::io::sink()).is_ok())
    })
}

/// Whether a spreadsheet is complete as far as its format tells: a whole zip or OLE file.
fn is_whole(path: &Path) -> bool {
    is_whole_zip(path) || is_whole_ole(path)
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

/// How often a batch is looked at until it has kept its sizes for [`SETTLED`]: a change
/// seen only at the next look restarts the wait that much later (looking every
/// [`SETTLED`], a file that was still being written at the first look waited up to twice
/// [`SETTLED`]).
const LOOK: Duration = Duration::from_millis(50);

/// Waits until the inbox has kept every file's size and time for [`SETTLED`] when all are
/// whole zips or OLE files, else for `quiet`, looking every [`LOOK`] for the first
/// [`SETTLED`] of a wait and every [`SETTLED`] after; false when the inbox is empty or
/// Ctrl-C came first.
fn settle(ws: &Workspace, quiet: Duration, stop: &AtomicBool) -> anyhow::Result<bool> {
    let settled = SETTLED.min(quiet);
    let mut before = snapshot(ws)?;
    let mut since = Instant::now();
    // Whether every file of `before` is whole, once asked.
    let mut whole = None;
    while !before.is_empty() && !stop.load(Ordering::SeqCst) {
        let look = if since.elapsed() < settled {
            LOOK
        } else {
            SETTLED
        };
        std::thread::sleep(look.min(quiet));
        let now = snapshot(ws)?;
        if now != before {
            // Still growing or changing: the wait starts again.
            (before, since, whole) = (now, Instant::now(), None);
            continue;
        }
        let waited = since.elapsed();
        if waited < settled {
            continue;
        }
        let whole = *whole.get_or_insert_with(|| before.keys().all(|p| is_whole(p)));
        if waited >= if whole { settled } else { quiet } {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether a file-system event may mean a file arrived or changed. Reads do not: inotify
/// reports every opening and closing of a watched folder, and each look at the inbox opens
/// all its folders (one a school), so waking on those made an idle `watch` look again at
/// once, forever: 70 % of a core with 300 schools while nothing arrived.
fn may_change_inbox(event: &Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
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
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
        // An error may hide a change: look.
        if event.as_ref().map_or(true, may_change_inbox) {
            let _ = tx.send(());
        }
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
    fn reads_of_the_inbox_do_not_wake_the_watch() {
        use notify::event::{CreateKind, ModifyKind, RemoveKind, RenameMode};
        let event = |kind| Event::new(kind).add_path(PathBuf::from("inbox/2300-001"));
        for quiet in [
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            EventKind::Access(AccessKind::Open(AccessMode::Read)),
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Access(AccessKind::Read),
            EventKind::Access(AccessKind::Any),
        ] {
            assert!(!may_change_inbox(&event(quiet)), "{quiet:?}");
        }
        for wakes in [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Any),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
            EventKind::Remove(RemoveKind::File),
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Any,
            EventKind::Other,
        ] {
            assert!(may_change_inbox(&event(wakes)), "{wakes:?}");
        }
    }

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
        assert!(!is_whole(&xls));
        assert!(is_whole(&whole));
    }

    #[test]
    fn only_an_xls_with_every_sector_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let fixture = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/quirks/attendance_quirky.xls"
        );
        let bytes = std::fs::read(fixture).unwrap();
        let whole = dir.path().join("whole.xls");
        std::fs::write(&whole, &bytes).unwrap();
        assert!(is_whole_ole(&whole));
        assert!(is_whole(&whole));
        // Cut anywhere, a copy in progress (whose size is a multiple of the 512-byte sector
        // as often as not) is not whole.
        for cut in [
            10,
            512,
            1024,
            bytes.len() / 2,
            bytes.len() - 512,
            bytes.len() - 1,
        ] {
            let part = dir.path().join(format!("part{cut}.xls"));
            std::fs::write(&part, &bytes[..cut]).unwrap();
            assert!(!is_whole(&part), "cut at {cut} of {}", bytes.len());
        }
    }
}
