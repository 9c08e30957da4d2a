//! A deterministic SEIR epidemic per region, split into severity classes with delays from onset
//! to admission (and, for critical cases, to intensive care) and lengths of stay, giving the
//! daily census of patients in care. Uncertain parameters are drawn before this runs
//! ([`Epidemic::draw`]), so for given parameters the census is deterministic.

use crate::model::{Epidemic, Severity, step_value};

/// Integration sub-steps per day (explicit Euler).
const SUBSTEPS: usize = 24;

/// Daily census of patients in care by severity over `days` days. A case's onset is the day it
/// becomes infectious (the initial infectious: day 0); it is admitted `admission_delay_days`
/// later (rounded to whole days) and stays `stay_days` (rounded); a critical case is counted
/// as severe for its `icu_delay_days` after admission, then as critical for its stay.
pub fn census(e: &Epidemic, days: u32) -> Vec<Severity> {
    census_of(e, &onsets(e, days))
}

/// New cases needing care per day (onsets times the case fraction): what a region's
/// `risk_by_incidence` rule reads.
pub fn new_cases(e: &Epidemic, onsets: &[f64]) -> Vec<f64> {
    onsets.iter().map(|o| o * e.case_fraction).collect()
}

/// People becoming infectious per day over `days` days (the initial infectious on day 0).
pub fn onsets(e: &Epidemic, days: u32) -> Vec<f64> {
    let mut one = onsets_of_lanes(&[e], days as usize);
    one.swap_remove(0)
}

/// The [`onsets`] of each of `epidemics`, in order, bit for bit the same as one at a time.
pub fn onsets_many(epidemics: &[&Epidemic], days: u32) -> Vec<Vec<f64>> {
    epidemics
        .chunks(LANES)
        .flat_map(|lanes| onsets_of_lanes(lanes, days as usize))
        .collect()
}

/// Epidemics integrated side by side. One epidemic's sub-step waits on the last (a division
/// and three multiplications deep, some 35 cycles), so one at a time the processor mostly
/// waits; independent regions in lanes fill that wait (and vectorise), each lane's arithmetic
/// exactly what it would be alone.
const LANES: usize = 4;

/// [`onsets`] of 1 to [`LANES`] epidemics at once (a missing lane repeats the last epidemic
/// and is thrown away).
fn onsets_of_lanes(es: &[&Epidemic], days: usize) -> Vec<Vec<f64>> {
    debug_assert!((1..=LANES).contains(&es.len()));
    let lane = |j: usize| es[j.min(es.len() - 1)];
    let each = |f: fn(&Epidemic) -> f64| -> [f64; LANES] { std::array::from_fn(|j| f(lane(j))) };
    let n = each(|e| e.population);
    let mut s = each(|e| e.population - e.initial_exposed - e.initial_infectious);
    let mut ex = each(|e| e.initial_exposed);
    let mut i = each(|e| e.initial_infectious);
    let sigma = each(|e| 1.0 / e.incubation_days);
    let gamma = each(|e| 1.0 / e.infectious_days);
    let r0 = each(|e| e.r0);
    let h = 1.0 / SUBSTEPS as f64;
    // New cases (people becoming infectious) per day, per lane.
    let mut out = vec![vec![0.0; days]; es.len()];
    for d in 0..days {
        let beta: [f64; LANES] = std::array::from_fn(|j| {
            let contact = step_value(&lane(j).contact, d as u32).unwrap_or(1.0);
            r0[j] * gamma[j] * contact
        });
        let mut onset = [0.0; LANES];
        for _ in 0..SUBSTEPS {
            for j in 0..LANES {
                let infect = (beta[j] * s[j] * i[j] / n[j] * h).min(s[j]);
                let progress = (sigma[j] * ex[j] * h).min(ex[j]);
                let recover = (gamma[j] * i[j] * h).min(i[j]);
                s[j] -= infect;
                ex[j] += infect - progress;
                i[j] += progress - recover;
                onset[j] += progress;
            }
        }
        for (series, o) in out.iter_mut().zip(onset) {
            series[d] = o;
        }
    }
    // People infectious on day 0 are cases too, with their onset on day 0.
    for (series, e) in out.iter_mut().zip(es) {
        if let Some(first) = series.first_mut() {
            *first += e.initial_infectious;
        }
    }
    out
}

/// The census of [`census`] from the day's onsets.
pub fn census_of(e: &Epidemic, onsets: &[f64]) -> Vec<Severity> {
    let days = onsets.len();
    let whole = |x: f64| x.round().max(0.0) as usize;
    let stay = e.stay_days.map(whole);
    let admission = e.admission_delay_days.map(whole);
    let icu = whole(e.icu_delay_days);
    let mut out = vec![[0.0; 4]; days];
    for k in 0..4 {
        let cases = e.case_fraction * e.severity[k];
        if cases == 0.0 || stay[k] == 0 {
            continue;
        }
        // A critical case is cared for as severe for `icu` days after admission, then as
        // critical for its stay.
        let (lag, pre) = if k == 3 {
            (admission[k].saturating_add(icu), icu)
        } else {
            (admission[k], 0)
        };
        for (d, row) in out.iter_mut().enumerate() {
            row[k] += cases * window(onsets, d, lag, stay[k]);
            if pre > 0 {
                row[2] += cases * window(onsets, d, admission[k], pre);
            }
        }
    }
    out
}

/// The sum of `onsets` over the `len` days ending `lag` days before day `d` (days before 0
/// count nothing).
fn window(onsets: &[f64], d: usize, lag: usize, len: usize) -> f64 {
    let Some(last) = d.checked_sub(lag) else {
        return 0.0;
    };
    onsets[(last + 1).saturating_sub(len)..=last].iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Dist, EpidemicParam};
    use crate::scenario::raw::DistSpec;
    use rand::SeedableRng;

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
            admission_delay_days: [0.0; 4],
            icu_delay_days: 0.0,
            uncertain: Vec::new(),
        }
    }

    fn peak(census: &[Severity], k: usize) -> usize {
        (0..census.len())
            .max_by(|&a, &b| census[a][k].total_cmp(&census[b][k]))
            .unwrap()
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
    fn with_r0_zero_the_initial_infectious_are_the_only_cases() {
        // 100 infectious on day 0, half of them cases: 20 mild for 7 days, 20 moderate for
        // 10, 7.5 severe for 14, 2.5 critical for 21, then nobody.
        let c = census(&epi(0.0, vec![]), 30);
        for (d, row) in c.iter().enumerate() {
            for (k, (&share, stay)) in [0.4, 0.4, 0.15, 0.05]
                .iter()
                .zip([7, 10, 14, 21])
                .enumerate()
            {
                let want = if d < stay { 50.0 * share } else { 0.0 };
                assert!(
                    (row[k] - want).abs() < 1e-9,
                    "day {d} class {k}: {}",
                    row[k]
                );
            }
        }
    }

    #[test]
    fn an_admission_delay_shifts_the_census_by_exactly_its_days() {
        let base = epi(2.5, vec![(30, 0.4)]);
        let days = 120;
        let c0 = census(&base, days);
        for delay in [3usize, 10] {
            let mut e = base.clone();
            e.admission_delay_days = [delay as f64; 4];
            let c = census(&e, days);
            for k in 0..4 {
                assert_eq!(peak(&c, k), peak(&c0, k) + delay, "class {k}");
                for d in 0..days as usize {
                    let want = if d < delay { 0.0 } else { c0[d - delay][k] };
                    assert_eq!(c[d][k].to_bits(), want.to_bits(), "day {d} class {k}");
                }
            }
        }
    }

    #[test]
    fn a_critical_case_is_severe_until_it_needs_intensive_care() {
        let mut e = epi(0.0, vec![]);
        e.admission_delay_days = [0.0, 0.0, 0.0, 2.0];
        e.icu_delay_days = 3.0;
        let c = census(&e, 40);
        // 2.5 critical cases: admitted on day 2, severe on days 2-4, critical on days 5-25.
        for (d, row) in c.iter().enumerate() {
            let severe =
                if d < 14 { 7.5 } else { 0.0 } + if (2..5).contains(&d) { 2.5 } else { 0.0 };
            let critical = if (5..26).contains(&d) { 2.5 } else { 0.0 };
            assert!((row[2] - severe).abs() < 1e-9, "day {d}: {}", row[2]);
            assert!((row[3] - critical).abs() < 1e-9, "day {d}: {}", row[3]);
        }
    }

    #[test]
    fn delays_beyond_the_horizon_leave_nobody_in_care() {
        let mut e = epi(2.5, vec![]);
        e.admission_delay_days = [1e300; 4];
        e.icu_delay_days = 1e300;
        assert!(census(&e, 30).iter().flatten().all(|x| *x == 0.0));
    }

    /// [`onsets`] as it was written before epidemics ran in lanes: one at a time.
    fn onsets_alone(e: &Epidemic, days: u32) -> Vec<f64> {
        let n = e.population;
        let (mut s, mut ex, mut i) = (
            n - e.initial_exposed - e.initial_infectious,
            e.initial_exposed,
            e.initial_infectious,
        );
        let sigma = 1.0 / e.incubation_days;
        let gamma = 1.0 / e.infectious_days;
        let h = 1.0 / SUBSTEPS as f64;
        let mut onsets = vec![0.0; days as usize];
        for (d, onset) in onsets.iter_mut().enumerate() {
            let beta = e.r0 * gamma * step_value(&e.contact, d as u32).unwrap_or(1.0);
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
        if let Some(first) = onsets.first_mut() {
            *first += e.initial_infectious;
        }
        onsets
    }

    proptest::proptest! {
        #[test]
        fn epidemics_in_lanes_match_each_alone_bit_for_bit(
            params in proptest::collection::vec(
                (0.0..6.0f64, 0.5..12.0f64, 0.5..12.0f64, 0.0..1e4f64, 0.0..1e3f64, 0.05..1.0f64),
                1..10,
            ),
            days in 0u32..40,
        ) {
            let es: Vec<Epidemic> = params
                .iter()
                .map(|&(r0, incubation, infectious, exposed, infected, contact)| {
                    let mut e = epi(r0, vec![(5, contact), (12, 1.0)]);
                    e.incubation_days = incubation;
                    e.infectious_days = infectious;
                    e.initial_exposed = exposed;
                    e.initial_infectious = infected;
                    e
                })
                .collect();
            let refs: Vec<&Epidemic> = es.iter().collect();
            let many = onsets_many(&refs, days);
            proptest::prop_assert_eq!(many.len(), es.len());
            for (e, got) in es.iter().zip(&many) {
                let want = onsets_alone(e, days);
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                proptest::prop_assert_eq!(bits(got), bits(&want));
                proptest::prop_assert_eq!(bits(&onsets(e, days)), bits(&want));
            }
        }
    }

    #[test]
    fn drawn_parameters_stay_in_range_and_shares_sum_to_one() {
        let mut e = epi(2.5, vec![(10, 0.5)]);
        let tri = |min, mode, max| Dist::new(&DistSpec::Triangular { min, mode, max }).unwrap();
        e.uncertain = vec![
            (EpidemicParam::R0, tri(1.4, 2.2, 3.9)),
            (EpidemicParam::Contact(0), tri(0.2, 0.3, 0.4)),
            (EpidemicParam::Severity(3), tri(0.03, 0.05, 0.08)),
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let a = e.draw(&mut rng);
        let b = e.draw(&mut rng);
        assert!(!a.is_uncertain());
        assert_ne!(a.r0, b.r0);
        for x in [&a, &b] {
            assert!((1.4..=3.9).contains(&x.r0));
            assert!((0.2..=0.4).contains(&x.contact[0].1));
            assert!((x.severity.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }
}
