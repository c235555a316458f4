//! Market creation, prices, funding, trading, and the one fill path: every trade, liquidation
//! close and deleveraging step changes a position through [`Pallet::execute_fill`].

use crate::{pallet::*, types::*, AccountClass, WeightInfo, LOG_TARGET};
use ballast_primitives::{
	math::{perp, stress},
	traits::{MarginLedger, OnAccountChange, PriceError, PriceMode, PriceProvider, RiskTightening},
	Balance, MarketId, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{ensure, pallet_prelude::DispatchResult, traits::Get, weights::Weight},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_arithmetic::{FixedI128, Permill},
	sp_runtime::{
		traits::{Saturating, UniqueSaturatedInto},
		DispatchError,
	},
};

/// What [`Pallet::execute_fill`] did.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Executed {
	/// The fill, as `ballast_math::perp::apply_fill` computed it.
	pub fill: perp::Fill,
	/// Funding the position settled (positive: paid by the trader).
	pub funding: SignedBalance,
	/// Fee charged.
	pub fee: Balance,
	/// What was settled to the trader's quote balance: realized PnL − funding − fee.
	pub settled: SignedBalance,
}

pub(crate) fn to_signed<T: Config>(v: Balance) -> Result<SignedBalance, Error<T>> {
	SignedBalance::try_from(v).map_err(|_| Error::<T>::Overflow)
}

impl<T: Config> Pallet<T> {
	/// Valid parameters on a guarded oracle key.
	fn check_params(params: &MarketParams) -> DispatchResult {
		params.validate().map_err(Error::<T>::from)?;
		ensure!(T::Prices::bounds(params.oracle_key).is_some(), Error::<T>::UnguardedOracleKey);
		Ok(())
	}

	/// Create a market; see [`Pallet::create_market`].
	pub fn do_create_market(params: MarketParams) -> Result<MarketId, DispatchError> {
		Self::check_params(&params)?;
		let id = NextMarketId::<T>::get();
		ensure!(id < T::MaxMarkets::get(), Error::<T>::TooManyMarkets);
		let state = MarketState {
			funding_updated: frame_system::Pallet::<T>::block_number(),
			..Default::default()
		};
		Markets::<T>::insert(id, Market { params, state });
		NextMarketId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Ok(id)
	}

	/// Replace a market's parameters; see [`Pallet::update_market`].
	pub fn do_update_market(market: MarketId, params: MarketParams) -> DispatchResult {
		Self::check_params(&params)?;
		Markets::<T>::try_mutate(market, |m| -> DispatchResult {
			let m = m.as_mut().ok_or(Error::<T>::UnknownMarket)?;
			let same_underlying = params.oracle_key == m.params.oracle_key
				&& params.base_decimals == m.params.base_decimals;
			let open = m.state.long_oi > 0 || m.state.short_oi > 0;
			ensure!(same_underlying || !open, Error::<T>::UnderlyingInUse);
			// Funding so far accrues under the old parameters.
			Self::accrue(m);
			m.params = params;
			Ok(())
		})
	}

	/// The price of the market's underlying for `mode`, checked by the price guard against the
	/// bounds, maximum age and circuit breaker of the market's oracle key. In conservative mode
	/// an unusable print is ignored and the guard's last valid price for the key is used while
	/// it is within the maximum age (else an error: liquidation pauses), for longs and shorts
	/// alike, whether or not the underlying is also a collateral asset.
	pub(crate) fn price_for(params: &MarketParams, mode: PriceMode) -> Result<Price, PriceError> {
		T::Prices::checked(params.oracle_key, mode)
	}

	/// The funding index `market` would have now, without writing it.
	pub(crate) fn current_index(m: &Market<BlockNumberFor<T>>, price: Price) -> FixedI128 {
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let then: u64 = m.state.funding_updated.unique_saturated_into();
		let blocks = u32::try_from(now.saturating_sub(then)).unwrap_or(u32::MAX);
		m.state.funding_index.saturating_add(perp::funding_delta(
			m.state.skew(),
			m.params.skew_scale,
			m.params.max_funding_rate,
			T::BlocksPerDay::get(),
			blocks,
			price,
			T::QuoteDecimals::get(),
		))
	}

	/// Bring a market's funding index up to now, at its last known price (funding keeps
	/// accruing at the last price while the oracle is silent; with no price ever, none accrues).
	pub(crate) fn accrue(m: &mut Market<BlockNumberFor<T>>) {
		if let Ok(price) = Self::price_for(&m.params, PriceMode::LastKnown) {
			m.state.funding_index = Self::current_index(m, price);
		}
		m.state.funding_updated = frame_system::Pallet::<T>::block_number();
	}

	/// What a trade of `(who, sub)` that just completed weighs: `WeightInfo::trade` at the
	/// account's class ([`Config::AccountClass`]), counting the position the trade closed if
	/// it `closed` one (it was valued with it), each part capped at the declared worst case.
	pub(crate) fn trade_weight(who: &T::AccountId, sub: SubAccount, closed: bool) -> Weight {
		let (positions, assets) = T::AccountClass::class(who, sub);
		let positions = positions.saturating_add(u32::from(closed));
		T::WeightInfo::trade(
			positions.min(T::MaxMarkets::get()),
			assets.min(T::MaxCollateralAssets::get()),
		)
	}

	/// Trade; see [`Pallet::trade`].
	pub fn do_trade(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		delta: i128,
		limit: Option<Price>,
	) -> Result<TradeOutcome, DispatchError> {
		ensure!(delta != 0, Error::<T>::ZeroAmount);
		let mut market = Markets::<T>::get(market_id).ok_or(Error::<T>::UnknownMarket)?;
		T::Ledger::ensure_can_trade(who, sub, market_id)?;
		let params = market.params;
		let oracle = Self::price_for(&params, PriceMode::Fresh).map_err(Error::<T>::from)?;
		Self::accrue(&mut market);
		let premium = perp::premium(
			delta,
			market.state.skew(),
			params.skew_scale,
			params.base_spread,
			params.max_premium,
		);
		let price = perp::execution_price(oracle, delta, premium);
		let rules = Rules::<T>::get();
		let skew_before = market.state.skew().unsigned_abs();
		if let Some(limit) = limit {
			let ok = if delta > 0 { price <= limit } else { price >= limit };
			ensure!(ok, Error::<T>::SlippageExceeded);
		}
		let done = Self::execute_fill(
			who,
			sub,
			market_id,
			&mut market,
			delta,
			price,
			(params.taker_fee, rules.min_fee),
			|state, fill| {
				// Dust: a trade (and what it leaves) carries a notional of at least the
				// minimum, unless it closes the position.
				if fill.quantity != 0 {
					ensure!(
						fill.traded_notional >= rules.min_trade_notional
							&& fill.entry_notional >= rules.min_trade_notional,
						Error::<T>::TradeTooSmall
					);
				}
				if fill.increases {
					ensure!(params.status == MarketStatus::Active, Error::<T>::MarketReduceOnly);
				}
				// Only the side the fill opens on is capped: a cap lowered below its side's open
				// interest blocks new risk on that side and forces nobody out.
				// Under the stress test's tightening, new risk fits under a lower cap.
				let cap = |c| stress::tightened_cap(c, T::Tightening::level());
				if fill.opened > 0 && delta > 0 {
					ensure!(
						state.long_oi <= cap(params.max_long_oi),
						Error::<T>::LongOpenInterestCapExceeded
					);
				}
				if fill.opened > 0 && delta < 0 {
					ensure!(
						state.short_oi <= cap(params.max_short_oi),
						Error::<T>::ShortOpenInterestCapExceeded
					);
				}
				Ok(())
			},
		)?;
		let skew_grew = market.state.skew().unsigned_abs() > skew_before;
		Markets::<T>::insert(market_id, market);
		if skew_grew {
			Self::ensure_vault_survives_stress()?;
		}
		if done.fill.increases {
			T::Ledger::ensure_initial_margin(who, sub)?;
		}
		T::OnChange::changed(who, sub);
		Ok(TradeOutcome {
			price,
			fee: done.fee,
			realized_pnl: done.fill.realized_pnl,
			funding: done.funding,
			new_size: done.fill.quantity,
		})
	}

	/// The one fill path. Fill `delta` of `(who, sub)`'s position in `market_id` at `price`
	/// (the market already accrued): settle its funding, reduce then open
	/// (`ballast_math::perp::apply_fill`), book open interest, charge `fee_rate` of the traded
	/// notional (at least `min_fee`), settle `realized − funding − fee` to the trader and the opposite of PnL and
	/// funding to the vault, and store the position. `check` sees the market state and the fill
	/// before anything is written and may refuse it. The caller stores `market`.
	#[allow(clippy::too_many_arguments)]
	pub(crate) fn execute_fill(
		who: &T::AccountId,
		sub: SubAccount,
		market_id: MarketId,
		market: &mut Market<BlockNumberFor<T>>,
		delta: i128,
		price: Price,
		(fee_rate, min_fee): (Permill, Balance),
		check: impl FnOnce(&MarketState<BlockNumberFor<T>>, &perp::Fill) -> DispatchResult,
	) -> Result<Executed, DispatchError> {
		let bd = market.params.base_decimals;
		let mut pos = Positions::<T>::get((who, sub), market_id).unwrap_or_default();
		let index = market.state.funding_index;
		let funding = perp::funding_owed(pos.quantity, bd, pos.funding_index, index);
		let fill = perp::apply_fill(
			pos.quantity,
			pos.entry_notional,
			delta,
			price,
			bd,
			T::QuoteDecimals::get(),
		)
		.ok_or(Error::<T>::Overflow)?;
		if fill.closed > 0 {
			Self::book_oi(
				&mut market.state,
				pos.quantity > 0,
				fill.closed,
				fill.closed_entry,
				false,
			)?;
		}
		if fill.opened > 0 {
			Self::book_oi(&mut market.state, delta > 0, fill.opened, fill.opened_cost, true)?;
		}
		check(&market.state, &fill)?;

		let fee = fee_rate.mul_ceil(fill.traded_notional).max(min_fee);
		let settled = fill
			.realized_pnl
			.checked_sub(funding)
			.and_then(|v| v.checked_sub(to_signed::<T>(fee).ok()?))
			.ok_or(Error::<T>::Overflow)?;
		T::Ledger::settle(who, sub, settled)?;
		VaultState::<T>::try_mutate(|v| -> DispatchResult {
			v.cash = v
				.cash
				.checked_sub(fill.realized_pnl)
				.and_then(|c| c.checked_add(funding))
				.ok_or(Error::<T>::Overflow)?;
			Ok(())
		})?;
		if fee > 0 {
			FeePot::<T>::try_mutate(|f| -> DispatchResult {
				*f = f.checked_add(fee).ok_or(Error::<T>::Overflow)?;
				Ok(())
			})?;
		}
		market.state.funding_basis = market
			.state
			.funding_basis
			.saturating_sub(perp::funding_weight(pos.quantity, bd, pos.funding_index))
			.saturating_add(perp::funding_weight(fill.quantity, bd, index));
		pos.quantity = fill.quantity;
		pos.entry_notional = fill.entry_notional;
		pos.funding_index = index;
		if pos.quantity == 0 {
			Positions::<T>::remove((who, sub), market_id);
		} else {
			Positions::<T>::insert((who, sub), market_id, pos);
		}
		log::trace!(target: LOG_TARGET, "fill {delta} in {market_id} at {price:?}: {fill:?}");
		Ok(Executed { fill, funding, fee, settled })
	}

	fn book_oi(
		s: &mut MarketState<BlockNumberFor<T>>,
		long: bool,
		size: u128,
		notional: Balance,
		add: bool,
	) -> DispatchResult {
		let (oi, entry) = if long {
			(&mut s.long_oi, &mut s.long_entry_notional)
		} else {
			(&mut s.short_oi, &mut s.short_entry_notional)
		};
		if add {
			*oi = oi.checked_add(size).ok_or(Error::<T>::Overflow)?;
			*entry = entry.checked_add(notional).ok_or(Error::<T>::Overflow)?;
		} else {
			*oi = oi.checked_sub(size).ok_or(Error::<T>::Overflow)?;
			*entry = entry.checked_sub(notional).ok_or(Error::<T>::Overflow)?;
		}
		Ok(())
	}

	/// Positions of `(who, sub)` with their markets.
	pub fn positions_of(
		who: &T::AccountId,
		sub: SubAccount,
	) -> alloc::vec::Vec<(MarketId, Position)> {
		Positions::<T>::iter_prefix((who.clone(), sub)).collect()
	}

	/// Mark-to-market of one position at prices allowed by `mode`:
	/// `(mark price, notional, unrealized PnL incl. pending funding)`.
	pub fn mark(
		market: MarketId,
		pos: &Position,
		mode: PriceMode,
	) -> Result<(Price, Balance, SignedBalance), PriceError> {
		let m = Markets::<T>::get(market).ok_or(PriceError::Missing)?;
		let price = Self::price_for(&m.params, mode)?;
		let bd = m.params.base_decimals;
		let marked =
			perp::mark(pos.quantity, pos.entry_notional, bd, price, T::QuoteDecimals::get());
		let index = Self::current_index(&m, price);
		let funding = perp::funding_owed(pos.quantity, bd, pos.funding_index, index);
		Ok((price, marked.notional, marked.pnl.saturating_sub(funding)))
	}

	/// Check the pallet's invariants:
	/// * per market, long and short OI, entry notionals and the funding basis equal the sums
	///   over positions;
	/// * OI within the `u128` / sign conventions; no zero-size position is stored;
	/// * Σ LP shares, free and pending withdrawal, == vault shares; market ids below
	///   `NextMarketId`; the vault rules within their bounds.
	pub fn do_try_state() -> Result<(), polkadot_sdk::sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut sums: BTreeMap<MarketId, [Balance; 4]> = BTreeMap::new();
		let mut bases: BTreeMap<MarketId, FixedI128> = BTreeMap::new();
		for (_, market, p) in Positions::<T>::iter() {
			ensure!(p.quantity != 0, "zero-size position stored");
			let m = Markets::<T>::get(market).ok_or("position in unknown market")?;
			let basis = bases.entry(market).or_default();
			*basis = basis.saturating_add(perp::funding_weight(
				p.quantity,
				m.params.base_decimals,
				p.funding_index,
			));
			let s = sums.entry(market).or_default();
			let (oi, entry) = if p.quantity > 0 { (0, 1) } else { (2, 3) };
			let a = s.get_mut(oi).ok_or("index")?;
			*a = a.checked_add(p.quantity.unsigned_abs()).ok_or("oi overflow")?;
			let b = s.get_mut(entry).ok_or("index")?;
			*b = b.checked_add(p.entry_notional).ok_or("entry overflow")?;
		}
		let next = NextMarketId::<T>::get();
		for (id, m) in Markets::<T>::iter() {
			ensure!(id < next, "market id beyond NextMarketId");
			let s = sums.remove(&id).unwrap_or_default();
			ensure!(
				s == [
					m.state.long_oi,
					m.state.long_entry_notional,
					m.state.short_oi,
					m.state.short_entry_notional
				],
				"open interest != Σ positions"
			);
			ensure!(
				bases.remove(&id).unwrap_or_default() == m.state.funding_basis,
				"funding basis != Σ positions' funding weights"
			);
		}
		let free: Balance = LpShares::<T>::iter_values().fold(0, |a, s| a.saturating_add(s));
		let mut pending: Balance = 0;
		for exit in PendingExits::<T>::iter_values() {
			ensure!(exit.shares > 0, "empty pending withdrawal stored");
			pending = pending.saturating_add(exit.shares);
		}
		ensure!(
			free.saturating_add(pending) == VaultState::<T>::get().shares,
			"Σ LP shares (free and pending withdrawal) != vault shares"
		);
		ensure!(Rules::<T>::get().validate().is_ok(), "vault rules out of bounds");
		Ok(())
	}
}
