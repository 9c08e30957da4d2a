//! The engine's invariants over every variant of the shipped 2020 scenarios, with more
//! replications than the other tests run. The invariants are debug assertions (a failure pending
//! for every working line, a repair for every line down, …), checked when the tests run in the
//! `checked` profile, as the README's test command and CI run them; the unit ledger is checked
//! in every build. A switch that left its moved lines' failures pending broke one of them in
//! every run of `switch-lines-to-n95`, unseen while the tests ran in release builds.

use crate::{root, run_ok};

#[test]
fn every_shipped_variant_keeps_the_engines_invariants_over_many_replications() {
    for scenario in ["china-2020", "hubei-2020"] {
        let tmp = tempfile::tempdir().expect("a temporary directory");
        let path = root().join("scenarios").join(format!("{scenario}.toml"));
        run_ok(
            &path,
            tmp.path(),
            &[
                "--all-variants",
                "--replications",
                "20",
                "--no-plots",
                "--quiet",
            ],
        );
    }
}
