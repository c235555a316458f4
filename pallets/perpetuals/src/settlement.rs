//! Liquidation closes and auto-deleveraging, and the [`Derivatives`] interface through which
//! the margin and liquidation engines see perpetuals.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{perp, portfolio},
	traits::{Derivatives, Exposure, PositionView, PriceError, PriceMode, RiskLeg},
	Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::traits::Get,
	sp_arithmetic::{FixedI128, Permill},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Close `fraction` of one position at the conservative price against the vault, without
	/// premium or fee, through the one fill path. Returns the closed notional and what was
	/// settled to the quote balance (realized PnL net of funding).
	pub(crate) fn close_part(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		pos: Position,
		fraction: Permill,
	) -> Result<(Balance, SignedBalance), DispatchError> {
		let mut market = Markets::<T>::get(market_id).ok_or(Error::<T>::UnknownMarket)?;
		let price =
			Self::price_for(&market.params, PriceMode::Conservative).map_err(Error::<T>::from)?;
		Self::accrue(&mut market);
		let size = perp::fraction_of_size(pos.quantity, fraction);
		if size == 0 {
			return Ok((0, 0));
		}
		let delta = perp::reducing_delta(pos.quantity, size);
		let done = Self::execute_fill(
			who,
			sub,
			market_id,
			&mut market,
			delta,
			price,
			(Permill::zero(), 0),
			|_, _| Ok(()),
		)?;
		Markets::<T>::insert(market_id, market);
		Ok((done.fill.exit_notional, done.settled))
	}
}

impl<T: Config> Derivatives<T::AccountId> for Pallet<T> {
	fn exposure(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Exposure, PriceError> {
		let mut e = Exposure::default();
		for (market, pos) in Positions::<T>::iter_prefix((who.clone(), sub)) {
			let m = Markets::<T>::get(market).ok_or(PriceError::Missing)?;
			let (_, notional, pnl) = Self::mark(market, &pos, mode)?;
			e = e.combine(&Exposure {
				unrealized_pnl: pnl,
				initial_requirement: m.params.initial_margin.mul_ceil(notional),
				maintenance_requirement: m.params.maintenance_margin.mul_ceil(notional),
				positions: 1,
				notional,
			});
		}
		Ok(e)
	}

	fn risk_legs(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<RiskLeg>, PriceError> {
		let mut legs = Vec::new();
		for (market, pos) in Positions::<T>::iter_prefix((who.clone(), sub)) {
			let m = Markets::<T>::get(market).ok_or(PriceError::Missing)?;
			legs.push(RiskLeg {
				underlying: m.params.oracle_key,
				spot: Self::price_for(&m.params, mode)?,
				quantity: pos.quantity,
				base_decimals: m.params.base_decimals,
				instrument: portfolio::Instrument::Perp,
				// A cross account gets no more leverage than the market allows.
				min_shock: m.params.initial_margin,
			});
		}
		Ok(legs)
	}

	fn market_exists(market: MarketId) -> bool {
		Markets::<T>::contains_key(market)
	}

	fn positions(who: &T::AccountId, sub: SubAccount) -> Vec<PositionView> {
		Self::positions_of(who, sub)
			.into_iter()
			.map(|(market, pos)| {
				let entry_price = Markets::<T>::get(market)
					.and_then(|m| {
						perp::entry_price(
							pos.entry_notional,
							pos.quantity,
							m.params.base_decimals,
							T::QuoteDecimals::get(),
						)
					})
					.unwrap_or_default();
				PositionView {
					market,
					quantity: pos.quantity,
					entry_notional: pos.entry_notional,
					entry_price,
				}
			})
			.collect()
	}

	/// The same conservative price for longs and shorts: an outlier print is never used for
	/// either side.
	fn mark_price(market: MarketId) -> Option<Price> {
		let m = Markets::<T>::get(market)?;
		Self::price_for(&m.params, PriceMode::Conservative).ok()
	}

	fn funding_index(market: MarketId) -> Option<FixedI128> {
		let m = Markets::<T>::get(market)?;
		let price = Self::price_for(&m.params, PriceMode::Conservative).ok()?;
		Some(Self::current_index(&m, price))
	}

	fn liquidation_price(
		who: &T::AccountId,
		sub: SubAccount,
		other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		let positions = Self::positions_of(who, sub);
		let [(market, pos)] = positions.as_slice() else { return None };
		let m = Markets::<T>::get(market)?;
		// Funding the position owes as of now is equity it no longer has (it keeps accruing:
		// the engine re-files the account whenever it changes, and its index keeps a band).
		let owed = Self::price_for(&m.params, PriceMode::LastKnown)
			.map(|p| {
				perp::funding_owed(
					pos.quantity,
					m.params.base_decimals,
					pos.funding_index,
					Self::current_index(&m, p),
				)
			})
			.unwrap_or(0);
		let price = perp::isolated_liquidation_price(
			pos.quantity,
			m.params.base_decimals,
			pos.entry_notional,
			other_equity.saturating_sub(owed),
			m.params.maintenance_margin,
			T::QuoteDecimals::get(),
		)?;
		Some((*market, pos.quantity > 0, price))
	}

	fn position_pnl(
		who: &T::AccountId,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		let pos = Positions::<T>::get((who, sub), market)?;
		// At the price deleveraging would close it at.
		let (_, _, pnl) = Self::mark(market, &pos, PriceMode::Conservative).ok()?;
		Some((pnl, pos.entry_notional))
	}

	fn close_fraction(
		who: &T::AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let mut closed: Balance = 0;
		for (market_id, pos) in Self::positions_of(who, sub) {
			let (exit, _) = Self::close_part(who, sub, market_id, pos, fraction)?;
			closed = closed.saturating_add(exit);
		}
		Ok(closed)
	}

	fn deleverage(
		who: &T::AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		let pos = Positions::<T>::get((who, sub), market).ok_or(Error::<T>::NoPosition)?;
		Self::close_part(who, sub, market, pos, fraction).map(|(_, settled)| settled)
	}

	/// [`Self::risk_legs`] by market (the same legs, in the same order).
	fn market_legs(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Option<Vec<(MarketId, RiskLeg)>>, PriceError> {
		let markets = Positions::<T>::iter_key_prefix((who.clone(), sub));
		let legs = Self::risk_legs(who, sub, mode)?;
		Ok(Some(markets.zip(legs).collect()))
	}

	fn close_position(
		who: &T::AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let Some(pos) = Positions::<T>::get((who, sub), market) else { return Ok(0) };
		Self::close_part(who, sub, market, pos, fraction).map(|(exit, _)| exit)
	}
}
