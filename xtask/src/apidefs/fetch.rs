//! Brings one version of a definition package onto this machine through cargo, without building it: a throw-away
//! manifest under `target/apidefs-fetch/` depends on exactly that version, `cargo fetch` downloads and unpacks it
//! (with its dependencies' sources, for this host only), and `cargo metadata` says where it was unpacked. Linking
//! the package instead would compile typify and every generated type for nothing.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

/// An unpacked package.
#[derive(Debug)]
pub struct Fetched {
    pub version: String,
    /// Its `src/` folder, one `<OperationId>.json` per operation.
    pub src: PathBuf,
}

/// Fetches `package` at `version` (an exact version, or `latest`).
pub fn fetch(root: &Path, package: &str, version: &str) -> Result<Fetched, String> {
    let requirement = if version == "latest" { "*".to_owned() } else { format!("={version}") };
    let dir = root.join("target").join("apidefs-fetch").join(format!("{package}-{version}"));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = dir.join("Cargo.toml");
    let text = format!(
        "# Written by `cargo xtask spec-audit --update` / `spec-draft` to fetch one definition package; never built.\n\
         [package]\nname = \"apidefs-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n[dependencies]\n\"{package}\" = \"{requirement}\"\n\n[workspace]\n"
    );
    let write =
        |path: PathBuf, text: &str| fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()));
    write(manifest.clone(), &text)?;
    write(dir.join("lib.rs"), "")?;
    // A lock file left by an earlier `latest` would pin that older version.
    let _ = fs::remove_file(dir.join("Cargo.lock"));

    let host = host_triple()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!("fetching {package} {version} through cargo ...");
    let status = Command::new(&cargo)
        .args(["fetch", "--quiet", "--target", &host, "--manifest-path"])
        .arg(&manifest)
        .status()
        .map_err(|e| format!("cannot run {cargo}: {e}"))?;
    if !status.success() {
        return Err(format!(
            "cargo could not fetch {package} {version} (its message is above); `cargo info {package}` lists the \
             published versions"
        ));
    }
    let output = Command::new(&cargo)
        .args(["metadata", "--format-version", "1", "--offline", "--filter-platform", &host, "--manifest-path"])
        .arg(&manifest)
        .output()
        .map_err(|e| format!("cannot run {cargo} metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata failed: {}", String::from_utf8_lossy(&output.stderr).trim()));
    }
    locate(&output.stdout, package)
}

/// Finds the package in `cargo metadata` output.
fn locate(metadata: &[u8], package: &str) -> Result<Fetched, String> {
    let doc: Json = serde_json::from_slice(metadata).map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let found = doc
        .get("packages")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
        .find(|p| p.get("name").and_then(Json::as_str) == Some(package))
        .ok_or_else(|| format!("cargo metadata does not list {package}"))?;
    let version = found.get("version").and_then(Json::as_str).ok_or("cargo metadata gives no version")?;
    let manifest = found.get("manifest_path").and_then(Json::as_str).ok_or("cargo metadata gives no manifest_path")?;
    let src = Path::new(manifest).parent().map(|p| p.join("src")).ok_or("manifest_path has no folder")?;
    Ok(Fetched { version: version.to_owned(), src })
}

fn host_triple() -> Result<String, String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let output = Command::new(&rustc).arg("-vV").output().map_err(|e| format!("cannot run {rustc} -vV: {e}"))?;
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_owned())
        .ok_or_else(|| format!("{rustc} -vV names no host"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_package_is_found_in_metadata() {
        let metadata = br#"{"packages": [
            {"name": "serde", "version": "1.0.0", "manifest_path": "/c/serde-1.0.0/Cargo.toml"},
            {"name": "huawei-cloud-api-definitions-GES", "version": "0.1.20241101",
             "manifest_path": "/c/huawei-cloud-api-definitions-GES-0.1.20241101/Cargo.toml"}]}"#;
        let found = locate(metadata, "huawei-cloud-api-definitions-GES").expect("found");
        assert_eq!(found.version, "0.1.20241101");
        assert_eq!(found.src, Path::new("/c/huawei-cloud-api-definitions-GES-0.1.20241101/src"));
        assert!(locate(metadata, "huawei-cloud-api-definitions-IAM").unwrap_err().contains("does not list"));
        assert!(locate(b"not json", "x").is_err());
    }
}
