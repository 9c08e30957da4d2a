//! Small helpers shared by every layer, depending on nothing above [`crate::error`].

pub mod atomic;
pub mod hash;
pub mod lock;

use std::collections::HashMap;

/// A hash map with a fast, fixed hasher (keys are a few small integers, and nothing
/// iterates these maps, so the hasher changes no output).
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
