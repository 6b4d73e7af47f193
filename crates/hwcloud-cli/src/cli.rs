//! The `hwc` command line: global options, the generated service commands, `configure` and `completion`.

use clap::{Args as _, Command, FromArgMatches as _};

use crate::failure::Failure;
use crate::output::{check_query, Format};

/// Options of every command (`global`: they may follow the subcommands).
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Global options")]
pub struct Globals {
    /// Region, e.g. cn-north-4 [default: HUAWEICLOUD_SDK_REGION, else the profile's]
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Project id [default: HUAWEICLOUD_SDK_PROJECT_ID, the profile's, else looked up in IAM]
    #[arg(long, global = true, value_name = "ID")]
    pub project_id: Option<String>,
    /// Profile written by `hwc configure` (~/.huaweicloud/hwc/NAME/) [default: HWC_PROFILE, else `default` if any]
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Send a service's calls to this base URL, e.g. ges=http://127.0.0.1:8080 (repeatable; also iam, metadata)
    #[arg(long = "endpoint", global = true, value_name = "SERVICE=URL", value_parser = parse_endpoint)]
    pub endpoints: Vec<(String, String)>,
    /// Output format on stdout
    #[arg(short = 'o', long, global = true, value_enum, default_value_t = Format::Json)]
    pub output: Format,
    /// JMESPath expression applied to the output, e.g. 'backup_list[].id'
    #[arg(long, global = true, value_name = "JMESPATH", value_parser = check_query)]
    pub query: Option<String>,
    /// Validate and sign the request, print it (secrets masked) and send nothing
    #[arg(long, global = true)]
    pub dry_run: bool,
    /// Log every HTTP call and retry on stderr
    #[arg(long, global = true)]
    pub debug: bool,
    /// No progress or notes on stderr (errors still)
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
    /// How errors are printed on stderr
    #[arg(long, global = true, value_enum, default_value_t = ErrorFormat::Text, value_name = "FORMAT")]
    pub error_format: ErrorFormat,
}

/// `--error-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ErrorFormat {
    Text,
    /// One JSON object: kind, exit code, code, message, request id, violations...
    Json,
}

fn parse_endpoint(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((service, url)) if !service.is_empty() && !url.is_empty() => Ok((service.to_owned(), url.to_owned())),
        _ => Err("write SERVICE=URL, e.g. ges=http://127.0.0.1:8080".to_owned()),
    }
}

const ABOUT: &str = "Huawei Cloud backups (GES, GeminiDB, TaurusDB) from a shell or cron";

const LONG_ABOUT: &str = "\
Huawei Cloud backups (GES, GeminiDB, TaurusDB) from a shell or cron: one command per documented operation, \
`hwc <service> <operation>`, generated from the same spec as the hwcloud library.

Configuration is read as the official SDKs read it (HUAWEICLOUD_SDK_* variables, ~/.huaweicloud/credentials, \
regions.yaml, the ECS metadata service), from a profile written by `hwc configure`, and from the flags, which win.

Data goes to stdout, everything else (progress, notes, errors) to stderr.";

const EXIT_CODES: &str = "\
Exit codes:
  0    success
  2    usage: the command line is wrong
  130  interrupted (Ctrl-C); a wait prints the `wait-job` command that resumes it
  250  the job failed
  251  waiting for the job timed out (the job goes on)
  252  invalid input: a value breaks a documented rule; nothing was sent
  253  configuration or credentials
  254  the service answered with an error (code, message and request id on stderr)
  255  network, transport or an undecodable response";

/// The whole command tree.
pub fn command() -> Command {
    let root = Command::new("hwc")
        .version(env!("CARGO_PKG_VERSION"))
        .about(ABOUT)
        .long_about(LONG_ABOUT)
        .after_long_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommands(crate::generated::services())
        .subcommand(crate::configure::command())
        .subcommand(
            Command::new("completion").about("Print a shell completion script, e.g. hwc completion bash > ~/.local/share/bash-completion/completions/hwc").arg(
                clap::Arg::new("shell")
                    .required(true)
                    .value_parser(clap::value_parser!(clap_complete::Shell))
                    .help("bash, zsh, fish, elvish or powershell"),
            ),
        );
    Globals::augment_args(root)
}

/// The global options of a parsed command line.
pub fn globals(matches: &clap::ArgMatches) -> Result<Globals, Failure> {
    Globals::from_arg_matches(matches).map_err(|e| Failure::usage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The globals are exactly the options codegen keeps spec rows from taking, and the tree is well formed
    /// (clap's own checks: no duplicate flag in any command).
    #[test]
    fn globals_are_what_codegen_reserves() {
        let command = command();
        command.clone().debug_assert();
        let mut longs: Vec<&str> = command.get_arguments().filter_map(|a| a.get_long()).collect();
        longs.extend(["help", "version"]);
        longs.sort();
        let mut reserved = crate::generated::GLOBAL_FLAGS.to_vec();
        reserved.sort();
        assert_eq!(longs, reserved);
    }
}
