//! Client-side pacing so that a normal run never meets Vanta's rate limits.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

/// A budget of requests per window, such as 20 requests a minute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub requests: u32,
    pub window: Duration,
}

impl RateLimit {
    /// Vanta's documented budget for the token endpoint: 5 requests a minute.
    pub const TOKEN: RateLimit = RateLimit {
        requests: 5,
        window: Duration::from_secs(60),
    };
    /// Vanta's documented budget for Build Integrations endpoints: 20 requests a minute.
    pub const RESOURCES: RateLimit = RateLimit {
        requests: 20,
        window: Duration::from_secs(60),
    };
}

/// A sliding-window limiter: [`Pacer::acquire`] waits until one more request fits the budget.
#[derive(Debug)]
pub struct Pacer {
    limit: RateLimit,
    sent: Mutex<VecDeque<Instant>>,
}

impl Pacer {
    /// Creates a pacer for a budget.
    pub fn new(limit: RateLimit) -> Pacer {
        Pacer {
            limit,
            sent: Mutex::new(VecDeque::new()),
        }
    }

    /// Waits until a request fits the budget, then records it as sent.
    pub async fn acquire(&self) {
        if self.limit.requests == 0 {
            return;
        }
        let mut sent = self.sent.lock().await;
        loop {
            let now = Instant::now();
            while sent
                .front()
                .is_some_and(|&time| now.duration_since(time) >= self.limit.window)
            {
                sent.pop_front();
            }
            if sent.len() < self.limit.requests as usize {
                sent.push_back(now);
                return;
            }
            let oldest = *sent
                .front()
                .expect("the window is full, so it is not empty");
            let wait = self.limit.window.saturating_sub(now.duration_since(oldest));
            tracing::debug!(
                wait_ms = wait.as_millis() as u64,
                "pacing: waiting for the rate-limit window"
            );
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn waits_when_the_window_is_full() {
        let pacer = Pacer::new(RateLimit {
            requests: 2,
            window: Duration::from_secs(60),
        });
        let start = Instant::now();
        pacer.acquire().await;
        pacer.acquire().await;
        assert!(start.elapsed() < Duration::from_secs(1));
        pacer.acquire().await;
        assert!(start.elapsed() >= Duration::from_secs(60));
    }
}
