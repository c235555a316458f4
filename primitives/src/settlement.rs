//! Glue traits between the global settlement (`pallet-global-settlement`) and the products and
//! liquidation engine it stops and settles; re-exported from [`crate::traits`].

use crate::{OracleKey, Price};
use alloc::vec::Vec;
use polkadot_sdk::sp_runtime::Weight;

/// Whether a global settlement (emergency shutdown) is under way, as the products and the
/// liquidation engine see it (implemented by `pallet-global-settlement`; `()`: always live).
/// Once triggered it never ends: `Live → Settling → Settled`.
pub trait SettlementStatus {
	/// No global settlement was triggered: trading and new liquidity are open.
	fn is_live() -> bool;

	/// Positions are being settled at the fixed prices (triggered, not yet complete): the
	/// liquidation engine closes nothing at live prices meanwhile.
	fn is_settling() -> bool {
		false
	}
}

impl SettlementStatus for () {
	fn is_live() -> bool {
		true
	}
}

/// What one step of a global settlement did ([`GlobalSettle::settle_next`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SettleStep {
	/// Positions settled in this step.
	pub settled: u32,
	/// Weight used.
	pub weight: Weight,
	/// Nothing is left to settle.
	pub done: bool,
}

/// A product that a global settlement closes: every open position settled at one fixed price
/// per oracle key, a bounded number per block, resuming where it stopped (the product keeps its
/// own cursor). Implemented by each derivative pallet and for tuples of them (each member in
/// turn, while positions and budget remain; done when every member is).
pub trait GlobalSettle {
	/// The oracle keys whose price the product's open positions need (every market's or
	/// underlying's key: the settlement fixes one price for each).
	fn price_keys() -> Vec<OracleKey>;

	/// Settle up to `max_positions` positions at `prices` (`(key, price)`, one per key of
	/// [`Self::price_keys`]) within `budget` (at least one position whatever the budget, so the
	/// settlement always progresses).
	fn settle_next(prices: &[(OracleKey, Price)], max_positions: u32, budget: Weight)
		-> SettleStep;
}

#[impl_trait_for_tuples::impl_for_tuples(4)]
impl GlobalSettle for Tuple {
	fn price_keys() -> Vec<OracleKey> {
		let mut all: Vec<OracleKey> = Vec::new();
		for_tuples!( #(
			for k in Tuple::price_keys() { if !all.contains(&k) { all.push(k); } }
		)* );
		all.sort_unstable();
		all
	}

	fn settle_next(
		prices: &[(OracleKey, Price)],
		max_positions: u32,
		budget: Weight,
	) -> SettleStep {
		let mut total = SettleStep { settled: 0, weight: Weight::zero(), done: true };
		for_tuples!( #(
			if total.done {
				let left = max_positions.saturating_sub(total.settled);
				if left == 0 || (total.settled > 0 && total.weight.any_gte(budget)) {
					total.done = false;
				} else {
					let step = Tuple::settle_next(prices, left, budget.saturating_sub(total.weight));
					total.settled = total.settled.saturating_add(step.settled);
					total.weight = total.weight.saturating_add(step.weight);
					total.done = step.done;
				}
			}
		)* );
		total
	}
}

/// A test double of the global settlement's status for the pallets' mocks: one phase per test
/// thread, `Live` until a test sets another (`MockSettlement::set`).
#[cfg(feature = "std")]
pub mod testing {
	use super::SettlementStatus;
	use core::cell::Cell;

	/// Where the mocked settlement is.
	#[derive(Clone, Copy, PartialEq, Eq, Debug)]
	pub enum MockPhase {
		/// Nothing triggered.
		Live,
		/// Triggered, positions being settled.
		Settling,
		/// Every position settled.
		Settled,
	}

	std::thread_local! {
		static PHASE: Cell<MockPhase> = const { Cell::new(MockPhase::Live) };
	}

	/// The mocked status: [`SettlementStatus`] from the phase a test set.
	pub struct MockSettlement;

	impl MockSettlement {
		/// Move the mocked settlement to `phase`.
		pub fn set(phase: MockPhase) {
			PHASE.with(|p| p.set(phase));
		}
	}

	impl SettlementStatus for MockSettlement {
		fn is_live() -> bool {
			PHASE.with(Cell::get) == MockPhase::Live
		}
		fn is_settling() -> bool {
			PHASE.with(Cell::get) == MockPhase::Settling
		}
	}
}
