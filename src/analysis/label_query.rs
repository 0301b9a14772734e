//! Label queries as kubectl's `-l` takes them (`a=b,c in (x,y),!d`), for choosing nodes
//! (`replace -l`) and DaemonSets (`list -l`) in a snapshot; live requests pass the text on.

use std::collections::BTreeMap;

use super::labels::{is_valid_label_key, is_valid_label_value};

/// A label query in kubectl's `-l` syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`,
/// `a notin (x)`, `a`, `!a`, `a>3`, `a<3`, comma-separated (all must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelQuery {
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
    GreaterThan(String, i64),
    LessThan(String, i64),
}

impl LabelQuery {
    /// Parses a selector.
    ///
    /// # Errors
    /// A message naming the bad part.
    pub fn parse(text: &str) -> Result<LabelQuery, String> {
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
        Ok(LabelQuery {
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
            Requirement::GreaterThan(k, n) => int_label(labels, k).is_some_and(|v| v > *n),
            Requirement::LessThan(k, n) => int_label(labels, k).is_some_and(|v| v < *n),
        })
    }

    /// The selector as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn int_label(labels: &BTreeMap<String, String>, key: &str) -> Option<i64> {
    labels.get(key)?.parse().ok()
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
    // `key>N` / `key<N` (apimachinery's Gt/Lt): integers only, a label that is absent or not an
    // integer never matches.
    for (op, make) in [
        (
            '>',
            Requirement::GreaterThan as fn(String, i64) -> Requirement,
        ),
        ('<', Requirement::LessThan),
    ] {
        if let Some((k, v)) = part.split_once(op) {
            let n = v
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("{part:?}: `{op}` needs an integer, e.g. `key{op}3`"))?;
            return Ok(make(key(k)?, n));
        }
    }
    if let Some((k, v)) = part.split_once("!=") {
        return Ok(Requirement::NotEquals(key(k)?, value(v)?));
    }
    if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
        return Ok(Requirement::Equals(key(k)?, value(v)?));
    }
    Ok(Requirement::Exists(key(part)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        let labels: BTreeMap<String, String> =
            [("zone", "a"), ("role", "edge"), ("gpu", ""), ("gen", "3")]
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
        let m = |s: &str| LabelQuery::parse(s).unwrap().matches(&labels);
        assert!(m("zone=a"));
        assert!(m("zone==a"));
        assert!(m("gen>2") && !m("gen>3") && m("gen<4") && !m("gen<3"));
        assert!(
            !m("zone>1") && !m("missing<9"),
            "not an integer, or absent: no match"
        );
        assert!(!m("zone=b"));
        assert!(m("zone!=b"));
        assert!(m("missing!=b"));
        assert!(m("zone in (a, b),role"));
        assert!(!m("zone notin (a)"));
        assert!(m("other notin (a)"));
        assert!(m("!other"));
        assert!(!m("!gpu"));
        assert!(m("gpu="));
        assert!(m(" zone = a , role = edge "));
        for bad in [
            "",
            "a=b,",
            "zone in a",
            "(",
            "zone in (a",
            "bad key=x",
            "a=b=c",
            "x inn (a)",
            "gen>x",
            "gen<",
        ] {
            assert!(LabelQuery::parse(bad).is_err(), "{bad:?} accepted");
        }
    }
}
