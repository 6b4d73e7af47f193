//! What the `hwc` tests share: the emulator binary running as its own process on free 127.0.0.1 ports, and
//! `hwc` commands with a clean environment (no variable or file of the machine leaks in).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, OnceLock};
use std::time::Duration;

pub const AK: &str = "EMULATORACCESSKEY000";
pub const SK: &str = "emulator-secret-key-for-local-tests-only";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const GRAPH: &str = "demo-graph";
pub const TAURUS_INSTANCE: &str = "0123456789abcdef0123456789abcdefin07";

/// The directory of the built binaries (`hwc` and, beside it, `hwcloud-emulator`).
pub fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_hwc")).parent().expect("binary directory").to_path_buf()
}

/// The emulator binary: `cargo test --workspace` builds it beside `hwc`; a `cargo test -p hwcloud-cli` alone
/// builds it once first.
pub fn emulator_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let path = bin_dir().join(format!("hwcloud-emulator{}", std::env::consts::EXE_SUFFIX));
        if !path.is_file() {
            let status = Command::new(env!("CARGO"))
                .args(["build", "-q", "-p", "hwcloud-emulator", "--bin", "hwcloud-emulator"])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .status()
                .expect("cargo build of the emulator");
            assert!(status.success() && path.is_file(), "the emulator binary is at {}", path.display());
        }
        path
    })
}

/// A running emulator process, killed when dropped.
pub struct Emulator {
    child: Child,
    urls: Vec<(String, String)>,
}

impl Emulator {
    /// Starts the emulator with one graph and one TaurusDB instance; `extra` are more of its flags.
    pub fn start(extra: &[&str]) -> Emulator {
        let mut child = Command::new(emulator_binary())
            .args(["--graph", GRAPH, "--taurusdb-instance", TAURUS_INSTANCE])
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the emulator starts");
        let stdout = child.stdout.take().expect("stdout");
        let (send, receive) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut urls = Vec::new();
        while urls.len() < 4 {
            let line = receive.recv_timeout(Duration::from_secs(30)).expect("the emulator prints its URLs");
            if let Some((service, url)) = line.split_once(' ') {
                urls.push((service.to_owned(), url.to_owned()));
            }
        }
        Emulator { child, urls }
    }

    pub fn url(&self, service: &str) -> &str {
        self.urls.iter().find(|(s, _)| s == service).map(|(_, u)| u.as_str()).expect("service URL")
    }

    /// `hwc` with the emulator's credentials and every service's endpoint.
    pub fn hwc(&self, home: &Path) -> assert_cmd::Command {
        let mut command = hwc(home);
        command.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", SK).env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT);
        for service in ["ges", "geminidb", "taurusdb", "iam"] {
            command.arg("--endpoint").arg(format!("{service}={}", self.url(service)));
        }
        command
    }

    /// The same, as a plain process (for signals).
    pub fn hwc_process(&self, home: &Path) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hwc"));
        command.env_clear().env("HOME", home);
        command.env("HUAWEICLOUD_SDK_AK", AK).env("HUAWEICLOUD_SDK_SK", SK).env("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT);
        for service in ["ges", "geminidb", "taurusdb", "iam"] {
            command.arg("--endpoint").arg(format!("{service}={}", self.url(service)));
        }
        command
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `hwc` with nothing of the machine's configuration: no variables but `HOME` (an empty folder of the test).
pub fn hwc(home: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_hwc"));
    command.env_clear().env("HOME", home).timeout(Duration::from_secs(60));
    command
}

/// An empty home folder for one test, removed when dropped.
pub struct Home(pub PathBuf);

impl Home {
    pub fn new(name: &str) -> Home {
        let dir = std::env::temp_dir().join(format!("hwc-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("home");
        Home(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stdout of a successful command, as JSON.
pub fn json_of(output: &std::process::Output) -> serde_json::Value {
    let text = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is JSON ({e}): {text}"))
}

pub fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}
