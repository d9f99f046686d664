//! Progress of long work: a bar on a terminal, plain lines in a log or CI (every tenth of
//! the way), nothing for tiny jobs.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// The progress of one long job, counted in `what`.
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    done: u64,
    /// What is counted, after «из N»: the genitive singular (из 21 файла) and plural (из 5 файлов).
    what: [&'static str; 2],
}

impl Progress {
    /// Progress over `total` steps of `what` (`["файла", "файлов"]`).
    pub fn new(total: usize, what: [&'static str; 2]) -> Progress {
        let total = total as u64;
        let bar = (std::io::stderr().is_terminal() && total > 1).then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} {msg} [{elapsed_precise}, осталось ~{eta}]",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(what[1]);
            bar
        });
        Progress {
            bar,
            total,
            done: 0,
            what,
        }
    }

    /// One more step done.
    pub fn step(&mut self) {
        self.done += 1;
        match &self.bar {
            Some(bar) => bar.inc(1),
            // Plain lines for logs: at every tenth, for jobs worth reporting.
            None if self.total >= 20
                && (self.done * 10 / self.total) != ((self.done - 1) * 10 / self.total) =>
            {
                let what =
                    crate::russian::noun(self.total, self.what[0], self.what[1], self.what[1]);
                eprintln!("Обработано {} из {} {what}", self.done, self.total);
            }
            None => {}
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
