//! Ingest's first two phases timed apart, on every core as `ingest` runs them: tutorstat's
//! own reader (`read::workbook::open`, the used-range checks included) over every workbook
//! under a folder, then validation (`forms::check`) of the workbooks already in memory, with
//! the rosters checked first so the other forms see their IDs, as in `ingest`. Nothing is
//! stored, and each workbook's frames are freed once it is validated.
//! `cargo run --release --example phases -- DIR` prints one line
//! `open X s, check Y s, N workbooks, P problems`; `benches/region.sh` divides both by the
//! calamine floor (`examples/floor.rs`) measured in the same run. The phases run on the
//! program's allocator (mimalloc, as in `src/main.rs`); the floor is calamine as anyone
//! would call it. `PHASES_CHECK_ROUNDS=N` validates the same workbooks N times and prints
//! each round's time, so that a profile of the example is mostly validation.

use std::collections::HashSet;
use std::time::Instant;

use tutorstat::definitions::Definitions;
use tutorstat::forms::{self, Env, Fallback, FormKind, RosterIndex};
use tutorstat::read::workbook::{self, Limits};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: phases DIR"))?;
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "xlsx"))
        .map(|e| e.into_path())
        .collect();
    let bytes: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;

    let start = Instant::now();
    let workbooks: Vec<_> =
        tutorstat::parallel::map(&bytes, |b| workbook::open(b, Limits::default()));
    let open = start.elapsed().as_secs_f64();
    let workbooks: Vec<_> = workbooks.into_iter().flatten().collect();

    let definitions = Definitions::shipped()?;
    let rounds: usize = match std::env::var("PHASES_CHECK_ROUNDS") {
        Ok(n) => n.parse()?,
        Err(_) => 1,
    };
    for _ in 1..rounds {
        let (_, check) = check_all(&workbooks, &definitions);
        println!("check {check:.3} s");
    }
    let (problems, check) = check_all(&workbooks, &definitions);
    println!(
        "open {open:.3} s, check {check:.3} s, {} workbooks, {problems} problems",
        workbooks.len()
    );
    Ok(())
}

/// Validates every workbook as `ingest` does (rosters first, so the other forms see their
/// IDs) and returns the number of problems and the seconds it took.
fn check_all(workbooks: &[workbook::Workbook], definitions: &Definitions) -> (usize, f64) {
    let fallback = Fallback::default();
    let start = Instant::now();
    let (rosters, others): (Vec<_>, Vec<_>) = workbooks
        .iter()
        .partition(|wb| forms::form_of(wb) == Some(FormKind::Roster));
    let empty = RosterIndex::new();
    let env = Env {
        rosters: &empty,
        definitions,
        fallback: &fallback,
    };
    let checked_rosters = tutorstat::parallel::map(&rosters, |wb| forms::check(wb, &env));
    let mut index = RosterIndex::new();
    for checked in &checked_rosters {
        let Some(p) = &checked.passport else { continue };
        let ids: HashSet<String> = checked
            .tables
            .iter()
            .filter_map(|t| {
                t.frame
                    .column("id")
                    .ok()?
                    .str()
                    .ok()
                    .map(|ids| ids.iter().flatten().map(str::to_string).collect::<Vec<_>>())
            })
            .flatten()
            .collect();
        index
            .entry((p.school_code.clone(), p.term.year))
            .or_default()
            .extend(ids);
    }
    let env = Env {
        rosters: &index,
        definitions,
        fallback: &fallback,
    };
    // Each workbook's frames are dropped by the worker that made them, as `ingest` frees
    // them once the workbook is staged and committed: kept for the whole round, the frames
    // of 3 000 workbooks were some 400 MB of fresh pages faulted in, which ingest no longer
    // pays.
    let problems = tutorstat::parallel::map(&others, |wb| problems_of(&forms::check(wb, &env)));
    let check = start.elapsed().as_secs_f64();
    let problems = problems.into_iter().sum::<usize>()
        + checked_rosters.iter().map(problems_of).sum::<usize>();
    (problems, check)
}

/// Problems found in a workbook, listed or not.
fn problems_of(checked: &forms::Checked) -> usize {
    checked.problems.items.len() + checked.problems.unlisted()
}
