//! `tutorstat demo`: a workspace built from the bundled sample workbooks (three schools,
//! two municipalities, two terms, two files with deliberate mistakes), run end to end.

use std::path::Path;

use anyhow::Context as _;

use crate::workspace::Workspace;

include!(concat!(env!("OUT_DIR"), "/samples.rs"));

/// Writes the samples into the workspace's inbox; returns how many files were written.
pub fn fill_inbox(ws: &Workspace) -> anyhow::Result<usize> {
    for (rel, bytes) in SAMPLES {
        let path = ws.inbox().join(Path::new(rel));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("не удалось создать {}", dir.display()))?;
        }
        std::fs::write(&path, bytes)
            .with_context(|| format!("не удалось записать {}", path.display()))?;
    }
    Ok(SAMPLES.len())
}

/// The demo centre's register: the three sample schools and one that sent nothing, so the
/// completeness report has a school to name.
pub const REGISTER: &str = r#"
[[register]]
code = "2315-001"
name = "МБОУ СОШ № 1"
municipality = "г. Новоморск"

[[register]]
code = "2315-004"
name = "МАОУ гимназия № 4 им. А. С. Пушкина"
municipality = "г. Новоморск"

[[register]]
code = "2341-012"
name = "МБОУ СОШ № 12 ст. Каменской"
municipality = "Каменский район"

[[register]]
code = "2341-020"
name = "МБОУ ООШ № 20 х. Лесного"
municipality = "Каменский район"
"#;
