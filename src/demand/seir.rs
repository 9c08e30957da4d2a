//! A deterministic SEIR epidemic per region, split into severity classes with lengths of stay,
//! giving the daily census of patients in care.

use crate::model::{Epidemic, Severity, step_value};

/// Integration sub-steps per day (explicit Euler).
const SUBSTEPS: usize = 24;

/// Daily census of patients in care by severity over `days` days.
pub fn census(e: &Epidemic, days: u32) -> Vec<Severity> {
    let days = days as usize;
    let n = e.population;
    let (mut s, mut ex, mut i) = (
        n - e.initial_exposed - e.initial_infectious,
        e.initial_exposed,
        e.initial_infectious,
    );
    let sigma = 1.0 / e.incubation_days;
    let gamma = 1.0 / e.infectious_days;
    let h = 1.0 / SUBSTEPS as f64;
    // New cases (people becoming infectious) per day.
    let mut onsets = vec![0.0; days];
    for (d, onset) in onsets.iter_mut().enumerate() {
        let contact = step_value(&e.contact, d as u32).unwrap_or(1.0);
        let beta = e.r0 * gamma * contact;
        for _ in 0..SUBSTEPS {
            let infect = (beta * s * i / n * h).min(s);
            let progress = (sigma * ex * h).min(ex);
            let recover = (gamma * i * h).min(i);
            s -= infect;
            ex += infect - progress;
            i += progress - recover;
            *onset += progress;
        }
    }
    let mut out = vec![[0.0; 4]; days];
    for (d, row) in out.iter_mut().enumerate() {
        for (k, cell) in row.iter_mut().enumerate() {
            let stay = e.stay_days[k].round().max(0.0) as usize;
            let from = (d + 1).saturating_sub(stay);
            let admitted: f64 = onsets[from..=d].iter().sum();
            *cell = if stay == 0 {
                0.0
            } else {
                admitted * e.case_fraction * e.severity[k]
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn epi(r0: f64, contact: Vec<(u32, f64)>) -> Epidemic {
        Epidemic {
            population: 1e6,
            initial_exposed: 0.0,
            initial_infectious: 100.0,
            r0,
            incubation_days: 5.0,
            infectious_days: 5.0,
            contact,
            case_fraction: 0.5,
            severity: [0.4, 0.4, 0.15, 0.05],
            stay_days: [7.0, 10.0, 14.0, 21.0],
        }
    }

    #[test]
    fn grows_with_r0_above_one_and_lockdown_bends_the_curve() {
        let free = census(&epi(2.5, vec![]), 60);
        let locked = census(&epi(2.5, vec![(10, 0.3)]), 60);
        assert!(free[59][3] > free[20][3]);
        assert!(locked[59][3] < free[59][3] / 5.0);
        // Severity split is kept in the census per day of admission.
        assert!(free[30][0] > free[30][3]);
    }

    #[test]
    fn r0_zero_means_only_the_seeds_become_cases() {
        let c = census(&epi(0.0, vec![]), 30);
        assert!(c.iter().all(|row| row.iter().all(|x| *x <= 50.0 + 1e-9)));
    }
}
