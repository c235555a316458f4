//! `MarginApi`: what traders and front-ends ask about margin accounts, markets and the vault.
//!
//! Served as `api.call.marginApi.*` in polkadot.js; every type here is described in the
//! runtime metadata, so no client needs custom type definitions. Values are reported at the
//! latest oracle prices whatever their age, with a `stale` flag wherever a price would be
//! refused for a risk-increasing action.

use alloc::vec::Vec;
use ballast_primitives::{Balance, MarketId, Price, SignedBalance, SubAccount};
use codec::{Decode, Encode};
use pallet_margin_accounts::AccountReport;
use pallet_perpetuals::MarketParams;
use polkadot_sdk::sp_api;
use scale_info::TypeInfo;

/// One open position.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct PositionReport {
	/// Market.
	pub market: MarketId,
	/// Signed size in base smallest units, positive long, negative short. (Named `quantity`,
	/// not `size`: polkadot.js structs are JS Maps, whose `size` is the number of fields.)
	pub quantity: i128,
	/// Average entry price.
	pub entry_price: Price,
	/// Oracle price it is marked at, if any.
	pub mark_price: Option<Price>,
	/// Notional at the mark price.
	pub notional: Balance,
	/// Unrealized PnL including funding not yet settled.
	pub unrealized_pnl: SignedBalance,
}

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

/// A market with its state.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct MarketReport {
	/// Market id.
	pub id: MarketId,
	/// Parameters.
	pub params: MarketParams,
	/// Σ long sizes.
	pub long_oi: Balance,
	/// Σ |short sizes|.
	pub short_oi: Balance,
	/// Oracle price, if any.
	pub price: Option<Price>,
	/// Whether trading would refuse that price.
	pub price_stale: bool,
	/// Execution price of a buy of one smallest unit now (premium included), if priced.
	pub best_buy: Option<Price>,
	/// Execution price of a sell of one smallest unit now, if priced.
	pub best_sell: Option<Price>,
}

/// The liquidity vault.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct VaultReport {
	/// Quote asset held by the vault.
	pub cash: SignedBalance,
	/// LP shares outstanding.
	pub shares: Balance,
	/// Net asset value (cash − traders' unrealized PnL) at the latest prices.
	pub nav: Option<SignedBalance>,
	/// Trading fees collected.
	pub fees: Balance,
}

/// A live liquidation auction.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct AuctionReport<AccountId> {
	/// Auction id, for `liquidation.take` / `liquidation.restart`.
	pub id: u32,
	/// Liquidated account.
	pub who: AccountId,
	/// Its sub-account.
	pub sub: SubAccount,
	/// Collateral asset sold.
	pub asset: u32,
	/// Remaining lot, smallest units.
	pub lot: Balance,
	/// Current price (quote per whole token), if the asset is priced.
	pub price: Option<Price>,
	/// Floor below which nothing sells.
	pub floor: Option<Price>,
	/// Whether it must be restarted before anyone can take.
	pub needs_reset: bool,
}

/// Insurance funds and bad debt.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct InsuranceReport {
	/// The global fund.
	pub global: Balance,
	/// Per-market funds.
	pub markets: Vec<(MarketId, Balance)>,
	/// Debt written off so far.
	pub bad_debt: Balance,
	/// Shortfalls the funds did not cover, waiting for auto-deleveraging.
	pub deleveraging: Balance,
}

sp_api::decl_runtime_apis! {
	/// The liquidation engine: accounts at risk, live auctions, insurance funds, bad debt.
	pub trait LiquidationApi<AccountId> where AccountId: codec::Codec {
		/// Isolated accounts whose liquidation price the mark price has crossed (up to `limit`),
		/// with that liquidation price: the next sweep acts on them.
		fn at_risk(limit: u32) -> Vec<(AccountId, SubAccount, Price)>;
		/// Health of `(who, sub)` as the engine sees it (conservative prices: the latest when
		/// fresh and in bounds, otherwise the worse of it and the last valid one).
		fn health(who: AccountId, sub: SubAccount) -> Option<ballast_primitives::traits::AccountHealth>;
		/// Live auctions with their current price and remaining lot.
		fn auctions() -> Vec<AuctionReport<AccountId>>;
		/// Insurance funds, shortfalls waiting for auto-deleveraging, and bad debt.
		fn insurance() -> InsuranceReport;
	}

	/// Margin accounts, markets and the vault, for traders and front-ends.
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
	}
}
