//! A table whose entries are made on first use: the state of a link, a page of random streams.
//! A network of 455,000 links uses a few thousand of them in a run.

/// Entries by number, each made the first time it is asked for. The index is plain numbers
/// (where an entry is among those made, plus one; 0 until it is made), so the untouched zero
/// pages of a large index are never read, not even when the table is dropped; made entries
/// never move position.
#[derive(Debug, Clone)]
pub(in crate::engine) struct LazyTable<T> {
    at: Vec<u32>,
    made: Vec<T>,
}

impl<T> LazyTable<T> {
    /// A table of `len` entries, none made.
    pub(in crate::engine) fn new(len: usize) -> LazyTable<T> {
        LazyTable {
            at: vec![0; len],
            made: Vec::new(),
        }
    }

    /// Entry `i`, made by `make` if it is asked for the first time.
    #[inline]
    pub(in crate::engine) fn get(&mut self, i: usize, make: impl FnOnce() -> T) -> &mut T {
        let k = self.position(i, make);
        &mut self.made[k]
    }

    /// Where entry `i` is among those made (made by `make` if needed); it stays there, so a
    /// caller can keep it across calls that need the whole table (see [`LazyTable::at`]).
    #[inline]
    pub(in crate::engine) fn position(&mut self, i: usize, make: impl FnOnce() -> T) -> usize {
        let mut at = self.at[i];
        if at == 0 {
            at = self.make(i, make);
        }
        at as usize - 1
    }

    /// The entry at `position`.
    #[inline]
    pub(in crate::engine) fn at(&mut self, position: usize) -> &mut T {
        &mut self.made[position]
    }

    /// Entry `i` if it has been made.
    #[inline]
    pub(in crate::engine) fn made(&self, i: usize) -> Option<&T> {
        let at = *self.at.get(i)?;
        at.checked_sub(1).map(|k| &self.made[k as usize])
    }

    #[cold]
    #[inline(never)]
    fn make(&mut self, i: usize, make: impl FnOnce() -> T) -> u32 {
        self.made.push(make());
        self.at[i] = self.made.len() as u32;
        self.at[i]
    }
}

#[cfg(test)]
mod tests {
    use super::LazyTable;

    #[test]
    fn entries_are_made_once_on_first_use_and_keep_their_position() {
        let mut t: LazyTable<String> = LazyTable::new(1_000_000);
        let mut made = 0;
        let mut make = |s: &str| {
            made += 1;
            s.to_string()
        };
        t.get(999_999, || make("last")).push('!');
        let first = t.position(3, || make("three"));
        assert_eq!(t.get(999_999, || make("again")), "last!");
        assert_eq!(t.get(3, || make("again")), "three");
        assert_eq!(t.position(3, || make("again")), first);
        assert_eq!(t.at(first), "three");
        assert_eq!(made, 2);
    }
}
