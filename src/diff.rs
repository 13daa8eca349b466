//! Unified diffs for `--check`, `--dry-run` and the wizard's "show the diff".

/// The unified diff from `old` to `new`, headed with `name`; empty when they are equal.
pub fn unified(name: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name} (on disk)"), &format!("{name} (dockgen)"))
        .to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_changed_line_shows_as_minus_and_plus() {
        let diff = super::unified("Dockerfile", "FROM a\nUSER 1\n", "FROM b\nUSER 1\n");
        assert_eq!(
            diff,
            "--- Dockerfile (on disk)\n+++ Dockerfile (dockgen)\n@@ -1,2 +1,2 @@\n-FROM a\n+FROM b\n USER 1\n"
        );
        assert_eq!(super::unified("x", "a\n", "a\n"), "");
    }
}
