//! Generates the service modules from the three OpenAPI documents under `spec/` (see `spec/DIALECT.md`
//! in the repository). It reads nothing else: those documents are all of `spec/` that the published
//! crate ships. (That every operation the seed documents under `spec/seeds/` name is in them is checked
//! by a test of `cognito-codegen`, in the repository.)

use std::path::{Path, PathBuf};

/// (feature, document, `ServiceId` variant, output file)
const SERVICES: &[(&str, &str, &str, &str)] = &[
    (
        "IDP",
        "cognito-idp.openapi.json",
        "CognitoIdp",
        "cognito_idp.rs",
    ),
    (
        "IDENTITY",
        "cognito-identity.openapi.json",
        "CognitoIdentity",
        "cognito_identity.rs",
    ),
    (
        "SYNC",
        "cognito-sync.openapi.json",
        "CognitoSync",
        "cognito_sync.rs",
    ),
];

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let spec = root.join("spec");
    println!("cargo:rerun-if-changed=build.rs");
    for (feature, file, id, out_file) in SERVICES {
        println!("cargo:rerun-if-changed=spec/{file}");
        let enabled = std::env::var_os(format!("CARGO_FEATURE_{feature}")).is_some();
        if !enabled {
            continue;
        }
        let text = read(&spec.join(file))?;
        let options = cognito_codegen::Options {
            service_id: (*id).to_owned(),
            source: format!("spec/{file}"),
            // Secrets the model does not mark (an IdP's client secret, session tokens, …): the crate's
            // own list, each entry with its reason, in codegen/src/sensitive.rs.
            extra_sensitive: cognito_codegen::sensitive::extra_sensitive(id),
        };
        let (service, code) =
            cognito_codegen::generate(&text, &options).map_err(|e| e.to_string())?;
        std::fs::write(out.join(out_file), code).map_err(|e| format!("writing {out_file}: {e}"))?;
        // The model-driven redaction test (tests/redaction_model.rs) of this service.
        let module = format!("cognito::{}", feature.to_lowercase());
        let tests = cognito_codegen::emit::redaction::tests(&service, &module)
            .map_err(|e| e.to_string())?;
        let test_file = format!("redaction_{}.rs", feature.to_lowercase());
        std::fs::write(out.join(&test_file), tests)
            .map_err(|e| format!("writing {test_file}: {e}"))?;
    }
    Ok(())
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
