//! The [`Derivatives`] interface through which the margin and liquidation engines see options:
//! each position counts at `bid × (1 − equity_haircut)` (fully paid: the same amount as its
//! initial requirement, no maintenance requirement), and a liquidation sells positions back to
//! the vault at the conservative bid. Cross accounts are margined by the portfolio grid
//! instead: [`Derivatives::risk_legs`] describes each live position (strike, expiry, implied
//! volatility now, spread, equity haircut) and the grid values it with the same function as
//! its equity here (`ballast_math::portfolio::option_value`), so its flat cell loses nothing
//! and a long option hedges the account's other positions on its underlying.

use crate::{
	impls::{payoff, value_of},
	pallet::*,
	types::*,
};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		portfolio, signed,
		units::{unit_price, Rounding},
	},
	traits::{Derivatives, Exposure, PositionView, PriceError, PriceMode, RiskLeg},
	Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::traits::Get,
	sp_arithmetic::{
		traits::{One, Zero},
		FixedI128, FixedU128, Permill,
	},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// `(value at the bid, underlying notional)` of a position at prices allowed by `mode`
	/// (quote smallest units, rounded down). A series being settled is worth its payout.
	pub(crate) fn position_value(
		series: &Series,
		pos: &Position,
		mode: PriceMode,
	) -> Result<(Balance, Balance), PriceError> {
		let u = Underlyings::<T>::get(series.params.underlying).ok_or(PriceError::Missing)?;
		let bd = u.base_decimals;
		match series.status {
			SeriesStatus::Live => {
				let spot = Self::spot(&series.params, mode)?;
				// A series the model cannot price counts for nothing (never healthier). Valued
				// by the one function the portfolio grid values its scenarios with.
				let value = Self::option_terms(&series.params, &u, spot)
					.and_then(|terms| {
						portfolio::option_value(
							pos.quantity,
							true,
							bd,
							T::QuoteDecimals::get(),
							&terms,
							spot,
							FixedU128::one(),
						)
					})
					.unwrap_or(0);
				let notional = value_of::<T>(pos.quantity, bd, spot, Rounding::Down).unwrap_or(0);
				Ok((value, notional))
			},
			SeriesStatus::Settling { price, ratio, .. } => {
				let full =
					value_of::<T>(pos.quantity, bd, payoff(&series.params, price), Rounding::Down)
						.unwrap_or(0);
				let notional = value_of::<T>(pos.quantity, bd, price, Rounding::Down).unwrap_or(0);
				Ok((ratio.mul_floor(full), notional))
			},
			SeriesStatus::Settled { .. } => Ok((0, 0)),
		}
	}

	/// What a position's value counts for in equity ([`portfolio::counted_value`]).
	pub(crate) fn counted(value: Balance) -> Balance {
		portfolio::counted_value(value, Rules::<T>::get().equity_haircut)
	}

	/// The terms the portfolio grid values a live series with at `spot`: its implied
	/// volatility there (sticky strike under the grid's shocks), the underlying's spread and the
	/// equity haircut. `None` if the model cannot price it.
	pub(crate) fn option_terms(
		params: &SeriesParams,
		u: &UnderlyingParams,
		spot: Price,
	) -> Option<portfolio::OptionTerms> {
		Some(portfolio::OptionTerms {
			kind: params.kind.into(),
			strike: params.strike,
			years: Self::years_to(params.expiry),
			volatility: Self::implied_volatility(params, u, spot)?,
			spread: u.spread,
			haircut: Rules::<T>::get().equity_haircut,
		})
	}

	/// The live positions of `(who, sub)` as the portfolio grid sees them, by series (what
	/// [`Derivatives::risk_legs`] and [`Derivatives::market_legs`] return).
	fn series_legs(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<(SeriesId, RiskLeg)>, PriceError> {
		let mut legs = Vec::new();
		for (id, series, pos) in Self::positions_of(who, sub) {
			if series.status != SeriesStatus::Live {
				continue;
			}
			let u = Underlyings::<T>::get(series.params.underlying).ok_or(PriceError::Missing)?;
			let spot = Self::spot(&series.params, mode)?;
			let Some(terms) = Self::option_terms(&series.params, &u, spot) else { continue };
			legs.push((
				id,
				RiskLeg {
					underlying: series.params.underlying,
					spot,
					quantity: i128::try_from(pos.quantity).unwrap_or(i128::MAX),
					base_decimals: u.base_decimals,
					instrument: portfolio::Instrument::Option(terms),
					min_shock: Permill::zero(),
				},
			));
		}
		Ok(legs)
	}

	/// Liquidation: sell `fraction` (rounded up) of a live position back to the vault at the bid
	/// at the conservative price. Returns the proceeds (nothing for a series being settled).
	fn liquidate_position(
		who: &T::AccountId,
		sub: SubAccount,
		id: SeriesId,
		mut series: Series,
		pos: Position,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		if series.status != SeriesStatus::Live {
			return Ok(0);
		}
		let quantity = fraction.mul_ceil(pos.quantity).min(pos.quantity);
		if quantity == 0 {
			return Ok(0);
		}
		let u =
			Underlyings::<T>::get(series.params.underlying).ok_or(Error::<T>::UnknownUnderlying)?;
		let spot = Self::spot(&series.params, PriceMode::Conservative).map_err(Error::<T>::from)?;
		let q = Self::quote_at(&series.params, &u, spot).ok_or(Error::<T>::Unpriceable)?;
		let proceeds = value_of::<T>(quantity, u.base_decimals, q.bid, Rounding::Down)
			.ok_or(Error::<T>::Overflow)?;
		Self::reduce(who, sub, id, &mut series, pos, quantity, proceeds)?;
		Self::deposit_event(Event::LiquidatedToVault {
			who: who.clone(),
			sub,
			series: id,
			quantity,
			proceeds,
		});
		Ok(proceeds)
	}

	/// The positions of `(who, sub)` with their series.
	pub fn positions_of(who: &T::AccountId, sub: SubAccount) -> Vec<(SeriesId, Series, Position)> {
		let key = (who.clone(), sub);
		AccountSeries::<T>::get(&key)
			.into_iter()
			.filter_map(|id| {
				let s = AllSeries::<T>::get(id)?;
				let p = Positions::<T>::get(id, &key)?;
				Some((id, s, p))
			})
			.collect()
	}
}

impl<T: Config> Derivatives<T::AccountId> for Pallet<T> {
	fn exposure(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Exposure, PriceError> {
		let mut e = Exposure::default();
		for (_, series, pos) in Self::positions_of(who, sub) {
			let (value, notional) = Self::position_value(&series, &pos, mode)?;
			let counted = Self::counted(value);
			e = e.combine(&Exposure {
				unrealized_pnl: signed(counted),
				// Paid in full: an option supports no new risk, the account's own included.
				initial_requirement: counted,
				maintenance_requirement: 0,
				positions: 1,
				notional,
			});
		}
		Ok(e)
	}

	/// Live positions only: a series being settled has a fixed payout (no risk left), and one
	/// the model cannot price counts for nothing now, so it has nothing to lose either.
	fn risk_legs(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Vec<RiskLeg>, PriceError> {
		Ok(Self::series_legs(who, sub, mode)?.into_iter().map(|(_, leg)| leg).collect())
	}

	/// [`Self::risk_legs`] by series.
	fn market_legs(
		who: &T::AccountId,
		sub: SubAccount,
		mode: PriceMode,
	) -> Result<Option<Vec<(MarketId, RiskLeg)>>, PriceError> {
		Self::series_legs(who, sub, mode).map(Some)
	}

	/// [`Self::close_fraction`] of one series (a position being settled is left to settlement).
	fn close_position(
		who: &T::AccountId,
		sub: SubAccount,
		market: MarketId,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let key = (who.clone(), sub);
		let Some(series) = AllSeries::<T>::get(market) else { return Ok(0) };
		let Some(pos) = Positions::<T>::get(market, &key) else { return Ok(0) };
		Self::liquidate_position(who, sub, market, series, pos, fraction)
	}

	fn market_exists(market: MarketId) -> bool {
		AllSeries::<T>::contains_key(market)
	}

	fn positions(who: &T::AccountId, sub: SubAccount) -> Vec<PositionView> {
		Self::positions_of(who, sub)
			.into_iter()
			.map(|(id, s, p)| {
				let decimals =
					Underlyings::<T>::get(s.params.underlying).map_or(0, |u| u.base_decimals);
				PositionView {
					market: id,
					quantity: i128::try_from(p.quantity).unwrap_or(i128::MAX),
					entry_notional: p.cost,
					entry_price: unit_price(
						p.cost,
						p.quantity,
						decimals,
						T::QuoteDecimals::get(),
						Rounding::Up,
					)
					.unwrap_or_default(),
				}
			})
			.collect()
	}

	/// The underlying's conservative price.
	fn mark_price(market: MarketId) -> Option<Price> {
		let s = AllSeries::<T>::get(market)?;
		Self::spot(&s.params, PriceMode::Conservative).ok()
	}

	/// Options pay no funding: a flat index.
	fn funding_index(market: MarketId) -> Option<FixedI128> {
		AllSeries::<T>::contains_key(market).then(FixedI128::zero)
	}

	/// A long option alone has no liquidation price: it never costs more than was paid.
	fn liquidation_price(
		_who: &T::AccountId,
		_sub: SubAccount,
		_other_equity: SignedBalance,
	) -> Option<(MarketId, bool, Price)> {
		None
	}

	fn position_pnl(
		who: &T::AccountId,
		sub: SubAccount,
		market: MarketId,
	) -> Option<(SignedBalance, Balance)> {
		let s = AllSeries::<T>::get(market)?;
		let pos = Positions::<T>::get(market, (who, sub))?;
		let (value, _) = Self::position_value(&s, &pos, PriceMode::Conservative).ok()?;
		Some((signed(value).saturating_sub(signed(pos.cost)), pos.cost))
	}

	/// Sell `fraction` (rounded up) of every live position back to the vault at the bid at the
	/// conservative price; no minimum premium, trading cutoff or caps apply. Positions of a
	/// series being settled are left to settlement. Returns the proceeds.
	fn close_fraction(
		who: &T::AccountId,
		sub: SubAccount,
		fraction: Permill,
	) -> Result<Balance, DispatchError> {
		let mut total: Balance = 0;
		for (id, series, pos) in Self::positions_of(who, sub) {
			let proceeds = Self::liquidate_position(who, sub, id, series, pos, fraction)?;
			total = total.saturating_add(proceeds);
		}
		Ok(total)
	}

	fn deleverage(
		_who: &T::AccountId,
		_sub: SubAccount,
		_market: MarketId,
		_fraction: Permill,
	) -> Result<SignedBalance, DispatchError> {
		Err(Error::<T>::NotDeleveraged.into())
	}
}
