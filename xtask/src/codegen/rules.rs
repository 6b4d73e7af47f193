//! Documented rules: one `StrRules` constant per rule set of a service (in its `rules.rs`), and the checks that
//! generated `validate()` methods run.

use std::collections::BTreeMap;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::docs;
use super::names::camel;
use crate::spec::load::ServiceDir;
use crate::spec::model::{Field, Rules};
use crate::spec::types::{Scalar, TypeExpr};

/// The string rules of one row: what the spec states, plus non-empty for path parameters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct StrRuleSet {
    non_empty: bool,
    length: Option<u32>,
    min_length: Option<u32>,
    max_length: Option<u32>,
    charset: Vec<String>,
    starts_with_letter: bool,
    prefix: Option<String>,
    suffix: Option<String>,
    forbidden_chars: Option<String>,
    sensitive: bool,
}

impl StrRuleSet {
    fn of(r: &Rules, non_empty: bool, sensitive: bool) -> Self {
        StrRuleSet {
            non_empty,
            length: r.length,
            min_length: r.min_length,
            max_length: r.max_length,
            charset: r.charset.clone(),
            starts_with_letter: r.starts_with_letter,
            prefix: r.prefix.clone(),
            suffix: r.suffix.clone(),
            forbidden_chars: r.forbidden_chars.clone(),
            sensitive,
        }
    }

    /// Whether anything is checked beyond non-emptiness.
    fn documented(&self) -> bool {
        self.length.is_some()
            || self.min_length.is_some()
            || self.max_length.is_some()
            || !self.charset.is_empty()
            || self.starts_with_letter
            || self.prefix.is_some()
            || self.suffix.is_some()
            || self.forbidden_chars.is_some()
    }

    /// `StrRules { .. }` with only what the documentation states.
    fn literal(&self) -> TokenStream {
        let mut parts = Vec::new();
        if self.non_empty {
            parts.push(quote! { non_empty: true });
        }
        for (name, value) in [("length", self.length), ("min_length", self.min_length), ("max_length", self.max_length)]
        {
            if let Some(n) = value {
                let name = format_ident!("{name}");
                let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
                parts.push(quote! { #name: Some(#n) });
            }
        }
        if !self.charset.is_empty() {
            let charset = charset_literal(&self.charset);
            parts.push(quote! { charset: Some(#charset) });
        }
        if self.starts_with_letter {
            parts.push(quote! { starts_with_letter: true });
        }
        if let Some(p) = &self.prefix {
            parts.push(quote! { prefix: Some(#p) });
        }
        if let Some(s) = &self.suffix {
            parts.push(quote! { suffix: Some(#s) });
        }
        if let Some(f) = &self.forbidden_chars {
            parts.push(quote! { forbidden_chars: #f });
        }
        if self.sensitive {
            parts.push(quote! { sensitive: true });
        }
        quote! { StrRules { #(#parts,)* ..StrRules::NONE } }
    }
}

/// `Charset::LETTERS_DIGITS`, or a literal on top of the closest named set.
fn charset_literal(classes: &[String]) -> TokenStream {
    let has = |c: &str| classes.iter().any(|x| x == c);
    let extra: String = classes.iter().filter(|c| c.chars().count() == 1).map(String::as_str).collect();
    let base = match (has("letters"), has("lowercase"), has("digits")) {
        (true, _, true) => Some(quote! { Charset::LETTERS_DIGITS }),
        (false, true, true) => Some(quote! { Charset::LOWERCASE_DIGITS }),
        _ => None,
    };
    let mut flags = Vec::new();
    let covered = |c: &str| match c {
        "letters" | "digits" => has("letters") && has("digits"),
        "lowercase" => !has("letters") && has("digits"),
        _ => false,
    };
    for class in ["letters", "lowercase", "uppercase", "digits"] {
        if has(class) && (base.is_none() || !covered(class)) {
            let id = format_ident!("{class}");
            flags.push(quote! { #id: true });
        }
    }
    if !extra.is_empty() {
        flags.push(quote! { extra: #extra });
    }
    match (base, flags.is_empty()) {
        (Some(base), true) => base,
        (Some(base), false) => quote! { Charset { #(#flags,)* ..#base } },
        (None, _) => quote! { Charset { #(#flags,)* ..Charset::NONE } },
    }
}

/// How a row's string rules are referred to from a check.
#[derive(Clone)]
enum RuleRef {
    NonEmpty,
    Const(Ident),
}

/// The rule sets of one service, named once.
pub struct RuleSets {
    /// `(owner, wire name)` → the rules of that row.
    by_row: BTreeMap<(String, String), RuleRef>,
    /// Constant name → rules and the rows they belong to (for its doc line).
    consts: BTreeMap<String, (StrRuleSet, String)>,
}

impl RuleSets {
    /// Names every documented string rule set after its field (`PROJECT_ID`), or after owner and field when the
    /// same field name has different rules in different places (`CREATE_BACKUP_NAME`).
    pub fn new(service: &ServiceDir, rows: &[(String, &Field)]) -> Self {
        let path_params: Vec<*const Field> =
            service.operations.iter().flat_map(|o| &o.value.uri_parameters).map(|f| f as *const Field).collect();
        let mut sets: BTreeMap<String, Vec<(String, StrRuleSet)>> = BTreeMap::new();
        for (owner, field) in rows {
            let is_str = matches!(
                crate::spec::check::field_type(field),
                Ok(TypeExpr::Scalar(Scalar::String)) | Ok(TypeExpr::Array(_))
            );
            if !is_str || !field.values.is_empty() {
                continue;
            }
            let path_param = path_params.contains(&(*field as *const Field));
            let set = StrRuleSet::of(&field.rules, path_param, field.sensitive);
            sets.entry(field.name.clone()).or_default().push((owner.clone(), set));
        }
        let mut by_row = BTreeMap::new();
        let mut consts = BTreeMap::new();
        for (wire, uses) in sets {
            let mut distinct: Vec<&StrRuleSet> = uses.iter().map(|(_, s)| s).filter(|s| s.documented()).collect();
            distinct.sort();
            distinct.dedup();
            for (owner, set) in &uses {
                let rule = if set.documented() {
                    let name =
                        if distinct.len() == 1 { upper(&wire) } else { format!("{}_{}", upper(owner), upper(&wire)) };
                    consts.entry(name.clone()).or_insert_with(|| (set.clone(), wire.clone()));
                    RuleRef::Const(format_ident!("{name}"))
                } else if set.non_empty {
                    RuleRef::NonEmpty
                } else {
                    continue;
                };
                by_row.insert((owner.clone(), wire.clone()), rule);
            }
        }
        RuleSets { by_row, consts }
    }

    /// `rules.rs`, or `None` when the service documents no string rule.
    pub fn module(&self, title: &str) -> Option<TokenStream> {
        if self.consts.is_empty() {
            return None;
        }
        let items = self.consts.iter().map(|(name, (set, wire))| {
            let ident = format_ident!("{name}");
            let literal = set.literal();
            let doc = docs::attrs(&[format!("`{wire}`: {}.", words(set).unwrap_or_default())]);
            quote! { #doc pub const #ident: StrRules = #literal; }
        });
        let doc = docs::inner_attrs(&[format!(
            "The documented rules of {}'s string parameters: one constant per rule set, named after its field.",
            docs::user_text(title)
        )]);
        Some(quote! {
            #doc
            use hwcloud_runtime::validate::{Charset, StrRules};
            #(#items)*
        })
    }

    /// The `StrRules` a string row (or list of strings) is checked against, when the spec states any.
    pub fn str_rules(&self, module: &Ident, owner: &str, wire: &str) -> Option<TokenStream> {
        Some(match self.by_row.get(&(owner.to_owned(), wire.to_owned()))? {
            RuleRef::NonEmpty => quote! { hwcloud_runtime::validate::StrRules::NON_EMPTY },
            RuleRef::Const(name) => quote! { crate::#module::rules::#name },
        })
    }
}

fn upper(name: &str) -> String {
    super::names::snake(&camel(name)).to_ascii_uppercase()
}

/// A row's rules in plain words, e.g. "4–64 characters, starting with a letter; letters, digits, `-`, `_`".
pub fn rule_words(rules: &Rules) -> Option<String> {
    let window = rules.time_window.as_ref().map(|w| {
        let minutes: Vec<String> = w.minutes.iter().map(|m| format!("{m:02}")).collect();
        format!("a one-hour window `hh:mm-HH:MM` (UTC) on minutes {}", minutes.join(", "))
    });
    let parts: Vec<String> = words(&StrRuleSet::of(rules, false, false)).into_iter().chain(window).collect();
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn words(set: &StrRuleSet) -> Option<String> {
    let mut parts = Vec::new();
    let length = match (set.length, set.min_length, set.max_length) {
        (Some(n), _, _) => Some(format!("exactly {n} characters")),
        (None, Some(a), Some(b)) => Some(format!("{a}–{b} characters")),
        (None, Some(a), None) => Some(format!("at least {a} characters")),
        (None, None, Some(b)) => Some(format!("up to {b} characters")),
        (None, None, None) => None,
    };
    let mut first = length.unwrap_or_default();
    if set.starts_with_letter {
        first =
            if first.is_empty() { "starting with a letter".into() } else { format!("{first}, starting with a letter") };
    }
    if !first.is_empty() {
        parts.push(first);
    }
    if !set.charset.is_empty() {
        let described: Vec<String> = set
            .charset
            .iter()
            .map(|c| match c.as_str() {
                "lowercase" => "lower-case letters".to_owned(),
                "uppercase" => "upper-case letters".to_owned(),
                c if c.chars().count() == 1 => format!("`{c}`"),
                c => c.to_owned(),
            })
            .collect();
        parts.push(format!("only {}", described.join(", ")));
    }
    if let Some(p) = &set.prefix {
        parts.push(format!("starting with `{p}`"));
    }
    if let Some(s) = &set.suffix {
        parts.push(format!("ending with `{s}`"));
    }
    if let Some(f) = &set.forbidden_chars {
        let shown: Vec<String> = f.chars().map(|c| format!("`{}`", c.escape_debug())).collect();
        parts.push(format!("none of {}", shown.join(" ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
