//! `hwc`: Huawei Cloud's backup APIs from a shell or cron. The per-operation commands are generated from `spec/`
//! (`src/generated`, by `cargo xtask codegen`); this crate's hand-written part is what they share: flags, output,
//! waiting, configuration and exit codes. Every call goes through the generated `hwcloud` library.

mod cli;
mod command;
mod config;
mod configure;
mod failure;
mod flags;
mod generated;
mod output;
mod run;
mod wait;

use std::process::ExitCode;
use std::sync::{Mutex, OnceLock, PoisonError};

use cli::{ErrorFormat, Globals};
use command::CommandSpec;
use failure::exit;
pub use failure::Failure;
use output::Output;

/// What the running command shares with the code it calls.
pub struct Ctx {
    globals: Globals,
    client: OnceLock<hwcloud::Client>,
    /// The generated command being run (for messages in terms of its flags).
    command: OnceLock<&'static CommandSpec>,
    /// The command that resumes the wait in progress, printed on Ctrl-C.
    resume: Mutex<Option<String>>,
}

impl Ctx {
    pub(crate) fn new(globals: Globals) -> Self {
        Ctx { globals, client: OnceLock::new(), command: OnceLock::new(), resume: Mutex::new(None) }
    }

    /// The library client, configured on first use.
    pub fn client(&self) -> Result<&hwcloud::Client, Failure> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let client = config::client(&self.globals)?;
        Ok(self.client.get_or_init(|| client))
    }

    pub fn dry_run(&self) -> bool {
        self.globals.dry_run
    }

    pub fn quiet(&self) -> bool {
        self.globals.quiet
    }

    pub fn set_command(&self, command: &'static CommandSpec) {
        let _ = self.command.set(command);
    }

    /// Remembers `hwc [globals] <service> wait-job <flags>`, the command that resumes the wait about to start.
    pub fn resume_with(&self, service: &str, flags: &[(&str, Option<String>)]) {
        let g = &self.globals;
        let mut words = vec!["hwc".to_owned()];
        let mut global = |flag: &str, value: &Option<String>| {
            if let Some(value) = value {
                words.push(format!("--{flag}"));
                words.push(wait::shell_word(value));
            }
        };
        global("profile", &g.profile);
        global("region", &g.region);
        global("project-id", &g.project_id);
        for (service, url) in &g.endpoints {
            words.push("--endpoint".into());
            words.push(wait::shell_word(&format!("{service}={url}")));
        }
        words.push(service.to_owned());
        words.push("wait-job".to_owned());
        for (flag, value) in flags {
            if let Some(value) = value {
                words.push(format!("--{flag}"));
                words.push(wait::shell_word(value));
            }
        }
        *self.resume.lock().unwrap_or_else(PoisonError::into_inner) = Some(words.join(" "));
    }
}

fn main() -> ExitCode {
    let matches = cli::command().get_matches();
    let globals = match cli::globals(&matches) {
        Ok(globals) => globals,
        Err(failure) => {
            failure.report(None, false);
            return ExitCode::from(failure.exit_code());
        }
    };
    let json_errors = globals.error_format == ErrorFormat::Json;
    if globals.debug {
        tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::DEBUG)
            .init();
    }
    let (format, query) = (globals.output, globals.query.clone());
    let ctx = Ctx::new(globals);
    let result = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(interruptible(&matches, &ctx)),
        Err(e) => Some(Err(Failure::Config(format!("cannot start the async runtime: {e}")))),
    };
    let command = ctx.command.get().copied();
    let code = match result {
        None => interrupted(&ctx, command),
        Some(Ok(output)) => match output::print(output, format, query.as_deref()) {
            Ok(()) => exit::SUCCESS,
            Err(failure) => {
                failure.report(command, json_errors);
                failure.exit_code()
            }
        },
        Some(Err(failure)) => {
            failure.report(command, json_errors);
            failure.exit_code()
        }
    };
    ExitCode::from(code)
}

/// Runs the command unless Ctrl-C comes first (`None`); the command's future is dropped before anything is
/// printed, so a spinner is gone by then.
async fn interruptible(matches: &clap::ArgMatches, ctx: &Ctx) -> Option<Result<Output, Failure>> {
    tokio::select! {
        result = dispatch(matches, ctx) => Some(result),
        _ = tokio::signal::ctrl_c() => None,
    }
}

async fn dispatch(matches: &clap::ArgMatches, ctx: &Ctx) -> Result<Output, Failure> {
    match matches.subcommand() {
        Some(("configure", m)) => configure::run(m, &ctx.globals),
        Some(("completion", m)) => {
            let shell = m.try_get_one::<clap_complete::Shell>("shell").ok().flatten().copied();
            let shell = shell.ok_or_else(|| Failure::usage("name a shell: bash, zsh, fish, elvish or powershell"))?;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cli::command(), "hwc", &mut script);
            Ok(Output::Text(String::from_utf8_lossy(&script).into_owned()))
        }
        Some((service, m)) => match generated::run(service, m, ctx).await {
            Some(result) => result,
            None => Err(Failure::usage(format!("`{service}` is no command; see hwc --help"))),
        },
        None => Err(Failure::usage("name a service: hwc --help lists them")),
    }
}

fn interrupted(ctx: &Ctx, command: Option<&'static CommandSpec>) -> u8 {
    let resume = ctx.resume.lock().unwrap_or_else(PoisonError::into_inner).take();
    match (resume, command) {
        (Some(resume), _) => {
            eprintln!("hwc: interrupted; the job goes on. Resume waiting with:\n  {resume}");
        }
        (None, Some(command)) if !command.operation.idempotent && !ctx.dry_run() => {
            eprintln!(
                "hwc: interrupted; {} may have been carried out: check (e.g. list the backups) before repeating it",
                command.operation
            );
        }
        _ => eprintln!("hwc: interrupted"),
    }
    exit::INTERRUPTED
}
