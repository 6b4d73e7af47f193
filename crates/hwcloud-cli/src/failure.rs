//! Why a command failed, its exit code (the AWS CLI's numbering), and how it is reported on stderr: as text with
//! the code, message and request id a person needs, or as one JSON object (`--error-format json`).

use std::fmt;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};

use crate::command::CommandSpec;

/// Exit codes, as `hwc --help` documents them.
pub mod exit {
    pub const SUCCESS: u8 = 0;
    pub const USAGE: u8 = 2;
    pub const INTERRUPTED: u8 = 130;
    pub const JOB_FAILED: u8 = 250;
    pub const WAIT_TIMED_OUT: u8 = 251;
    pub const INVALID_INPUT: u8 = 252;
    pub const CONFIG: u8 = 253;
    pub const SERVICE: u8 = 254;
    pub const NETWORK: u8 = 255;
}

/// A failed command.
#[derive(Debug)]
pub enum Failure {
    /// What the library reported.
    Api(hwcloud::Error),
    /// A flag or `--body` value the CLI could not turn into the input; nothing was sent.
    Input { field: String, rule: &'static str, message: String },
    /// Configuration: profile, credentials, files.
    Config(String),
    /// The command line itself.
    Usage(String),
    /// A success response the CLI cannot use (no job id to wait for), or output that cannot be written.
    Response(String),
}

impl Failure {
    pub fn input(field: impl Into<String>, rule: &'static str, message: String) -> Self {
        Failure::Input { field: field.into(), rule, message }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Failure::Usage(message.into())
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Api(error) => api_exit_code(error),
            Failure::Input { .. } => exit::INVALID_INPUT,
            Failure::Config(_) => exit::CONFIG,
            Failure::Usage(_) => exit::USAGE,
            Failure::Response(_) => exit::NETWORK,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Failure::Api(error) => api_kind(error),
            Failure::Input { .. } => "invalid_input",
            Failure::Config(_) => "config",
            Failure::Usage(_) => "usage",
            Failure::Response(_) => "response",
        }
    }

    /// Reports the failure on stderr; `command` translates documented field names into flags.
    pub fn report(&self, command: Option<&'static CommandSpec>, json_format: bool) {
        let mut err = anstream::stderr().lock();
        let _ =
            if json_format { writeln!(err, "{}", self.to_json(command)) } else { self.write_text(&mut err, command) };
    }

    fn write_text(&self, out: &mut impl Write, command: Option<&'static CommandSpec>) -> std::io::Result<()> {
        let red = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
        let bold = Style::new().bold();
        match self {
            Failure::Api(hwcloud::Error::InvalidInput { operation, violations }) => {
                writeln!(out, "{red}error:{red:#} {operation}: invalid input, nothing was sent")?;
                for v in violations {
                    writeln!(
                        out,
                        "  {bold}{}{bold:#} breaks rule {}: {}",
                        flag_of(command, &v.field),
                        v.rule,
                        v.message
                    )?;
                }
            }
            Failure::Api(error) => {
                writeln!(out, "{red}error:{red:#} {error}")?;
                if let Some(service) = error.as_service_error() {
                    writeln!(out, "  code: {}", service.code().unwrap_or("(none in the body)"))?;
                    if let Some(message) = service.message() {
                        writeln!(out, "  message: {message}")?;
                    }
                    writeln!(out, "  request id: {}", service.request_id().unwrap_or("(none)"))?;
                }
                if error.outcome_unknown() {
                    writeln!(out, "  note: the request may have been carried out; check before repeating it")?;
                } else if error.is_retryable() {
                    writeln!(out, "  note: the failure may be temporary; the same command may succeed later")?;
                }
            }
            Failure::Input { field, rule, message } => {
                writeln!(out, "{red}error:{red:#} invalid input, nothing was sent")?;
                writeln!(out, "  {bold}{}{bold:#} breaks rule {rule}: {message}", flag_of(command, field))?;
            }
            other => writeln!(out, "{red}error:{red:#} {other}")?,
        }
        Ok(())
    }

    fn to_json(&self, command: Option<&'static CommandSpec>) -> Value {
        let mut error = json!({ "kind": self.kind(), "exit_code": self.exit_code(), "message": self.to_string() });
        let violations: Vec<Value> = match self {
            Failure::Api(e) => {
                error["code"] = json!(e.code());
                error["request_id"] = json!(e.request_id());
                error["http_status"] = json!(e.http_status());
                error["solution"] = json!(e.solution());
                error["retryable"] = json!(e.is_retryable());
                error["outcome_unknown"] = json!(e.outcome_unknown());
                error["not_found"] = json!(e.is_not_found());
                error["job_id"] = json!(e.job_id());
                e.violations()
                    .iter()
                    .map(|v| json!({"field": v.field, "flag": flag_of(command, &v.field), "rule": v.rule, "message": v.message}))
                    .collect()
            }
            Failure::Input { field, rule, message } => {
                vec![json!({"field": field, "flag": flag_of(command, field), "rule": rule, "message": message})]
            }
            _ => Vec::new(),
        };
        if !violations.is_empty() {
            error["violations"] = Value::Array(violations);
        }
        json!({ "error": error })
    }
}

/// `--name (name)` for a documented field the command has a flag for, else the field.
fn flag_of(command: Option<&'static CommandSpec>, field: &str) -> String {
    match command.and_then(|c| c.flags.iter().find(|f| f.field() == field)) {
        Some(flag) => format!("--{} (`{field}`)", flag.long),
        None => format!("`{field}`"),
    }
}

fn api_exit_code(error: &hwcloud::Error) -> u8 {
    use hwcloud::Error as E;
    match error {
        E::InvalidInput { .. } => exit::INVALID_INPUT,
        E::Config(_) => exit::CONFIG,
        E::Service(_) => exit::SERVICE,
        E::JobFailed { .. } => exit::JOB_FAILED,
        E::JobTimedOut { .. } => exit::WAIT_TIMED_OUT,
        E::JobPollFailed { source, .. } => api_exit_code(source),
        E::Connect { .. } | E::Timeout { .. } | E::Transport { .. } | E::Decode { .. } | E::Paging { .. } => {
            exit::NETWORK
        }
        _ => exit::NETWORK,
    }
}

fn api_kind(error: &hwcloud::Error) -> &'static str {
    use hwcloud::Error as E;
    match error {
        E::InvalidInput { .. } => "invalid_input",
        E::Config(_) => "config",
        E::Connect { .. } => "connect",
        E::Timeout { .. } => "timeout",
        E::Transport { .. } => "transport",
        E::Service(_) => "service",
        E::Decode { .. } => "decode",
        E::Paging { .. } => "paging",
        E::JobFailed { .. } => "job_failed",
        E::JobTimedOut { .. } => "job_timed_out",
        E::JobPollFailed { .. } => "job_poll_failed",
        _ => "other",
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Api(error) => write!(f, "{error}"),
            Failure::Input { field, rule, message } => {
                write!(f, "invalid input, nothing was sent: `{field}` breaks rule {rule}: {message}")
            }
            Failure::Config(message) => write!(f, "configuration error: {message}"),
            Failure::Usage(message) => write!(f, "{message}"),
            Failure::Response(message) => write!(f, "{message}"),
        }
    }
}

impl From<hwcloud::Error> for Failure {
    fn from(error: hwcloud::Error) -> Self {
        Failure::Api(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_documented_numbering() {
        assert_eq!(Failure::Api(hwcloud::Error::Config("x".into())).exit_code(), exit::CONFIG);
        assert_eq!(Failure::input("name", "min_length", "short".into()).exit_code(), exit::INVALID_INPUT);
        let job = hwcloud::Error::JobTimedOut {
            job_id: "j".into(),
            last_status: None,
            waited_ms: 1,
            started: hwcloud::runtime::Started::default(),
        };
        assert_eq!(Failure::Api(job).exit_code(), exit::WAIT_TIMED_OUT);
        let json = Failure::input("name", "min_length", "too short".into()).to_json(None);
        assert_eq!(json["error"]["violations"][0]["rule"], "min_length");
        assert_eq!(json["error"]["exit_code"], 252);
    }
}
