//! Sliding-window rate limits, counted per key (a client id).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::config::RateLimit;

/// Request times per key within the current window of one limit.
#[derive(Debug)]
pub struct RateLimiter {
    limit: Option<RateLimit>,
    requests: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// Creates a limiter. `None` admits every request.
    pub fn new(limit: Option<RateLimit>) -> Self {
        RateLimiter {
            limit,
            requests: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a request for `key` and admits it, or rejects it with the time until the oldest
    /// request in the window expires. Rejected requests are not counted, as they cost the
    /// server nothing.
    pub fn admit(&self, key: &str) -> Result<(), Duration> {
        let Some(limit) = self.limit else {
            return Ok(());
        };
        let window = Duration::from_millis(limit.window_ms);
        let now = Instant::now();
        let mut requests = self
            .requests
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let times = requests.entry(key.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|&time| now.duration_since(time) >= window)
        {
            times.pop_front();
        }
        if times.len() >= limit.max_requests as usize {
            let wait = match times.front() {
                Some(&oldest) => window.saturating_sub(now.duration_since(oldest)),
                None => window,
            };
            return Err(wait);
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_up_to_limit_per_key() {
        let limiter = RateLimiter::new(Some(RateLimit {
            max_requests: 2,
            window_ms: 60_000,
        }));
        assert!(limiter.admit("a").is_ok());
        assert!(limiter.admit("a").is_ok());
        let wait = limiter.admit("a").unwrap_err();
        assert!(wait <= Duration::from_secs(60));
        assert!(wait > Duration::from_secs(59));
        assert!(limiter.admit("b").is_ok());
    }

    #[test]
    fn no_limit_admits_everything() {
        let limiter = RateLimiter::new(None);
        for _ in 0..100 {
            assert!(limiter.admit("a").is_ok());
        }
    }
}
