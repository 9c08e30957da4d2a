//! What a per-variant chart knows of its product and place, and the parts every such chart
//! shares: panel heights, the subtitle's words for the shading, the title and file name. From
//! one replication a chart draws no band or interval bar: there is no spread to show.

use crate::output::schema::ProductInfo;
use crate::plots::chart::{Chart, ChartKind, Panel, XAxis, variant_style};
use crate::plots::data::{Daily, ScenarioData, Stat, VariantData};
use crate::plots::format::{date_axis_title, file_safe, place, plural, product_name};
use crate::results::Measure;

/// Height of a chart's main panel, pixels.
pub(super) const MAIN_HEIGHT: u32 = 380;
/// Height of a secondary panel, pixels.
pub(super) const SECOND_HEIGHT: u32 = 210;

/// What the shading means, for subtitles.
pub(super) const PERCENTILE_BAND: &str =
    "lines: mean, shading: 5th–95th percentile across replications";

/// What the subtitle says instead of the shading from one replication.
pub(crate) const NO_BAND: &str =
    "line: the one replication, no band (run with --replications ≥ 2 for intervals)";

/// `1 replication`, `20 replications`.
pub(crate) fn replications(n: u32) -> String {
    if n == 1 {
        "1 replication".to_string()
    } else {
        format!("{n} replications")
    }
}

/// One product in one place of one variant.
pub(super) struct Ctx<'a> {
    pub(super) scenario: &'a ScenarioData,
    pub(super) index: usize,
    pub(super) product: &'a ProductInfo,
    pub(super) place: &'a str,
    pub(super) daily: &'a Daily,
}

impl Ctx<'_> {
    pub(super) fn variant(&self) -> &VariantData {
        &self.scenario.variants[self.index]
    }

    pub(super) fn durable(&self) -> bool {
        self.product.kind == "durable"
    }

    pub(super) fn units(&self) -> String {
        plural(&self.product.unit)
    }

    pub(super) fn stat(&self, m: Measure) -> &Stat {
        self.daily.get(m)
    }

    pub(super) fn chart(
        &self,
        kind: ChartKind,
        what: &str,
        shading: &str,
        panels: Vec<Panel>,
    ) -> Chart {
        let mut chart = variant_chart(self.scenario, self.index, kind, shading, panels);
        chart.product = self.product.id.clone();
        chart.place = self.place.to_string();
        chart.file_stem = format!(
            "{}-{}-{}",
            file_safe(&self.product.id),
            file_safe(self.place),
            kind.slug()
        );
        chart.title = format!(
            "{}, {}: {what}",
            product_name(&self.product.id),
            place(self.place)
        );
        chart
    }
}

/// A chart of `kind` for variant `index` over the horizon, with its subtitle, tag and date
/// axis; the caller names it (product, place, file stem, title). From one replication the
/// panels lose their bands and whiskers, and the subtitle says why.
pub(super) fn variant_chart(
    scenario: &ScenarioData,
    index: usize,
    kind: ChartKind,
    shading: &str,
    mut panels: Vec<Panel>,
) -> Chart {
    let v = &scenario.variants[index];
    let reps = v.manifest.replications;
    let shading = if reps < 2 {
        // The bands would have no width (or, for a probability, say nothing): none.
        for p in &mut panels {
            p.whiskers.clear();
            p.series.iter_mut().for_each(|s| s.band = None);
        }
        NO_BAND
    } else {
        shading
    };
    Chart {
        kind,
        product: String::new(),
        place: String::new(),
        variant: Some(v.name().to_string()),
        file_stem: String::new(),
        title: String::new(),
        subtitle: format!(
            "Scenario {}, variant {} · {} · {shading}",
            scenario.name,
            v.name(),
            replications(reps)
        ),
        tag: Some((
            format!("Variant: {}", v.name()),
            variant_style(index).colour,
        )),
        x_axis: XAxis::Dates {
            start: v.start_date(),
            days: v.days(),
        },
        x_label: date_axis_title(v.start_date(), v.days()),
        panels,
        map: None,
    }
}
