//! What `MarginApi` serves about perpetuals: positions, markets and the vault, at the latest
//! prices whatever their age (flagged where trading would refuse them).

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::perp,
	traits::{PriceMode, PriceProvider},
	MarketId, SubAccount,
};
use polkadot_sdk::frame_support::traits::Get;

impl<T: Config> Pallet<T> {
	/// The positions of `(who, sub)`, marked at the latest prices.
	pub fn position_reports(who: &T::AccountId, sub: SubAccount) -> Vec<PositionReport> {
		Self::positions_of(who, sub)
			.into_iter()
			.filter_map(|(market, pos)| {
				let m = Markets::<T>::get(market)?;
				let marked = Self::mark(market, &pos, PriceMode::LastKnown).ok();
				Some(PositionReport {
					market,
					quantity: pos.quantity,
					entry_price: perp::entry_price(
						pos.entry_notional,
						pos.quantity,
						m.params.base_decimals,
						T::QuoteDecimals::get(),
					)
					.unwrap_or_default(),
					mark_price: marked.map(|(p, _, _)| p),
					notional: marked.map_or(0, |(_, n, _)| n),
					unrealized_pnl: marked.map_or(0, |(_, _, u)| u),
				})
			})
			.collect()
	}

	/// Report of market `id`.
	pub fn market_report(id: MarketId) -> Option<MarketReport> {
		let m = Markets::<T>::get(id)?;
		let p = &m.params;
		let check = |mode| T::Prices::checked(p.oracle_key, mode);
		let last = check(PriceMode::LastKnown).ok();
		let side = |delta: i128| {
			last.map(|price| {
				let prem = perp::premium(
					delta,
					m.state.skew(),
					p.skew_scale,
					p.base_spread,
					p.max_premium,
				);
				perp::execution_price(price, delta, prem)
			})
		};
		Some(MarketReport {
			id,
			params: *p,
			long_oi: m.state.long_oi,
			short_oi: m.state.short_oi,
			price: last,
			price_stale: check(PriceMode::Fresh).is_err(),
			best_buy: side(1),
			best_sell: side(-1),
		})
	}

	/// All markets, by id.
	pub fn market_reports() -> Vec<MarketReport> {
		let mut ids: Vec<MarketId> = Markets::<T>::iter_keys().collect();
		ids.sort();
		ids.into_iter().filter_map(Self::market_report).collect()
	}

	/// The vault.
	pub fn vault_report() -> VaultReport {
		let v = VaultState::<T>::get();
		VaultReport {
			cash: v.cash,
			shares: v.shares,
			nav: Self::vault_nav(PriceMode::LastKnown).ok(),
			fees: FeePot::<T>::get(),
		}
	}
}
