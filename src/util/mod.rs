//! Small helpers shared by every layer, depending on nothing above [`crate::error`].

pub mod atomic;
pub mod geo;
pub mod hash;
pub mod lock;
pub mod prefetch;
pub mod threads;

use std::collections::HashMap;

/// A hash map with a fast, fixed hasher (keys are a few small integers, and nothing
/// iterates these maps, so the hasher changes no output).
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// Longest name that becomes a file or folder name.
pub const MAX_FILE_NAME: usize = 100;

/// Checks a user-given name that becomes a file or folder name (a scenario's, a variant's):
/// 1 to [`MAX_FILE_NAME`] ASCII letters, digits, `.`, `_` or `-`, and not `.` or `..`, so it
/// can never name a path outside the output folder. The error says what is wrong.
pub fn check_file_name(name: &str) -> Result<(), String> {
    let shown: String = name.chars().take(40).collect();
    let shown = if shown.len() < name.len() {
        format!("`{shown}…` ({} characters)", name.chars().count())
    } else {
        format!("`{shown}`")
    };
    if name.is_empty() {
        return Err("must not be empty (it names the output folder)".into());
    }
    if name.len() > MAX_FILE_NAME {
        return Err(format!(
            "is {shown}: at most {MAX_FILE_NAME} characters (it names an output folder)"
        ));
    }
    if name == "." || name == ".." {
        return Err(format!(
            "is {shown}, which names a folder that already exists"
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "is {shown}: only letters, digits, `.`, `_` and `-` may name an output folder, not {c:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_become_paths_are_plain_file_names() {
        for good in ["china-2020", "a", "v1.2_b", "..."] {
            assert!(check_file_name(good).is_ok(), "{good}");
        }
        let long = "x".repeat(20_000);
        for bad in [
            "",
            ".",
            "..",
            "../x",
            "a/b",
            "a\\b",
            "é",
            "a b",
            "nul\0",
            long.as_str(),
        ] {
            assert!(check_file_name(bad).is_err(), "{bad}");
        }
        assert!(
            check_file_name(&long)
                .unwrap_err()
                .contains("20000 characters")
        );
    }
}
