//! The flags of a generated command and how their values reach the library: each flag's text becomes a JSON
//! value of its documented kind, which serde turns into the builder's field type (so the generated code never
//! names a type); `--body` is read first and the body flags are merged over it.

use std::collections::BTreeSet;
use std::io::Read;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::command::{CommandSpec, Job};
use crate::failure::Failure;
use crate::output::Output;
use crate::Ctx;

/// Where a flag's value goes on the wire (the help groups flags by it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    Path,
    Query,
    Header,
    Body,
}

impl Place {
    /// The help heading of the flags of this place.
    pub fn heading(self) -> &'static str {
        match self {
            Place::Path => "Path parameters",
            Place::Query => "Query parameters",
            Place::Header => "Header parameters",
            Place::Body => "Request body fields",
        }
    }
}

/// The documented type of a flag's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    /// JSON text: free-form objects, and each item of an array of objects.
    Json,
}

/// When the command line must have the flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    No,
    Always,
    /// A mandatory body field: required unless `--body` supplies the body.
    UnlessBody,
}

/// One flag of a generated command, from one spec row.
#[derive(Debug)]
pub struct Flag {
    pub long: &'static str,
    pub alias: Option<&'static str>,
    /// Wire names: the parameter's, or the path from the body's root to the field.
    pub path: &'static [&'static str],
    pub place: Place,
    pub kind: Kind,
    /// Arrays: the flag is repeated, once per item.
    pub multiple: bool,
    pub required: Required,
    pub value_name: &'static str,
    pub help: &'static str,
    pub long_help: &'static str,
}

impl Flag {
    /// The clap argument; its id is the long name.
    pub fn arg(&'static self, command: &CommandSpec) -> Arg {
        let mut arg = Arg::new(self.long)
            .long(self.long)
            .value_name(self.value_name)
            .help(self.help)
            .long_help(self.long_help)
            .help_heading(self.place.heading())
            .action(if self.multiple { ArgAction::Append } else { ArgAction::Set });
        if let Some(alias) = self.alias {
            arg = arg.visible_alias(alias);
        }
        if self.kind == Kind::Boolean && !self.multiple {
            arg = arg.num_args(0..=1).default_missing_value("true").value_name("true|false");
        }
        let skeleton = command.skeleton.is_some();
        match (self.required, skeleton) {
            (Required::No, _) => arg,
            (Required::Always, false) => arg.required(true),
            (Required::Always, true) => arg.required_unless_present("generate-skeleton"),
            (Required::UnlessBody, _) => arg.required_unless_present_any(["body", "generate-skeleton"]),
        }
    }

    /// The field as documented, e.g. `name` or `backup.description`.
    pub fn field(&self) -> String {
        self.path.join(".")
    }
}

/// A command line read against one command's flags.
pub struct Args<'m> {
    matches: &'m ArgMatches,
    command: &'static CommandSpec,
    /// `--body` with the body flags merged over it.
    body: Map<String, Value>,
}

impl<'m> Args<'m> {
    /// Reads `--body` (a JSON object, `@file.json`, or `-` for standard input) and merges the body flags over it;
    /// a key that is no documented field is refused, naming it.
    pub fn new(matches: &'m ArgMatches, command: &'static CommandSpec, ctx: &Ctx) -> Result<Self, Failure> {
        ctx.set_command(command);
        let mut args = Args { matches, command, body: Map::new() };
        if command.skeleton.is_none() || args.flag("generate-skeleton") {
            return Ok(args);
        }
        if let Some(source) = args.string("body") {
            args.body = read_body(&source)?;
        }
        for flag in command.flags.iter().filter(|f| f.place == Place::Body) {
            if let Some(value) = args.json(flag)? {
                set_path(&mut args.body, flag.path, value)?;
            }
        }
        check_known(command, &args.body)?;
        Ok(args)
    }

    /// The value of a path, query or header flag, as the builder's field type.
    pub fn value<T: DeserializeOwned>(&self, long: &str) -> Result<Option<T>, Failure> {
        let Some(flag) = self.command.flags.iter().find(|f| f.long == long) else { return Ok(None) };
        match self.json(flag)? {
            Some(value) => convert(flag.field(), value).map(Some),
            None => Ok(None),
        }
    }

    /// A flag the command line must have (clap enforces it; this only converts it).
    pub fn required<T: DeserializeOwned>(&self, long: &str) -> Result<T, Failure> {
        self.value(long)?.ok_or_else(|| Failure::usage(format!("--{long} is required")))
    }

    /// A top-level field of the merged request body, as the builder's field type.
    pub fn body<T: DeserializeOwned>(&self, wire: &str) -> Result<Option<T>, Failure> {
        match self.body.get(wire) {
            Some(value) => convert(wire.to_owned(), value.clone()).map(Some),
            None => Ok(None),
        }
    }

    /// A flag's text as given (the first value), for the command that resumes a wait.
    pub fn raw(&self, long: &str) -> Option<String> {
        self.string(long)
    }

    /// `--generate-skeleton`: the request body template, instead of running.
    pub fn skeleton(&self) -> Option<Output> {
        let skeleton = self.command.skeleton?;
        self.flag("generate-skeleton").then(|| Output::Text(skeleton.to_owned()))
    }

    /// `--wait`.
    pub fn wait(&self) -> bool {
        self.flag("wait")
    }

    /// Whether to fetch every page (not `--no-paginate`).
    pub fn paginate(&self) -> bool {
        !self.flag("no-paginate")
    }

    /// `--max-items`.
    pub fn max_items(&self) -> Option<usize> {
        self.matches.try_get_one::<usize>("max-items").ok().flatten().copied()
    }

    /// How long to wait for a job: `--wait-timeout`, else the library's default (30 minutes).
    pub fn wait_options(&self) -> Result<hwcloud::WaitOptions, Failure> {
        let options = hwcloud::WaitOptions::default();
        match self.string("wait-timeout") {
            Some(text) => Ok(options.timeout(parse_duration(&text).ok_or_else(|| {
                Failure::usage(format!(
                    "--wait-timeout {text}: write a duration such as 90s, 30m, 2h or 1h30m (a bare number is seconds)"
                ))
            })?)),
            None => Ok(options),
        }
    }

    fn flag(&self, id: &str) -> bool {
        let known = match id {
            "generate-skeleton" => self.command.skeleton.is_some(),
            "no-paginate" => self.command.listing.is_some(),
            "wait" => self.command.job == Job::Starts,
            _ => true,
        };
        known && self.matches.try_get_one::<bool>(id).ok().flatten().copied().unwrap_or(false)
    }

    fn string(&self, id: &str) -> Option<String> {
        self.matches.try_get_one::<String>(id).ok().flatten().cloned()
    }

    /// The flag's value(s) as JSON of its documented kind, when given.
    fn json(&self, flag: &Flag) -> Result<Option<Value>, Failure> {
        let Ok(Some(values)) = self.matches.try_get_many::<String>(flag.long) else { return Ok(None) };
        let values: Vec<Value> = values.map(|raw| to_json(flag, raw)).collect::<Result<_, _>>()?;
        Ok(if flag.multiple { Some(Value::Array(values)) } else { values.into_iter().next() })
    }
}

/// One flag text as JSON of the flag's kind. Messages do not quote the value (it may be a secret).
fn to_json(flag: &Flag, raw: &str) -> Result<Value, Failure> {
    let bad =
        |what: &str| Failure::input(flag.field(), "type", format!("--{} takes {what}; fix the value given", flag.long));
    Ok(match flag.kind {
        Kind::String => Value::String(raw.to_owned()),
        Kind::Integer => Value::from(raw.trim().parse::<i64>().map_err(|_| bad("an integer"))?),
        Kind::Number => {
            let number = raw.trim().parse::<f64>().ok().and_then(serde_json::Number::from_f64);
            Value::Number(number.ok_or_else(|| bad("a number"))?)
        }
        Kind::Boolean => match raw.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad("true or false")),
        },
        Kind::Json => serde_json::from_str(raw).map_err(|e| bad(&format!("JSON ({e})")))?,
    })
}

/// A JSON value as the builder's field type; `field` names it in the error.
fn convert<T: DeserializeOwned>(field: String, value: Value) -> Result<T, Failure> {
    serde_json::from_value(value).map_err(|e| {
        let message = format!("{e}; see `--help` for the field's type and values");
        Failure::input(field, "type", message)
    })
}

/// `--body`: inline JSON, `@file.json`, or `-` (standard input); it must be a JSON object.
fn read_body(source: &str) -> Result<Map<String, Value>, Failure> {
    let (text, from) = if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| Failure::input("body", "readable", format!("cannot read --body from standard input: {e}")))?;
        (text, "standard input".to_owned())
    } else if let Some(path) = source.strip_prefix('@') {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::input("body", "readable", format!("cannot read the --body file {path}: {e}")))?;
        (text, path.to_owned())
    } else {
        (source.to_owned(), "--body".to_owned())
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => {
            Err(Failure::input("body", "type", format!("{from} must hold a JSON object, e.g. {{\"name\": \"...\"}}")))
        }
        Err(e) => Err(Failure::input("body", "type", format!("{from} is not JSON: {e}"))),
    }
}

/// Sets `value` at `path` in the body, creating the objects on the way.
fn set_path(body: &mut Map<String, Value>, path: &[&str], value: Value) -> Result<(), Failure> {
    let Some((last, parents)) = path.split_last() else { return Ok(()) };
    let mut current = body;
    for (depth, key) in parents.iter().enumerate() {
        let entry = current.entry(key.to_string()).or_insert_with(|| Value::Object(Map::new()));
        current = match entry {
            Value::Object(map) => map,
            _ => {
                let field = path[..=depth].join(".");
                return Err(Failure::input(field, "type", "is an object; --body gives it another type".to_owned()));
            }
        };
    }
    current.insert(last.to_string(), value);
    Ok(())
}

/// Refuses body keys that are no documented field (objects are checked down to the flags' leaves).
fn check_known(command: &CommandSpec, body: &Map<String, Value>) -> Result<(), Failure> {
    let flags: Vec<&Flag> = command.flags.iter().filter(|f| f.place == Place::Body).collect();
    let leaves: BTreeSet<String> = flags.iter().map(|f| f.field()).collect();
    let parents: BTreeSet<String> =
        flags.iter().flat_map(|f| (1..f.path.len()).map(|n| f.path[..n].join("."))).collect();
    fn walk(
        map: &Map<String, Value>,
        prefix: &str,
        leaves: &BTreeSet<String>,
        parents: &BTreeSet<String>,
    ) -> Result<(), Failure> {
        for (key, value) in map {
            let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
            if leaves.contains(&path) {
                continue;
            }
            match value {
                Value::Object(inner) if parents.contains(&path) => walk(inner, &path, leaves, parents)?,
                _ => {
                    let known: Vec<&str> = leaves.iter().map(String::as_str).collect();
                    return Err(Failure::input(
                        path,
                        "known_field",
                        format!("is no field of the request body; the fields are {}", known.join(", ")),
                    ));
                }
            }
        }
        Ok(())
    }
    walk(body, "", &leaves, &parents)
}

/// `90`, `90s`, `30m`, `2h`, `1h30m`, `500ms`.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let part = match &rest[..unit_len] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.checked_mul(60)?),
            "h" => Duration::from_secs(number.checked_mul(3600)?),
            _ => return None,
        };
        total = total.checked_add(part)?;
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("2d"), None);
        assert_eq!(parse_duration("m"), None);
        assert_eq!(parse_duration(""), None);
    }

    const fn body_flag(long: &'static str, path: &'static [&'static str], kind: Kind, multiple: bool) -> Flag {
        Flag {
            long,
            alias: None,
            path,
            place: Place::Body,
            kind,
            multiple,
            required: Required::No,
            value_name: "V",
            help: "",
            long_help: "",
        }
    }

    static FLAGS: &[Flag] = &[
        body_flag("name", &["name"], Kind::String, false),
        body_flag("policy.keep-days", &["policy", "keep_days"], Kind::Integer, false),
        body_flag("tags", &["tags"], Kind::String, true),
        body_flag("copies", &["copies"], Kind::Json, true),
    ];

    static COMMAND: CommandSpec = CommandSpec {
        service: "taurusdb",
        name: "nested",
        about: "",
        long_about: "",
        flags: FLAGS,
        skeleton: Some("{}"),
        listing: None,
        job: Job::None,
        operation: &hwcloud::taurusdb::create_backup::OPERATION,
    };

    /// Dotted flags, repeated flags and JSON items parse with clap and merge over `--body`.
    #[test]
    fn dotted_and_repeated_flags_build_the_body() {
        let root = crate::cli::command().subcommand(COMMAND.command());
        let matches = root
            .try_get_matches_from([
                "hwc",
                "nested",
                "--body",
                r#"{"name": "from-body", "policy": {"keep_days": 1}}"#,
                "--policy.keep-days",
                "7",
                "--tags",
                "a",
                "--tags",
                "b",
                "--copies",
                r#"{"id": "c1"}"#,
            ])
            .expect("parses");
        let ctx = Ctx::new(crate::cli::globals(&matches).expect("globals"));
        let (_, m) = matches.subcommand().expect("subcommand");
        let args = Args::new(m, &COMMAND, &ctx).expect("args");
        assert_eq!(
            Value::Object(args.body.clone()),
            serde_json::json!({"name": "from-body", "policy": {"keep_days": 7}, "tags": ["a", "b"], "copies": [{"id": "c1"}]})
        );
        let tags: Option<Vec<String>> = args.body("tags").unwrap();
        assert_eq!(tags, Some(vec!["a".to_owned(), "b".to_owned()]));
        let wrong: Result<Option<Vec<i32>>, _> = args.body("tags");
        assert!(wrong.unwrap_err().to_string().contains("`tags` breaks rule type"));
    }

    #[test]
    fn nested_flags_merge_into_objects_and_refuse_scalars_in_the_way() {
        let mut body = Map::new();
        body.insert("keep".into(), Value::from(1));
        set_path(&mut body, &["policy", "keep_days"], Value::from(7)).unwrap();
        set_path(&mut body, &["policy", "start"], Value::from("01:00")).unwrap();
        assert_eq!(
            Value::Object(body.clone()),
            serde_json::json!({"keep": 1, "policy": {"keep_days": 7, "start": "01:00"}})
        );
        let error = set_path(&mut body, &["keep", "x"], Value::from(1)).unwrap_err();
        assert!(error.to_string().contains("`keep`"), "{error}");
    }
}
