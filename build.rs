//! Embeds every questionnaire definition in `templates/questionnaires/` into the binary, so
//! adding a TOML file there adds a questionnaire with no code change; and the sample
//! workbooks of `samples/inbox/`, so `tutorstat demo` works wherever the binary is.

use std::{env, fs, path::Path};

fn main() {
    embed_questionnaires();
    embed_samples();
}

fn embed_questionnaires() {
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

/// `samples/inbox/**` as (relative path, bytes), for `tutorstat demo`.
fn embed_samples() {
    let dir = Path::new("samples/inbox");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files = Vec::new();
    collect(dir, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The bundled sample workbooks: (path inside the inbox, bytes).\npub const SAMPLES: &[(&str, &[u8])] = &[\n",
    );
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let rel = path
            .strip_prefix(dir)
            .expect("under samples/inbox")
            .display()
            .to_string();
        let absolute = fs::canonicalize(&path).expect("readable sample");
        code.push_str(&format!(
            "    ({rel:?}, include_bytes!({:?})),\n",
            absolute.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("samples.rs");
    fs::write(out, code).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else {
            files.push(path);
        }
    }
}
