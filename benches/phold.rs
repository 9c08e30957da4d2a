//! PHOLD on medsupply's own event engine ([`medsupply::engine::queue::EventQueue`]).
//!
//! PHOLD is the standard parallel-simulation benchmark. `N` logical processes (LPs) each start
//! with `E0` events sent to themselves at time `L + Exp(mean μ − L)`. Handling an event at LP `i`,
//! time `t`, draws `u ~ U(0,1)`; if `u < p_remote` the destination is uniform over `0..N` (self
//! allowed), otherwise `i`; it schedules exactly one new event there at `t + L + Exp(mean μ − L)`.
//! Every event with time ≤ `end` is handled, so about `N·E0·end/μ` events in all.
//!
//! Time is in integer ticks of the engine's queue: **1 tick = 10⁻⁶ time units**
//! ([`TICKS_PER_UNIT`]). A delay is `round(L·10⁶) + ⌊x·10⁶ + ½⌋` ticks with `x ~ Exp(mean μ − L)`.
//! Every LP has its own `rand_xoshiro::Xoshiro256PlusPlus`, seeded (through SplitMix64, as
//! `seed_from_u64` does) from `--seed` and the LP index ([`lp_seed`]). Each LP draws in a fixed
//! order (`u`, then the destination if remote, then the delay), so a run is fully deterministic:
//! the same parameters always handle the same events in the same order. Events carry no
//! payload: the LP is the event's `entity` in the queue key, its class is 0.
//!
//! The generator is the model's, not the engine's: a small, fast one per LP, as PHOLD
//! implementations use (ROSS gives each LP a CLCG4 of four integers) and as SimPy's version has
//! Python's Mersenne Twister. It was `ChaCha8Rng`, the generator of medsupply's scenario
//! streams: 1,024 LPs' 300-byte ChaCha states (330 kB, against 32 kB of xoshiro states) missed
//! the cache on every event, and the run went from 22.7 to 27.2 M events/s without them.
//!
//! Run with
//!
//! ```text
//! cargo bench --bench phold -- --lps 1024 --events-per-lp 16 --remote 0.25 \
//!     --lookahead 0.1 --mean 1.0 --end 100 --seed 1
//! ```
//!
//! It prints one JSON line `{"events": …, "wall_s": …, "events_per_s": …}` on stdout (and a
//! human-readable line with the parameters and an order checksum on stderr). Unknown flags
//! (such as the `--bench` cargo passes) are ignored. Without `--bench` (as under
//! `cargo test --benches`) it is a smoke test: a tiny run, twice, checked for determinism and for
//! the expected event count.

use medsupply::engine::queue::{EventQueue, Tick};
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::process::ExitCode;
use std::time::Instant;

/// Ticks per PHOLD time unit: one tick is 10⁻⁶ time units.
const TICKS_PER_UNIT: f64 = 1e6;

/// The benchmark's parameters (the flags, in the same units).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Params {
    /// `--lps`: number of logical processes `N`.
    lps: u32,
    /// `--events-per-lp`: initial events per LP `E0`.
    events_per_lp: u32,
    /// `--remote`: probability `p_remote` that an event goes to a uniformly chosen LP.
    remote: f64,
    /// `--lookahead`: the minimum delay `L`.
    lookahead: f64,
    /// `--mean`: the mean delay `μ` (so the exponential part has mean `μ − L`).
    mean: f64,
    /// `--end`: events at times ≤ `end` are handled.
    end: f64,
    /// `--seed`: the key of every LP's generator.
    seed: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            lps: 1024,
            events_per_lp: 16,
            remote: 0.25,
            lookahead: 0.1,
            mean: 1.0,
            end: 100.0,
            seed: 1,
        }
    }
}

/// What one run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Outcome {
    /// Events handled.
    events: u64,
    /// A hash of every handled event's (time, LP) in handling order.
    checksum: u64,
}

/// Converts a time in units to ticks, refusing what does not fit.
fn to_ticks(x: f64, what: &str) -> Result<Tick, String> {
    let t = (x * TICKS_PER_UNIT).round();
    if !(0.0..=(i64::MAX / 4) as f64).contains(&t) {
        return Err(format!("--{what} {x} is out of range"));
    }
    Ok(t as Tick)
}

/// The 64-bit seed of LP `lp`'s generator: distinct for every LP of one `--seed`.
fn lp_seed(seed: u64, lp: u32) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ u64::from(lp)
}

/// Runs PHOLD with `p` and returns what it handled.
fn phold(p: &Params) -> Result<Outcome, String> {
    if p.lps == 0 {
        return Err("--lps must be at least 1".into());
    }
    if !(0.0..=1.0).contains(&p.remote) {
        return Err(format!("--remote {} is not a probability", p.remote));
    }
    if !(p.lookahead >= 0.0 && p.mean > p.lookahead) {
        return Err("need 0 ≤ --lookahead < --mean".into());
    }
    let lookahead = to_ticks(p.lookahead, "lookahead")?;
    let end = to_ticks(p.end, "end")?;
    // Exp(mean μ − L), directly in ticks, rounded to the nearest (⌊x + ½⌋: x ≥ 0, and cheaper
    // than `f64::round`, a libm call).
    let exp = Exp::new(1.0 / ((p.mean - p.lookahead) * TICKS_PER_UNIT))
        .map_err(|e| format!("exponential delay: {e}"))?;
    let delay =
        |rng: &mut Xoshiro256PlusPlus| -> Tick { lookahead + (exp.sample(rng) + 0.5) as Tick };

    let mut rngs: Vec<Xoshiro256PlusPlus> = (0..p.lps)
        .map(|lp| Xoshiro256PlusPlus::seed_from_u64(lp_seed(p.seed, lp)))
        .collect();
    let mut q: EventQueue<()> = EventQueue::default();
    for (lp, rng) in (0..p.lps).zip(rngs.iter_mut()) {
        for _ in 0..p.events_per_lp {
            let at = delay(rng);
            q.push(at, 0, lp, ());
        }
    }

    let (n, remote) = (p.lps, p.remote);
    let mut events = 0u64;
    let mut checksum = 0u64;
    while let Some((key, ())) = q.pop() {
        if key.time > end {
            break;
        }
        events += 1;
        checksum = checksum
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add((key.time as u64) ^ u64::from(key.entity));
        let rng = &mut rngs[key.entity as usize];
        let dest = if rng.random::<f64>() < remote {
            rng.random_range(0..n)
        } else {
            key.entity
        };
        let at = key.time + delay(rng);
        q.push(at, 0, dest, ());
    }
    Ok(Outcome { events, checksum })
}

/// Parses the flags this benchmark knows, ignoring any other (such as cargo's `--bench`).
/// Returns the parameters and whether `--bench` was given.
fn parse(args: impl IntoIterator<Item = String>) -> Result<(Params, bool), String> {
    let mut p = Params::default();
    let mut bench = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if arg.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let known = [
            "--lps",
            "--events-per-lp",
            "--remote",
            "--lookahead",
            "--mean",
            "--end",
            "--seed",
        ];
        if flag == "--bench" {
            bench = true;
            continue;
        }
        if !known.contains(&flag.as_str()) {
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None => args.next().ok_or_else(|| format!("{flag} needs a value"))?,
        };
        let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
        match flag.as_str() {
            "--lps" => p.lps = value.parse().map_err(|e| bad(&e))?,
            "--events-per-lp" => p.events_per_lp = value.parse().map_err(|e| bad(&e))?,
            "--remote" => p.remote = value.parse().map_err(|e| bad(&e))?,
            "--lookahead" => p.lookahead = value.parse().map_err(|e| bad(&e))?,
            "--mean" => p.mean = value.parse().map_err(|e| bad(&e))?,
            "--end" => p.end = value.parse().map_err(|e| bad(&e))?,
            _ => p.seed = value.parse().map_err(|e| bad(&e))?,
        }
    }
    Ok((p, bench))
}

/// Runs once with `p`, timing it, and prints the JSON line (stdout) and a summary (stderr).
fn timed(p: &Params) -> Result<Outcome, String> {
    let start = Instant::now();
    let out = phold(p)?;
    let wall_s = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({
            "events": out.events,
            "wall_s": wall_s,
            "events_per_s": out.events as f64 / wall_s,
        })
    );
    eprintln!(
        "phold: lps {} events-per-lp {} remote {} lookahead {} mean {} end {} seed {} \
         (1 tick = 1e-6 time units): {} events (expected ≈ {:.0}), checksum {:016x}",
        p.lps,
        p.events_per_lp,
        p.remote,
        p.lookahead,
        p.mean,
        p.end,
        p.seed,
        out.events,
        f64::from(p.lps) * f64::from(p.events_per_lp) * p.end / p.mean,
        out.checksum
    );
    Ok(out)
}

/// The smoke test run by `cargo test --benches`: flags parse (unknown ones ignored); a tiny run,
/// twice, is deterministic with about the expected number of events; another seed differs.
fn smoke() -> Result<(), String> {
    let args = ["--lps", "8", "--remote=0.5", "--nocapture", "--seed", "9"];
    let (q, bench) = parse(args.map(String::from))?;
    if bench || (q.lps, q.remote, q.seed, q.end) != (8, 0.5, 9, Params::default().end) {
        return Err(format!("flags parsed wrong: {q:?}"));
    }
    let p = Params {
        lps: 64,
        events_per_lp: 4,
        end: 10.0,
        ..Params::default()
    };
    let a = timed(&p)?;
    let b = phold(&p)?;
    if a != b {
        return Err(format!("not deterministic: {a:?} then {b:?}"));
    }
    let expected = f64::from(p.lps) * f64::from(p.events_per_lp) * p.end / p.mean;
    if (a.events as f64 - expected).abs() > 0.1 * expected {
        return Err(format!("{} events, expected about {expected}", a.events));
    }
    let c = phold(&Params { seed: 2, ..p })?;
    if c.checksum == a.checksum {
        return Err("seeds 1 and 2 handled the same events".into());
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = parse(std::env::args().skip(1)).and_then(|(p, bench)| {
        if bench {
            timed(&p).map(|_| ())
        } else {
            smoke()
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("phold: {e}");
            ExitCode::FAILURE
        }
    }
}
