//! `--max-unavailable`.

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
            // u128: a desired count near usize::MAX times 100 cannot overflow.
            MaxUnavailable::Percent(p) => {
                let nodes = (desired as u128 * u128::from(p)).div_ceil(100).max(1);
                usize::try_from(nodes).unwrap_or(usize::MAX)
            }
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
