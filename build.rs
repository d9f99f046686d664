//! Embeds every questionnaire definition in `templates/questionnaires/` into the binary, so
//! adding a TOML file there adds a questionnaire with no code change.

use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("templates/questionnaires");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("templates/questionnaires exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    entries.sort();
    let mut code = String::from(
        "/// Questionnaire definitions shipped with the program: (file name, TOML text).\npub const BUILTIN: &[(&str, &str)] = &[\n",
    );
    for path in entries {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("UTF-8 file name");
        let absolute = fs::canonicalize(&path).expect("readable definition");
        code.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            absolute.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("builtin_questionnaires.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}
