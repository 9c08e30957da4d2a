//! Field paths (`node[3].lines[0].item`) and their line/column in the scenario text.

use std::borrow::Cow;
use std::fmt;

/// A table key of a field path: most are field names written in the program, borrowed rather
/// than copied, as building a large network makes paths for millions of fields.
pub type Key = Cow<'static, str>;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A table key.
    Key(Key),
    /// An array index.
    Index(usize),
}

/// A path to a field of the scenario, displayed as `node[3].lines[0].item`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    /// Parses `a.b[2].c`, `a.b.2.c` (serde_ignored's form) or `a.?.b`; `?` steps are dropped.
    pub fn parse(s: &str) -> FieldPath {
        FieldPath::parse_keys(s, |key| Key::Owned(key.to_string()))
    }

    /// [`FieldPath::parse`], each key made by `key` from its text.
    fn parse_keys<'s>(s: &'s str, key: impl Fn(&'s str) -> Key) -> FieldPath {
        let mut segs = Vec::new();
        for part in s.split('.') {
            let mut rest = part;
            let key_end = rest.find('[').unwrap_or(rest.len());
            let name = &rest[..key_end];
            if !name.is_empty() && name != "?" {
                match name.parse::<usize>() {
                    Ok(i) => segs.push(Seg::Index(i)),
                    Err(_) => segs.push(Seg::Key(key(name))),
                }
            }
            rest = &rest[key_end..];
            while let Some(stripped) = rest.strip_prefix('[') {
                let close = stripped.find(']').unwrap_or(stripped.len());
                if let Ok(i) = stripped[..close].parse::<usize>() {
                    segs.push(Seg::Index(i));
                }
                rest = stripped.get(close + 1..).unwrap_or("");
            }
        }
        FieldPath(segs)
    }

    /// The path extended by a key.
    pub fn key(&self, k: impl Into<Key>) -> FieldPath {
        self.then(Seg::Key(k.into()))
    }

    /// The path extended by an index.
    pub fn index(&self, i: usize) -> FieldPath {
        self.then(Seg::Index(i))
    }

    /// The path extended by `seg`, in one allocation.
    fn then(&self, seg: Seg) -> FieldPath {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.extend_from_slice(&self.0);
        v.push(seg);
        FieldPath(v)
    }
}

/// Names a field: a made [`FieldPath`], or a [`Then`] that makes its path only when a problem
/// is reported. Checking every field of a large network reports almost none, and making each
/// field's path up front cost a quarter of building a 2×10⁴-node model.
pub trait ToPath {
    /// The path, made now.
    fn to_path(&self) -> FieldPath;

    /// This path extended by a key, made only when asked.
    fn lazy_key(self, k: &'static str) -> Then<Self>
    where
        Self: Sized,
    {
        Then {
            parent: self,
            step: Step::Key(k),
        }
    }

    /// This path extended by an index, made only when asked.
    fn lazy_index(self, i: usize) -> Then<Self>
    where
        Self: Sized,
    {
        Then {
            parent: self,
            step: Step::Index(i),
        }
    }
}

impl ToPath for FieldPath {
    fn to_path(&self) -> FieldPath {
        self.clone()
    }
}

/// A path literal like `"node"`, so that paths from the root are lazy too.
impl ToPath for str {
    fn to_path(&self) -> FieldPath {
        FieldPath::parse(self)
    }
}

impl<T: ToPath + ?Sized> ToPath for &T {
    fn to_path(&self) -> FieldPath {
        (**self).to_path()
    }
}

/// A path `parent` extended by one step, not made yet (see [`ToPath`]). Copied freely, as its
/// parent is a reference or another `Then`: a check can name its field twice.
#[derive(Debug, Clone, Copy)]
pub struct Then<P> {
    parent: P,
    step: Step,
}

/// A [`Seg`] whose key is a name written in the program, so that a [`Then`] is `Copy`.
#[derive(Debug, Clone, Copy)]
enum Step {
    Key(&'static str),
    Index(usize),
}

impl<P: ToPath> ToPath for Then<P> {
    fn to_path(&self) -> FieldPath {
        let mut path = self.parent.to_path();
        path.0.push(match self.step {
            Step::Key(k) => Seg::Key(Key::Borrowed(k)),
            Step::Index(i) => Seg::Index(i),
        });
        path
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, s) in self.0.iter().enumerate() {
            match s {
                Seg::Key(k) if n == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

/// Builds a path from a literal like `"node[3].region"`, its keys borrowed from it: the paths
/// extended from it for every field of a large network then copy no key text.
pub fn path(s: &'static str) -> FieldPath {
    // Most are one plain key (`node`, `link`): no steps to look for.
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return FieldPath(vec![Seg::Key(Key::Borrowed(s))]);
    }
    FieldPath::parse_keys(s, Key::Borrowed)
}

/// Finds where fields are in a TOML text, using toml_edit's spans.
pub struct Locator {
    text: String,
    /// Parsed for spans when a diagnostic first needs one (a valid file never pays for it).
    doc: std::sync::OnceLock<Option<toml_edit::Document<String>>>,
    /// Byte offset of each line's start, found when a diagnostic first needs a line, so
    /// locating many problems in a large file stays linear.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Locator {
    /// Locates in `text`; a text that does not parse locates nothing.
    pub fn new(text: &str) -> Locator {
        Locator {
            text: text.to_string(),
            doc: std::sync::OnceLock::new(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut end = offset.min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(k, _)| k + 1))
                .collect()
        });
        // The last line starting at or before `end` (`starts[0]` is 0, so there is one).
        let line = starts.partition_point(|&start| start <= end);
        let line_start = starts[line - 1];
        (line, self.text[line_start..end].chars().count() + 1)
    }

    /// Line and column of the deepest part of `path` present in the document.
    pub fn locate(&self, path: &FieldPath) -> Option<(usize, usize)> {
        let doc = self
            .doc
            .get_or_init(|| toml_edit::Document::parse(self.text.clone()).ok())
            .as_ref()?;
        let mut best: Option<std::ops::Range<usize>> = None;
        let mut cur = Node::Item(doc.as_item());
        for seg in &path.0 {
            let next = match (&cur, seg) {
                (Node::Item(toml_edit::Item::Table(t)), Seg::Key(k)) => {
                    if let Some((key, _)) = t.get_key_value(k) {
                        best = key.span().or(best);
                    }
                    t.get(k).map(Node::Item)
                }
                (Node::Item(toml_edit::Item::ArrayOfTables(a)), Seg::Index(i)) => {
                    a.get(*i).map(|t| {
                        best = t.span().or(best.clone());
                        Node::Table(t)
                    })
                }
                (Node::Table(t), Seg::Key(k)) => {
                    if let Some((key, _)) = t.get_key_value(k) {
                        best = key.span().or(best);
                    }
                    t.get(k).map(Node::Item)
                }
                (Node::Item(toml_edit::Item::Value(v)), seg) | (&Node::Value(v), seg) => {
                    match (v, seg) {
                        (toml_edit::Value::InlineTable(t), Seg::Key(k)) => {
                            if let Some((key, _)) = t.get_key_value(k) {
                                best = key.span().or(best);
                            }
                            t.get(k).map(Node::Value)
                        }
                        (toml_edit::Value::Array(a), Seg::Index(i)) => a.get(*i).map(|v| {
                            best = v.span().or(best.clone());
                            Node::Value(v)
                        }),
                        _ => None,
                    }
                }
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => break,
            }
        }
        best.map(|r| self.line_col(r.start))
    }
}

enum Node<'a> {
    Item(&'a toml_edit::Item),
    Table(&'a toml_edit::Table),
    Value(&'a toml_edit::Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_path_forms() {
        assert_eq!(path("node[3].lines[0].item"), path("node.3.lines.0.item"));
        // A literal's path borrows its keys, and is the same path as one parsed from text.
        for literal in [
            "node[3].lines[0].item",
            "node",
            "link_group",
            "burn.mask",
            "a.?.b",
        ] {
            assert_eq!(path(literal), FieldPath::parse(&String::from(literal)));
        }
        assert_eq!(path("a.?.b").to_string(), "a.b");
        assert_eq!(
            path("node[3].lines[0].item").to_string(),
            "node[3].lines[0].item"
        );
    }

    #[test]
    fn lazy_paths_make_the_same_path() {
        let base = path("node").index(3);
        let lazy = (&base).lazy_key("lines").lazy_index(0);
        // `Then` is `Copy`: `lazy` stays usable after extending it.
        let made = lazy.lazy_key("item").to_path();
        assert_eq!(made, base.key("lines").index(0).key("item"));
        assert_eq!(made.to_string(), "node[3].lines[0].item");
        // Extending does not change the path extended.
        assert_eq!(lazy.to_path().to_string(), "node[3].lines[0]");
        assert_eq!(base.to_path(), path("node[3]"));
    }

    #[test]
    fn locates_fields_in_arrays_of_tables() {
        let text = "[scenario]\nname = \"x\"\n\n[[node]]\nid = \"a\"\n\n[[node]]\nid = \"b\"\nregion = \"R\"\n";
        let loc = Locator::new(text);
        assert_eq!(loc.locate(&path("node[1].region")), Some((9, 1)));
        assert_eq!(loc.locate(&path("scenario.name")), Some((2, 1)));
    }
}
