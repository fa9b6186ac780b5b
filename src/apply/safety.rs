//! The rules that stop an apply before any request that could lose data.

use crate::apply::push::ResourceResult;
use crate::inventory::ResourceDef;
use crate::inventory::document::{MaxDestroy, Workspace};
use crate::plan::model::ResourcePlan;

/// The `maxDestroy` limit of a resource when neither it nor the Workspace sets one. Deleting or
/// emptying one records file of a large resource by mistake deletes thousands of records at
/// once, and an inventory without a policy needs a limit most of all.
pub const DEFAULT_MAX_DESTROY: MaxDestroy = MaxDestroy {
    count: Some(500),
    percent: None,
};

/// A reason not to apply one resource, with what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub resource: String,
    pub rule: &'static str,
    pub message: String,
    pub hint: String,
}

/// Checks one resource's plan against the safety rules. `allow_destroy` lifts the
/// `maxDestroy` limit; nothing lifts the protection of records listed in the Workspace.
pub fn check(
    resource: &ResourceDef,
    plan: &ResourcePlan,
    workspace: &Workspace,
    allow_destroy: bool,
) -> Vec<Refusal> {
    let mut refusals = Vec::new();
    let name = resource.name.clone();
    let destroys: Vec<&str> = plan
        .changes
        .iter()
        .filter(|change| change.action.is_destroy())
        .map(|change| change.unique_id.as_str())
        .collect();

    if resource.managed
        && resource.records.is_empty()
        && plan.remote_live > 0
        && !resource.allow_empty
    {
        refusals.push(Refusal {
            resource: name.clone(),
            rule: "allowEmpty",
            message: format!(
                "the inventory declares no records for `{name}`, which would delete all {} records in Vanta",
                plan.remote_live
            ),
            hint: format!(
                "if this is intended, set `allowEmpty: true` on the `{name}` Resource document; otherwise check that its Records files were read"
            ),
        });
    }

    let protected: Vec<&str> = workspace
        .protected
        .iter()
        .filter(|entry| entry.resource == name)
        .flat_map(|entry| entry.unique_ids.iter().map(String::as_str))
        .filter(|id| destroys.contains(id))
        .collect();
    if !protected.is_empty() {
        refusals.push(Refusal {
            resource: name.clone(),
            rule: "protected",
            message: format!(
                "the plan would delete protected records of `{name}`: {}",
                protected.join(", ")
            ),
            hint: "restore their records in the inventory, or remove them from the Workspace's `protected` list in a separate, reviewed change".to_string(),
        });
    }

    let policy = resource.max_destroy.or(workspace.policy.max_destroy);
    let limit = policy.unwrap_or(DEFAULT_MAX_DESTROY);
    if !allow_destroy && let Some(mut message) = exceeds(limit, destroys.len(), plan.remote_live) {
        if policy.is_none() {
            message.push_str(", the default when no `maxDestroy` policy is set");
        }
        refusals.push(Refusal {
            resource: name.clone(),
            rule: "maxDestroy",
            message: format!(
                "the plan deletes {} of `{name}`, {message}",
                crate::diagnostics::plural(destroys.len(), "record")
            ),
            hint: "review the deletions, then run again with `--allow-destroy`".to_string(),
        });
    }
    refusals
}

/// Lists every changed resource of a refused apply as not attempted, with the rules that
/// stopped it, for the apply record.
pub fn refused_results(order: &[&ResourcePlan], refusals: &[Refusal]) -> Vec<ResourceResult> {
    order
        .iter()
        .filter(|planned| planned.managed && planned.has_changes())
        .map(|planned| {
            let rules: Vec<String> = refusals
                .iter()
                .filter(|refusal| refusal.resource == planned.name)
                .map(|refusal| format!("refused by the `{}` rule", refusal.rule))
                .collect();
            let reason = if rules.is_empty() {
                "another resource was refused".to_string()
            } else {
                rules.join("; ")
            };
            ResourceResult::not_attempted(planned, reason)
        })
        .collect()
}

/// Describes how a number of deletions exceeds a limit, or returns `None` within it.
fn exceeds(limit: MaxDestroy, destroys: usize, live: usize) -> Option<String> {
    if let Some(count) = limit.count
        && destroys as u64 > count
    {
        return Some(format!(
            "more than the limit of {count} (`maxDestroy.count`)"
        ));
    }
    if let Some(percent) = limit.percent
        && live > 0
    {
        let share = destroys as f64 * 100.0 / live as f64;
        if share > percent {
            return Some(format!(
                "{share:.0}% of its {live} records, more than the limit of {percent}% (`maxDestroy.percent`)"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_by_count_and_percent() {
        let limit = MaxDestroy {
            count: Some(2),
            percent: Some(50.0),
        };
        assert!(exceeds(limit, 2, 10).is_none());
        assert!(exceeds(limit, 3, 100).unwrap().contains("limit of 2"));
        let limit = MaxDestroy {
            count: None,
            percent: Some(10.0),
        };
        assert!(exceeds(limit, 1, 10).is_none());
        assert!(exceeds(limit, 2, 10).unwrap().contains("20%"));
        assert!(exceeds(limit, 5, 0).is_none());
    }
}
