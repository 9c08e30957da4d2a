//! Random streams: one portable ChaCha8 generator per (replication, entity, purpose), seeded from
//! a hash of stable names, so adding a node or a draw never shifts anyone else's numbers and
//! policy variants draw the same numbers for the same purpose (common random numbers).

use super::lazy_table::LazyTable;
use crate::util::prefetch;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

/// The generator every stream uses (recorded in the manifest).
pub const GENERATOR: &str =
    "rand_chacha::ChaCha8Rng, seeded by SHA-256(seed, replication, entity, purpose)";

/// What a stream is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Purpose {
    /// Firm restart day.
    Restart,
    /// Firm-level worker noise.
    Workers,
    /// In-plant outbreaks.
    Outbreak,
    /// Quality rejection.
    Quality,
    /// Sterilisation release delay.
    Release,
    /// Line breakdowns and repairs.
    Breakdown,
    /// Conversion lead times.
    Conversion,
    /// Link lead times.
    LeadTime,
    /// Random link closures.
    Closure,
    /// Checkpoint waits.
    Checkpoint,
    /// Order processing delays.
    OrderDelay,
    /// Times between customer orders.
    CustomerOrders,
    /// Make-to-order batch durations.
    Batch,
    /// A region's epidemic parameters, drawn once per replication.
    Epidemic,
    /// Queueing at checkpoints with a throughput.
    CheckpointQueue,
}

/// Number of purposes.
pub const PURPOSES: usize = 15;

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Restart => "restart",
            Purpose::Workers => "workers",
            Purpose::Outbreak => "outbreak",
            Purpose::Quality => "quality",
            Purpose::Release => "release",
            Purpose::Breakdown => "breakdown",
            Purpose::Conversion => "conversion",
            Purpose::LeadTime => "lead-time",
            Purpose::Closure => "closure",
            Purpose::Checkpoint => "checkpoint",
            Purpose::OrderDelay => "order-delay",
            Purpose::CustomerOrders => "customer-orders",
            Purpose::Batch => "batch",
            Purpose::Epidemic => "epidemic",
            Purpose::CheckpointQueue => "checkpoint-queue",
        }
    }
}

/// The seed of one stream: SHA-256 of its stable key.
pub fn stream_seed(seed: u64, replication: u32, entity: &str, purpose: Purpose) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(replication.to_le_bytes());
    h.update((entity.len() as u64).to_le_bytes());
    h.update(entity.as_bytes());
    h.update(purpose.name().as_bytes());
    h.finalize().into()
}

/// A new stream, boxed (a slot of [`Streams`] is one pointer).
#[cold]
#[inline(never)]
fn made(seed: u64, replication: u32, entity: &str, purpose: Purpose) -> Box<ChaCha8Rng> {
    Box::new(ChaCha8Rng::from_seed(stream_seed(
        seed,
        replication,
        entity,
        purpose,
    )))
}

/// Lazily created streams of one replication, indexed by entity and purpose. Only the streams
/// drawn from cost memory: a network with half a million links uses a few of them.
pub struct Streams {
    seed: u64,
    replication: u32,
    names: Vec<String>,
    /// Slots (`entity * PURPOSES + purpose`) in pages of [`PAGE`], a page made when one of its
    /// streams is first drawn from: a flat slot per stream was 100 bytes per entity, 95 MB for
    /// a network of 455,000 links of which a few thousand carry anything.
    pages: LazyTable<Page>,
}

/// Stream slots per page.
const PAGE: usize = 64;

/// A page of stream slots.
type Page = [Option<Box<ChaCha8Rng>>; PAGE];

impl Streams {
    /// Streams for entities with the given stable names (e.g. `node:wuhan-hospital`).
    pub fn new(seed: u64, replication: u32, names: Vec<String>) -> Streams {
        let n = names.len() * PURPOSES;
        Streams {
            seed,
            replication,
            names,
            pages: LazyTable::new(n.div_ceil(PAGE)),
        }
    }

    /// Streams for `entities` entities whose names are given when a stream is first drawn from
    /// (see [`Streams::get_named`]).
    pub fn lazy(seed: u64, replication: u32, entities: usize) -> Streams {
        Streams {
            seed,
            replication,
            names: Vec::new(),
            pages: LazyTable::new((entities * PURPOSES).div_ceil(PAGE)),
        }
    }

    /// The slot of `entity`'s stream for `purpose`, its page made if needed.
    #[inline]
    fn slot(
        pages: &mut LazyTable<Page>,
        entity: usize,
        purpose: Purpose,
    ) -> &mut Option<Box<ChaCha8Rng>> {
        let slot = entity * PURPOSES + purpose as usize;
        &mut pages.get(slot / PAGE, || [const { None }; PAGE])[slot % PAGE]
    }

    /// The slot of `entity`'s stream for `purpose` if its page is made, without making it.
    #[inline]
    fn made_slot(&self, entity: usize, purpose: Purpose) -> Option<&Option<Box<ChaCha8Rng>>> {
        let slot = entity * PURPOSES + purpose as usize;
        self.pages.made(slot / PAGE).map(|page| &page[slot % PAGE])
    }

    /// Asks the cache for the slot of `entity`'s stream for `purpose`, if its page is made
    /// (the first of [`Streams::prefetch`]'s two steps: the slot holds where the stream is).
    #[inline]
    pub(in crate::engine) fn prefetch_slot(&self, entity: usize, purpose: Purpose) {
        if let Some(slot) = self.made_slot(entity, purpose) {
            prefetch::value(slot);
        }
    }

    /// Asks the cache for `entity`'s stream for `purpose`, if it is made.
    #[inline]
    pub(in crate::engine) fn prefetch(&self, entity: usize, purpose: Purpose) {
        if let Some(Some(rng)) = self.made_slot(entity, purpose) {
            prefetch::value(&**rng);
        }
    }

    /// The stream of `entity` for `purpose` (streams made by [`Streams::new`]).
    pub fn get(&mut self, entity: usize, purpose: Purpose) -> &mut ChaCha8Rng {
        let names = &self.names;
        let (seed, rep) = (self.seed, self.replication);
        Self::slot(&mut self.pages, entity, purpose)
            .get_or_insert_with(|| made(seed, rep, &names[entity], purpose))
    }

    /// The stream of `entity` for `purpose`; `name` gives the entity's stable name the first time.
    #[inline]
    pub fn get_named(
        &mut self,
        entity: usize,
        purpose: Purpose,
        name: impl FnOnce() -> String,
    ) -> &mut ChaCha8Rng {
        let (seed, rep) = (self.seed, self.replication);
        // Drawn from tens of thousands of times a replication, made a few hundred times: the
        // look-up is inlined, the making kept out of line.
        Self::slot(&mut self.pages, entity, purpose)
            .get_or_insert_with(|| made(seed, rep, &name(), purpose))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_depend_on_names_not_positions() {
        let mut a = Streams::new(7, 0, vec!["node:a".into(), "node:b".into()]);
        let mut b = Streams::new(
            7,
            0,
            vec!["node:new".into(), "node:a".into(), "node:b".into()],
        );
        let x: f64 = a.get(1, Purpose::LeadTime).random();
        let y: f64 = b.get(2, Purpose::LeadTime).random();
        assert_eq!(x, y, "adding a node must not shift another node's numbers");
    }

    #[test]
    fn purposes_replications_and_seeds_are_independent() {
        let mut s = Streams::new(7, 0, vec!["node:a".into()]);
        let a: u64 = s.get(0, Purpose::LeadTime).random();
        let b: u64 = s.get(0, Purpose::Quality).random();
        let c: u64 = Streams::new(7, 1, vec!["node:a".into()])
            .get(0, Purpose::LeadTime)
            .random();
        let d: u64 = Streams::new(8, 0, vec!["node:a".into()])
            .get(0, Purpose::LeadTime)
            .random();
        assert!(a != b && a != c && a != d);
        // Drawing from one purpose does not move another.
        let mut t = Streams::new(7, 0, vec!["node:a".into()]);
        let _: u64 = t.get(0, Purpose::Workers).random();
        let again: u64 = t.get(0, Purpose::LeadTime).random();
        assert_eq!(a, again);
    }
}
