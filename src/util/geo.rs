//! Region outlines: reading them from a GeoJSON feature collection (the scenario's `[map]`
//! file, and the `outlines.geojson` a run writes for the report's map) and writing them.

use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject, JsonValue};
use std::collections::BTreeMap;

/// A closed ring of (longitude, latitude) points in degrees, its first point repeated last.
pub type Ring = Vec<(f64, f64)>;

/// A region's outline: its polygons, each an outer ring followed by its holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Outline {
    /// The polygons.
    pub polygons: Vec<Vec<Ring>>,
}

impl Outline {
    /// The outer rings, largest area first (the map fills them in that order, so that an
    /// enclave drawn after the region around it shows; holes are not cut).
    pub fn outer_rings(&self) -> Vec<&Ring> {
        let mut rings: Vec<&Ring> = self.polygons.iter().filter_map(|p| p.first()).collect();
        rings.sort_by(|a, b| ring_area(b).abs().total_cmp(&ring_area(a).abs()));
        rings
    }

    /// The centroid of its largest outer ring (area-weighted; in degrees, unprojected), the
    /// place of a region that has an outline but no `lon` and `lat`.
    pub fn centroid(&self) -> Option<(f64, f64)> {
        let ring = *self.outer_rings().first()?;
        let a = ring_area(ring);
        if a == 0.0 {
            let n = ring.len() as f64;
            let (x, y) = ring.iter().fold((0.0, 0.0), |(x, y), p| (x + p.0, y + p.1));
            return (n > 0.0).then_some((x / n, y / n));
        }
        let (mut cx, mut cy) = (0.0, 0.0);
        for w in ring.windows(2) {
            let cross = w[0].0 * w[1].1 - w[1].0 * w[0].1;
            cx += (w[0].0 + w[1].0) * cross;
            cy += (w[0].1 + w[1].1) * cross;
        }
        Some((cx / (6.0 * a), cy / (6.0 * a)))
    }

    /// Every point of every ring.
    pub fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.polygons.iter().flatten().flatten().copied()
    }
}

/// The signed area of a closed ring (shoelace), in square degrees.
pub fn ring_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum::<f64>()
        / 2.0
}

/// What a feature collection holds under one name: its outline, or why it cannot be one.
pub type Found = Result<Outline, String>;

/// The features of the GeoJSON feature collection `text`, by the string value of their
/// property `property` (features without it are skipped): each a Polygon or MultiPolygon
/// outline, or what is wrong with it (another geometry, a ring that is not closed or has
/// fewer than four points, a coordinate out of range, or several features with the name).
/// An error when the text is not a GeoJSON feature collection.
pub fn read_features(text: &str, property: &str) -> Result<BTreeMap<String, Found>, String> {
    let collection: FeatureCollection = text
        .parse()
        .map_err(|e| format!("not a GeoJSON feature collection: {e}"))?;
    let mut out: BTreeMap<String, Found> = BTreeMap::new();
    for feature in &collection.features {
        let Some(JsonValue::String(name)) = feature.property(property) else {
            continue;
        };
        let found = outline_of(feature.geometry.as_ref());
        out.entry(name.clone())
            .and_modify(|f| *f = Err(format!("several features have {property} `{name}`")))
            .or_insert(found);
    }
    Ok(out)
}

/// The outline of a feature's geometry, or what is wrong with it.
fn outline_of(geometry: Option<&Geometry>) -> Found {
    let polygons = match geometry.map(|g| &g.value) {
        Some(GeometryValue::Polygon { coordinates }) => vec![coordinates],
        Some(GeometryValue::MultiPolygon { coordinates }) => coordinates.iter().collect(),
        Some(other) => {
            return Err(format!(
                "its geometry is a {}, not a Polygon or MultiPolygon",
                other.type_name()
            ));
        }
        None => return Err("it has no geometry".into()),
    };
    let mut out = Vec::with_capacity(polygons.len());
    for polygon in polygons {
        let mut rings = Vec::with_capacity(polygon.len());
        for ring in polygon {
            let mut points = Vec::with_capacity(ring.len());
            for position in ring {
                let (lon, lat) = match position.as_slice() {
                    [lon, lat, ..] => (*lon, *lat),
                    _ => return Err("a position has fewer than two coordinates".into()),
                };
                if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                    return Err(format!(
                        "({lon}, {lat}) is not a longitude and latitude in degrees"
                    ));
                }
                points.push((lon, lat));
            }
            if points.len() < 4 || points.first() != points.last() {
                return Err("a ring is not closed or has fewer than four positions".into());
            }
            rings.push(points);
        }
        if rings.is_empty() {
            return Err("a polygon has no ring".into());
        }
        out.push(rings);
    }
    if out.is_empty() {
        return Err("its MultiPolygon has no polygon".into());
    }
    Ok(Outline { polygons: out })
}

/// A GeoJSON feature collection of `outlines`, each a feature whose property `property` is
/// its name, a Polygon or a MultiPolygon; coordinates as `num` writes them.
pub fn write_features<'a>(
    outlines: impl IntoIterator<Item = (&'a str, &'a Outline)>,
    property: &str,
) -> String {
    let features = outlines.into_iter().map(|(name, outline)| {
        let polygon = |rings: &Vec<Ring>| -> Vec<Vec<geojson::Position>> {
            rings
                .iter()
                .map(|r| r.iter().map(|&(x, y)| [x, y].into()).collect())
                .collect()
        };
        let value = match outline.polygons.as_slice() {
            [one] => GeometryValue::Polygon {
                coordinates: polygon(one),
            },
            many => GeometryValue::MultiPolygon {
                coordinates: many.iter().map(polygon).collect(),
            },
        };
        let mut properties = JsonObject::new();
        properties.insert(property.to_string(), JsonValue::String(name.to_string()));
        Feature {
            geometry: Some(Geometry::new(value)),
            properties: Some(properties),
            ..Feature::default()
        }
    });
    let mut text = FeatureCollection::new(features).to_string();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const SQUARE: &str = r#"{"type":"FeatureCollection","features":[
        {"type":"Feature","properties":{"name":"A"},"geometry":{"type":"Polygon",
         "coordinates":[[[0,0],[2,0],[2,2],[0,2],[0,0]]]}},
        {"type":"Feature","properties":{"name":"B"},"geometry":{"type":"MultiPolygon",
         "coordinates":[[[[10,0],[11,0],[11,1],[10,0]]],[[[20,0],[24,0],[24,4],[20,4],[20,0]]]]}},
        {"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[1,1]}},
        {"type":"Feature","properties":{"name":"Open"},"geometry":{"type":"Polygon",
         "coordinates":[[[0,0],[2,0],[2,2],[0,2]]]}},
        {"type":"Feature","properties":{"code":7},"geometry":null}
    ]}"#;

    #[test]
    fn features_are_found_by_their_property_and_checked() {
        let found = read_features(SQUARE, "name").unwrap();
        assert_eq!(found.len(), 4);
        let a = found["A"].as_ref().unwrap();
        assert_eq!(a.polygons.len(), 1);
        assert_eq!(a.centroid(), Some((1.0, 1.0)));
        let b = found["B"].as_ref().unwrap();
        assert_eq!(b.polygons.len(), 2);
        // The larger polygon's ring comes first and places the region.
        assert_eq!(b.outer_rings()[0][0], (20.0, 0.0));
        assert_eq!(b.centroid(), Some((22.0, 2.0)));
        assert!(found["P"].as_ref().unwrap_err().contains("Point"));
        assert!(found["Open"].as_ref().unwrap_err().contains("not closed"));
        assert!(read_features(SQUARE, "nothing").unwrap().is_empty());
    }

    #[test]
    fn bad_geojson_and_duplicates_are_reported() {
        assert!(read_features("{", "name").is_err());
        assert!(read_features(r#"{"type":"Point","coordinates":[0,0]}"#, "name").is_err());
        let twice = SQUARE.replace("\"B\"", "\"A\"");
        assert!(
            read_features(&twice, "name").unwrap()["A"]
                .as_ref()
                .unwrap_err()
                .contains("several")
        );
        let far = SQUARE.replace("[2,0]", "[200,0]");
        assert!(read_features(&far, "name").unwrap()["A"].is_err());
    }

    #[test]
    fn written_outlines_read_back_the_same() {
        let found = read_features(SQUARE, "name").unwrap();
        let (a, b) = (found["A"].clone().unwrap(), found["B"].clone().unwrap());
        let text = write_features([("a", &a), ("b", &b)], "region");
        let back = read_features(&text, "region").unwrap();
        assert_eq!(back["a"].as_ref().unwrap(), &a);
        assert_eq!(back["b"].as_ref().unwrap(), &b);
    }
}
