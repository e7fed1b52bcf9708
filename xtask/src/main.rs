//! `cargo xtask`: maintenance commands of the cognito workspace.
//!
//! - `cargo xtask import-spec` converts the botocore models in `spec/upstream/` into
//!   `spec/<service>.openapi.json` (the dialect of `spec/DIALECT.md`);
//! - `cargo xtask import-spec --check` fails if a committed document differs from what the importer
//!   produces now.

mod botocore;
mod error;
mod import;
mod markdown;
mod openapi;
mod paginators;

use error::{bail, Context, Result};
use std::fs;
use std::path::Path;
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask import-spec [--check]

commands:
  import-spec          write spec/<service>.openapi.json from the botocore models in spec/upstream/
  import-spec --check  exit with status 1 if a committed document is not what import-spec would write";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Dispatches the command line (without the program name).
fn run(args: &[String]) -> Result<ExitCode> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["import-spec"] => import_spec(false),
        ["import-spec", "--check"] => import_spec(true),
        ["help" | "-h" | "--help"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => bail!("unknown arguments {args:?}\n{USAGE}"),
    }
}

/// Generates every document; writes the ones that changed, or with `check` only reports them.
fn import_spec(check: bool) -> Result<ExitCode> {
    let root = import::workspace_root();
    let documents = import::import_all(&root.join("spec"))?;
    let mut stale = 0;
    for d in &documents {
        let shown = d.path.strip_prefix(&root).unwrap_or(&d.path).display();
        let current = match fs::read_to_string(&d.path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).context(shown),
        };
        if current.as_deref() == Some(d.text.as_str()) {
            println!("{shown}: up to date ({} bytes)", d.text.len());
            continue;
        }
        if check {
            stale += 1;
            match &current {
                None => eprintln!("{shown}: missing"),
                Some(text) => eprintln!(
                    "{shown}: differs from the importer's output, {}",
                    first_difference(text, &d.text)
                ),
            }
        } else {
            write(&d.path, &d.text).context(&shown)?;
            println!("{shown}: written ({} bytes)", d.text.len());
        }
    }
    if stale > 0 {
        eprintln!("{stale} document(s) out of date; run `cargo xtask import-spec`");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes through a temporary file so that a reader never sees a half-written document.
fn write(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, text)?;
    fs::rename(&tmp, path)
}

/// Describes where two texts first differ, e.g. `first difference at line 12`.
fn first_difference(committed: &str, generated: &str) -> String {
    let mut committed_lines = committed.lines();
    let mut generated_lines = generated.lines();
    let mut line = 1;
    loop {
        match (committed_lines.next(), generated_lines.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (None, None) => return "differing only in line endings".to_owned(),
            _ => return format!("first difference at line {line}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(
            first_difference("a\nb\nc\n", "a\nB\nc\n"),
            "first difference at line 2"
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            "first difference at line 2"
        );
        assert_eq!(
            first_difference("a\n", "a"),
            "differing only in line endings"
        );
    }

    #[test]
    fn rejects_unknown_arguments() {
        assert!(run(&["import-spec".to_owned(), "--bogus".to_owned()]).is_err());
        assert!(run(&[]).is_err());
    }
}
