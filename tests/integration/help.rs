//! Every subcommand's `--help` has its long description and examples (from `docs/help/`), and
//! every scenario file an example names exists.

use crate::{medsupply, root};

const COMMANDS: [&str; 14] = [
    "run",
    "compare",
    "sweep",
    "calibrate",
    "optimize",
    "merge",
    "generate",
    "slurm",
    "plot",
    "check",
    "baseline",
    "validate",
    "init",
    "schema",
];

#[test]
fn every_subcommand_has_a_long_help_with_examples() {
    for command in COMMANDS {
        let o = medsupply([command, "--help"]);
        o.assert_code(0);
        let text = &o.stdout;
        let usage = text.find("Usage:").expect("a usage line");
        let examples = text
            .find("Examples:")
            .unwrap_or_else(|| panic!("{command}: no examples"));
        assert!(usage > 0, "{command}: no description before the usage line");
        assert!(
            examples > usage,
            "{command}: the examples come after the options"
        );
        assert!(
            text[examples..].contains(&format!("medsupply {command}")),
            "{command}: no example of itself"
        );
        for word in text[examples..].split_whitespace() {
            if word.starts_with("scenarios/") && word.ends_with(".toml") && !word.contains('*') {
                assert!(
                    root().join(word).is_file(),
                    "{command}: {word} does not exist"
                );
            }
        }
    }
}
