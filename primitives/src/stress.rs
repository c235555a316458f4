//! Glue traits between the stress test (`pallet-stress`), the margin engine that it values and
//! the pallets that apply its tightening; re-exported from [`crate::traits`].

use crate::{SignedBalance, SubAccount};
use alloc::vec::Vec;
use polkadot_sdk::sp_arithmetic::Permill;

/// One position as the portfolio-margin grid sees it.
use crate::traits::RiskLeg;

/// One collateral holding as the stress test sees it.
pub use ballast_math::stress::Holding as StressHolding;

/// What the chain-wide stress test needs of one margin account (see
/// [`ballast_math::stress`]), valued at the latest usable prices.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct StressProfile {
	/// Equity before haircuts: quote balance + collateral value + unrealized PnL.
	pub equity: SignedBalance,
	/// Collateral holdings with a price, valued now.
	pub holdings: Vec<StressHolding>,
	/// Positions, as the portfolio grid sees them.
	pub legs: Vec<RiskLeg>,
}

impl StressProfile {
	/// Nothing to stress: no position and no debt (collateral alone never falls short).
	pub fn is_riskless(&self) -> bool {
		self.legs.is_empty() && self.equity >= 0 && self.holdings.is_empty()
	}
}

/// The margin engine as the stress test sees it.
pub trait StressSubject<AccountId> {
	/// The stress profile of `(who, sub)`; `None` if it does not exist, or holds nothing a
	/// price move could turn into a loss beyond its equity (no position, no debt).
	fn stress_profile(who: &AccountId, sub: SubAccount) -> Option<StressProfile>;
}

/// The margin accounts that can fall short at all: those holding a position or owing debt, in
/// a stable order (the liquidation engine's watch). The stress test's pass walks these only, so
/// empty accounts — however many — never lengthen it.
pub trait RiskBearers<AccountId> {
	/// Up to `limit` such accounts following `after` in storage order (from the start for
	/// `None`). Fewer than `limit` means the end was reached.
	fn accounts_after(
		after: Option<(AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(AccountId, SubAccount)>;
}

/// The tightening of new risk the stress test has set (see [`ballast_math::stress`]): the
/// margin engine and the products apply it to initial requirements, haircuts and caps.
pub trait RiskTightening {
	/// The level now (zero: none).
	fn level() -> Permill;
}

impl RiskTightening for () {
	fn level() -> Permill {
		Permill::zero()
	}
}

/// Funds that absorb losses beyond traders' equity before anyone else: insurance funds and the
/// liquidity vaults' net asset value. Tuples sum.
pub trait LossCapacity {
	/// What this fund can absorb (negative: it is itself short).
	fn loss_capacity() -> SignedBalance;
}

#[impl_trait_for_tuples::impl_for_tuples(4)]
impl LossCapacity for Tuple {
	fn loss_capacity() -> SignedBalance {
		let mut total: SignedBalance = 0;
		for_tuples!( #( total = total.saturating_add(Tuple::loss_capacity()); )* );
		total
	}
}
