//! What `OptionsApi` serves: series with their quotes, positions with their values and greeks,
//! an account's greeks by underlying, and the vault, at the latest prices whatever their age.

use crate::{pallet::*, types::*, vault::whole};
use alloc::vec::Vec;
use ballast_primitives::{
	traits::{PriceMode, PriceProvider},
	Balance, SubAccount,
};

impl<T: Config> Pallet<T> {
	/// Report of series `id`.
	pub fn series_report(id: SeriesId) -> Option<SeriesReport> {
		let s = AllSeries::<T>::get(id)?;
		let quote = (s.status == SeriesStatus::Live)
			.then(|| Self::quote(id, PriceMode::LastKnown).ok())
			.flatten();
		Some(SeriesReport {
			id,
			params: s.params,
			open_interest: s.open_interest,
			status: s.status,
			quote,
			price_stale: T::Prices::checked(s.params.underlying, PriceMode::Fresh).is_err(),
		})
	}

	/// Every series not yet settled.
	pub fn series_reports() -> Vec<SeriesReport> {
		ActiveSeries::<T>::get().into_iter().filter_map(|(id, _)| Self::series_report(id)).collect()
	}

	/// The positions of `(who, sub)` with their values (at the bid) and greeks.
	pub fn position_greeks(who: &T::AccountId, sub: SubAccount) -> Vec<PositionGreeks> {
		Self::positions_of(who, sub)
			.into_iter()
			.map(|(id, s, p)| {
				let value = Self::position_value(&s, &p, PriceMode::LastKnown).ok().map(|v| v.0);
				let greeks = (s.status == SeriesStatus::Live)
					.then(|| {
						let u = Underlyings::<T>::get(s.params.underlying)?;
						let q = Self::quote(id, PriceMode::LastKnown).ok()?;
						Some(q.greeks.scaled(whole(p.quantity, u.base_decimals)))
					})
					.flatten();
				PositionGreeks {
					series: id,
					underlying: s.params.underlying,
					quantity: p.quantity,
					cost: p.cost,
					value,
					greeks,
				}
			})
			.collect()
	}

	/// The greeks of `(who, sub)`'s options, summed by underlying.
	pub fn account_greeks(who: &T::AccountId, sub: SubAccount) -> Vec<UnderlyingGreeks> {
		let mut out: Vec<UnderlyingGreeks> = Vec::new();
		for p in Self::position_greeks(who, sub) {
			let Some(g) = p.greeks else { continue };
			match out.iter_mut().find(|u| u.underlying == p.underlying) {
				Some(u) => u.greeks = u.greeks.plus(&g),
				None => out.push(UnderlyingGreeks { underlying: p.underlying, greeks: g }),
			}
		}
		out
	}

	/// The vault.
	pub fn vault_report() -> VaultReport {
		let v = VaultState::<T>::get();
		let book = Self::book(PriceMode::LastKnown).ok();
		VaultReport {
			cash: v.cash,
			reserved: v.reserved,
			shares: v.shares,
			nav: Self::vault_nav(PriceMode::LastKnown).ok(),
			stress_loss: book.as_ref().map(|b| b.stress_loss()),
			greeks: book
				.map(|b| {
					b.underlyings
						.iter()
						.map(|u| UnderlyingGreeks { underlying: u.key, greeks: u.greeks })
						.collect()
				})
				.unwrap_or_default(),
		}
	}

	/// Options-vault LP shares of `who` (free and pending withdrawal).
	pub fn lp_shares_of(who: &T::AccountId) -> Balance {
		LpShares::<T>::get(who).saturating_add(PendingExits::<T>::get(who).map_or(0, |e| e.shares))
	}
}
