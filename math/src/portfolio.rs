//! Portfolio margin: the worst loss of all the positions of an account together over a
//! scenario grid, with a contingency floor.
//!
//! ## The grid
//!
//! For each underlying, every **spot shock** (a signed fraction of the spot, e.g. 0, ±3, ±6,
//! ±10, ±16 %) is combined with every **volatility shock** (a multiplier of each option's
//! implied volatility, e.g. 0.7, 1, 1.3): one **cell** per pair. A position's P&L in a cell is
//! its value there less its value now, both by the same function ([`leg_value`]), so the flat
//! cell (no shock, multiplier 1) is exactly zero. How underlyings move relative to each other is
//! given by the **scenario sets** ([`Correlation`]):
//!
//! ```text
//! Together     every underlying takes the same cell:      min over cells c of Σ_u pnl_u(c)
//! Alone        one underlying moves, the others do not:   min over u, c of pnl_u(c)
//! Independent  each underlying takes its own worst cell:  Σ_u min over c of pnl_u(c)
//! worst loss   = max(0, −min over the grid's sets)
//! floor        = perp share × Σ perp notional + short-option share × Σ short-option notional
//! initial      = max(worst loss, floor)
//! maintenance  = maintenance share × initial (rounded up)
//! ```
//!
//! **Per-underlying reach.** A leg may require its underlying's largest shock to be at least
//! [`Leg::min_shock`] (a perpetual market's initial margin: a cross account never gets more
//! leverage on a market than the market itself allows). When an underlying's legs require more
//! than the grid's largest shock, every shock on that underlying is scaled up by
//! `min_shock / largest` (magnitudes rounded up, within the valid range); the other
//! underlyings keep the grid as given.
//!
//! Every evaluation computes every cell of every underlying (`legs × spot shocks × vol shocks`
//! leg valuations): a risk-increasing action is always tested on the full grid.
//!
//! ## Values
//!
//! * A **perpetual** of signed quantity `q` is worth its signed notional: P&L in a cell is
//!   [`perp::mark`]'s PnL at the shocked price against the notional now (rounded against the
//!   holder, as marks are).
//! * An **option** is valued as the options product counts it in equity: the Black–Scholes
//!   price ([`options::price`]) at the shocked spot and volatility (*sticky strike*: the leg's
//!   implied volatility now, times the multiplier), a long at the bid less the equity haircut
//!   ([`counted_value`]), a short at the ask in full. A long option can lose at most what it is
//!   counted for now, so an account holding only long options and no debt always meets its
//!   requirement.
//!
//! Every function is total: a value that cannot be represented counts as nothing for a long
//! and as everything for a short, so overflow only raises a requirement.

use crate::{
	options::{self as bs, Kind},
	perp,
	units::{self, Rounding},
	Balance, Price, SignedBalance,
};
use polkadot_sdk::sp_arithmetic::{
	traits::{Saturating, Zero},
	FixedI128, FixedU128, Permill,
};

/// Most spot shocks a grid may have.
pub const MAX_SPOT_SHOCKS: usize = 16;
/// Most volatility shocks a grid may have.
pub const MAX_VOL_SHOCKS: usize = 4;
/// Most cells (spot × volatility) per underlying.
pub const MAX_CELLS: usize = MAX_SPOT_SHOCKS * MAX_VOL_SHOCKS;
/// Most scenario sets a grid may have.
pub const MAX_SETS: usize = 3;
/// The largest downward spot shock: −95 %.
pub const MAX_SHOCK_DOWN: u32 = 950_000;
/// The largest upward spot shock: +200 %.
pub const MAX_SHOCK_UP: u32 = 2_000_000;
/// Volatility multipliers lie in `[0.1, 10]`.
pub const MIN_VOL_MULTIPLIER: FixedU128 = FixedU128::from_inner(100_000_000_000_000_000);
/// See [`MIN_VOL_MULTIPLIER`].
pub const MAX_VOL_MULTIPLIER: FixedU128 = FixedU128::from_inner(10_000_000_000_000_000_000);

/// A relative move of a spot price, in parts per million: `−30_000` is −3 %.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, PartialOrd, Ord)]
pub struct SpotShock(i32);

impl SpotShock {
	/// A move of `percent` %.
	pub const fn from_percent(percent: i32) -> Self {
		Self(percent.saturating_mul(10_000))
	}

	/// A move of `ppm` parts per million.
	pub const fn from_parts(ppm: i32) -> Self {
		Self(ppm)
	}

	/// The move in parts per million.
	pub const fn parts(self) -> i32 {
		self.0
	}

	/// Whether the shock lies in `[−`[`MAX_SHOCK_DOWN`]`, +`[`MAX_SHOCK_UP`]`]`.
	pub fn is_valid(self) -> bool {
		if self.0 < 0 {
			self.0.unsigned_abs() <= MAX_SHOCK_DOWN
		} else {
			self.0.unsigned_abs() <= MAX_SHOCK_UP
		}
	}

	/// `spot × (1 + shock)`, rounded down, saturating (a drop beyond −100 % is zero).
	pub fn apply(self, spot: Price) -> Price {
		let inner = spot.into_inner();
		let magnitude = u128::from(self.0.unsigned_abs());
		let moved =
			units::mul_div(inner, magnitude, 1_000_000, Rounding::Down).unwrap_or(u128::MAX);
		if self.0 >= 0 {
			Price::from_inner(inner.saturating_add(moved))
		} else {
			Price::from_inner(inner.saturating_sub(moved))
		}
	}
}

/// How the underlyings of a portfolio move relative to each other (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Correlation {
	/// Every underlying takes the same spot and volatility shock.
	Together,
	/// One underlying moves, the others stay where they are.
	Alone,
	/// Each underlying takes its own worst cell (no offset between underlyings).
	Independent,
}

/// The contingency floor: what a portfolio needs at least, whatever the grid says.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Floor {
	/// Share of the notional of each perpetual position.
	pub perp: Permill,
	/// Share of the underlying notional of each short option.
	pub short_option: Permill,
}

/// A scenario grid (see the module docs).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Grid<'a> {
	/// Spot shocks, applied to every underlying; at most [`MAX_SPOT_SHOCKS`].
	pub spot_shocks: &'a [SpotShock],
	/// Multipliers of implied volatility; at most [`MAX_VOL_SHOCKS`].
	pub vol_shocks: &'a [FixedU128],
	/// The scenario sets; at least one, at most [`MAX_SETS`].
	pub sets: &'a [Correlation],
	/// The contingency floor.
	pub floor: Floor,
	/// Maintenance requirement as a share of the initial requirement; not zero.
	pub maintenance: Permill,
}

/// Why a grid is refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum GridError {
	/// No spot shock, or more than [`MAX_SPOT_SHOCKS`].
	SpotShockCount,
	/// A spot shock beyond −95 % or +200 %.
	SpotShockOutOfRange,
	/// No volatility shock, or more than [`MAX_VOL_SHOCKS`].
	VolShockCount,
	/// A volatility multiplier outside `[0.1, 10]`.
	VolShockOutOfRange,
	/// No scenario set, or more than [`MAX_SETS`].
	SetCount,
	/// A zero maintenance share would never liquidate.
	ZeroMaintenance,
}

impl Grid<'_> {
	/// Ok if the grid is within its bounds.
	pub fn validate(&self) -> Result<(), GridError> {
		if self.spot_shocks.is_empty() || self.spot_shocks.len() > MAX_SPOT_SHOCKS {
			return Err(GridError::SpotShockCount);
		}
		if !self.spot_shocks.iter().all(|s| s.is_valid()) {
			return Err(GridError::SpotShockOutOfRange);
		}
		if self.vol_shocks.is_empty() || self.vol_shocks.len() > MAX_VOL_SHOCKS {
			return Err(GridError::VolShockCount);
		}
		if !self.vol_shocks.iter().all(|m| (MIN_VOL_MULTIPLIER..=MAX_VOL_MULTIPLIER).contains(m)) {
			return Err(GridError::VolShockOutOfRange);
		}
		if self.sets.is_empty() || self.sets.len() > MAX_SETS {
			return Err(GridError::SetCount);
		}
		if self.maintenance.is_zero() {
			return Err(GridError::ZeroMaintenance);
		}
		Ok(())
	}

	/// The spot shocks evaluated (the first [`MAX_SPOT_SHOCKS`]).
	fn spots(&self) -> impl Iterator<Item = &SpotShock> {
		self.spot_shocks.iter().take(MAX_SPOT_SHOCKS)
	}

	/// The volatility multipliers evaluated (the first [`MAX_VOL_SHOCKS`]).
	fn vols(&self) -> impl Iterator<Item = &FixedU128> {
		self.vol_shocks.iter().take(MAX_VOL_SHOCKS)
	}
}

/// The terms of an option leg.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OptionTerms {
	/// Call or put.
	pub kind: Kind,
	/// Strike, quote per whole token.
	pub strike: Price,
	/// Time to expiry in years ([`bs::years_from_seconds`]).
	pub years: FixedU128,
	/// Implied volatility now (annualised, `1.0` = 100 %).
	pub volatility: FixedU128,
	/// Bid/ask spread around the model price ([`bs::bid_ask`]).
	pub spread: Permill,
	/// Share of a long's value not counted in equity ([`counted_value`]).
	pub haircut: Permill,
}

/// What a leg is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Instrument {
	/// A perpetual future (linear in spot).
	Perp,
	/// A European option.
	Option(OptionTerms),
}

/// One position as the grid sees it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Leg {
	/// What moves it: legs with the same key take the same shocks.
	pub underlying: u32,
	/// The underlying's price now (quote per whole token).
	pub spot: Price,
	/// Signed quantity in the underlying's smallest unit (positive long).
	pub quantity: i128,
	/// Decimals of the underlying's smallest unit.
	pub base_decimals: u8,
	/// Perpetual or option.
	pub instrument: Instrument,
	/// The least the largest spot shock of this leg's underlying must reach (see the module
	/// docs): a perpetual's market initial margin; zero for no requirement.
	pub min_shock: Permill,
}

/// The factor, in parts per million of the grid's largest shock `largest`, that brings it up to
/// `min_shock` (`1_000_000` when it already reaches it).
fn reach(largest: u32, min_shock: Permill) -> u128 {
	let need = u128::from(min_shock.deconstruct());
	if largest == 0 || need <= u128::from(largest) {
		return 1_000_000;
	}
	units::mul_div(need, 1_000_000, u128::from(largest), Rounding::Up).unwrap_or(1_000_000)
}

impl SpotShock {
	/// This shock scaled by `factor` parts per million (magnitude rounded up), kept within
	/// `[−`[`MAX_SHOCK_DOWN`]`, +`[`MAX_SHOCK_UP`]`]`.
	pub fn scaled(self, factor: u128) -> Self {
		let magnitude =
			units::mul_div(u128::from(self.0.unsigned_abs()), factor, 1_000_000, Rounding::Up)
				.unwrap_or(u128::MAX);
		let bound = if self.0 < 0 { MAX_SHOCK_DOWN } else { MAX_SHOCK_UP };
		let magnitude = i32::try_from(magnitude.min(u128::from(bound))).unwrap_or(0);
		Self(if self.0 < 0 { magnitude.saturating_neg() } else { magnitude })
	}
}

/// What counts in equity of a long option worth `value`: `value − haircut × value` (the
/// haircut rounded up).
pub fn counted_value(value: Balance, haircut: Permill) -> Balance {
	value.saturating_sub(haircut.mul_ceil(value))
}

/// The value of `quantity` options at the bid (`long`: rounded down; `None` if not
/// representable) or the ask (short: rounded up) at `spot` and `volatility × multiplier`,
/// before any equity haircut.
pub fn option_value(
	quantity: Balance,
	long: bool,
	base_decimals: u8,
	quote_decimals: u8,
	terms: &OptionTerms,
	spot: Price,
	multiplier: FixedU128,
) -> Option<Balance> {
	let inputs = bs::Inputs {
		spot,
		strike: terms.strike,
		years: terms.years,
		volatility: terms.volatility.saturating_mul(multiplier),
		rate: FixedI128::zero(),
	};
	let (bid, ask) = bs::bid_ask(bs::price(terms.kind, &inputs)?, terms.spread);
	let (price, rounding) = if long { (bid, Rounding::Down) } else { (ask, Rounding::Up) };
	units::quote_value(quantity, base_decimals, price, quote_decimals, rounding)
}

/// What `leg` is worth to its holder at `spot` with volatility × `multiplier` (quote smallest
/// units; negative: a liability). A perpetual is worth its signed notional; an option long its
/// counted value at the bid, short minus its value at the ask. Unrepresentable: a long is worth
/// nothing, a short owes everything.
pub fn leg_value(
	leg: &Leg,
	spot: Price,
	multiplier: FixedU128,
	quote_decimals: u8,
) -> SignedBalance {
	let long = leg.quantity >= 0;
	let size = leg.quantity.unsigned_abs();
	let value = match leg.instrument {
		Instrument::Perp => {
			let m = perp::mark(leg.quantity, 0, leg.base_decimals, spot, quote_decimals);
			return if long { crate::signed(m.notional) } else { m.pnl };
		},
		Instrument::Option(terms) => {
			option_value(size, long, leg.base_decimals, quote_decimals, &terms, spot, multiplier)
		},
	};
	match (long, value, leg.instrument) {
		(true, Some(v), Instrument::Option(t)) => crate::signed(counted_value(v, t.haircut)),
		(true, _, _) => 0,
		(false, Some(v), _) => crate::signed(v).saturating_neg(),
		(false, None, _) => SignedBalance::MIN,
	}
}

/// P&L of `leg` in the cell (`shock`, `multiplier`) against its value now, `base`.
fn leg_pnl(
	leg: &Leg,
	base: SignedBalance,
	shock: SpotShock,
	multiplier: FixedU128,
	quote_decimals: u8,
) -> SignedBalance {
	pnl_at(leg, base, shock.apply(leg.spot), multiplier, quote_decimals)
}

/// P&L of `leg` if its underlying stood at `spot` with volatility × `multiplier`, against its
/// value now, `base` (`leg_value` at the leg's spot and multiplier 1; unused for a perpetual).
/// A perpetual's is the mark's own PnL against the notional now, rounded against the holder.
pub fn pnl_at(
	leg: &Leg,
	base: SignedBalance,
	spot: Price,
	multiplier: FixedU128,
	quote_decimals: u8,
) -> SignedBalance {
	match leg.instrument {
		Instrument::Perp => {
			let entry = perp::mark(leg.quantity, 0, leg.base_decimals, leg.spot, quote_decimals);
			perp::mark(leg.quantity, entry.notional, leg.base_decimals, spot, quote_decimals).pnl
		},
		Instrument::Option(_) => {
			leg_value(leg, spot, multiplier, quote_decimals).saturating_sub(base)
		},
	}
}

/// The contingency floor of `legs` under `floor`.
pub fn floor(legs: &[Leg], floor: &Floor, quote_decimals: u8) -> Balance {
	legs.iter().fold(0, |total: Balance, leg| {
		let notional =
			perp::mark(leg.quantity, 0, leg.base_decimals, leg.spot, quote_decimals).notional;
		let share = match leg.instrument {
			Instrument::Perp => floor.perp,
			Instrument::Option(_) if leg.quantity < 0 => floor.short_option,
			Instrument::Option(_) => Permill::zero(),
		};
		total.saturating_add(share.mul_ceil(notional))
	})
}

/// The outcome of one evaluation.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Evaluation {
	/// The worst loss over the grid's sets (zero if no cell loses).
	pub worst_loss: Balance,
	/// The contingency floor.
	pub floor: Balance,
	/// Initial requirement: `max(worst loss, floor)`.
	pub initial: Balance,
	/// Maintenance requirement: the grid's maintenance share of the initial, rounded up.
	pub maintenance: Balance,
	/// Leg valuations made (every leg in every cell of its underlying).
	pub valuations: u32,
	/// How far the maintenance requirement's grid part can move per unit of relative move of
	/// the underlyings' prices ([`price_sensitivity`]): the requirement's term in the margin of
	/// safety (`crate::safety::sensitivity`).
	pub price_sensitivity: Balance,
}

/// A bound on how much the worst loss of `legs` over `grid` moves when the underlyings' prices
/// move by a relative `x` (for `|x| ≤ 1`), per unit of `x`, scaled by the grid's maintenance
/// share (rounded up): each cell's P&L of a perpetual moves by exactly `shock × N·x`, of an
/// option by at most `(1 + shock)(1 + x)·N·x` (its value at the shocked and at the current spot
/// each move by at most its delta, `|Δ| ≤ 1`, times the move), so
///
/// ```text
/// sensitivity = maintenance × (s_max × Σ perp N + 2·(1 + s_max) × Σ option N)
/// ```
///
/// with `s_max` the largest spot shock (any underlying's reach included) and `N` notionals at the current spot. (The floor moves
/// in proportion to the prices: the requirement itself bounds it.)
pub fn price_sensitivity(grid: &Grid, legs: &[Leg], quote_decimals: u8) -> Balance {
	// The largest shock any underlying takes, its reach included (at most +200 %).
	let grid_largest = grid.spots().map(|s| s.0.unsigned_abs()).max().unwrap_or(0);
	let largest = legs
		.iter()
		.map(|l| l.min_shock.deconstruct())
		.fold(grid_largest, u32::max)
		.min(MAX_SHOCK_UP);
	let perp_share = Permill::from_parts(largest.min(1_000_000));
	let total = legs.iter().fold(0, |total: Balance, leg| {
		let notional =
			perp::mark(leg.quantity, 0, leg.base_decimals, leg.spot, quote_decimals).notional;
		let term = match leg.instrument {
			Instrument::Perp => perp_share.mul_ceil(notional),
			// 2·(1 + s)·N, with s up to +200 %: exact in integers.
			Instrument::Option(_) => units::mul_div(
				notional,
				u128::from(largest).saturating_add(1_000_000).saturating_mul(2),
				1_000_000,
				Rounding::Up,
			)
			.unwrap_or(Balance::MAX),
		};
		total.saturating_add(term)
	});
	grid.maintenance.mul_ceil(total)
}

/// The P&L of every cell of the underlying of `legs[head]` (all its legs together, each cell at
/// index `spot × MAX_VOL_SHOCKS + vol`), the factor its shocks are scaled by (parts per
/// million, see [`Leg::min_shock`]), and the leg valuations made. `largest` is the grid's
/// largest shock magnitude.
fn underlying_cells(
	grid: &Grid,
	legs: &[Leg],
	head: usize,
	largest: u32,
	quote_decimals: u8,
) -> ([SignedBalance; MAX_CELLS], u128, u32) {
	let mut cells = [0 as SignedBalance; MAX_CELLS];
	let mut valuations: u32 = 0;
	let Some(first) = legs.get(head) else { return (cells, 1_000_000, 0) };
	let same = |l: &&Leg| l.underlying == first.underlying;
	let min_shock = legs.iter().skip(head).filter(same).map(|l| l.min_shock).max();
	let factor = reach(largest, min_shock.unwrap_or_default());
	for leg in legs.iter().skip(head).filter(same) {
		let base = leg_value(leg, leg.spot, FixedU128::from_u32(1), quote_decimals);
		for (s, shock) in grid.spots().enumerate() {
			let shock = shock.scaled(factor);
			for (v, multiplier) in grid.vols().enumerate() {
				let pnl = leg_pnl(leg, base, shock, *multiplier, quote_decimals);
				if let Some(c) = cells.get_mut(s.saturating_mul(MAX_VOL_SHOCKS).saturating_add(v)) {
					*c = c.saturating_add(pnl);
				}
				valuations = valuations.saturating_add(1);
			}
		}
	}
	(cells, factor, valuations)
}

/// The indices of the first leg of each underlying, in order.
fn heads(legs: &[Leg]) -> impl Iterator<Item = usize> + '_ {
	legs.iter()
		.enumerate()
		.filter(|(i, head)| !legs.iter().take(*i).any(|l| l.underlying == head.underlying))
		.map(|(i, _)| i)
}

/// One cell of an account's scenario table: all its legs on `underlying` together.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Cell {
	/// The underlying (its oracle key).
	pub underlying: u32,
	/// The spot shock as applied to this underlying (scaled up to its reach).
	pub shock: SpotShock,
	/// The implied-volatility multiplier.
	pub vol: FixedU128,
	/// The P&L of the underlying's legs in this cell (quote smallest units).
	pub pnl: SignedBalance,
}

/// The scenario table of `legs` over `grid`: every cell of every underlying, computed as
/// [`evaluate`] computes them (the requirement is the worst of their sets).
pub fn table(grid: &Grid, legs: &[Leg], quote_decimals: u8) -> alloc::vec::Vec<Cell> {
	let largest = grid.spots().map(|s| s.0.unsigned_abs()).max().unwrap_or(0);
	let mut out = alloc::vec::Vec::new();
	for head in heads(legs) {
		let Some(first) = legs.get(head) else { continue };
		let (cells, factor, _) = underlying_cells(grid, legs, head, largest, quote_decimals);
		for (s, shock) in grid.spots().enumerate() {
			for (v, vol) in grid.vols().enumerate() {
				let pnl = cells
					.get(s.saturating_mul(MAX_VOL_SHOCKS).saturating_add(v))
					.copied()
					.unwrap_or(0);
				out.push(Cell {
					underlying: first.underlying,
					shock: shock.scaled(factor),
					vol: *vol,
					pnl,
				});
			}
		}
	}
	out
}

/// Evaluate `legs` over the full `grid` (see the module docs). Zero legs need nothing.
pub fn evaluate(grid: &Grid, legs: &[Leg], quote_decimals: u8) -> Evaluation {
	let largest = grid.spots().map(|s| s.0.unsigned_abs()).max().unwrap_or(0);
	let mut together = [0 as SignedBalance; MAX_CELLS];
	let (mut alone, mut independent): (SignedBalance, SignedBalance) = (0, 0);
	let mut valuations: u32 = 0;
	for head in heads(legs) {
		let (cells, _, n) = underlying_cells(grid, legs, head, largest, quote_decimals);
		valuations = valuations.saturating_add(n);
		let worst_here = cells.iter().copied().min().unwrap_or(0).min(0);
		alone = alone.min(worst_here);
		independent = independent.saturating_add(worst_here);
		for (t, c) in together.iter_mut().zip(cells.iter()) {
			*t = t.saturating_add(*c);
		}
	}
	// Cells the grid does not use stay zero, which the `min(0)` below allows for anyway.
	let together = together.iter().copied().min().unwrap_or(0).min(0);
	let worst = grid.sets.iter().take(MAX_SETS).fold(0 as SignedBalance, |w, set| {
		w.min(match set {
			Correlation::Together => together,
			Correlation::Alone => alone,
			Correlation::Independent => independent,
		})
	});
	let worst_loss = worst.unsigned_abs();
	let floor = floor(legs, &grid.floor, quote_decimals);
	let initial = worst_loss.max(floor);
	Evaluation {
		worst_loss,
		floor,
		initial,
		maintenance: grid.maintenance.mul_ceil(initial),
		valuations,
		price_sensitivity: price_sensitivity(grid, legs, quote_decimals),
	}
}

#[cfg(test)]
#[allow(clippy::float_arithmetic)]
mod tests {
	use super::*;
	use proptest::prelude::*;

	const BTC: u8 = 8;
	const ETH: u8 = 18;
	const USDC: u8 = 6;
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

	fn grid(sets: &[Correlation]) -> Grid<'_> {
		Grid {
			spot_shocks: &SHOCKS,
			vol_shocks: &VOLS,
			sets,
			floor: Floor { perp: Permill::from_percent(1), short_option: Permill::from_percent(5) },
			maintenance: Permill::from_percent(80),
		}
	}

	const BOTH: [Correlation; 2] = [Correlation::Together, Correlation::Alone];

	fn price(p: u32) -> Price {
		Price::from_u32(p)
	}

	fn perp(underlying: u32, spot: u32, quantity: i128, decimals: u8) -> Leg {
		Leg {
			underlying,
			spot: price(spot),
			quantity,
			base_decimals: decimals,
			instrument: Instrument::Perp,
			min_shock: Permill::zero(),
		}
	}

	fn option(kind: Kind, spot: u32, strike: u32, days: u64, quantity: i128) -> Leg {
		Leg {
			underlying: 1,
			spot: price(spot),
			quantity,
			base_decimals: BTC,
			instrument: Instrument::Option(OptionTerms {
				kind,
				strike: price(strike),
				years: bs::years_from_seconds(days * 86_400),
				volatility: FixedU128::from_rational(60, 100),
				spread: Permill::from_percent(2),
				haircut: Permill::from_percent(10),
			}),
			min_shock: Permill::zero(),
		}
	}

	fn req(legs: &[Leg]) -> Evaluation {
		evaluate(&grid(&BOTH), legs, USDC)
	}

	#[test]
	fn a_naked_perp_needs_its_largest_shock() {
		// 1 BTC at 60 000: the −16 % cell loses 9 600 USDC.
		let e = req(&[perp(1, 60_000, ONE_BTC, BTC)]);
		assert_eq!(e.worst_loss, 9_600_000_000);
		assert_eq!(e.floor, 600_000_000);
		assert_eq!(e.initial, 9_600_000_000);
		assert_eq!(e.maintenance, 7_680_000_000);
		assert_eq!(e.valuations, 27);
		// A short loses the same on the way up.
		assert_eq!(req(&[perp(1, 60_000, -ONE_BTC, BTC)]).initial, 9_600_000_000);
	}

	#[test]
	fn a_put_hedges_a_long_perp() {
		let naked = req(&[perp(1, 60_000, ONE_BTC, BTC)]);
		let put = option(Kind::Put, 60_000, 60_000, 30, ONE_BTC);
		let hedged = req(&[perp(1, 60_000, ONE_BTC, BTC), put]);
		// The put pays most of the drop back: the worst loss is now far smaller.
		println!("naked {naked:?}\nhedged {hedged:?}");
		assert!(hedged.initial * 2 < naked.initial, "{hedged:?} vs {naked:?}");
		// Reference in f64: the worst cell's loss is below the drop less the put's intrinsic
		// gain plus its premium.
		let premium = 0.9 * 0.98 * 4_120.0; // ≈ the counted value of a 30-day ATM put at 60 %
		assert!((hedged.worst_loss as f64) / 1e6 < premium + 1_000.0);
	}

	#[test]
	fn a_long_option_never_loses_more_than_it_counts_for() {
		for kind in [Kind::Call, Kind::Put] {
			for strike in [40_000, 55_000, 60_000, 65_000, 90_000] {
				let leg = option(kind, 60_000, strike, 10, ONE_BTC);
				let value = leg_value(&leg, leg.spot, FixedU128::from_u32(1), USDC);
				let e = req(&[leg]);
				assert!(e.initial as i128 <= value, "{kind:?} {strike}: {e:?} > {value}");
				assert_eq!(e.floor, 0);
			}
		}
	}

	#[test]
	fn a_short_option_is_floored() {
		// Far out of the money, expiring in an hour: the grid barely moves it.
		let e = req(&[option(Kind::Call, 60_000, 200_000, 0, -ONE_BTC)]);
		assert_eq!(e.floor, 3_000_000_000);
		assert_eq!(e.initial, 3_000_000_000);
	}

	#[test]
	fn the_price_sensitivity_bounds_the_maintenance_requirements_move() {
		// A long perp with a put: the requirement is small but moves with spot.
		let legs = [perp(1, 60_000, ONE_BTC, BTC), option(Kind::Put, 60_000, 60_000, 30, ONE_BTC)];
		let e = req(&legs);
		// 80 % × (16 % × 60,000 + 2 × 1.16 × 60,000).
		assert_eq!(e.price_sensitivity, 119_040_000_000);
		for pct in [-20i32, -10, -5, -1, 1, 5, 10, 20] {
			let x = SpotShock::from_percent(pct);
			let moved: Vec<Leg> =
				legs.iter().map(|l| Leg { spot: x.apply(l.spot), ..*l }).collect();
			let after = req(&moved);
			let change = after.maintenance.abs_diff(e.maintenance);
			let bound = Permill::from_percent(pct.unsigned_abs()).mul_ceil(e.price_sensitivity)
				+ Permill::from_percent(pct.unsigned_abs())
					.mul_ceil(e.maintenance.max(after.maintenance));
			assert!(change <= bound, "{pct} %: {change} > {bound}");
		}
	}

	#[test]
	fn a_cross_perp_needs_at_least_its_markets_initial_margin() {
		// A market at 20 % initial margin beyond the grid's ±16 %: its underlying is shocked
		// ±20 % (every shock scaled by 1.25), so the cross account gets no more leverage.
		let naked =
			Leg { min_shock: Permill::from_percent(20), ..perp(1, 6, 100_000_000_000_000, 10) };
		let e = req(&[naked]);
		assert_eq!(e.worst_loss, 12_000_000_000); // 20 % of 60,000 USDC
											// At or below the grid's largest shock it changes nothing.
		for m in [0, 10, 16] {
			let leg =
				Leg { min_shock: Permill::from_percent(m), ..perp(1, 6, 100_000_000_000_000, 10) };
			assert_eq!(req(&[leg]).worst_loss, 9_600_000_000);
		}
		// Only that underlying's shocks scale: a BTC perp beside it keeps ±16 %.
		let btc = perp(2, 60_000, ONE_BTC, BTC);
		let alone = req(&[btc]).worst_loss;
		let both = evaluate(&grid(&[Correlation::Independent]), &[naked, btc], USDC);
		assert_eq!(both.worst_loss, 12_000_000_000 + alone);
		// The reach is part of the sensitivity bound.
		assert!(e.price_sensitivity >= Permill::from_percent(80).mul_ceil(12_000_000_000));
		// Scaled shocks stay in range.
		assert_eq!(SpotShock::from_percent(-90).scaled(2_000_000), SpotShock::from_parts(-950_000));
		assert_eq!(
			SpotShock::from_percent(150).scaled(2_000_000),
			SpotShock::from_parts(2_000_000)
		);
		assert_eq!(SpotShock::from_percent(-3).scaled(1_250_000), SpotShock::from_parts(-37_500));
	}

	#[test]
	fn nothing_needs_nothing() {
		assert_eq!(req(&[]), Evaluation::default());
	}

	#[test]
	fn offsetting_underlyings_depend_on_the_sets() {
		// Long 1 BTC and short 20 ETH, both 60 000 USDC.
		let legs = [perp(1, 60_000, ONE_BTC, BTC), perp(2, 3_000, -20 * 10i128.pow(18), ETH)];
		let together = evaluate(&grid(&[Correlation::Together]), &legs, USDC);
		let alone = evaluate(&grid(&[Correlation::Alone]), &legs, USDC);
		let independent = evaluate(&grid(&[Correlation::Independent]), &legs, USDC);
		// Together they offset: the floor remains.
		assert_eq!(together.worst_loss, 0);
		assert_eq!(together.initial, 1_200_000_000);
		// Alone: one leg's worst move; independent: both.
		assert_eq!(alone.initial, 9_600_000_000);
		assert_eq!(independent.initial, 19_200_000_000);
		assert_eq!(evaluate(&grid(&BOTH), &legs, USDC).initial, 9_600_000_000);
		// Every cell of every underlying, whatever the sets.
		assert_eq!(together.valuations, 54);
	}

	#[test]
	fn vol_shocks_hurt_a_long_option() {
		// An at-the-money straddle loses most when volatility falls and spot stays.
		let legs = [
			option(Kind::Call, 60_000, 60_000, 30, ONE_BTC),
			option(Kind::Put, 60_000, 60_000, 30, ONE_BTC),
		];
		let flat_grid = Grid { vol_shocks: &VOLS[1..2], ..grid(&BOTH) };
		let with = req(&legs);
		let without = evaluate(&flat_grid, &legs, USDC);
		assert!(with.worst_loss > without.worst_loss, "{with:?} {without:?}");
	}

	#[test]
	fn validation_bounds() {
		assert_eq!(grid(&BOTH).validate(), Ok(()));
		assert_eq!(
			Grid { spot_shocks: &[], ..grid(&BOTH) }.validate(),
			Err(GridError::SpotShockCount)
		);
		assert_eq!(
			Grid { spot_shocks: &[SpotShock::from_percent(-96)], ..grid(&BOTH) }.validate(),
			Err(GridError::SpotShockOutOfRange)
		);
		assert_eq!(
			Grid { spot_shocks: &[SpotShock::from_percent(201)], ..grid(&BOTH) }.validate(),
			Err(GridError::SpotShockOutOfRange)
		);
		assert_eq!(
			Grid { vol_shocks: &[], ..grid(&BOTH) }.validate(),
			Err(GridError::VolShockCount)
		);
		assert_eq!(
			Grid { vol_shocks: &[FixedU128::from_u32(11)], ..grid(&BOTH) }.validate(),
			Err(GridError::VolShockOutOfRange)
		);
		assert_eq!(grid(&[]).validate(), Err(GridError::SetCount));
		assert_eq!(
			Grid { maintenance: Permill::zero(), ..grid(&BOTH) }.validate(),
			Err(GridError::ZeroMaintenance)
		);
	}

	#[test]
	fn shocks_move_the_spot() {
		assert_eq!(SpotShock::from_percent(-16).apply(price(100)), price(84));
		assert_eq!(SpotShock::from_percent(16).apply(price(100)), price(116));
		assert_eq!(SpotShock::from_parts(i32::MIN).apply(price(100)), Price::zero());
		assert_eq!(
			SpotShock::from_percent(100).apply(Price::from_inner(u128::MAX)).into_inner(),
			u128::MAX
		);
	}

	/// One full-grid evaluation of 16 positions (8 perps, 8 options over 4 underlyings), timed
	/// natively: `cargo test -p ballast-math --release grid_cost -- --ignored --nocapture`.
	#[test]
	#[ignore]
	fn grid_cost() {
		let g = grid(&BOTH);
		let time = |legs: &[Leg]| {
			let n = 200;
			let start = std::time::Instant::now();
			let mut e = Evaluation::default();
			for _ in 0..n {
				e = evaluate(&g, std::hint::black_box(legs), USDC);
			}
			(start.elapsed().as_secs_f64() * 1e6 / n as f64, e.valuations)
		};
		let perps: Vec<Leg> = (0..16u32).map(|u| perp(u % 4, 60_000, ONE_BTC, BTC)).collect();
		let options: Vec<Leg> = (0..16u32)
			.map(|i| Leg {
				underlying: i % 4,
				..option(
					if i % 2 == 0 { Kind::Put } else { Kind::Call },
					60_000,
					56_000 + 1_000 * i,
					30,
					ONE_BTC,
				)
			})
			.collect();
		let mixed: Vec<Leg> = perps.iter().take(8).chain(options.iter().take(8)).copied().collect();
		for (name, legs) in [("16 perps", perps), ("16 options", options), ("8 + 8", mixed)] {
			let (us, valuations) = time(&legs);
			println!("{name} over 4 underlyings: {valuations} valuations, {us:.0} µs");
		}
	}

	fn any_leg() -> impl Strategy<Value = Leg> {
		(
			0u32..3,
			1u32..1_000_000,
			-1_000_000_000_000i128..1_000_000_000_000,
			any::<bool>(),
			prop_oneof![Just(Kind::Call), Just(Kind::Put)],
			1u32..2_000_000,
			0u64..400,
			(1u32..300, 0u32..400_000),
		)
			.prop_map(
				|(underlying, spot, quantity, is_perp, kind, strike, days, (vol, min_shock))| Leg {
					underlying,
					spot: price(spot),
					quantity,
					base_decimals: BTC,
					instrument: if is_perp {
						Instrument::Perp
					} else {
						Instrument::Option(OptionTerms {
							kind,
							strike: price(strike),
							years: bs::years_from_seconds(days * 86_400),
							volatility: FixedU128::from_rational(vol.into(), 100),
							spread: Permill::from_percent(1),
							haircut: Permill::from_percent(10),
						})
					},
					// A perp's market may require more than the grid's largest shock (16 %).
					min_shock: if is_perp {
						Permill::from_parts(min_shock)
					} else {
						Permill::zero()
					},
				},
			)
	}

	fn sets() -> impl Strategy<Value = Vec<Correlation>> {
		proptest::collection::vec(
			prop_oneof![
				Just(Correlation::Together),
				Just(Correlation::Alone),
				Just(Correlation::Independent)
			],
			1..=3,
		)
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(64))]

		#[test]
		fn a_long_put_never_raises_a_long_perps_requirement(
			spot in 100u32..200_000,
			size in 1i128..1_000 * ONE_BTC,
			strike_pct in 50u32..150,
			days in 1u64..200,
			sets in sets(),
		) {
			// At flat volatility a put gains on every drop and loses less than the perp gains
			// on every rise: it never raises the requirement (to a few units of rounding).
			let g = Grid { vol_shocks: &VOLS[1..2], ..grid(&sets) };
			let p = perp(1, spot, size, BTC);
			let put = option(Kind::Put, spot, spot / 100 * strike_pct + 1, days, size);
			let naked = evaluate(&g, &[p], USDC);
			let hedged = evaluate(&g, &[p, put], USDC);
			prop_assert!(hedged.initial <= naked.initial + 2, "{hedged:?} > {naked:?}");
			// With volatility shocks a put can lose value as spot drops (volatility crushed),
			// but never more than it counts for now.
			let g = grid(&sets);
			let value = leg_value(&put, put.spot, FixedU128::from_u32(1), USDC) as u128;
			let naked = evaluate(&g, &[p], USDC);
			let hedged = evaluate(&g, &[p, put], USDC);
			prop_assert!(hedged.initial <= naked.initial + value + 2, "{hedged:?} > {naked:?} + {value}");
		}

		#[test]
		fn monotone_in_size(
			legs in proptest::collection::vec(any_leg(), 1..6),
			k in 2i128..10,
			sets in sets(),
		) {
			// Scaling every position up never lowers the requirement (up to rounding units).
			let g = grid(&sets);
			let small = evaluate(&g, &legs, USDC);
			let big: Vec<Leg> = legs.iter().map(|l| Leg { quantity: l.quantity * k, ..*l }).collect();
			let large = evaluate(&g, &big, USDC);
			prop_assert!(large.initial + legs.len() as u128 * 64 >= small.initial, "{large:?} < {small:?}");
		}

		#[test]
		fn never_negative_and_maintenance_below_initial(legs in proptest::collection::vec(any_leg(), 0..8), sets in sets()) {
			let e = evaluate(&grid(&sets), &legs, USDC);
			prop_assert!(e.initial >= e.worst_loss && e.initial >= e.floor);
			prop_assert!(e.maintenance <= e.initial);
			prop_assert_eq!(e.valuations as usize, legs.len() * 27);
		}

		#[test]
		fn the_price_sensitivity_bounds_any_move_of_the_underlyings(
			legs in proptest::collection::vec(any_leg(), 1..6),
			moves in proptest::collection::vec(-200_000i32..200_000, 3),
			sets in sets(),
		) {
			// Each underlying moves by its own relative `x_u`, |x_u| ≤ x ≤ 20 %: the maintenance
			// requirement moves by at most x·(sensitivity + requirement) (the requirement's term
			// is the floor's, proportional), to a few units of rounding per leg and cell.
			let g = grid(&sets);
			let e = evaluate(&g, &legs, USDC);
			let moved: Vec<Leg> = legs
				.iter()
				.map(|l| Leg { spot: SpotShock::from_parts(moves[l.underlying as usize]).apply(l.spot), ..*l })
				.collect();
			let after = evaluate(&g, &moved, USDC);
			let x = Permill::from_parts(moves.iter().map(|m| m.unsigned_abs()).max().unwrap());
			let bound = x.mul_ceil(e.price_sensitivity)
				+ x.mul_ceil(e.maintenance.max(after.maintenance))
				+ 64 * legs.len() as u128;
			let change = after.maintenance.abs_diff(e.maintenance);
			prop_assert!(change <= bound, "{change} > {bound}: {e:?} -> {after:?}");
		}

		#[test]
		fn independent_is_the_most_conservative(legs in proptest::collection::vec(any_leg(), 0..8)) {
			let ind = evaluate(&grid(&[Correlation::Independent]), &legs, USDC);
			for s in [Correlation::Together, Correlation::Alone] {
				prop_assert!(evaluate(&grid(&[s]), &legs, USDC).worst_loss <= ind.worst_loss);
			}
		}

		#[test]
		fn no_panic_over_wide_domains(
			underlying in any::<u32>(),
			spot in any::<u128>(),
			quantity in any::<i128>(),
			decimals in 0u8..=40,
			strike in any::<u128>(),
			years in any::<u128>(),
			vol in any::<u128>(),
			shock in any::<i32>(),
			mult in any::<u128>(),
			qd in 0u8..=40,
			min_shock in 0u32..=1_000_000,
		) {
			let legs = [
				Leg {
					underlying,
					spot: Price::from_inner(spot),
					quantity,
					base_decimals: decimals,
					instrument: Instrument::Perp,
					min_shock: Permill::from_parts(min_shock),
				},
				Leg {
					underlying,
					spot: Price::from_inner(spot),
					quantity,
					base_decimals: decimals,
					instrument: Instrument::Option(OptionTerms {
						kind: Kind::Put,
						strike: Price::from_inner(strike),
						years: FixedU128::from_inner(years),
						volatility: FixedU128::from_inner(vol),
						spread: Permill::from_percent(1),
						haircut: Permill::from_percent(10),
					}),
					min_shock: Permill::zero(),
				},
			];
			let shocks = [SpotShock::from_parts(shock), SpotShock::from_percent(0)];
			let vols = [FixedU128::from_inner(mult)];
			let g = Grid { spot_shocks: &shocks, vol_shocks: &vols, ..grid(&BOTH) };
			let e = evaluate(&g, &legs, qd);
			prop_assert!(e.maintenance <= e.initial);
		}
	}
}
