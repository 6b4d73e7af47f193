//! What a generated command is (its flags, body template, listing shape, job behaviour) and the clap command
//! built from it, with the options every command of that shape shares.

use clap::{Arg, ArgAction, Command};
use hwcloud::runtime::OperationSpec;

use crate::flags::Flag;

/// Whether a command starts a job or waits for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    None,
    /// The operation starts a job: `--wait`, `--wait-timeout`.
    Starts,
    /// `wait-job`: `--wait-timeout`.
    Waits,
}

/// How a listing's output looks: the items field, the total, and the columns of `-o table` / `-o wide`.
#[derive(Debug)]
pub struct Listing {
    pub items: &'static str,
    pub total: Option<&'static str>,
    pub table: &'static [&'static str],
    pub wide: &'static [&'static str],
}

/// One generated command.
#[derive(Debug)]
pub struct CommandSpec {
    pub service: &'static str,
    pub name: &'static str,
    pub about: &'static str,
    pub long_about: &'static str,
    pub flags: &'static [Flag],
    /// The request body template, for operations with a body (`--body`, `--generate-skeleton`).
    pub skeleton: Option<&'static str>,
    pub listing: Option<Listing>,
    pub job: Job,
    /// The library's operation (for messages: its name, whether it is idempotent).
    pub operation: &'static OperationSpec,
}

impl CommandSpec {
    /// The clap command: the documented flags grouped by where they go, then the options of the command's shape.
    pub fn command(&'static self) -> Command {
        let mut command = Command::new(self.name)
            .about(self.about)
            .long_about(self.long_about)
            .args(self.flags.iter().map(|f| f.arg(self)));
        if self.skeleton.is_some() {
            command =
                command
                    .arg(Arg::new("body").long("body").value_name("JSON|@FILE|-").help(
                        "The request body as JSON, @file.json, or - for standard input; flags override its fields",
                    ))
                    .arg(
                        Arg::new("generate-skeleton")
                            .long("generate-skeleton")
                            .action(ArgAction::SetTrue)
                            .help("Print a template of the request body for --body, and send nothing"),
                    );
        }
        if self.listing.is_some() {
            command = command
                .arg(
                    Arg::new("max-items")
                        .long("max-items")
                        .value_name("N")
                        .value_parser(clap::value_parser!(usize))
                        .help("Stop after N items (fetching only the pages they need)"),
                )
                .arg(
                    Arg::new("no-paginate")
                        .long("no-paginate")
                        .action(ArgAction::SetTrue)
                        .help("Ask for one page only (the offset and page size given), as the API answers it"),
                );
        }
        if self.job == Job::Starts {
            command = command.arg(
                Arg::new("wait")
                    .long("wait")
                    .action(ArgAction::SetTrue)
                    .help("Wait for the job to end; progress on stderr, the final job added to the output"),
            );
        }
        if self.job != Job::None {
            let wait_timeout = Arg::new("wait-timeout")
                .long("wait-timeout")
                .value_name("DURATION")
                .help("Give up waiting after this long, e.g. 90s, 30m, 2h (default 30m); the job goes on (exit 251)");
            command = command.arg(if self.job == Job::Starts { wait_timeout.requires("wait") } else { wait_timeout });
        }
        command
    }
}
