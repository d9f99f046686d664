//! The Windows console, set up before anything is printed: output in UTF-8, and a window that
//! stays open when `tutorstat.exe` was started by a double click. On other systems the
//! terminal is left as it is. docs/architecture.md («Windows») says why each step is needed.

/// Sets the console's output code page to UTF-8 and puts the previous one back when
/// dropped: the code page belongs to the console window, which outlives the program when
/// it runs in cmd.exe or PowerShell.
pub struct Utf8Output {
    #[cfg(windows)]
    previous: u32,
}

/// UTF-8 output for the lifetime of the returned guard.
pub fn utf8_output() -> Utf8Output {
    #[cfg(windows)]
    {
        const CP_UTF8: u32 = 65001;
        // SAFETY: both take and return plain integers; without a console (output redirected
        // by a service, say) they fail and return 0, which `drop` then leaves alone.
        let previous = unsafe { windows_sys::Win32::System::Console::GetConsoleOutputCP() };
        if previous != 0 {
            unsafe { windows_sys::Win32::System::Console::SetConsoleOutputCP(CP_UTF8) };
        }
        Utf8Output { previous }
    }
    #[cfg(not(windows))]
    Utf8Output {}
}

#[cfg(windows)]
impl Drop for Utf8Output {
    fn drop(&mut self) {
        if self.previous != 0 {
            // SAFETY: an integer argument; the code page read at start.
            unsafe { windows_sys::Win32::System::Console::SetConsoleOutputCP(self.previous) };
        }
    }
}

/// Whether the program is alone in its console window: Explorer gives a double-clicked
/// program a console of its own, closed the moment the program exits, while cmd.exe,
/// PowerShell and Windows Terminal share theirs with it (the list then holds the shell too).
pub fn own_window() -> bool {
    #[cfg(windows)]
    {
        let mut ids = [0u32; 2];
        // SAFETY: the buffer and its length in elements match; the call writes at most that many.
        let count = unsafe {
            windows_sys::Win32::System::Console::GetConsoleProcessList(
                ids.as_mut_ptr(),
                ids.len() as u32,
            )
        };
        count == 1
    }
    #[cfg(not(windows))]
    false
}

/// Keeps a window of its own open until the user presses Enter, so what was printed can be read.
pub fn wait_for_enter() {
    use std::io::{BufRead as _, Write as _};
    let _ = write!(
        std::io::stdout(),
        "\nНажмите Enter, чтобы закрыть это окно."
    );
    let _ = std::io::stdout().flush();
    let _ = std::io::stdin().lock().read_line(&mut String::new());
}
