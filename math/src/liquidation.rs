//! Liquidation: close fraction, Dutch-auction curve, lot sizing and the auto-deleveraging share.
//! Pure functions, no storage.
//!
//! * **Close fraction.** Closing a fraction `f` of every position scales the maintenance
//!   requirement `M` by `1 − f` and costs the account the penalty `p·f·N` on the closed notional
//!   `f·N` (its equity `E` is otherwise unchanged: closing at the mark price only realizes PnL
//!   already counted). The account is back at maintenance when `E − p·f·N ≥ (1 − f)·M`, i.e.
//!   `f ≥ (M − E) / (M − p·N)`. The engine closes that much plus a buffer, and everything when
//!   the denominator is not positive, when the account is below the full-liquidation ratio, or
//!   when what would remain is dust.
//! * **Dutch auction price.** `price(t) = start × (1 − decay)^t` for `t` blocks since the
//!   (re)start, with `start = oracle × (1 + premium)`. Never sold below the **floor**
//!   `oracle_now × (1 − max discount)`: below it the auction must be restarted. The premium and
//!   the decay scale with the asset's volatility (the price guard's, per day):
//!   `premium = base premium + vol`, `decay = base decay × (1 + vol / 10 %)`, both capped. A
//!   quiet market (2–5 % a day) starts a few percent higher and decays a little faster; a crash
//!   (which reads at once, e.g. ≈ 36 % a day for −35 %) starts at the premium cap and decays
//!   several times faster.
//! * **Lots.** To raise a debt `D` from collateral at oracle price `P`, the lot is the amount
//!   worth `D / (1 − max discount)` at `P`, rounded up (it still covers the debt at the floor),
//!   at most the holding.
//! * **Index price.** A liquidation price in closed form (`perp::isolated_liquidation_price`)
//!   and the health test in integers (notionals and requirements rounded against the account)
//!   can disagree by a few quote units of notional. The index files an account at its
//!   liquidation price moved towards the current price by [`INDEX_BAND_UNITS`] quote units of
//!   notional ([`index_price`]), so it is never missed: unhealthy ⇒ crossed in the index; an
//!   account crossed but still healthy sits within that band of its boundary.
//! * **Auto-deleveraging share.** To take `owed` from a position whose PnL is `pnl`, close
//!   `owed / pnl` of it, rounded up, or all of it when `owed ≥ pnl`.
//! * **Ranked closes (portfolio-margined accounts).** The requirement of a cross account is the
//!   grid's worst loss ([`portfolio::evaluate`]), not a sum over positions: closing part of a
//!   hedge (a put beside a long perpetual) raises it. [`close_order`] ranks the legs by how
//!   much closing a share of each (the proportional rule's share) lowers the maintenance
//!   requirement per unit of notional closed, hedges (no reduction) last; [`close_plan`] walks
//!   that order, closing each leg in full or the part that suffices, until the account is back
//!   at maintenance with the same cushion the proportional rule leaves (`buffer × (M − E)`:
//!   closing `f·(1 + buffer)` instead of `f` leaves exactly that), every step tested on the full
//!   grid. The requirement is convex in the share `x` of one leg closed (a maximum over cells of
//!   functions linear in `x`), so equity less penalty less requirement is concave in `x`: the
//!   shares that suffice form an interval, found by the chord and bisection, or by a
//!   golden-section search for the best share when closing the leg in full would hurt. The plan
//!   is bounded by [`plan_evaluations`] grid evaluations and is used only if it closes no more
//!   notional than the proportional rule; otherwise (or without a plan) the proportional rule
//!   applies.

use crate::{
	margin, perp,
	portfolio::{self, Grid, Leg},
	signed,
	units::{self, mul_div, permill_of, ratio, Rounding},
	Balance, FixedU128, Price, SignedBalance,
};
use alloc::vec::Vec;
use polkadot_sdk::sp_arithmetic::{
	traits::{Saturating, Zero},
	FixedPointNumber, PerThing, Permill,
};

/// Whether positions must close in full rather than in part: the health ratio is below
/// `full_ratio`, or the notional is below `dust`.
pub fn closes_in_full(
	equity: SignedBalance,
	requirement: Balance,
	notional: Balance,
	full_ratio: Permill,
	dust: Balance,
) -> bool {
	let below =
		margin::health_ratio(equity, requirement).is_some_and(|r| r < units::ratio(full_ratio));
	below || notional < dust
}

/// The share of positions to close to bring `equity` back to `requirement` (see the module
/// docs), before buffer; `Permill::one()` when nothing less will do.
pub fn close_fraction(
	equity: SignedBalance,
	requirement: Balance,
	notional: Balance,
	penalty: Permill,
	buffer: Permill,
) -> Permill {
	if margin::is_healthy(equity, requirement) {
		return Permill::zero();
	}
	let m = signed(requirement);
	let p_n = signed(penalty.mul_ceil(notional));
	let denom = m.saturating_sub(p_n);
	if denom <= 0 {
		return Permill::one();
	}
	let num = m.saturating_sub(equity).unsigned_abs();
	let denom = denom.unsigned_abs();
	if num >= denom {
		return Permill::one();
	}
	let f = permill_of(num, denom, Rounding::Up);
	f.saturating_add(Permill::from_parts(buffer.mul_ceil(f.deconstruct())))
}

/// Start premium and per-block decay of an auction for an asset with volatility `vol` (per
/// day).
pub fn adaptive_curve(
	vol: Permill,
	base_premium: Permill,
	base_decay: Permill,
	max_premium: Permill,
) -> (Permill, Permill) {
	// Premium grows 1:1 with volatility; decay doubles at 10 % volatility.
	let premium = base_premium.saturating_add(vol).min(max_premium);
	let parts = u64::from(base_decay.deconstruct())
		.saturating_mul(100_000u64.saturating_add(u64::from(vol.deconstruct())))
		.checked_div(100_000)
		.unwrap_or(0)
		.min(500_000);
	(premium, Permill::from_parts(u32::try_from(parts).unwrap_or(500_000)))
}

/// Auction start price: `oracle × (1 + premium)`.
pub fn start_price(oracle: Price, premium: Permill) -> Price {
	oracle.saturating_add(oracle.saturating_mul(ratio(premium)))
}

/// Price after `blocks` blocks of exponential decay from `start`.
pub fn decayed_price(start: Price, decay: Permill, blocks: u32) -> Price {
	let keep = ratio(decay.left_from_one());
	start.saturating_mul(keep.saturating_pow(usize::try_from(blocks).unwrap_or(usize::MAX)))
}

/// The floor: `oracle × (1 − max discount)`.
pub fn floor_price(oracle: Price, max_discount: Permill) -> Price {
	oracle.saturating_mul(ratio(max_discount.left_from_one()))
}

/// Whether an auction must be restarted: too old, or its price has decayed to the floor.
pub fn needs_reset(price: Price, floor: Price, age: u32, max_age: u32) -> bool {
	age > max_age || price < floor || price.is_zero()
}

/// The lot to seize from `holding` (smallest units, `decimals`) to raise `debt` (quote smallest
/// units) at `oracle`: worth `debt / (1 − max_discount)` at the oracle price, so that it still
/// raises the debt sold at the floor; rounded up, at most the holding. A price or discount that
/// cannot size a lot (zero price, 100 % discount) takes the whole holding.
pub fn lot_for_debt(
	debt: Balance,
	max_discount: Permill,
	holding: Balance,
	decimals: u8,
	oracle: Price,
	quote_decimals: u8,
) -> Balance {
	let keep = u128::from(max_discount.left_from_one().deconstruct());
	mul_div(debt, 1_000_000, keep, Rounding::Up)
		.and_then(|gross| {
			units::amount_for_value(gross, decimals, oracle, quote_decimals, Rounding::Up)
		})
		.unwrap_or(holding)
		.min(holding)
}

/// How much of a lot of `lot` units a take of `requested` units buys, where the asset's smallest
/// holding is `min_balance`: at most the request and the lot, and never leaving a remainder
/// the asset pallet could not keep (0 < remainder < `min_balance` would be swept as dust to the
/// bidder, unpaid, and the remainder left without backing). A request that would leave dust
/// is cut to leave exactly `min_balance` (the bidder never gets more than asked, nor pays for
/// more); `None` if that leaves nothing to buy (then only the whole lot can be taken).
pub fn take_amount(requested: Balance, lot: Balance, min_balance: Balance) -> Option<Balance> {
	let amount = requested.min(lot);
	let rest = lot.saturating_sub(amount);
	let amount = if rest > 0 && rest < min_balance {
		lot.saturating_sub(min_balance).min(amount)
	} else {
		amount
	};
	(amount > 0).then_some(amount)
}

/// The share of `value` that `part` of `whole` carries, rounded down (what a partial take
/// releases of a lot's value). All of it when `part ≥ whole`.
pub fn pro_rata(value: Balance, part: Balance, whole: Balance) -> Balance {
	if part >= whole {
		return value;
	}
	mul_div(value, part, whole, Rounding::Down).unwrap_or(value)
}

/// Of a lot worth `value` seized for a debt and its penalty at `penalty` of the debt, the part
/// that repays the debt: `value / (1 + penalty)`, rounded down (the penalty, charged on that
/// part rounded up, never makes the pair exceed `value` by more than a unit).
pub fn debt_part(value: Balance, penalty: Permill) -> Balance {
	let one = u128::from(Permill::ACCURACY);
	mul_div(value, one, one.saturating_add(u128::from(penalty.deconstruct())), Rounding::Down)
		.unwrap_or(0)
}

/// How many quote smallest units of notional the index price leads the liquidation price by.
pub const INDEX_BAND_UNITS: Balance = 4;

/// The price to file a liquidation price `liq` at in the index (see the module docs): for a
/// long, `liq` raised by what [`INDEX_BAND_UNITS`] of notional is worth per unit of the
/// position (`entry_price / entry_notional` per quote unit); for a short, lowered by as much.
/// A position with no entry notional gets a band of one quote unit per smallest base unit
/// (`entry_price` itself, at least one step of the price's precision).
pub fn index_price(liq: Price, long: bool, entry_price: Price, entry_notional: Balance) -> Price {
	let band =
		mul_div(entry_price.into_inner(), INDEX_BAND_UNITS, entry_notional.max(1), Rounding::Up)
			.unwrap_or(u128::MAX)
			.max(1);
	let inner = liq.into_inner();
	Price::from_inner(if long { inner.saturating_add(band) } else { inner.saturating_sub(band) })
}

/// The fraction of a position with profit `pnl` to close so its realized profit covers `owed`:
/// `owed / pnl` rounded up, or all of it.
pub fn deleverage_fraction(owed: Balance, pnl: Balance) -> Permill {
	permill_of(owed, pnl, Rounding::Up)
}

/// One step of a ranked close ([`close_plan`]): close `fraction` of the leg at index `leg`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LegClose {
	/// Index of the leg in the legs given.
	pub leg: usize,
	/// Share of the leg's quantity to close (rounded up, as products close).
	pub fraction: Permill,
}

/// Golden-section steps for the best share of a leg whose full close would hurt.
const GOLDEN_STEPS: u32 = 8;
/// Bisection steps for the least share of a leg that suffices.
const BISECT_STEPS: u32 = 6;

/// Most grid evaluations [`close_plan`] makes for `legs` legs: one for the account as it is,
/// one per leg to rank it, one per leg to try closing it in full, and two searches (best share
/// and least share) of a bounded number of steps. What the liquidation's weight charges.
pub fn plan_evaluations(legs: u32) -> u32 {
	legs.saturating_mul(2).saturating_add(1).saturating_add(
		GOLDEN_STEPS.saturating_add(BISECT_STEPS).saturating_add(2).saturating_mul(2),
	)
}

/// A leg's notional at its spot (what closing it in full closes).
fn leg_notional(leg: &Leg, quote_decimals: u8) -> Balance {
	perp::mark(leg.quantity, 0, leg.base_decimals, leg.spot, quote_decimals).notional
}

/// `legs` with `closed[i]` of leg `i` closed (sizes rounded up as products close them); legs
/// closed in full are gone.
fn remaining(legs: &[Leg], closed: &[Permill]) -> Vec<Leg> {
	legs.iter()
		.zip(closed.iter().chain(core::iter::repeat(&Permill::zero())))
		.filter_map(|(leg, x)| {
			let size = perp::fraction_of_size(leg.quantity, *x);
			let quantity = perp::reducing_delta(leg.quantity, size).saturating_add(leg.quantity);
			(quantity != 0).then_some(Leg { quantity, ..*leg })
		})
		.collect()
}

/// The order in which to close `legs` (indices): by how much closing `probe` of each lowers the
/// maintenance requirement over `grid` per unit of notional closed, best first; legs whose
/// partial close does not lower it (hedges) last, the least harmful first. Ties keep the legs'
/// order. `n + 1` grid evaluations.
pub fn close_order(grid: &Grid, legs: &[Leg], quote_decimals: u8, probe: Permill) -> Vec<usize> {
	let probe = if probe.is_zero() { Permill::one() } else { probe };
	let now = signed(portfolio::evaluate(grid, legs, quote_decimals).maintenance);
	let mut ranked: Vec<(usize, SignedBalance, u128)> = legs
		.iter()
		.enumerate()
		.map(|(i, leg)| {
			let mut closed: Vec<Permill> = legs.iter().map(|_| Permill::zero()).collect();
			if let Some(x) = closed.get_mut(i) {
				*x = probe;
			}
			let after = portfolio::evaluate(grid, &remaining(legs, &closed), quote_decimals);
			let reduction = now.saturating_sub(signed(after.maintenance));
			let notional = probe.mul_ceil(leg_notional(leg, quote_decimals)).max(1);
			// To 9 decimals: rounding noise ties, and the larger reduction goes first.
			let rate = FixedU128::checked_from_rational(reduction.max(0).unsigned_abs(), notional)
				.map_or(u128::MAX, |r| r.into_inner() / 1_000_000_000);
			(i, reduction, rate)
		})
		.collect();
	// Reducers by rate (then reduction), best first; the others by reduction, best first.
	ranked.sort_by(|a, b| {
		let (ra, rb) = (a.1 > 0, b.1 > 0);
		rb.cmp(&ra).then(b.2.cmp(&a.2)).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0))
	});
	ranked.into_iter().map(|(i, _, _)| i).collect()
}

/// The walk of [`close_plan`]: state and what it costs.
struct Walk<'a, 'g> {
	grid: &'a Grid<'g>,
	legs: &'a [Leg],
	quote_decimals: u8,
	equity: SignedBalance,
	penalty: Permill,
	buffer: Permill,
	cushion: SignedBalance,
	notionals: Vec<Balance>,
	budget: u32,
	evaluations: u32,
}

impl Walk<'_, '_> {
	/// Notional closed by `closed`.
	fn closed_notional(&self, closed: &[Permill]) -> Balance {
		self.notionals
			.iter()
			.zip(closed.iter())
			.fold(0, |t: Balance, (n, x)| t.saturating_add(x.mul_ceil(*n)))
	}

	/// Equity less penalty less requirement less cushion after `closed` (`None`: out of
	/// evaluations).
	fn gap(&mut self, closed: &[Permill]) -> Option<SignedBalance> {
		self.budget = self.budget.checked_sub(1)?;
		self.evaluations = self.evaluations.saturating_add(1);
		let requirement =
			portfolio::evaluate(self.grid, &remaining(self.legs, closed), self.quote_decimals)
				.maintenance;
		let penalty = self.penalty.mul_ceil(self.closed_notional(closed));
		Some(
			self.equity
				.saturating_sub(signed(penalty))
				.saturating_sub(signed(requirement))
				.saturating_sub(self.cushion),
		)
	}

	/// `gap` with leg `i` closed by `x`.
	fn gap_at(&mut self, closed: &mut [Permill], i: usize, x: Permill) -> Option<SignedBalance> {
		let before = closed.get(i).copied()?;
		*closed.get_mut(i)? = x;
		let g = self.gap(closed);
		*closed.get_mut(i)? = before;
		g
	}

	/// The least share of leg `i` in `(lo, hi]` that suffices, `hi` sufficing (`lo` not).
	fn least(&mut self, closed: &mut [Permill], i: usize, lo: u32, hi: u32) -> Option<Permill> {
		let (mut lo, mut hi) = (lo, hi);
		for _ in 0..BISECT_STEPS {
			if hi.saturating_sub(lo) <= 1 {
				break;
			}
			let mid = lo.saturating_add(hi.saturating_sub(lo) / 2);
			if self.gap_at(closed, i, Permill::from_parts(mid))? >= 0 {
				hi = mid;
			} else {
				lo = mid;
			}
		}
		Some(Permill::from_parts(hi))
	}

	/// The share of leg `i` that maximizes the gap (concave in the share), and the gap there.
	fn best(&mut self, closed: &mut [Permill], i: usize) -> Option<(Permill, SignedBalance)> {
		// 0.618… of an interval, in parts per million.
		let golden = |len: u32| Permill::from_parts(618_034).mul_floor(len);
		let (mut a, mut b) = (0u32, 1_000_000u32);
		let mut c = b.saturating_sub(golden(b.saturating_sub(a)));
		let mut d = a.saturating_add(golden(b.saturating_sub(a)));
		let mut gc = self.gap_at(closed, i, Permill::from_parts(c))?;
		let mut gd = self.gap_at(closed, i, Permill::from_parts(d))?;
		for _ in 0..GOLDEN_STEPS {
			if gc >= gd {
				b = d;
				d = c;
				gd = gc;
				c = b.saturating_sub(golden(b.saturating_sub(a)));
				gc = self.gap_at(closed, i, Permill::from_parts(c))?;
			} else {
				a = c;
				c = d;
				gc = gd;
				d = a.saturating_add(golden(b.saturating_sub(a)));
				gd = self.gap_at(closed, i, Permill::from_parts(d))?;
			}
		}
		Some(if gc >= gd { (Permill::from_parts(c), gc) } else { (Permill::from_parts(d), gd) })
	}

	/// Close leg `i` as far as it helps, from a gap `now` (negative). Returns the new gap.
	fn step(
		&mut self,
		closed: &mut [Permill],
		i: usize,
		now: SignedBalance,
	) -> Option<SignedBalance> {
		let full = self.gap_at(closed, i, Permill::one())?;
		if full >= 0 {
			// The gap is concave in the share: the chord from (0, now) to (1, full) lies below
			// it, so its zero suffices (checked: rounding); bisect below it for the least.
			let rise = full.saturating_sub(now).unsigned_abs();
			let chord = permill_of(now.unsigned_abs(), rise, Rounding::Up);
			let hi = if self.gap_at(closed, i, chord)? >= 0 { chord } else { Permill::one() };
			let x = self.least(closed, i, 0, hi.deconstruct())?;
			*closed.get_mut(i)? = x;
			return self.gap(closed);
		}
		// Not enough in full: the share that does most (the gap is concave in it, and may
		// peak before the full close: past it the leg hedges what is left), if it helps.
		let (x, at) = match self.best(closed, i)? {
			(x, at) if at > full => (x, at),
			_ => (Permill::one(), full),
		};
		if at >= 0 {
			let x = self.least(closed, i, 0, x.deconstruct())?;
			*closed.get_mut(i)? = x;
			return self.gap(closed);
		}
		if at > now {
			*closed.get_mut(i)? = x;
			return Some(at);
		}
		Some(now)
	}
}

/// Which legs to close, and how much of each, to bring an account with maintenance `equity`
/// and positions `legs` (margined by `grid`) back to maintenance plus the cushion the
/// proportional rule leaves (see the module docs), in [`close_order`]; `None` when the ranked
/// walk does not get there within [`plan_evaluations`] or closes more notional than the
/// proportional rule ([`close_fraction`] of every leg) would: the caller then applies that
/// rule. An account already healthy needs nothing (an empty plan).
pub fn close_plan(
	grid: &Grid,
	legs: &[Leg],
	quote_decimals: u8,
	equity: SignedBalance,
	penalty: Permill,
	buffer: Permill,
) -> Option<Vec<LegClose>> {
	close_plan_counted(grid, legs, quote_decimals, equity, penalty, buffer).0
}

/// [`close_plan`], and the grid evaluations it made (at most [`plan_evaluations`]): what its
/// caller is charged.
pub fn close_plan_counted(
	grid: &Grid,
	legs: &[Leg],
	quote_decimals: u8,
	equity: SignedBalance,
	penalty: Permill,
	buffer: Permill,
) -> (Option<Vec<LegClose>>, u32) {
	let len = u32::try_from(legs.len()).unwrap_or(u32::MAX);
	// Less the evaluations made here and by the ranking.
	let budget = plan_evaluations(len).saturating_sub(len).saturating_sub(2);
	let mut walk = Walk {
		grid,
		legs,
		quote_decimals,
		equity,
		penalty,
		buffer,
		cushion: 0,
		notionals: Vec::new(),
		budget,
		evaluations: 0,
	};
	let plan = walk.plan();
	(plan, walk.evaluations)
}

impl Walk<'_, '_> {
	/// See [`close_plan`].
	fn plan(&mut self) -> Option<Vec<LegClose>> {
		let (grid, legs, quote_decimals, equity, penalty) =
			(self.grid, self.legs, self.quote_decimals, self.equity, self.penalty);
		let requirement = portfolio::evaluate(grid, legs, quote_decimals).maintenance;
		self.evaluations = 1;
		if margin::is_healthy(equity, requirement) {
			return Some(Vec::new());
		}
		let notionals: Vec<Balance> =
			legs.iter().map(|l| leg_notional(l, quote_decimals)).collect();
		let total = notionals.iter().fold(0, |t: Balance, n| t.saturating_add(*n));
		let proportional = close_fraction(equity, requirement, total, penalty, self.buffer);
		let deficit = signed(requirement).saturating_sub(equity).max(0).unsigned_abs();
		self.cushion = signed(self.buffer.mul_ceil(deficit));
		self.notionals = notionals;
		let walk = self;
		let order = close_order(grid, legs, quote_decimals, proportional);
		let ranked = u32::try_from(legs.len()).unwrap_or(u32::MAX).saturating_add(1);
		walk.evaluations = walk.evaluations.saturating_add(ranked);
		let mut closed: Vec<Permill> = legs.iter().map(|_| Permill::zero()).collect();
		let mut gap = walk.gap(&closed)?;
		for i in order {
			if gap >= 0 {
				break;
			}
			gap = walk.step(&mut closed, i, gap)?;
		}
		if gap < 0 || walk.closed_notional(&closed) > proportional.mul_ceil(total) {
			return None;
		}
		Some(
			closed
				.into_iter()
				.enumerate()
				.filter(|(_, x)| !x.is_zero())
				.map(|(leg, fraction)| LegClose { leg, fraction })
				.collect(),
		)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use polkadot_sdk::sp_arithmetic::FixedPointNumber;
	use proptest::prelude::*;

	#[test]
	fn a_lot_repays_the_debt_and_its_penalty() {
		// 1,050 of value with a 5 % penalty: 1,000 of debt and 50 of penalty.
		assert_eq!(debt_part(1_050, Permill::from_percent(5)), 1_000);
		assert_eq!(debt_part(1_050, Permill::zero()), 1_050);
		assert_eq!(debt_part(0, Permill::from_percent(5)), 0);
		// Rounding: never more debt than the value pays for.
		let d = debt_part(1_000, Permill::from_percent(3));
		assert!(d + Permill::from_percent(3).mul_ceil(d) <= 1_001, "{d}");
	}

	#[test]
	fn dust_remainder_take_is_cut_to_leave_the_minimum() {
		// The fuzz finding: a lot of 12 units of an asset whose minimum balance is 10; a take
		// of 7 would leave 5, which the asset pallet sweeps to the bidder unpaid.
		assert_eq!(take_amount(7, 12, 10), Some(2));
		// At the minimum only the whole lot can go.
		assert_eq!(take_amount(7, 10, 10), None);
		assert_eq!(take_amount(10, 10, 10), Some(10));
		assert_eq!(take_amount(u128::MAX, 12, 10), Some(12));
		// Far from the minimum nothing changes; a request of nothing buys nothing.
		assert_eq!(take_amount(7, 1_000, 10), Some(7));
		assert_eq!(take_amount(0, 1_000, 10), None);
		assert_eq!(take_amount(7, 0, 10), None);
	}

	#[test]
	fn the_index_price_leads_the_liquidation_price_by_the_band() {
		// 1 BTC entered at 1,000 USDC (6 decimals): 4 units of notional are 0.000004 per BTC.
		let entry = Price::from_u32(1_000);
		let liq = Price::from_u32(900);
		let band = Price::from_rational(4, 1_000_000).into_inner();
		assert_eq!(
			index_price(liq, true, entry, 1_000_000_000).into_inner(),
			liq.into_inner() + band
		);
		assert_eq!(
			index_price(liq, false, entry, 1_000_000_000).into_inner(),
			liq.into_inner() - band
		);
		// Never less than one step; a short never below zero.
		assert_eq!(index_price(liq, true, Price::zero(), 0).into_inner(), liq.into_inner() + 1);
		assert_eq!(index_price(Price::zero(), false, entry, 1), Price::zero());
	}

	#[test]
	fn closes_just_enough() {
		// M = 1_000, E = 800, N = 20_000, p = 0: f = 200/1000 = 20 %.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::zero(), Permill::zero()),
			Permill::from_percent(20)
		);
		// With a 1 % penalty: f = 200 / (1_000 − 200) = 25 %.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::from_percent(1), Permill::zero()),
			Permill::from_percent(25)
		);
		// A buffer of 10 % of f.
		assert_eq!(
			close_fraction(800, 1_000, 20_000, Permill::zero(), Permill::from_percent(10)),
			Permill::from_percent(22)
		);
		// Healthy: nothing. Bankrupt or penalty-dominated: everything.
		assert_eq!(
			close_fraction(1_000, 1_000, 20_000, Permill::zero(), Permill::zero()),
			Permill::zero()
		);
		assert_eq!(
			close_fraction(-5, 1_000, 20_000, Permill::from_percent(5), Permill::zero()),
			Permill::one()
		);
	}

	#[test]
	fn auction_curve() {
		let oracle = Price::from_u32(100);
		let start = start_price(oracle, Permill::from_percent(5));
		assert_eq!(start, Price::from_u32(105));
		let p = decayed_price(start, Permill::from_percent(1), 10);
		// 105 × 0.99^10 ≈ 94.96
		assert!(
			p > Price::from_rational(9_495, 100) && p < Price::from_rational(9_497, 100),
			"{p:?}"
		);
		let floor = floor_price(oracle, Permill::from_percent(10));
		assert_eq!(floor, Price::from_u32(90));
		assert!(!needs_reset(p, floor, 10, 100));
		assert!(needs_reset(decayed_price(start, Permill::from_percent(1), 20), floor, 20, 100));
		assert!(needs_reset(p, floor, 101, 100));
	}

	#[test]
	fn full_closes_and_lots() {
		let full = Permill::from_percent(50);
		assert!(closes_in_full(400, 1_000, 1_000_000, full, 100));
		assert!(!closes_in_full(600, 1_000, 1_000_000, full, 100));
		assert!(closes_in_full(600, 1_000, 99, full, 100), "dust");
		assert!(closes_in_full(-1, 1_000, 1_000_000, full, 100));
		// 900 USDC of debt at 10 % max discount from BTC at 50_000: 1_000 USDC = 0.02 BTC.
		let lot = lot_for_debt(
			900_000_000,
			Permill::from_percent(10),
			100_000_000,
			8,
			Price::from_u32(50_000),
			6,
		);
		assert_eq!(lot, 2_000_000);
		assert_eq!(lot_for_debt(1, Permill::one(), 7, 8, Price::from_u32(50_000), 6), 7);
		assert_eq!(
			lot_for_debt(1_000_000_000, Permill::zero(), 5, 8, Price::from_u32(50_000), 6),
			5
		);
		assert_eq!(lot_for_debt(1, Permill::zero(), 5, 8, Price::zero(), 6), 5);
		// A million ETH of debt cover no longer overflows into "seize everything".
		let eth = 10u128.pow(18);
		let lot = lot_for_debt(
			3_000_000_000_000_000,
			Permill::zero(),
			10_000_000 * eth,
			18,
			Price::from_u32(3_000),
			6,
		);
		assert_eq!(lot, 1_000_000 * eth);
		assert_eq!(pro_rata(100, 1, 3), 33);
		assert_eq!(pro_rata(100, 3, 3), 100);
		assert_eq!(deleverage_fraction(50, 200), Permill::from_percent(25));
		assert_eq!(deleverage_fraction(1, 3), Permill::from_parts(333_334));
		assert_eq!(deleverage_fraction(300, 200), Permill::one());
	}

	#[test]
	fn curve_adapts_to_volatility() {
		let (p0, d0) = adaptive_curve(
			Permill::zero(),
			Permill::from_percent(2),
			Permill::from_percent(1),
			Permill::from_percent(10),
		);
		let (p1, d1) = adaptive_curve(
			Permill::from_percent(5),
			Permill::from_percent(2),
			Permill::from_percent(1),
			Permill::from_percent(10),
		);
		assert_eq!((p0, d0), (Permill::from_percent(2), Permill::from_percent(1)));
		assert!(p1 > p0 && d1 > d0);
	}

	mod ranked {
		use super::*;
		use crate::{
			options::{self as bs, Kind},
			portfolio::{Correlation, Floor, Instrument, OptionTerms, SpotShock},
		};

		const USDC: u8 = 6;
		const BTC: u8 = 8;
		const ONE_BTC: i128 = 100_000_000;
		const SHOCKS: [SpotShock; 9] = [
			SpotShock::from_percent(0),
			SpotShock::from_percent(3),
			SpotShock::from_percent(-3),
			SpotShock::from_percent(6),
			SpotShock::from_percent(-6),
			SpotShock::from_percent(10),
			SpotShock::from_percent(-10),
			SpotShock::from_percent(16),
			SpotShock::from_percent(-16),
		];
		const VOLS: [FixedU128; 3] = [
			FixedU128::from_inner(700_000_000_000_000_000),
			FixedU128::from_inner(1_000_000_000_000_000_000),
			FixedU128::from_inner(1_300_000_000_000_000_000),
		];
		const SETS: [Correlation; 2] = [Correlation::Together, Correlation::Alone];
		const GRID: Grid<'static> = Grid {
			spot_shocks: &SHOCKS,
			vol_shocks: &VOLS,
			sets: &SETS,
			floor: Floor {
				perp: Permill::from_parts(10_000),
				short_option: Permill::from_parts(50_000),
			},
			maintenance: Permill::from_parts(800_000),
		};
		const P: Permill = Permill::from_parts(20_000);
		const B: Permill = Permill::from_parts(100_000);

		fn perp(underlying: u32, spot: u32, quantity: i128) -> Leg {
			Leg {
				underlying,
				spot: Price::from_u32(spot),
				quantity,
				base_decimals: BTC,
				instrument: Instrument::Perp,
				min_shock: Permill::zero(),
			}
		}

		fn put(spot: u32, strike: u32, days: u64, quantity: i128) -> Leg {
			Leg {
				underlying: 1,
				spot: Price::from_u32(spot),
				quantity,
				base_decimals: BTC,
				instrument: Instrument::Option(OptionTerms {
					kind: Kind::Put,
					strike: Price::from_u32(strike),
					years: bs::years_from_seconds(days * 86_400),
					volatility: FixedU128::from_rational(60, 100),
					spread: Permill::from_percent(2),
					haircut: Permill::from_percent(10),
				}),
				min_shock: Permill::zero(),
			}
		}

		fn maintenance(legs: &[Leg]) -> i128 {
			portfolio::evaluate(&GRID, legs, USDC).maintenance as i128
		}

		/// Equity, requirement and notional after `plan`, and the notional it closed.
		fn apply(legs: &[Leg], equity: i128, plan: &[LegClose]) -> (i128, i128, u128) {
			let mut closed = vec![Permill::zero(); legs.len()];
			for c in plan {
				closed[c.leg] = c.fraction;
			}
			let notional: u128 =
				plan.iter().map(|c| c.fraction.mul_ceil(leg_notional(&legs[c.leg], USDC))).sum();
			let after = remaining(legs, &closed);
			(equity - P.mul_ceil(notional) as i128, maintenance(&after), notional)
		}

		fn proportional_notional(legs: &[Leg], equity: i128) -> u128 {
			let total: u128 = legs.iter().map(|l| leg_notional(l, USDC)).sum();
			close_fraction(equity, maintenance(legs) as u128, total, P, B).mul_ceil(total)
		}

		#[test]
		fn a_hedge_is_not_sold_to_cover_the_leg_it_hedges() {
			// 1 BTC long at 60,000 with a 30-day 54,000 put beside it.
			let legs = [perp(1, 60_000, ONE_BTC), put(60_000, 54_000, 30, ONE_BTC)];
			let m = maintenance(&legs);
			let equity = m * 7 / 10;
			assert_eq!(close_order(&GRID, &legs, USDC, Permill::from_percent(30))[0], 0);
			let plan = close_plan(&GRID, &legs, USDC, equity, P, B).expect("a ranked plan");
			assert_eq!(plan.len(), 1, "{plan:?}");
			assert_eq!(plan[0].leg, 0, "the perp, not the put: {plan:?}");
			let (e, m_after, notional) = apply(&legs, equity, &plan);
			assert!(e >= m_after, "{e} < {m_after}");
			assert!(notional <= proportional_notional(&legs, equity));
		}

		#[test]
		fn the_larger_reducer_closes_first() {
			// 2 BTC long and 0.2 ETH-like long on another underlying, both naked.
			let legs = [perp(2, 3_000, 20 * ONE_BTC / 100), perp(1, 60_000, 2 * ONE_BTC)];
			let order = close_order(&GRID, &legs, USDC, Permill::from_percent(20));
			assert_eq!(order, vec![1, 0]);
			let equity = maintenance(&legs) * 8 / 10;
			let plan = close_plan(&GRID, &legs, USDC, equity, P, B).expect("a ranked plan");
			assert_eq!(plan[0].leg, 1, "{plan:?}");
			let (e, m_after, notional) = apply(&legs, equity, &plan);
			assert!(e >= m_after, "{e} < {m_after}");
			assert!(notional <= proportional_notional(&legs, equity));
		}

		#[test]
		fn healthy_needs_nothing_and_bounds() {
			let legs = [perp(1, 60_000, ONE_BTC)];
			assert_eq!(close_plan(&GRID, &legs, USDC, i128::MAX, P, B), Some(vec![]));
			assert_eq!(close_plan(&GRID, &[], USDC, 0, P, B), Some(vec![]));
			assert_eq!(close_plan_counted(&GRID, &legs, USDC, i128::MAX, P, B).1, 1);
			assert_eq!(plan_evaluations(0), 33);
			assert_eq!(plan_evaluations(16), 65);
		}

		proptest! {
			#![proptest_config(ProptestConfig::with_cases(48))]

			#[test]
			fn a_put_is_never_closed_before_the_perp_it_hedges(
				spot in 1_000u32..100_000,
				size in 1i128..50 * ONE_BTC,
				strike_pct in 70u32..100,
				days in 7u64..120,
				health in 50i128..99,
			) {
				let legs = [perp(1, spot, size), put(spot, spot / 100 * strike_pct, days, size)];
				let equity = maintenance(&legs) * health / 100;
				// A ranked plan exists, sells the put only once the perp is gone, restores
				// health and closes no more notional than the proportional rule.
				let plan = close_plan(&GRID, &legs, USDC, equity, P, B);
				prop_assert!(plan.is_some(), "no ranked plan");
				let plan = plan.unwrap();
				let perp_closed = plan.iter().find(|c| c.leg == 0).map(|c| c.fraction);
				if plan.iter().any(|c| c.leg == 1) {
					prop_assert_eq!(perp_closed, Some(Permill::one()), "{:?}", plan);
				}
				let (e, m, notional) = apply(&legs, equity, &plan);
				prop_assert!(e >= m, "{} < {}: {:?}", e, m, plan);
				prop_assert!(notional <= proportional_notional(&legs, equity));
			}

			#[test]
			fn a_ranked_plan_never_closes_more_than_the_proportional_rule(
				sizes in proptest::collection::vec((1i128..20 * ONE_BTC, any::<bool>()), 1..5),
				health in 50i128..99,
			) {
				// Perps on distinct underlyings, long or short, none hedging another.
				let legs: Vec<Leg> = sizes
					.iter()
					.enumerate()
					.map(|(u, (q, long))| perp(u as u32, 60_000, if *long { *q } else { -q }))
					.collect();
				let equity = maintenance(&legs) * health / 100;
				// A plan restores health with no more notional than the proportional rule (a
				// single pass cannot always: under `Alone` two equal legs must both shrink,
				// and then there is no plan and the proportional rule applies).
				if let Some(plan) = close_plan(&GRID, &legs, USDC, equity, P, B) {
					let (e, m, notional) = apply(&legs, equity, &plan);
					prop_assert!(e >= m, "{} < {}", e, m);
					prop_assert!(notional <= proportional_notional(&legs, equity));
				}
			}

			#[test]
			fn plans_are_total(
				legs in proptest::collection::vec(
					(0u32..3, any::<u32>(), any::<i128>(), any::<bool>(), any::<u32>()),
					0..5,
				),
				equity in any::<i128>(),
				penalty in any::<u32>(),
				buffer in any::<u32>(),
			) {
				let legs: Vec<Leg> = legs
					.into_iter()
					.map(|(u, spot, q, is_perp, strike)| {
						if is_perp { perp(u, spot, q) } else { put(spot, strike, 30, q) }
					})
					.collect();
				let pen = Permill::from_parts(penalty % 1_000_001);
				let buf = Permill::from_parts(buffer % 1_000_001);
				let order = close_order(&GRID, &legs, USDC, pen);
				let mut sorted = order.clone();
				sorted.sort();
				prop_assert_eq!(sorted, (0..legs.len()).collect::<Vec<_>>());
				let (plan, made) = close_plan_counted(&GRID, &legs, USDC, equity, pen, buf);
				prop_assert!(made <= plan_evaluations(legs.len() as u32), "{}", made);
				if let Some(plan) = plan {
					prop_assert!(plan.iter().all(|c| c.leg < legs.len() && !c.fraction.is_zero()));
				}
			}
		}
	}

	proptest! {
		#[test]
		fn the_fraction_restores_maintenance(e in -1_000_000i128..1_000_000, m in 1u128..1_000_000, n in 1u128..100_000_000, p in 0u32..50_000) {
			let pen = Permill::from_parts(p);
			let f = close_fraction(e, m, n, pen, Permill::zero());
			if f < Permill::one() {
				// E − p·f·N ≥ (1 − f)·M, up to rounding of one unit per term.
				let closed = f.mul_ceil(n);
				let after_e = e - pen.mul_ceil(closed) as i128;
				let after_m = m - f.mul_floor(m);
				prop_assert!(after_e + 2 >= after_m as i128, "f={f:?} e'={after_e} m'={after_m}");
			}
		}

		#[test]
		fn a_take_never_leaves_dust(requested in 0u128..1_000, lot in 0u128..1_000, min in 0u128..100) {
			match take_amount(requested, lot, min) {
				Some(a) => {
					prop_assert!(a > 0 && a <= requested && a <= lot);
					let rest = lot - a;
					prop_assert!(rest == 0 || rest >= min, "lot {lot} take {a} leaves {rest} < {min}");
					// Cut only as far as needed: a take that left no dust is not cut.
					if requested.min(lot) == lot || lot - requested.min(lot) >= min {
						prop_assert_eq!(a, requested.min(lot));
					} else {
						prop_assert_eq!(rest, min);
					}
				},
				None => prop_assert!(requested == 0 || lot == 0 || (requested < lot && lot <= min)),
			}
		}

		#[test]
		fn a_lot_covers_the_debt_at_the_floor(debt in 1u128..10u128.pow(15), p in 10u128.pow(9)..10u128.pow(24), d in 0u8..=18, disc in 0u32..500_000) {
			let price = Price::from_inner(p);
			let discount = Permill::from_parts(disc);
			let lot = lot_for_debt(debt, discount, u128::MAX, d, price, 6);
			let at_floor = units::quote_value(lot, d, floor_price(price, discount), 6, Rounding::Down).unwrap_or(u128::MAX);
			// The floor price rounds down in 18 decimals: allow one quote unit.
			prop_assert!(at_floor + 1 >= debt, "lot {lot} fetches {at_floor} < {debt}");
		}

		#[test]
		fn deleveraging_takes_at_least_what_is_owed(owed in 1u128..10u128.pow(20), pnl in 1u128..10u128.pow(20)) {
			let f = deleverage_fraction(owed, pnl);
			prop_assert!(f.mul_ceil(pnl) >= owed.min(pnl));
		}

		#[test]
		fn auction_price_never_increases(start in 1u64..1_000_000_000, d in 0u32..500_000, t in 0u32..500) {
			let s = Price::saturating_from_integer(start);
			let dec = Permill::from_parts(d);
			prop_assert!(decayed_price(s, dec, t + 1) <= decayed_price(s, dec, t));
		}
	}
}
