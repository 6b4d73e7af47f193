//! The client most users have today, measured in the same run against the same loopback servers: the official
//! Huawei Cloud Python SDK (`huaweicloudsdkges` from PyPI) in a virtualenv this module makes under
//! `target/bench-venv`, driven over a pipe by `python/list_graph_backups.py` so that it and the generated client
//! take turns round by round.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The SDK release the comparison pins.
pub const SDK: &str = "huaweicloudsdkges==3.1.219";

/// The virtualenv's interpreter, made (with [`SDK`] installed) when missing.
pub fn python() -> Result<PathBuf, String> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-venv");
    let python = venv.join("bin/python");
    let marker = venv.join(format!(".installed-{SDK}"));
    if marker.exists() {
        return Ok(python);
    }
    eprintln!("hwcloud-bench: making {} with {SDK} (once)", venv.display());
    run(Command::new("python3").arg("-m").arg("venv").arg(&venv), "python3 -m venv")?;
    run(Command::new(&python).args(["-m", "pip", "install", "--quiet", SDK]), "pip install")?;
    std::fs::write(&marker, SDK).map_err(|e| format!("cannot write {}: {e}", marker.display()))?;
    Ok(python)
}

fn run(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command.status().map_err(|e| format!("{what} did not start: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Where the SDK sends its calls, with what.
pub struct Target<'a> {
    pub endpoint: &'a str,
    pub project: &'a str,
    pub ak: &'a str,
    pub sk: &'a str,
    pub graph: &'a str,
    /// Backups every answer lists.
    pub items: usize,
}

/// A running SDK driver: its clients built and warmed up, waiting for `run N`.
pub struct Sdk {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Sdk {
    /// Starts the driver with `threads` threads (each with its own SDK client) and waits until it is ready.
    pub fn start(python: &Path, target: &Target, threads: usize) -> Result<Sdk, String> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/list_graph_backups.py");
        let mut child = Command::new(python)
            .arg(&script)
            .args(["--endpoint", target.endpoint, "--project", target.project, "--ak", target.ak, "--sk", target.sk])
            .args(["--graph", target.graph, "--items", &target.items.to_string(), "--threads", &threads.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{} did not start: {e}", script.display()))?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err("the driver's pipes are missing".into());
        };
        let mut sdk = Sdk { child, stdin, stdout: BufReader::new(stdout) };
        match sdk.line()?.as_str() {
            "ready" => Ok(sdk),
            other => Err(format!("the driver said {other:?} instead of `ready`")),
        }
    }

    /// Seconds the SDK took for `calls` calls.
    pub fn run(&mut self, calls: usize) -> Result<f64, String> {
        writeln!(self.stdin, "run {calls}").map_err(|e| format!("the driver stopped listening: {e}"))?;
        let line = self.line()?;
        line.parse().map_err(|_| format!("the driver answered {line:?}"))
    }

    fn line(&mut self) -> Result<String, String> {
        let mut line = String::new();
        match self.stdout.read_line(&mut line) {
            Ok(0) => Err(format!("the driver exited ({:?})", self.child.wait().map(|s| s.to_string()))),
            Ok(_) => Ok(line.trim().to_owned()),
            Err(e) => Err(format!("cannot read the driver: {e}")),
        }
    }
}

impl Drop for Sdk {
    fn drop(&mut self) {
        let _ = writeln!(self.stdin, "quit");
        let _ = self.child.wait();
    }
}
