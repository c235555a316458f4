//! The volatility estimator: a variance **per unit of time**, so that it does not depend on how
//! often the oracle prints.
//!
//! ## Model
//!
//! Returns are sampled over fixed time **buckets** of at least `bucket` ms of oracle time. The
//! estimator keeps an **anchor** (the price and timestamp the bucket in progress started at) and
//! a `variance`: an exponentially time-weighted average of the variance **rate**, stated per
//! `horizon` (one day in Ballast). A print at `t` with price `p`, after the anchor `(p₀, t₀)`:
//!
//! ```text
//! r²      = ln(p / p₀)²                                    squared log return of the bucket
//! Δ       = t − t₀
//! w(Δ)    = 2^(−Δ / half_life)                            weight of the old variance
//! s(Δ)    = r² · horizon / Δ                              the bucket's variance per horizon
//! fold(Δ) = w(Δ) · variance + (1 − w(Δ)) · s(Δ)
//! ```
//!
//! * **The bucket closes** (`Δ ≥ bucket`): `variance ← fold(Δ)`, the print becomes the anchor,
//!   and the reported volatility is `√variance`.
//! * **The bucket is in progress** (`Δ < bucket`): the variance is unchanged, but the move so
//!   far is priced as if the bucket closed now with it, over a full bucket:
//!   `candidate = fold(bucket)`, and the reported volatility is
//!   `max(reported so far in this bucket, √variance, √candidate)`. A crash therefore reads at
//!   once, in the block its print is accepted, not only when its bucket closes; and within a
//!   bucket the reported volatility never falls (a spike that reverts within the bucket keeps
//!   the haircuts it raised until the bucket closes).
//!
//! Volatilities are `√variance` as a [`Permill`] (rounded up, saturating at 100 %).
//!
//! ## Why it is frequency-independent
//!
//! Only the anchor and the latest print of a bucket enter the estimate; the prints in between
//! change nothing but the in-progress candidate, which is again a function of the anchor and the
//! latest print. Decay is by elapsed time (`w(a) · w(b) = w(a + b)`), not per print. The same
//! price path fed every 6 s, every minute or every two minutes closes its buckets at the same
//! prices (exactly, when the feed interval divides `bucket`; within one feed interval
//! otherwise), so the estimates agree. Feeding more prints cannot decay it: time does, and a
//! print adds a squared return `≥ 0` or nothing. What extra prints can change is only where,
//! within one feed interval, a bucket closes: a move is then split between two buckets rather
//! than lost (log returns add up), which reads at least `1/√2` of it, as for any move that
//! straddles a bucket boundary (below).
//!
//! ## What one move reads as
//!
//! For `bucket ≪ half_life`, one bucket's squared return adds
//! `(1 − w(bucket)) · horizon / bucket · r² ≈ ln 2 · horizon / half_life · r²` to the variance,
//! whatever the bucket length. With Ballast's half-life of one day and a daily horizon that is
//! `0.693 · r²`, i.e. a move of `x` alone reads as a daily volatility of about `0.83 · |ln(1 + x)|`:
//! a 35 % crash inside one 10-minute bucket reads **35.8 %** a day from a quiet start (a quiet
//! BTC is 2–4 % a day), a 10 % move 8.8 %. A crash split across two buckets reads at least
//! `1/√2` of that (the squares of two halves).
//!
//! ## Gaps and bad timestamps
//!
//! A print that is not strictly newer than the last one is ignored. After a gap of any length
//! the bucket closes with the whole gap as `Δ`: `w → 0` and `s = r² · horizon / Δ` (the move
//! spread over the gap); nothing divides by zero (`Δ ≥ bucket > 0`, and `Δ ≥ 1` whatever
//! `bucket` is), and every product saturates.

use crate::{
	fixed,
	units::{mul_div, Rounding},
	Price,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{One, Saturating, Zero},
	FixedPointNumber, FixedU128, PerThing, Permill,
};

/// One hour in milliseconds.
pub const HOUR: u64 = 3_600_000;

/// One day in milliseconds: the horizon Ballast states volatility over.
pub const DAY: u64 = 24 * HOUR;

/// `ln 2` to 18 decimals (a [`FixedU128`] inner value).
const LN_2: u128 = 693_147_180_559_945_309;

/// Beyond this many half-lives the old variance's weight is below one unit (`2^−60 < 10^−18`).
const FORGOTTEN_AFTER: u64 = 60;

/// The estimator's parameters, in milliseconds of oracle time.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Params {
	/// Shortest interval a return is measured over; positive.
	pub bucket: u64,
	/// Time after which the old variance keeps half its weight; positive.
	pub half_life: u64,
	/// The horizon variances and volatilities are stated over ([`DAY`]); positive.
	pub horizon: u64,
}

impl Params {
	/// Ballast's: 10-minute buckets, a one-day half-life, volatility per day.
	pub const fn ballast() -> Self {
		Self { bucket: 10 * 60 * 1_000, half_life: DAY, horizon: DAY }
	}
}

/// A price and its oracle timestamp (ms).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Point {
	/// The price.
	pub price: Price,
	/// When it was fed.
	pub time: u64,
}

/// What the estimator keeps between prints.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Estimate {
	/// Time-weighted EWMA of the variance rate of log returns over closed buckets, per
	/// `horizon`.
	pub variance: FixedU128,
	/// The reported volatility per `horizon`: `√variance`, or more while the bucket in
	/// progress has moved (see the module docs).
	pub volatility: Permill,
	/// Start of the bucket in progress.
	pub anchor: Option<Point>,
	/// The last print used; only a strictly newer one is used next.
	pub last: Option<Point>,
}

impl Estimate {
	/// Fold the print `p` in (see the module docs). Returns whether the estimate changed:
	/// `false` for a print not strictly newer than the last one, or of price zero.
	pub fn observe(&mut self, p: Point, params: &Params) -> bool {
		if self.last.is_some_and(|last| p.time <= last.time) || p.price.is_zero() {
			return false;
		}
		self.last = Some(p);
		let Some(anchor) = self.anchor else {
			// The first print only becomes the reference.
			self.anchor = Some(p);
			self.volatility = self.volatility.max(volatility_from_variance(self.variance));
			return true;
		};
		let r2 = squared_log_return(anchor.price, p.price);
		let elapsed = p.time.saturating_sub(anchor.time);
		if elapsed >= params.bucket {
			self.variance = fold(self.variance, r2, elapsed, params);
			self.volatility = volatility_from_variance(self.variance);
			self.anchor = Some(p);
		} else {
			let candidate = fold(self.variance, r2, params.bucket, params);
			self.volatility = self
				.volatility
				.max(volatility_from_variance(self.variance))
				.max(volatility_from_variance(candidate));
		}
		true
	}

	/// Governance's seed or override: the variance becomes `volatility²` and the reported
	/// volatility `volatility` (per `horizon`). The anchor and the last print are kept: the
	/// bucket in progress goes on, and later prints move the estimate from there.
	pub fn set(&mut self, volatility: Permill) {
		self.variance = variance_from_volatility(volatility);
		self.volatility = volatility;
	}
}

/// `ln(to / from)²`; saturating at the largest value when either price is zero (never
/// understating a move).
pub fn squared_log_return(from: Price, to: Price) -> FixedU128 {
	match fixed::ln_ratio(to, from) {
		Some(r) => {
			let r = FixedU128::from_inner(r.into_inner().unsigned_abs());
			r.saturating_mul(r)
		},
		None => FixedU128::from_inner(u128::MAX),
	}
}

/// `2^(−elapsed / half_life)`: `1` at `elapsed = 0`, `0` for a zero half-life (no memory)
/// or beyond 60 half-lives. Within a few units of `10^−18`.
pub fn decay_weight(elapsed: u64, half_life: u64) -> FixedU128 {
	if elapsed == 0 {
		return FixedU128::one();
	}
	if elapsed.checked_div(half_life).is_none_or(|h| h >= FORGOTTEN_AFTER) {
		return FixedU128::zero();
	}
	// x = ln 2 · elapsed / half_life < 60 · 0.7: fits an i128 inner value.
	let x = mul_div(LN_2, u128::from(elapsed), u128::from(half_life), Rounding::Down)
		.and_then(|x| i128::try_from(x).ok());
	let Some(x) = x else { return FixedU128::zero() };
	let w = x.checked_neg().and_then(fixed::exp_inner).unwrap_or(0);
	FixedU128::from_inner(w.min(FixedU128::DIV))
}

/// The variance per `horizon` of a squared return `r2` measured over `elapsed` ms:
/// `r2 · horizon / elapsed` (`elapsed` at least 1), rounded up, saturating.
pub fn variance_rate(r2: FixedU128, elapsed: u64, horizon: u64) -> FixedU128 {
	let elapsed = u128::from(elapsed.max(1));
	FixedU128::from_inner(
		mul_div(r2.into_inner(), u128::from(horizon), elapsed, Rounding::Up).unwrap_or(u128::MAX),
	)
}

/// One bucket of `elapsed` ms with squared return `r2` folded into `variance`:
/// `w · variance + (1 − w) · r2 · horizon / elapsed`, `w = 2^(−elapsed / half_life)`.
/// Saturating.
pub fn fold(variance: FixedU128, r2: FixedU128, elapsed: u64, params: &Params) -> FixedU128 {
	let w = decay_weight(elapsed, params.half_life);
	let fresh = FixedU128::one().saturating_sub(w);
	w.saturating_mul(variance).saturating_add(fresh.saturating_mul(variance_rate(
		r2,
		elapsed,
		params.horizon,
	)))
}

/// `√variance` as a [`Permill`], saturating at 100 % and rounded up.
pub fn volatility_from_variance(variance: FixedU128) -> Permill {
	if variance >= FixedU128::one() {
		return Permill::one();
	}
	let Some(root) = variance.checked_sqrt() else { return Permill::one() };
	Permill::from_rational_with_rounding(
		root.into_inner(),
		FixedU128::DIV,
		polkadot_sdk::sp_arithmetic::Rounding::Up,
	)
	.unwrap_or(Permill::one())
}

/// The variance whose volatility is exactly `volatility`: `volatility²`.
pub fn variance_from_volatility(volatility: Permill) -> FixedU128 {
	let v = FixedU128::from(volatility);
	v.saturating_mul(v)
}

/// `volatility` per `from` ms restated per `to` ms: `volatility · √(to / from)` (square-root of
/// time), saturating at 100 %. E.g. a daily volatility per year is `× √365 ≈ 19.1`.
pub fn rescale(volatility: Permill, from: u64, to: u64) -> Permill {
	let variance = variance_from_volatility(volatility);
	let scaled =
		mul_div(variance.into_inner(), u128::from(to), u128::from(from.max(1)), Rounding::Up)
			.unwrap_or(u128::MAX);
	volatility_from_variance(FixedU128::from_inner(scaled))
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const P: Params = Params::ballast();
	const MINUTE: u64 = 60_000;

	fn at(price: f64, time: u64) -> Point {
		Point { price: Price::from_inner((price * 1e18) as u128), time }
	}

	fn pct(v: Permill) -> f64 {
		f64::from(v.deconstruct()) / 10_000.0
	}

	/// A path: the price at ms `t`.
	type Path = fn(u64) -> f64;

	/// The estimate after feeding `path` every `every` ms from `0` to `end` inclusive, starting
	/// from a daily volatility `start`.
	fn feed(path: Path, every: u64, end: u64, start: Permill) -> Estimate {
		let mut e = Estimate::default();
		e.set(start);
		let mut t = 0;
		while t <= end {
			e.observe(at(path(t), t), &P);
			t += every;
		}
		e
	}

	/// Quiet for an hour at 100, then −35 % linearly over two minutes (from minute 62 to 64,
	/// inside the bucket from minute 60 to 70), then flat.
	fn crash(t: u64) -> f64 {
		let (from, to) = (62 * MINUTE, 64 * MINUTE);
		if t <= from {
			100.0
		} else if t >= to {
			65.0
		} else {
			100.0 - 35.0 * (t - from) as f64 / (to - from) as f64
		}
	}

	#[test]
	fn decay_weight_halves_per_half_life_and_never_overflows() {
		assert_eq!(decay_weight(0, DAY), FixedU128::one());
		let half = decay_weight(DAY, DAY).into_inner();
		assert!(half.abs_diff(FixedU128::DIV / 2) <= 2, "{half}");
		let quarter = decay_weight(2 * DAY, DAY).into_inner();
		assert!(quarter.abs_diff(FixedU128::DIV / 4) <= 2, "{quarter}");
		assert_eq!(decay_weight(60 * DAY, DAY), FixedU128::zero());
		assert_eq!(decay_weight(u64::MAX, DAY), FixedU128::zero());
		assert_eq!(decay_weight(u64::MAX, 1), FixedU128::zero());
		assert_eq!(decay_weight(1, 0), FixedU128::zero());
		assert!(decay_weight(1, u64::MAX) <= FixedU128::one());
	}

	#[test]
	fn volatility_round_trip() {
		let v = Permill::from_percent(3);
		assert_eq!(volatility_from_variance(variance_from_volatility(v)), v);
		assert_eq!(volatility_from_variance(FixedU128::from_u32(2)), Permill::one());
	}

	#[test]
	fn a_daily_volatility_is_about_nineteen_times_smaller_than_the_annual() {
		let annual = rescale(Permill::from_percent(3), DAY, 365 * DAY);
		// 3 % × √365 = 57.3 %.
		assert!((pct(annual) - 57.32).abs() < 0.01, "{annual:?}");
		assert_eq!(rescale(Permill::from_percent(50), DAY, 365 * DAY), Permill::one());
	}

	#[test]
	fn the_first_print_is_only_the_reference() {
		let mut e = Estimate::default();
		assert!(e.observe(at(100.0, 5), &P));
		assert_eq!(e.variance, FixedU128::zero());
		assert_eq!(e.volatility, Permill::zero());
		assert_eq!(e.anchor, Some(at(100.0, 5)));
	}

	#[test]
	fn old_equal_and_zero_prints_are_ignored() {
		let mut e = Estimate::default();
		assert!(e.observe(at(100.0, 1_000), &P));
		let before = e;
		assert!(!e.observe(at(50.0, 1_000), &P));
		assert!(!e.observe(at(50.0, 999), &P));
		assert!(!e.observe(Point { price: Price::zero(), time: 2_000 }, &P));
		assert_eq!(e, before);
	}

	#[test]
	fn a_closed_bucket_folds_its_squared_log_return_per_day() {
		let mut e = Estimate::default();
		e.observe(at(100.0, 0), &P);
		e.observe(at(101.0, P.bucket), &P);
		// ln(1.01)² · 144 · (1 − 2^(−1/144)) = 6.86·10⁻⁵: σ = 0.828 %.
		let v = e.variance.into_inner() as f64 / 1e18;
		let expected = 1.01f64.ln().powi(2) * 144.0 * (1.0 - 2f64.powf(-1.0 / 144.0));
		assert!((v / expected - 1.0).abs() < 1e-9, "{v} vs {expected}");
		assert_eq!(e.anchor, Some(at(101.0, P.bucket)));
		assert_eq!(e.volatility, volatility_from_variance(e.variance));
	}

	#[test]
	fn a_two_minute_crash_reads_the_same_at_any_feed_frequency() {
		let quiet = Permill::from_percent(3);
		let end = 64 * MINUTE;
		let readings: Vec<Permill> = [6_000, MINUTE, 2 * MINUTE]
			.iter()
			.map(|every| feed(crash, *every, end, quiet).volatility)
			.collect();
		// From 3 % a day: ≈ 35.95 % a day, in the print that completes the crash.
		for v in &readings {
			assert!((pct(*v) - 35.95).abs() < 0.05, "{readings:?}");
		}
		assert_eq!(readings[0], readings[1]);
		assert_eq!(readings[1], readings[2]);
		// The stored variance (closed buckets) agrees too: the quiet hour, whatever the feed.
		let variances: Vec<FixedU128> = [6_000, MINUTE, 2 * MINUTE]
			.iter()
			.map(|every| feed(crash, *every, end, quiet).variance)
			.collect();
		assert_eq!(variances[0], variances[1]);
		assert_eq!(variances[1], variances[2]);
		// And once its bucket closes, the crash is in the variance at the same figure.
		for every in [6_000, MINUTE, 2 * MINUTE] {
			let e = feed(crash, every, 70 * MINUTE, quiet);
			assert!((pct(e.volatility) - 35.95).abs() < 0.05, "{every}: {:?}", e.volatility);
			assert_eq!(e.volatility, volatility_from_variance(e.variance));
		}
	}

	#[test]
	fn a_crash_in_one_print_or_twenty_reads_the_same() {
		let start = 60 * MINUTE;
		let mut one = Estimate::default();
		one.observe(at(100.0, start), &P);
		one.observe(at(65.0, start + 2 * MINUTE), &P);
		let mut twenty = Estimate::default();
		twenty.observe(at(100.0, start), &P);
		for i in 1..=20u64 {
			twenty.observe(at(100.0 - 35.0 * i as f64 / 20.0, start + i * 6_000), &P);
		}
		assert_eq!(one.volatility, twenty.volatility);
		// From zero: 0.833 · |ln 0.65| = 35.8 %.
		assert!((pct(one.volatility) - 35.82).abs() < 0.05, "{:?}", one.volatility);
	}

	#[test]
	fn a_crash_split_across_two_buckets_reads_at_least_seventy_percent_as_much() {
		let mut e = Estimate::default();
		e.observe(at(100.0, 0), &P);
		// Half the (log) move before the bucket closes at 10 minutes, half after.
		let mid = (100.0f64 * 0.65f64).sqrt() * 10.0;
		e.observe(at(mid, P.bucket - 6_000), &P);
		e.observe(at(mid, P.bucket), &P);
		e.observe(at(65.0, P.bucket + 60_000), &P);
		let whole = 35.82;
		assert!(pct(e.volatility) >= whole / 2f64.sqrt() - 0.05, "{:?}", e.volatility);
	}

	#[test]
	fn spamming_tiny_prints_cannot_lower_volatility() {
		// A volatile day, then an hour in which the price does not move: honestly fed every
		// 2 minutes, or spammed every 6 s with prints alternating ±0.01 %.
		let calm = |_: u64| 100.0;
		let spam = |t: u64| if (t / 6_000) % 2 == 1 { 100.01 } else { 100.0 };
		let hot = Permill::from_percent(8);
		let honest = feed(calm, 2 * MINUTE, 60 * MINUTE, hot);
		let spammed = feed(spam, 6_000, 60 * MINUTE, hot);
		assert!(spammed.variance >= honest.variance);
		assert!(spammed.volatility >= honest.volatility);
		// And an hour of time, however fed, only decays by 2^(−1/24) in variance.
		assert!(pct(honest.volatility) > 7.8, "{:?}", honest.volatility);
	}

	#[test]
	fn a_spike_that_reverts_within_its_bucket_keeps_its_reading_until_the_bucket_closes() {
		let mut e = Estimate::default();
		e.observe(at(100.0, 0), &P);
		e.observe(at(70.0, 60_000), &P);
		let spiked = e.volatility;
		assert!(pct(spiked) > 25.0, "{spiked:?}");
		e.observe(at(100.0, 120_000), &P);
		assert_eq!(e.volatility, spiked);
		// The bucket closes with no net move: the reading falls back to the variance.
		e.observe(at(100.0, P.bucket), &P);
		assert_eq!(e.volatility, Permill::zero());
	}

	#[test]
	fn a_long_gap_decays_without_overflow() {
		let mut e = Estimate::default();
		e.set(Permill::from_percent(40));
		e.observe(at(100.0, 0), &P);
		// A week without prints, then the same price: the variance has halved seven times,
		// 40 % / √128 = 3.54 %.
		e.observe(at(100.0, 7 * DAY), &P);
		assert!((pct(e.volatility) - 3.54).abs() < 0.01, "{:?}", e.volatility);
		// Years, then a doubling: spread over the gap, it is a small rate, and nothing breaks.
		e.observe(at(200.0, u64::MAX / 2), &P);
		assert!(e.volatility < Permill::from_percent(1));
		e.observe(at(1.0, u64::MAX), &P);
		assert!(e.volatility <= Permill::one());
		// Extreme prices saturate rather than wrap.
		let mut x = Estimate::default();
		x.observe(Point { price: Price::from_inner(1), time: 0 }, &P);
		x.observe(Point { price: Price::from_inner(u128::MAX), time: 1 }, &P);
		assert_eq!(x.volatility, Permill::one());
	}

	#[test]
	fn set_overrides_but_keeps_the_bucket() {
		let mut e = Estimate::default();
		e.observe(at(100.0, 0), &P);
		e.set(Permill::from_percent(5));
		assert_eq!(e.volatility, Permill::from_percent(5));
		assert_eq!(e.variance, variance_from_volatility(Permill::from_percent(5)));
		assert_eq!(e.anchor, Some(at(100.0, 0)));
		// A quiet closed bucket decays it by 2^(−1/144) only.
		e.observe(at(100.0, P.bucket), &P);
		assert!(pct(e.volatility) > 4.98, "{:?}", e.volatility);
	}

	proptest! {
		#[test]
		fn volatility_stays_within_one_and_at_least_the_variance(
			prints in proptest::collection::vec((1u128..10u128.pow(30), 0u64..3_600_000), 1..60),
		) {
			let mut e = Estimate::default();
			let mut t = 0u64;
			for (p, dt) in prints {
				t += dt;
				e.observe(Point { price: Price::from_inner(p), time: t }, &P);
				prop_assert!(e.volatility <= Permill::one());
				prop_assert!(e.volatility >= volatility_from_variance(e.variance));
				prop_assert!(e.anchor.unwrap().time <= e.last.unwrap().time);
			}
		}

		#[test]
		fn feeding_more_prints_of_the_same_path_never_lowers_the_variance(
			steps in proptest::collection::vec(-2_000i32..2_000, 10..80),
			start in 0u32..200_000,
		) {
			// A path sampled every 2 minutes, and the same path with every-6-s prints of
			// arbitrary noise in between: the buckets close at the same prices.
			let mut coarse = Estimate::default();
			let mut fine = Estimate::default();
			coarse.set(Permill::from_parts(start));
			fine.set(Permill::from_parts(start));
			let mut price = 1_000_000i64;
			for (i, step) in steps.iter().enumerate() {
				let t = i as u64 * 120_000;
				price = (price + i64::from(*step)).max(1);
				let p = Point { price: Price::from_rational(price as u128, 10_000), time: t };
				if i > 0 {
					for k in 1..20u64 {
						let noise = (i64::from(*step) * k as i64 % 997) - 498;
						let q = (price + noise).max(1) as u128;
						fine.observe(Point { price: Price::from_rational(q, 10_000), time: t - 120_000 + k * 6_000 }, &P);
					}
				}
				coarse.observe(p, &P);
				fine.observe(p, &P);
			}
			prop_assert!(fine.variance >= coarse.variance);
			prop_assert!(fine.volatility >= coarse.volatility);
		}

		#[test]
		fn decay_weight_is_monotone_and_multiplicative(a in 0u64..10 * DAY, b in 0u64..10 * DAY) {
			let (wa, wb, wab) = (decay_weight(a, DAY), decay_weight(b, DAY), decay_weight(a + b, DAY));
			prop_assert!(wa <= FixedU128::one());
			if a <= b {
				prop_assert!(wa >= wb);
			}
			let product = wa.saturating_mul(wb).into_inner();
			prop_assert!(product.abs_diff(wab.into_inner()) <= 10, "{product} vs {}", wab.into_inner());
		}

		#[test]
		fn fold_stays_between_the_old_variance_and_the_sample(
			var in 0u128..10u128.pow(19),
			r2 in 0u128..10u128.pow(19),
			elapsed in 1u64..100 * DAY,
		) {
			let var = FixedU128::from_inner(var);
			let r2 = FixedU128::from_inner(r2);
			let sample = variance_rate(r2, elapsed, P.horizon);
			let next = fold(var, r2, elapsed, &P);
			let (lo, hi) = if var <= sample { (var, sample) } else { (sample, var) };
			// Each product rounds down by at most one unit.
			prop_assert!(next <= hi && next.into_inner() + 2 >= lo.into_inner());
		}
	}
}
