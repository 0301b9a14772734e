//! `--max-unavailable` and the node label selector of `-l`.

#[allow(unused_imports)]
use super::*;

/// `--max-unavailable`: a count or a percentage of `desiredNumberScheduled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaxUnavailable {
    /// A number of nodes (at least 1).
    Count(usize),
    /// A percentage (1–100), rounded up.
    Percent(u32),
}

impl MaxUnavailable {
    /// Parses `2` or `25%`. Zero is refused: it would replace nothing.
    ///
    /// # Errors
    /// A message for anything else.
    pub fn parse(text: &str) -> Result<MaxUnavailable, String> {
        let t = text.trim();
        let bad = || {
            format!(
                "invalid --max-unavailable {text:?}: expected a count such as 2 or a percentage such as 25%"
            )
        };
        if let Some(p) = t.strip_suffix('%') {
            let v: u32 = p.trim().parse().map_err(|_| bad())?;
            if v == 0 || v > 100 {
                return Err(format!(
                    "invalid --max-unavailable {text:?}: a percentage must be between 1% and 100%"
                ));
            }
            Ok(MaxUnavailable::Percent(v))
        } else {
            let v: usize = t.parse().map_err(|_| bad())?;
            if v == 0 {
                return Err(format!(
                    "invalid --max-unavailable {text:?}: must be at least 1 (0 would replace nothing)"
                ));
            }
            Ok(MaxUnavailable::Count(v))
        }
    }

    /// The number of nodes for `desired` desired nodes: percentages are rounded up, as the
    /// DaemonSet controller does (`50%` of 3 is 2), and never below 1.
    pub fn resolve(self, desired: usize) -> usize {
        match self {
            MaxUnavailable::Count(n) => n,
            MaxUnavailable::Percent(p) => (desired * p as usize).div_ceil(100).max(1),
        }
    }
}

impl std::fmt::Display for MaxUnavailable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MaxUnavailable::Count(n) => write!(f, "{n}"),
            MaxUnavailable::Percent(p) => write!(f, "{p}%"),
        }
    }
}

/// A node label selector in kubectl's syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, comma-separated (all must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLabelSelector {
    text: String,
    requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Equals(String, String),
    NotEquals(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

impl NodeLabelSelector {
    /// Parses a selector.
    ///
    /// # Errors
    /// A message naming the bad part.
    pub fn parse(text: &str) -> Result<NodeLabelSelector, String> {
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut start = 0;
        for (i, c) in text.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth
                        .checked_sub(1)
                        .ok_or_else(|| format!("invalid selector {text:?}: unbalanced ')'"))?;
                }
                ',' if depth == 0 => {
                    parts.push(&text[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        if depth != 0 {
            return Err(format!("invalid selector {text:?}: unbalanced '('"));
        }
        parts.push(&text[start..]);
        let requirements = parts
            .into_iter()
            .map(|p| {
                parse_requirement(p.trim())
                    .map_err(|why| format!("invalid selector {text:?}: {why}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NodeLabelSelector {
            text: text.trim().to_owned(),
            requirements,
        })
    }

    /// True when the labels satisfy every requirement (`!=` and `notin` match an absent label,
    /// as in Kubernetes).
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| match r {
            Requirement::Equals(k, v) => labels.get(k) == Some(v),
            Requirement::NotEquals(k, v) => labels.get(k) != Some(v),
            Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
            Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
            Requirement::Exists(k) => labels.contains_key(k),
            Requirement::DoesNotExist(k) => !labels.contains_key(k),
        })
    }

    /// The selector as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn parse_requirement(part: &str) -> Result<Requirement, String> {
    if part.is_empty() {
        return Err("empty requirement".to_owned());
    }
    let key = |k: &str| -> Result<String, String> {
        let k = k.trim();
        if is_valid_label_key(k) {
            Ok(k.to_owned())
        } else {
            Err(format!("{k:?} is not a valid label key"))
        }
    };
    let value = |v: &str| -> Result<String, String> {
        let v = v.trim();
        if v.is_empty() || is_valid_label_value(v) {
            Ok(v.to_owned())
        } else {
            Err(format!("{v:?} is not a valid label value"))
        }
    };
    if let Some(rest) = part.strip_prefix('!') {
        return Ok(Requirement::DoesNotExist(key(rest)?));
    }
    if let Some(open) = part.find('(') {
        let Some(inner) = part[open + 1..].strip_suffix(')') else {
            return Err(format!("{part:?}: expected `key in (a,b)`"));
        };
        let head: Vec<&str> = part[..open].split_whitespace().collect();
        let values = inner.split(',').map(value).collect::<Result<Vec<_>, _>>()?;
        return match head.as_slice() {
            [k, "in"] => Ok(Requirement::In(key(k)?, values)),
            [k, "notin"] => Ok(Requirement::NotIn(key(k)?, values)),
            _ => Err(format!(
                "{part:?}: expected `key in (a,b)` or `key notin (a,b)`"
            )),
        };
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(key(k)?, value(v)?));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key(k)?, value(v)?));
    }
    Ok(Requirement::Exists(key(part)?))
}
