//! Riding out a brief loss of the API server (a restart, a control-plane failover).
//!
//! A server that never answered is an error at once, as with kubectl: the address or the
//! network is wrong. Once it has answered, a refused or dropped connection is more likely a
//! restart, so reads (and watches) are tried again with backoff for a bounded time, and stderr
//! says so once when the connection is lost and once when it is back. Writes are never repeated
//! here: the caller decides whether one that may have happened needs doing again.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::error::{ClusterError, format_duration};

/// How long an outage is ridden out before the request fails.
pub const OUTAGE_BUDGET: Duration = Duration::from_secs(30);

/// The first wait after a failure; doubled up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Whether the API server answered before, and since when it no longer does. Shared by every
/// request of one [`super::Cluster`], so concurrent requests report one outage once.
#[derive(Debug)]
pub(crate) struct Outage {
    budget: Duration,
    answered: AtomicBool,
    since: Mutex<Option<Instant>>,
}

impl Outage {
    /// No answer yet; outages are ridden out for `budget` (zero: never).
    pub fn new(budget: Duration) -> Outage {
        Outage {
            budget,
            answered: AtomicBool::new(false),
            since: Mutex::new(None),
        }
    }

    /// The server answered (any HTTP status): an outage in progress is over.
    pub fn answered(&self) {
        self.answered.store(true, Ordering::Relaxed);
        let ended = self.since.lock().map(|mut s| s.take()).unwrap_or(None);
        if let Some(start) = ended {
            eprintln!(
                "warning: reconnected to the API server after {}",
                format_duration(round_to_tenths(start.elapsed()))
            );
        }
    }

    /// After attempt number `attempt` (1-based) failed with `err`: how long to wait before the
    /// next one, or `None` to give up (a server never reached, an error that is not a lost
    /// connection, or an outage longer than the budget).
    pub fn retry_after(&self, err: &ClusterError, attempt: u32) -> Option<Duration> {
        let ClusterError::Unreachable { cause, .. } = err else {
            return None;
        };
        if self.budget.is_zero() || !self.answered.load(Ordering::Relaxed) {
            return None;
        }
        let mut since = self.since.lock().ok()?;
        let start = *since.get_or_insert_with(|| {
            eprintln!(
                "warning: lost the connection to the API server ({}); retrying for up to {}",
                crate::render::safe::Safe(&cause.to_string()),
                format_duration(self.budget)
            );
            Instant::now()
        });
        let left = self.budget.checked_sub(start.elapsed())?;
        if left.is_zero() {
            return None;
        }
        Some(backoff(attempt).min(left))
    }

    /// The error to return when an outage outlasted the budget: says for how long.
    pub fn gave_up(&self, err: ClusterError) -> ClusterError {
        match err {
            ClusterError::Unreachable { url, cause }
                if self.answered.load(Ordering::Relaxed) && !self.budget.is_zero() =>
            {
                ClusterError::Unreachable {
                    url,
                    cause: format!(
                        "{cause} (still unreachable after {})",
                        format_duration(self.budget)
                    ),
                }
            }
            other => other,
        }
    }
}

/// 250ms, 500ms, 1s, 2s, 2s, …
fn backoff(attempt: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1).min(8)))
        .min(MAX_BACKOFF)
}

fn round_to_tenths(d: Duration) -> Duration {
    Duration::from_millis(d.as_millis().div_ceil(100) as u64 * 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> ClusterError {
        ClusterError::Unreachable {
            url: "https://127.0.0.1:6443".into(),
            cause: "tcp connect error: Connection refused (os error 111)".into(),
        }
    }

    #[test]
    fn a_server_never_reached_is_not_retried() {
        let o = Outage::new(OUTAGE_BUDGET);
        assert_eq!(o.retry_after(&refused(), 1), None);
    }

    #[test]
    fn a_lost_connection_is_retried_with_growing_waits() {
        let o = Outage::new(OUTAGE_BUDGET);
        o.answered();
        let waits: Vec<_> = (1..=6).map(|a| o.retry_after(&refused(), a)).collect();
        let ms = |m| Some(Duration::from_millis(m));
        assert_eq!(
            waits,
            [ms(250), ms(500), ms(1000), ms(2000), ms(2000), ms(2000)]
        );
        o.answered();
        assert!(o.since.lock().unwrap().is_none(), "the outage is over");
    }

    #[test]
    fn other_errors_and_a_zero_budget_are_not_retried() {
        let o = Outage::new(OUTAGE_BUDGET);
        o.answered();
        let timeout = ClusterError::Timeout {
            timeout: Duration::from_secs(1),
        };
        assert_eq!(o.retry_after(&timeout, 1), None);
        let never = Outage::new(Duration::ZERO);
        never.answered();
        assert_eq!(never.retry_after(&refused(), 1), None);
    }

    #[test]
    fn an_outage_longer_than_the_budget_gives_up_and_says_so() {
        let o = Outage::new(Duration::from_millis(30));
        o.answered();
        assert!(o.retry_after(&refused(), 1).unwrap() <= Duration::from_millis(30));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(o.retry_after(&refused(), 2), None);
        assert_eq!(
            o.gave_up(refused()).to_string(),
            "cannot reach the API server at https://127.0.0.1:6443: tcp connect error: \
             Connection refused (os error 111) (still unreachable after 30ms)"
        );
    }
}
