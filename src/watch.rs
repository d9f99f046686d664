//! `tutorstat watch`: processes files as they land in `inbox/`. Events from the file system
//! (notify) wake it early; a poll every interval catches network shares that send none. A
//! batch is processed only once every spreadsheet in the inbox has kept its size and
//! modification time for a quiet period, so a file still being copied is never read half
//! written. Ctrl-C stops it between batches.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};

use crate::discover;
use crate::workspace::Workspace;

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

/// Runs `process` for every settled batch of inbox files until Ctrl-C.
pub fn watch(ws: &Workspace, quiet: Duration, mut process: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    ctrlc::set_handler(move || flag.store(true, Ordering::SeqCst)).map_err(|e| anyhow::anyhow!("не удалось перехватить Ctrl-C: {e}"))?;
    let (tx, rx) = mpsc::channel();
    // Without events (some network shares) the poll below still finds the files.
    let mut watcher = notify::recommended_watcher(move |_| {
        let _ = tx.send(());
    })
    .ok();
    if let Some(w) = watcher.as_mut() {
        let _ = w.watch(&ws.inbox(), RecursiveMode::Recursive);
    }
    eprintln!("Слежу за папкой {}: новые таблицы обрабатываются сами. Остановить — Ctrl-C.", ws.inbox().display());
    while !stop.load(Ordering::SeqCst) {
        let _ = rx.recv_timeout(quiet);
        while rx.try_recv().is_ok() {}
        let before = snapshot(ws)?;
        if before.is_empty() {
            continue;
        }
        std::thread::sleep(quiet);
        if stop.load(Ordering::SeqCst) {
            break;
        }
        // Still growing or changing: wait for the next quiet period.
        if snapshot(ws)? != before {
            continue;
        }
        process()?;
    }
    eprintln!("Наблюдение остановлено.");
    Ok(())
}
