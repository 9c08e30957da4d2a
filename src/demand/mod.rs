//! Demand: patient census (from an SEIR epidemic or a CSV series) turned into product demand
//! with burn rates per patient-day and per staff shift.

pub mod seir;

use crate::model::{Burn, Severity};

/// Demand of one product for one day's census: patients by severity times their burn rates, plus
/// the staff shifts they need times the burn per shift. For a durable product this is the
/// number of units in use (e.g. ventilated patients).
pub fn from_census(census: &Severity, burn: &Burn, staffing: &Severity) -> f64 {
    (0..4)
        .map(|k| census[k] * (burn.per_patient_day[k] + staffing[k] * burn.per_staff_shift))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burn_counts_patients_and_staff_shifts() {
        // 10 critical patients, 4 respirators each per day, plus 4.1 shifts each at 1 per shift.
        let burn = Burn {
            per_patient_day: [0.0, 0.0, 0.0, 4.0],
            per_staff_shift: 1.0,
        };
        let d = from_census(&[0.0, 0.0, 0.0, 10.0], &burn, &[0.0, 1.4, 2.3, 4.1]);
        assert!((d - 81.0).abs() < 1e-9);
    }
}
