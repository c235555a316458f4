//! `MarginApi`: what traders and front-ends ask about margin accounts, markets and the vault.
//!
//! Served as `api.call.marginApi.*` in polkadot.js; every type here is described in the
//! runtime metadata, so no client needs custom type definitions. Values are reported at the
//! latest oracle prices whatever their age, with a `stale` flag wherever a price would be
//! refused for a risk-increasing action.

//!
//! Each pallet assembles its own part (`pallet_margin_accounts::AccountReport`,
//! `pallet_perpetuals::{PositionReport, MarketReport, VaultReport}`); an account summary puts
//! the two side by side. `LiquidationApi` is declared by `pallet-liquidation`.

use alloc::vec::Vec;
use ballast_primitives::{Balance, MarketId, Price, SubAccount};
use codec::{Decode, Encode};
use pallet_margin_accounts::{AccountReport, ScenarioTable};
pub use pallet_perpetuals::{MarketReport, PositionReport, VaultReport};
use polkadot_sdk::sp_api;
use scale_info::TypeInfo;

/// Everything about one margin account.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct AccountSummary {
	/// Sub-account index (0: cross).
	pub sub: SubAccount,
	/// Collateral, quote balance, equity, requirements, health.
	pub margin: AccountReport,
	/// Open positions.
	pub positions: Vec<PositionReport>,
	/// Isolated accounts with one position: the oracle price at which it becomes liquidatable,
	/// other prices unchanged.
	pub liquidation_price: Option<Price>,
}

impl AccountSummary {
	/// The summary of `(who, sub)`: the margin pallet's report beside the perpetuals'.
	pub fn of(who: &crate::AccountId, sub: SubAccount) -> Option<Self> {
		let margin = crate::MarginAccounts::report(who, sub)?;
		let liquidation_price = margin.liquidation_price;
		let positions = crate::Perpetuals::position_reports(who, sub);
		Some(AccountSummary { sub, margin, positions, liquidation_price })
	}
}

sp_api::decl_runtime_apis! {
	/// Margin accounts, markets and the vault, for traders and front-ends. Version 2 adds
	/// `scenario_table`.
	#[api_version(2)]
	pub trait MarginApi<AccountId> where AccountId: codec::Codec {
		/// Summaries of all margin accounts of `who`.
		fn accounts(who: AccountId) -> Vec<AccountSummary>;
		/// Summary of margin account `(who, sub)`.
		fn account_summary(who: AccountId, sub: SubAccount) -> Option<AccountSummary>;
		/// All markets.
		fn markets() -> Vec<MarketReport>;
		/// One market.
		fn market(id: MarketId) -> Option<MarketReport>;
		/// The vault.
		fn vault() -> VaultReport;
		/// LP shares of `who`.
		fn lp_shares(who: AccountId) -> Balance;
		/// The portfolio-margin grid of the cross account `(who, sub)`, cell by cell (P&L per
		/// underlying, spot shock and volatility multiplier), with the worst loss, floor and
		/// requirements it gives; `None` for an isolated account.
		#[api_version(2)]
		fn scenario_table(who: AccountId, sub: SubAccount) -> Option<ScenarioTable>;
	}
}
