//! Builds `[map]`: each region's outline from the GeoJSON file it names.

use super::Builder;
use crate::model::Region;
use crate::scenario::location::path;
use crate::scenario::raw::RawScenario;
use crate::util::geo;
use sha2::Digest;

impl Builder<'_> {
    /// Sets the outline of every region that has a feature in the `[map]` file: the one its
    /// `outline` names (which must exist), else the one named like its `id`, if any. A region
    /// with an outline and no `lon`/`lat` is placed at its outline's centroid.
    pub(super) fn outlines(&mut self, raw: &RawScenario, regions: &mut [Region]) {
        let Some(map) = &raw.map else {
            for (i, region) in raw.region.iter().enumerate() {
                if region.outline.is_some() {
                    self.err(
                        &path("region").index(i).key("outline"),
                        "an outline needs a [map] section naming the GeoJSON file",
                    );
                }
            }
            return;
        };
        let at = path("map.geojson");
        let full = match self
            .file
            .options
            .data_path(&self.file.base_dir(), &map.geojson)
        {
            Ok(full) => full,
            Err(message) => return self.err(&at, message),
        };
        let bytes = match self.file.csv.bytes(&full, &self.file.options.limits) {
            Ok(bytes) => bytes,
            Err(e) => {
                return self.err(&at, format!("cannot read `{}`: {e}", map.geojson));
            }
        };
        self.hasher.update(&bytes);
        let features = match std::str::from_utf8(&bytes)
            .map_err(|e| format!("not UTF-8 text: {e}"))
            .and_then(|text| geo::read_features(text, &map.name_property))
        {
            Ok(features) => features,
            Err(e) => return self.err(&at, format!("`{}`: {e}", map.geojson)),
        };
        for (i, (region, out)) in raw.region.iter().zip(regions.iter_mut()).enumerate() {
            let (at, name) = match &region.outline {
                Some(name) => (path("region").index(i).key("outline"), name),
                None => (path("region").index(i).key("id"), &region.id),
            };
            match features.get(name) {
                Some(Ok(outline)) => {
                    if region.lon.is_none() && region.lat.is_none() {
                        out.location = outline.centroid();
                    }
                    out.outline = Some(outline.clone());
                }
                Some(Err(e)) => {
                    self.err(&at, format!("feature `{name}` of `{}`: {e}", map.geojson))
                }
                None if region.outline.is_some() => self.err(
                    &at,
                    format!(
                        "`{}` has no feature whose `{}` is `{name}`",
                        map.geojson, map.name_property
                    ),
                ),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_scenario::{problems_with, scenario};
    use crate::model::Region;

    const GEOJSON: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"North"},"geometry":{"type":"Polygon",
         "coordinates":[[[110,40],[112,40],[112,42],[110,42],[110,40]]]}},
        {"type":"Feature","properties":{"name":"Dot"},"geometry":{"type":"Point",
         "coordinates":[1,1]}}]}"#;

    const MAP: &str = "[map]\ngeojson = \"map.geojson\"\n";

    /// The test scenario with `map` appended and `fields` in its first region (Hubei), beside
    /// `map.geojson`.
    fn text(map: &str, fields: &str) -> String {
        scenario(map).replacen(
            "id = \"Hubei\"\n",
            &format!("id = \"Hubei\"\n{fields}\n"),
            1,
        )
    }

    /// Its regions.
    fn regions(map: &str, fields: &str) -> Vec<Region> {
        crate::testutil::with_files(&text(map, fields), None, &[("map.geojson", GEOJSON)]).regions
    }

    /// Its problems.
    fn problems(map: &str, fields: &str) -> Vec<String> {
        problems_with(&text(map, fields), &[("map.geojson", GEOJSON)])
    }

    #[test]
    fn a_region_takes_the_feature_it_names_or_the_one_named_like_it() {
        let r = &regions(MAP, "outline = \"North\"")[0];
        assert_eq!(r.outline.as_ref().unwrap().polygons.len(), 1);
        // No lon/lat: placed at the outline's centroid.
        assert_eq!(r.location, Some((111.0, 41.0)));
        // Given lon/lat win over the centroid.
        let r = &regions(MAP, "outline = \"North\"\nlon = 100.0\nlat = 30.0")[0];
        assert_eq!(r.location, Some((100.0, 30.0)));
        // By id: the second region is named after no feature, and has no outline.
        let geo = GEOJSON.replace("\"North\"", "\"Hubei\"");
        let m = crate::testutil::with_files(&text(MAP, ""), None, &[("map.geojson", &geo)]);
        assert!(m.regions[0].outline.is_some() && m.regions[1].outline.is_none());
        assert_eq!(m.regions[1].location, None);
    }

    #[test]
    fn missing_features_bad_files_and_outlines_without_a_map_are_reported() {
        let found = problems(MAP, "outline = \"South\"");
        assert!(
            found.len() == 1
                && found[0].starts_with("region[0].outline: ")
                && found[0].contains("`map.geojson` has no feature whose `name` is `South`"),
            "{found:?}"
        );
        let found = problems(MAP, "outline = \"Dot\"");
        assert!(found[0].contains("Point, not a Polygon"), "{found:?}");
        let found = problems("", "outline = \"North\"");
        assert!(found[0].contains("needs a [map] section"), "{found:?}");
        let found = problems("[map]\ngeojson = \"nowhere.geojson\"\n", "");
        assert!(
            found[0].starts_with("map.geojson: ") && found[0].contains("cannot read"),
            "{found:?}"
        );
        let found = problems("[map]\ngeojson = \"unit.toml\"\n", "");
        assert!(
            found[0].contains("`unit.toml`: not a GeoJSON feature collection"),
            "{found:?}"
        );
        let found = problems("[map]\ngeojson = \"../map.geojson\"\n", "");
        assert!(
            found[0].contains("leaves the scenario's folder"),
            "{found:?}"
        );
    }
}
