//! Checks that a saved plan still describes what an apply would do.

use crate::plan::Plan;

/// A reason not to apply a saved plan.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum StalePlan {
    #[error(
        "the saved plan was made against `{planned}`, but this run targets `{current}`; run plan again against `{current}`"
    )]
    OtherApi { planned: String, current: String },
    #[error("Saved plan is stale: the inventory no longer declares resource `{0}`; run plan again")]
    Undeclared(String),
    #[error(
        "Saved plan is stale: the inventory's records of `{0}` changed since the plan was made; run plan again"
    )]
    DesiredChanged(String),
    #[error(
        "Saved plan is stale: the records of `{0}` in Vanta changed since the plan was made (a saved plan can be applied once, and only while Vanta is as planned); run plan again"
    )]
    RemoteChanged(String),
}

/// Rejects a saved plan made against another API, since two empty resources have the same
/// digest and a plan made against an empty staging tenant would pass every other check. The
/// sandbox listens on a new loopback port each run, so loopback URLs only need to match as
/// loopback.
pub fn check_target(saved: &Plan, api_url: &str) -> Result<(), StalePlan> {
    let same = saved.api_url.trim_end_matches('/') == api_url.trim_end_matches('/');
    if same || (is_loopback(&saved.api_url) && is_loopback(api_url)) {
        return Ok(());
    }
    Err(StalePlan::OtherApi {
        planned: saved.api_url.clone(),
        current: api_url.to_string(),
    })
}

/// Rejects a saved plan whose desired records no longer match the inventory, or whose
/// records in Vanta changed since the plan was made. An applied plan changes the records in
/// Vanta, so this check also keeps a plan from being applied twice. Each resource is checked
/// again right before its PUT, because another process may change it in between.
pub fn check_matches(saved: &Plan, fresh: &Plan) -> Result<(), StalePlan> {
    for planned in &saved.resources {
        let Some(current) = fresh
            .resources
            .iter()
            .find(|resource| resource.name == planned.name)
        else {
            return Err(StalePlan::Undeclared(planned.name.clone()));
        };
        if current.desired_digest != planned.desired_digest {
            return Err(StalePlan::DesiredChanged(planned.name.clone()));
        }
        if current.remote_digest != planned.remote_digest {
            return Err(StalePlan::RemoteChanged(planned.name.clone()));
        }
    }
    Ok(())
}

fn is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|url| match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan_for(api_url: &str) -> Plan {
        Plan {
            format_version: crate::plan::model::FORMAT_VERSION.to_string(),
            workspace: None,
            api_url: api_url.to_string(),
            summary: Default::default(),
            resources: Vec::new(),
            custom_tests: Vec::new(),
            warnings: Vec::new(),
            inventory: None,
            plan_digest: String::new(),
        }
    }

    #[test]
    fn target_must_match_unless_both_loopback() {
        let real = plan_for("https://api.vanta.com");
        assert_eq!(check_target(&real, "https://api.vanta.com/"), Ok(()));
        assert!(check_target(&real, "https://api.vanta-gov.com").is_err());
        assert!(check_target(&real, "http://127.0.0.1:8080").is_err());
        let sandbox = plan_for("http://127.0.0.1:4000");
        assert_eq!(check_target(&sandbox, "http://localhost:5000"), Ok(()));
        assert!(check_target(&sandbox, "https://api.vanta.com").is_err());
    }
}
