//! Embeds the default gazetteer (every `*.jsonl` file and `stop_phrases.txt` of
//! `python/vncooc/data/gazetteer/`, which the Python package ships too) into the core,
//! keeping each file's name so that errors can name the file and line.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = root.join("python/vncooc/data/gazetteer");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    let mut code = String::from("pub static GAZETTEER_FILES: &[(&str, &str)] = &[\n");
    let mut stops = String::from("pub static STOP_PHRASE_FILES: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let line = format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        );
        if name.ends_with(".jsonl") {
            code.push_str(&line);
        } else if name == "stop_phrases.txt" {
            stops.push_str(&line);
        }
    }
    code.push_str("];\n");
    stops.push_str("];\n");
    let mut out = String::new();
    let _ = write!(out, "{code}{stops}");
    let dest = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("default_gazetteer.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
