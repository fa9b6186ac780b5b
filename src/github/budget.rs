//! Fitting a markdown plan into a size limit.
//!
//! GitHub rejects comment bodies longer than 65,536 characters, and a job summary step fails
//! when its file exceeds 1 MiB. A plan that does not fit keeps its header, destroy warning,
//! table, Custom Test outcomes and footer, and loses whole change sections, the highest
//! `priority` number first. One note in their place states how many changes were left out and
//! where the full plan is. Parts are only ever dropped whole, so no code fence, `<details>`
//! block or UTF-8 character is ever cut.

use crate::diagnostics::plural;
use crate::plan::render::markdown::MarkdownPlan;

/// The maximum length of a pull-request comment body, in characters.
pub const COMMENT_MAX: usize = 65_536;

/// The maximum size of one step's job summary, in bytes (1 MiB).
pub const SUMMARY_MAX: usize = 1_048_576;

/// The unit in which a limit counts the length of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Characters of a comment body, counted conservatively: UTF-16 code units (a character
    /// outside the Basic Multilingual Plane counts twice), and two for each line break in case
    /// it is stored as CRLF. GitHub's error names a maximum of 65,536 characters without saying
    /// what it counts. A text within 65,536 of these units is also within 65,536 code points,
    /// 65,536 UTF-16 units with CRLF line breaks, and 196,608 UTF-8 bytes.
    CommentCharacters,
    /// UTF-8 bytes, as the job summary file is measured.
    Bytes,
}

impl Measure {
    /// Returns the unit counted, for messages.
    pub fn unit(self) -> &'static str {
        match self {
            Measure::Bytes => "bytes",
            Measure::CommentCharacters => "characters",
        }
    }

    /// Measures a text.
    pub fn of(self, text: &str) -> usize {
        match self {
            Measure::Bytes => text.len(),
            Measure::CommentCharacters => text
                .chars()
                .map(|character| match character {
                    '\n' => 2,
                    other => other.len_utf16(),
                })
                .sum(),
        }
    }
}

/// A size limit and what to say when changes do not fit in it.
#[derive(Debug, Clone, Copy)]
pub struct Budget<'a> {
    /// The maximum length of the whole document, counted with `measure`.
    pub max: usize,
    pub measure: Measure,
    /// A sentence naming where the full plan is, ending the note about left-out changes.
    pub full_plan: &'a str,
}

/// A plan document that fits its budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub body: String,
    /// The number of record changes left out.
    pub omitted_changes: usize,
    /// The number of change sections left out.
    pub omitted_sections: usize,
}

/// A plan whose required parts alone exceed the budget.
#[derive(Debug, thiserror::Error)]
#[error(
    "the plan's header, table and footer alone take {needed} of the {max} {unit} available, \
     so no shortened plan fits"
)]
pub struct BudgetError {
    pub needed: usize,
    pub max: usize,
    pub unit: &'static str,
}

/// Joins `prefix` (such as a hidden marker, may be empty) and the parts of a plan into one
/// document within the budget, dropping change sections as described in the module docs.
pub fn fit(prefix: &str, plan: &MarkdownPlan, budget: &Budget) -> Result<Fitted, BudgetError> {
    let measure = budget.measure;
    let separator = measure.of("\n");
    let mut required: Vec<&str> = Vec::new();
    if !prefix.is_empty() {
        required.push(prefix);
    }
    required.push(&plan.header);
    if let Some(warning) = &plan.destroy_warning {
        required.push(warning);
    }
    required.push(&plan.table);
    if let Some(tests) = &plan.tests {
        required.push(tests);
    }
    required.push(&plan.footer);
    let required_size: usize = required.iter().map(|part| measure.of(part)).sum::<usize>()
        + separator * (required.len() - 1);

    let section_sizes: Vec<usize> = plan
        .sections
        .iter()
        .map(|section| measure.of(&section.body) + separator)
        .collect();
    let mut kept = vec![true; plan.sections.len()];
    let size_of = |kept: &[bool]| {
        let omitted: usize = plan
            .sections
            .iter()
            .zip(kept)
            .filter(|(_, kept)| !**kept)
            .map(|(section, _)| section.changes)
            .sum();
        let any_omitted = kept.iter().any(|kept| !kept);
        let sections: usize = section_sizes
            .iter()
            .zip(kept)
            .filter(|(_, kept)| **kept)
            .map(|(size, _)| size)
            .sum();
        let note = if any_omitted {
            measure.of(&omission_note(omitted, budget.full_plan)) + separator
        } else {
            0
        };
        required_size + sections + note
    };

    // Sections hold at most `SECTION_CHANGES` changes each (see `render_parts`), so a large
    // plan loses its least important changes in steps of that size.
    // Sections in the order they are given up: the highest priority number first, and among
    // equals the later one first, so the plan's own order decides ties.
    let mut drop_order: Vec<usize> = (0..plan.sections.len()).collect();
    drop_order.sort_by_key(|&index| {
        (
            std::cmp::Reverse(plan.sections[index].priority),
            std::cmp::Reverse(index),
        )
    });
    for &index in &drop_order {
        if size_of(&kept) <= budget.max {
            break;
        }
        kept[index] = false;
    }
    // Dropping a large section can leave room for smaller ones given up before it, so offer
    // the room to the dropped sections again, most important first.
    for &index in drop_order.iter().rev() {
        if !kept[index] {
            kept[index] = true;
            if size_of(&kept) > budget.max {
                kept[index] = false;
            }
        }
    }
    let needed = size_of(&kept);
    if needed > budget.max {
        return Err(BudgetError {
            needed,
            max: budget.max,
            unit: measure.unit(),
        });
    }

    let mut parts: Vec<String> = required[..required.len() - 1]
        .iter()
        .map(|part| part.to_string())
        .collect();
    let mut omitted_changes = 0;
    let mut omitted_sections = 0;
    for (section, kept) in plan.sections.iter().zip(&kept) {
        if *kept {
            parts.push(section.body.clone());
        } else {
            omitted_changes += section.changes;
            omitted_sections += 1;
        }
    }
    if omitted_sections > 0 {
        parts.push(omission_note(omitted_changes, budget.full_plan));
    }
    parts.push(plan.footer.clone());
    let body = parts.join("\n");
    debug_assert_eq!(measure.of(&body), needed);
    Ok(Fitted {
        body,
        omitted_changes,
        omitted_sections,
    })
}

/// Returns the note that replaces left-out change sections.
fn omission_note(changes: usize, full_plan: &str) -> String {
    format!(
        "> [!NOTE]\n> {} not shown here because the plan is too large. {full_plan}\n",
        plural(changes, "change")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::render::markdown::MarkdownSection;

    fn section(priority: u8, changes: usize, filler: usize) -> MarkdownSection {
        MarkdownSection {
            priority,
            changes,
            body: format!(
                "<details><summary>Section {priority}</summary>\n\n```diff\n{}```\n\n</details>\n",
                "+ x\n".repeat(filler)
            ),
        }
    }

    fn plan(sections: Vec<MarkdownSection>) -> MarkdownPlan {
        MarkdownPlan {
            header: "### Vanta plan: 1 to add\n".to_string(),
            destroy_warning: Some("> [!WARNING]\n> Destroys.\n".to_string()),
            table: "| a | b |\n|---|---|\n| 1 | 2 |\n".to_string(),
            tests: None,
            sections,
            footer: "Plan digest `sha256:00`\n".to_string(),
        }
    }

    fn budget(max: usize) -> Budget<'static> {
        Budget {
            max,
            measure: Measure::Bytes,
            full_plan: "See the job summary.",
        }
    }

    #[test]
    fn everything_fits_unchanged() {
        let plan = plan(vec![section(0, 1, 1), section(2, 2, 2)]);
        let fitted = fit("", &plan, &budget(10_000)).unwrap();
        assert_eq!(fitted.body, plan.join());
        assert_eq!(fitted.omitted_changes, 0);
    }

    #[test]
    fn highest_priority_number_dropped_first() {
        let plan = plan(vec![
            section(0, 3, 10),
            section(1, 4, 10),
            section(2, 5, 10),
        ]);
        let all = fit("", &plan, &budget(100_000)).unwrap().body.len();
        let fitted = fit("", &plan, &budget(all - 1)).unwrap();
        assert_eq!(fitted.omitted_changes, 5);
        assert!(fitted.body.contains("Section 0"));
        assert!(fitted.body.contains("Section 1"));
        assert!(!fitted.body.contains("Section 2"));
        assert!(fitted.body.contains("5 changes not shown"));
        assert!(fitted.body.len() < all);
    }

    #[test]
    fn oversized_section_dropped_alone() {
        let plan = plan(vec![
            section(0, 7, 5_000),
            section(1, 1, 1),
            section(2, 1, 1),
        ]);
        let fitted = fit("<!-- m -->\n", &plan, &budget(2_000)).unwrap();
        assert_eq!(fitted.omitted_changes, 7);
        assert_eq!(fitted.omitted_sections, 1);
        assert!(fitted.body.starts_with("<!-- m -->\n"));
        assert!(fitted.body.contains("Section 1"));
        assert!(fitted.body.contains("Section 2"));
        assert!(fitted.body.contains("7 changes not shown"));
        assert!(fitted.body.len() <= 2_000);
    }

    #[test]
    fn required_parts_too_large_is_error() {
        let plan = plan(vec![section(0, 1, 1)]);
        let error = fit("", &plan, &budget(20)).unwrap_err();
        assert_eq!(error.max, 20);
    }

    #[test]
    fn comment_measure_overcounts_safely() {
        assert_eq!(Measure::CommentCharacters.of("ab"), 2);
        assert_eq!(Measure::CommentCharacters.of("é"), 1);
        assert_eq!(Measure::CommentCharacters.of("🔥"), 2);
        assert_eq!(Measure::CommentCharacters.of("a\nb"), 4);
        assert_eq!(Measure::Bytes.of("é"), 2);
    }

    #[test]
    fn result_never_exceeds_any_budget() {
        let plan = plan(vec![
            section(0, 2, 30),
            section(1, 3, 60),
            section(2, 4, 90),
        ]);
        let full = plan.join().len();
        for max in (200..full + 50).step_by(7) {
            if let Ok(fitted) = fit("", &plan, &budget(max)) {
                assert!(fitted.body.len() <= max, "{} > {max}", fitted.body.len());
                assert_eq!(
                    fitted.body.matches("<details>").count(),
                    fitted.body.matches("</details>").count()
                );
            }
        }
    }
}
