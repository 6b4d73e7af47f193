//! `hwc configure`: writes a profile. The secret key is read without echo (or from standard input in scripts),
//! written only to the profile's credentials file (mode 0600, in a 0700 folder) and never printed.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

use clap::{Arg, ArgMatches, Command};
use serde_json::json;

use crate::cli::Globals;
use crate::config::{profile_dir, profile_name, read_settings, Settings};
use crate::failure::Failure;
use crate::output::Output;

pub fn command() -> Command {
    Command::new("configure")
        .about("Write a profile: access key, secret key (asked without echo), and --region/--project-id/--endpoint")
        .long_about(
            "Write a profile to ~/.huaweicloud/hwc/NAME/ (NAME from --profile, else `default`, which hwc then uses \
             when no profile is named).\n\n\
             `credentials` is an official-SDK profile file ([basic] with ak, sk, project_id; mode 0600): the official \
             SDKs read it too with HUAWEICLOUD_SDK_CREDENTIALS_FILE=<that file>. `config.json` keeps the region and \
             endpoint overrides given with --region and --endpoint; values not given again are kept.\n\n\
             The secret key is asked for without echo on a terminal, or read from the first line of standard input \
             (printf '%s\\n' \"$SK\" | hwc configure --access-key AK); it is never printed.",
        )
        .arg(
            Arg::new("access-key")
                .long("access-key")
                .value_name("AK")
                .help("The access key id (asked for when not given)"),
        )
}

pub fn run(matches: &ArgMatches, globals: &Globals) -> Result<Output, Failure> {
    let (name, _) = profile_name(globals);
    let dir = profile_dir(&name)?;
    let ak = match matches.try_get_one::<String>("access-key").ok().flatten() {
        Some(ak) => ak.clone(),
        None => prompt_line("Access key id: ")?,
    };
    let sk = read_secret("Secret access key: ")?;
    for (field, value) in [("access-key", &ak), ("secret key", &sk)] {
        if value.is_empty() || value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Failure::input(field, "charset", "must be one word without spaces or line breaks".to_owned()));
        }
    }
    let mut settings = read_settings(&dir)?;
    if let Some(region) = &globals.region {
        settings.region = Some(region.clone());
    }
    for (service, url) in &globals.endpoints {
        settings.endpoints.insert(service.clone(), url.clone());
    }
    create_private_dir(&dir)?;
    let mut credentials = format!("[basic]\nak = {ak}\nsk = {sk}\n");
    if let Some(project_id) = &globals.project_id {
        credentials.push_str(&format!("project_id = {project_id}\n"));
    }
    let credentials_file = dir.join("credentials");
    write_private(&credentials_file, &credentials)?;
    let settings_file = dir.join("config.json");
    let text = serde_json::to_string_pretty(&settings).unwrap_or_else(|_| "{}".into()) + "\n";
    write_private(&settings_file, &text)?;
    if !globals.quiet {
        eprintln!(
            "hwc: wrote profile `{name}`: {} (mode 0600) and {}",
            credentials_file.display(),
            settings_file.display()
        );
    }
    let Settings { region, endpoints } = settings;
    let value = json!({
        "profile": name,
        "credentials_file": credentials_file.display().to_string(),
        "config_file": settings_file.display().to_string(),
        "access_key_id": ak,
        "project_id": globals.project_id,
        "region": region,
        "endpoints": endpoints,
    });
    Ok(Output::Data { value, listing: None })
}

fn prompt_line(prompt: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::input("stdin", "readable", format!("cannot read standard input: {e}")))?;
    Ok(line.trim().to_owned())
}

/// The secret: from the terminal without echo, else the next line of standard input.
fn read_secret(prompt: &str) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password(prompt)
            .map(|s| s.trim().to_owned())
            .map_err(|e| Failure::input("secret key", "readable", format!("cannot read it from the terminal: {e}")));
    }
    prompt_line(prompt)
}

fn create_private_dir(dir: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| Failure::Config(format!("cannot create {}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| Failure::Config(format!("cannot restrict {}: {e}", dir.display())))?;
    }
    Ok(())
}

/// Writes a file only its owner can read, also when it existed with wider permissions.
fn write_private(path: &Path, text: &str) -> Result<(), Failure> {
    let fail = |e: std::io::Error| Failure::Config(format!("cannot write {}: {e}", path.display()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        if path.exists() {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
        }
    }
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)
}
