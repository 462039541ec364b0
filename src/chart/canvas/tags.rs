//! Run letters: compared runs are tagged `A`, `B`, `C`… in legends, rows and labels.

use crate::model::Money;

pub(crate) use crate::runs::tag;

/// The tag of a compared run by its label.
pub(crate) fn run_tag(runs: &[String], run: &str) -> String {
    tag(runs.iter().position(|r| r == run).unwrap_or(0))
}

/// End-of-line labels: one per distinct `(kind, value)`, naming the runs that share it.
pub(crate) fn merged_ends<K: PartialEq + Copy>(
    values: &[(K, usize, Money)],
    runs: usize,
) -> Vec<(K, Money, String)> {
    let mut merged: Vec<(K, Money, Vec<usize>)> = Vec::new();
    for &(kind, run, value) in values {
        match merged
            .iter_mut()
            .find(|(k, v, _)| *k == kind && *v == value)
        {
            Some((_, _, indices)) => indices.push(run),
            None => merged.push((kind, value, vec![run])),
        }
    }
    merged
        .into_iter()
        .map(|(kind, value, indices)| (kind, value, tags_suffix(&indices, runs)))
        .collect()
}

/// `(A, B)`: the tags of the runs that share a value, or nothing when all do.
pub(crate) fn tags_suffix(indices: &[usize], runs: usize) -> String {
    if runs < 2 || indices.len() == runs {
        String::new()
    } else {
        let tags: Vec<String> = indices.iter().map(|&i| tag(i)).collect();
        format!(" ({})", tags.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_runs_by_letter() {
        assert_eq!(tag(0), "A");
        assert_eq!(tag(25), "Z");
        assert_eq!(tag(26), "A2");
        assert_eq!(tags_suffix(&[0, 1], 2), "");
        assert_eq!(tags_suffix(&[1], 3), " (B)");
        assert_eq!(tags_suffix(&[0], 1), "");
    }
}
