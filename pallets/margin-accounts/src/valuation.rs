//! Valuation: one pass over an account's collateral and positions at the prices a
//! [`PriceMode`] allows, through the one margin formula (`ballast_math::margin`). Used by the
//! margin tests (fresh prices), the liquidation engine's snapshot (conservative prices) and
//! client reports (latest prices).

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		margin::{self, CollateralLine, Valuation},
		portfolio, stress,
		units::{quote_value, Rounding},
	},
	traits::{
		AccountSnapshot, CollateralRisk, Derivatives, Exposure, MarginSide, PriceError, PriceMode,
		PriceProvider, RiskTightening, StressHolding, StressProfile, StressSubject,
	},
	AssetId, AssetStatus, Balance, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get},
	sp_arithmetic::Permill,
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Value `account` (owned by `(who, sub)`) at prices allowed by `mode`: the valuation and
	/// the derivative exposure it was made from (one pass over collateral and positions).
	///
	/// A holding without a price `mode` allows fails the valuation, except in
	/// [`PriceMode::Conservative`] (liquidation), where it counts for nothing: an account is
	/// never unvaluable, and so never spared, because of a holding nobody can price. The
	/// margin tests of risk-increasing actions ([`PriceMode::Fresh`]) fail closed instead, with
	/// the price's reason. Positions without a price fail the valuation in every mode (they
	/// could not be closed at any price either).
	///
	/// Also returns the requirement's price sensitivity (the portfolio grid's, for a cross
	/// account; zero for linear requirements): see [`Self::exposure_of`].
	pub fn valuation_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
		mode: PriceMode,
	) -> Result<(Valuation, Exposure, Balance), PriceError> {
		let mut lines = Vec::with_capacity(account.collateral.len());
		for (asset, amount) in account.collateral.iter() {
			match Self::line(*asset, *amount, mode) {
				Ok(line) => lines.extend(line),
				Err(_) if mode == PriceMode::Conservative => {},
				Err(e) => return Err(e),
			}
		}
		let (exposure, sensitivity) = Self::exposure_of(who, sub, account, mode)?;
		let v = Self::value(&mut lines, account.quote, &exposure);
		Ok((v, exposure, sensitivity))
	}

	/// The one margin formula over valued `lines`, `quote` and `exposure`, with the stress
	/// test's tightening of new risk applied to the initial side only (haircuts and initial
	/// requirement; maintenance is untouched).
	fn value(lines: &mut [CollateralLine], quote: SignedBalance, exposure: &Exposure) -> Valuation {
		let level = T::Tightening::level();
		let mut requirements = exposure.requirements();
		if !level.is_zero() {
			for line in lines.iter_mut() {
				line.haircut = stress::tightened_haircut(line.haircut, level);
			}
			requirements.initial = stress::tightened_requirement(requirements.initial, level);
		}
		margin::valuation(lines, quote, &requirements, T::UnrealizedPnlHaircut::get())
	}

	/// The derivative exposure of `(who, sub)` at prices allowed by `mode`, with the
	/// requirements of its account's rule: a **cross** account's are the portfolio grid's
	/// ([`Config::PortfolioGrid`], [`portfolio::evaluate`]: the worst loss of all its positions
	/// together over the full grid, at least the contingency floor; maintenance a share of
	/// it); an **isolated** account's (and a cross account's without a grid) are the products'
	/// linear per-position requirements. Also returns how far the maintenance requirement can
	/// move per unit of relative price move beyond itself (the grid's
	/// [`portfolio::price_sensitivity`]; zero for linear requirements, which move in
	/// proportion), for the liquidation engine's margin of safety.
	pub fn exposure_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
		mode: PriceMode,
	) -> Result<(Exposure, Balance), PriceError> {
		let mut exposure = T::Derivatives::exposure(who, sub, mode)?;
		let mut sensitivity = 0;
		if account.market.is_none() {
			if let Some(grid) = T::PortfolioGrid::get() {
				let legs = T::Derivatives::risk_legs(who, sub, mode)?;
				let e = portfolio::evaluate(&grid, &legs, T::QuoteDecimals::get());
				exposure.initial_requirement = e.initial;
				exposure.maintenance_requirement = e.maintenance;
				sensitivity = e.price_sensitivity;
			}
		}
		Ok((exposure, sensitivity))
	}

	/// Value one holding; `None` for an asset that counts for nothing (delisted or unlisted).
	pub(crate) fn line(
		asset: AssetId,
		amount: Balance,
		mode: PriceMode,
	) -> Result<Option<CollateralLine>, PriceError> {
		let Some(terms) = T::Risk::terms(asset, amount) else { return Ok(None) };
		if terms.status == AssetStatus::Delisted {
			return Ok(None);
		}
		// Bounds, age and circuit breaker are the price guard's.
		let price = T::Prices::checked(terms.oracle_key, mode)?;
		// Rounded down; a value too large to represent counts for nothing (never healthier).
		let value =
			quote_value(amount, terms.decimals, price, T::QuoteDecimals::get(), Rounding::Down)
				.unwrap_or(0);
		Ok(Some(CollateralLine {
			value,
			haircut: terms.haircut,
			maintenance_weight: terms.maintenance_weight,
		}))
	}

	/// Ok if `account` (the would-be state of `(who, sub)`) meets its initial margin.
	pub(crate) fn ensure_initial_margin_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
	) -> DispatchResult {
		// Nothing at risk: no prices needed. Positions are only known to the derivative pallets;
		// asking them at last-known prices tells whether there are any without failing on age.
		if account.quote >= 0 && T::Derivatives::positions(who, sub).is_empty() {
			return Ok(());
		}
		let (v, _, _) =
			Self::valuation_of(who, sub, account, PriceMode::Fresh).map_err(Error::<T>::from)?;
		ensure!(v.meets_initial(), Error::<T>::InsufficientMargin);
		Ok(())
	}

	/// Valuation of `(who, sub)` at fresh prices, or why it cannot be valued.
	pub fn valuation(who: &T::AccountId, sub: SubAccount) -> Result<Valuation, DispatchError> {
		let account = Accounts::<T>::get(who, sub).ok_or(Error::<T>::UnknownAccount)?;
		Ok(Self::valuation_of(who, sub, &account, PriceMode::Fresh).map_err(Error::<T>::from)?.0)
	}

	/// A client's view of `(who, sub)`, at the latest prices whatever their age (flagged).
	pub fn report(who: &T::AccountId, sub: SubAccount) -> Option<AccountReport> {
		let account = Accounts::<T>::get(who, sub)?;
		let mut collateral = Vec::with_capacity(account.collateral.len());
		let mut lines = Vec::with_capacity(account.collateral.len());
		let mut uses_stale_prices = false;
		for (asset, amount) in account.collateral.iter() {
			let terms = T::Risk::terms(*asset, *amount);
			let (price, stale) = match terms {
				Some(t) => {
					let check = |mode| T::Prices::checked(t.oracle_key, mode);
					(check(PriceMode::LastKnown).ok(), check(PriceMode::Fresh).is_err())
				},
				None => (None, true),
			};
			uses_stale_prices |= stale;
			// A holding without any price counts for nothing here (and is flagged), rather
			// than hiding the rest of the account.
			let line = Self::line(*asset, *amount, PriceMode::LastKnown).ok().flatten();
			lines.extend(line);
			collateral.push(CollateralReport {
				asset: *asset,
				amount: *amount,
				price,
				price_stale: stale,
				haircut: terms.map_or(Permill::one(), |t| t.haircut),
				value: line.map_or(0, |l| l.value),
				risk_adjusted_value: line.map_or(0, |l| l.initial_value()),
			});
		}
		if Self::exposure_of(who, sub, &account, PriceMode::Fresh).is_err() {
			uses_stale_prices = true;
		}
		let (exposure, _) =
			Self::exposure_of(who, sub, &account, PriceMode::LastKnown).unwrap_or_default();
		let v = Self::value(&mut lines, account.quote, &exposure);
		Some(AccountReport {
			market: account.market,
			collateral,
			quote: account.quote,
			unrealized_pnl: v.unrealized_pnl,
			initial_equity: v.initial_equity,
			maintenance_equity: v.maintenance_equity,
			initial_requirement: v.initial_requirement,
			maintenance_requirement: v.maintenance_requirement,
			health_ratio: v.health_ratio(),
			free_margin: v.free_margin(),
			uses_stale_prices,
			liquidation_price: Self::liquidation_price(who, sub),
		})
	}

	/// The scenario table of the cross account of `who` under the portfolio grid, at the latest
	/// prices whatever their age (as [`Self::report`]); `None` without a grid or an account.
	/// Isolated accounts use their markets' linear margins and have no table.
	pub fn scenario_table(who: &T::AccountId, sub: SubAccount) -> Option<ScenarioTable> {
		let account = Accounts::<T>::get(who, sub)?;
		if account.market.is_some() {
			return None;
		}
		let grid = T::PortfolioGrid::get()?;
		let legs = T::Derivatives::risk_legs(who, sub, PriceMode::LastKnown).ok()?;
		let qd = T::QuoteDecimals::get();
		let e = portfolio::evaluate(&grid, &legs, qd);
		let cells = portfolio::table(&grid, &legs, qd)
			.into_iter()
			.map(|c| ScenarioCell {
				underlying: c.underlying,
				spot_shock: c.shock.parts(),
				vol: c.vol,
				pnl: c.pnl,
			})
			.collect();
		Some(ScenarioTable {
			cells,
			worst_loss: e.worst_loss,
			floor: e.floor,
			initial_requirement: e.initial,
			maintenance_requirement: e.maintenance,
		})
	}

	/// The price at which an isolated account's only position makes it liquidatable, other
	/// prices unchanged, from a valuation at conservative prices.
	fn liquidation_price_of(
		who: &T::AccountId,
		sub: SubAccount,
		account: &MarginAccount<T::MaxCollateralAssets>,
		v: &Valuation,
		exposure: &Exposure,
	) -> Option<Price> {
		if account.market.is_none() || exposure.positions != 1 {
			return None;
		}
		T::Derivatives::liquidation_price(who, sub, v.equity_without_pnl()).map(|(_, _, p)| p)
	}

	/// The liquidation price of `(who, sub)` (see [`AccountReport::liquidation_price`]).
	pub fn liquidation_price(who: &T::AccountId, sub: SubAccount) -> Option<Price> {
		let account = Accounts::<T>::get(who, sub)?;
		let (v, e, _) = Self::valuation_of(who, sub, &account, PriceMode::Conservative).ok()?;
		Self::liquidation_price_of(who, sub, &account, &v, &e)
	}
}

impl<T: Config> MarginSide<T::AccountId> for Pallet<T> {
	fn snapshot(who: &T::AccountId, sub: SubAccount) -> Option<AccountSnapshot> {
		let account = Accounts::<T>::get(who, sub)?;
		let (v, e, sensitivity) =
			Self::valuation_of(who, sub, &account, PriceMode::Conservative).ok()?;
		Some(AccountSnapshot {
			market: account.market,
			maintenance_equity: v.maintenance_equity,
			equity_without_pnl: v.equity_without_pnl(),
			maintenance_requirement: v.maintenance_requirement,
			notional: e.notional,
			requirement_sensitivity: sensitivity,
			collateral_value: v.collateral_value,
			positions: e.positions,
			quote: account.quote,
			collateral: account.collateral.into_inner(),
		})
	}

	fn balances(
		who: &T::AccountId,
		sub: SubAccount,
	) -> Option<(SignedBalance, Vec<(AssetId, Balance)>)> {
		Accounts::<T>::get(who, sub).map(|a| (a.quote, a.collateral.into_inner()))
	}

	fn accounts_after(
		after: Option<(T::AccountId, SubAccount)>,
		limit: u32,
	) -> Vec<(T::AccountId, SubAccount)> {
		Self::accounts_after(after, limit)
	}

	fn seize(
		who: &T::AccountId,
		sub: SubAccount,
		asset: AssetId,
		amount: Balance,
		to: &T::AccountId,
	) -> DispatchResult {
		Self::seize(who, sub, asset, amount, to)
	}
}

impl<T: Config> StressSubject<T::AccountId> for Pallet<T> {
	/// At conservative prices (the last valid price: the stress test never waits for a fresh
	/// one); a holding without any usable price counts for nothing, as in liquidation.
	fn stress_profile(who: &T::AccountId, sub: SubAccount) -> Option<StressProfile> {
		let account = Accounts::<T>::get(who, sub)?;
		let mode = PriceMode::Conservative;
		let legs = T::Derivatives::risk_legs(who, sub, mode).ok()?;
		if legs.is_empty() && account.quote >= 0 {
			return None;
		}
		let exposure = T::Derivatives::exposure(who, sub, mode).ok()?;
		let mut equity = account.quote.saturating_add(exposure.unrealized_pnl);
		let mut holdings = Vec::with_capacity(account.collateral.len());
		for (asset, amount) in account.collateral.iter() {
			let Some(terms) = T::Risk::terms(*asset, *amount) else { continue };
			if terms.status == AssetStatus::Delisted {
				continue;
			}
			let Ok(price) = T::Prices::checked(terms.oracle_key, mode) else { continue };
			let value = quote_value(
				*amount,
				terms.decimals,
				price,
				T::QuoteDecimals::get(),
				Rounding::Down,
			)
			.unwrap_or(0);
			equity = equity.saturating_add(ballast_primitives::math::signed(value));
			holdings.push(StressHolding { key: terms.oracle_key, price, value });
		}
		Some(StressProfile { equity, holdings, legs })
	}
}
