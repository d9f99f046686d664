//! mimalloc's options that the program sets for itself, for one kind of work only.

use libmimalloc_sys::{mi_option_set, mi_option_t};

/// mimalloc's `mi_option_purge_delay` (its 16th option in mimalloc 3's `mi_option_e`, which
/// libmimalloc-sys does not name): milliseconds before freed memory goes back to the system.
/// The test below checks the index against the environment variable that sets the option.
const PURGE_DELAY: mi_option_t = 15;

/// The purge delay of a centre's report, against mimalloc's 1 s.
const CENTRE_PURGE_DELAY_MS: std::ffi::c_long = 10_000;

/// Freed memory kept 10 s before it goes back to the system, for a centre's report: its
/// batches of schools free and take about the same memory every few seconds, and memory
/// given back after 1 s was faulted in and zeroed again by the next batch (page faults were
/// about 7 % of a 5 000-school report's samples; at 40 000 schools the report took 104 s
/// with this delay against 116 s, peak 3 000 against 2 746 MiB; docs/architecture.md
/// «Centre scale»). Not for other commands: a region's `run` would peak 100–150 MB higher.
/// `MIMALLOC_PURGE_DELAY` in the environment, when set, stays in force.
pub fn keep_freed_memory_for_batches() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: mi_option_set stores an integer in mimalloc's option table; any thread may
    // call it at any time, and the allocator reads the option when it next purges.
    unsafe { mi_option_set(PURGE_DELAY, CENTRE_PURGE_DELAY_MS) }
}

#[cfg(test)]
mod tests {
    use libmimalloc_sys::mi_option_get;

    use super::PURGE_DELAY;

    /// Set in the child process this test starts.
    const CHILD: &str = "TUTORSTAT_PURGE_DELAY_CHILD";

    /// The option [`PURGE_DELAY`] is the one `MIMALLOC_PURGE_DELAY` sets: checked in a child
    /// process (this test binary, running this test alone), since mimalloc reads its
    /// environment once.
    #[test]
    fn purge_delay_is_the_option_its_environment_variable_sets() {
        if std::env::var_os(CHILD).is_some() {
            // SAFETY: reads an integer from mimalloc's option table.
            assert_eq!(unsafe { mi_option_get(PURGE_DELAY) }, 4321);
            return;
        }
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "allocator::tests::purge_delay_is_the_option_its_environment_variable_sets",
                "--test-threads=1",
            ])
            .env(CHILD, "1")
            .env("MIMALLOC_PURGE_DELAY", "4321")
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&child.stdout);
        // The child ran this test, and it passed.
        assert!(child.status.success() && out.contains("1 passed"), "{out}");
    }
}
