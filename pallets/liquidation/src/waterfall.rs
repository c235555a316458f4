//! The loss waterfall: a shortfall is covered by the market's insurance fund, the global fund,
//! auto-deleveraging of the most profitable opposing positions, and only then written off as bad
//! debt, each step an event. A write-off is charged to [`Config::LossBearer`] (the perpetuals'
//! vault) in the same block; [`BadDebt`] is its record. The insurance funds are quote the
//! custody holds ([`PooledQuote`]).

use crate::{pallet::*, types::*, LOG_TARGET};
use ballast_primitives::{
	math::liquidation as rules,
	traits::{Derivatives, LossBearer, MarginLedger, PooledQuote},
	Balance, MarketId, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{storage::with_storage_layer, traits::Get},
	sp_arithmetic::{FixedPointNumber, FixedU128},
	sp_runtime::DispatchError,
};

impl<T: Config> Pallet<T> {
	/// Cover a shortfall: market fund, global fund, then auto-deleveraging or bad debt.
	pub(crate) fn cover_shortfall(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		shortfall: Balance,
	) -> Result<(), DispatchError> {
		let mut left = shortfall;
		let credit = |amount: Balance| -> Result<(), DispatchError> {
			let signed = SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
			T::Margin::settle(who, sub, signed)
		};
		if let Some(m) = market {
			let fund = MarketInsurance::<T>::get(m);
			let pay = fund.min(left);
			if pay > 0 {
				credit(pay)?;
				MarketInsurance::<T>::insert(m, fund.saturating_sub(pay));
				left = left.saturating_sub(pay);
				Self::deposit_event(Event::ShortfallCovered {
					who: who.clone(),
					sub,
					market: Some(m),
					amount: pay,
				});
			}
		}
		let fund = GlobalInsurance::<T>::get();
		let pay = fund.min(left);
		if pay > 0 {
			credit(pay)?;
			GlobalInsurance::<T>::put(fund.saturating_sub(pay));
			left = left.saturating_sub(pay);
			Self::deposit_event(Event::ShortfallCovered {
				who: who.clone(),
				sub,
				market: None,
				amount: pay,
			});
		}
		let scope = AdlScope::<T>::take((who, sub));
		if left == 0 {
			return Ok(());
		}
		// Deleveraging waits for the sweep only if there is someone to deleverage.
		if Self::deleverage_candidate(scope, &(who.clone(), sub)).is_none() {
			Self::write_off(who, sub, market, left)
		} else {
			Deleveraging::<T>::insert((who, sub), Deleverage { left, scope, steps: 0, market });
			Self::deposit_event(Event::DeleveragePending { who: who.clone(), sub, amount: left });
			Ok(())
		}
	}

	/// Write off `amount` of `(who, sub)`'s debt: credit the account and charge the same amount
	/// to [`Config::LossBearer`] (positions in `market`, `None` for a cross account), so that
	/// custody stays exact; record it as bad debt.
	pub(crate) fn write_off(
		who: &T::AccountId,
		sub: SubAccount,
		market: Option<MarketId>,
		amount: Balance,
	) -> Result<(), DispatchError> {
		if amount == 0 {
			return Ok(());
		}
		let signed = SignedBalance::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
		T::Margin::settle(who, sub, signed)?;
		T::LossBearer::bear_loss(market, amount)?;
		BadDebt::<T>::mutate(|d| *d = d.saturating_add(amount));
		BadDebtOf::<T>::mutate((who, sub), |d| *d = d.saturating_add(amount));
		Self::deposit_event(Event::BadDebtRecorded { who: who.clone(), sub, amount });
		Ok(())
	}

	/// The most profitable position (PnL as a share of entry notional) on the sides in `scope`:
	/// per side, the first position in profit from the head of the ADL index, walking past at
	/// most [`Config::MaxAdlProbe`] heads without profit (a dust position with entry price 0
	/// heads its side with no PnL and must not hide the rest): `(market, account, sub, pnl)`.
	pub fn deleverage_candidate(
		scope: u32,
		exclude: &(T::AccountId, SubAccount),
	) -> Option<(MarketId, T::AccountId, SubAccount, Balance)> {
		let mut best: Option<(FixedU128, MarketId, T::AccountId, SubAccount, Balance)> = None;
		for market in 0..T::MaxMarkets::get() {
			for side in [LONG, SHORT] {
				if adl_bit(market, side).is_none_or(|b| scope & b == 0) {
					continue;
				}
				let probe = usize::try_from(T::MaxAdlProbe::get().max(1)).unwrap_or(usize::MAX);
				let head = AdlIndex::<T>::iter_prefix((market, side))
					.filter(|((_, acct), ())| acct != exclude)
					.take(probe)
					.find_map(|((_, acct), ())| {
						let (pnl, entry) = T::Derivatives::position_pnl(&acct.0, acct.1, market)?;
						let pnl = Balance::try_from(pnl).ok().filter(|p| *p > 0)?;
						Some((acct, pnl, entry))
					});
				let Some((acct, pnl, entry)) = head else { continue };
				let share = FixedU128::checked_from_rational(pnl, entry.max(1)).unwrap_or_default();
				if best.as_ref().is_none_or(|b| share > b.0) {
					best = Some((share, market, acct.0, acct.1, pnl));
				}
			}
		}
		best.map(|(_, m, w, s, p)| (m, w, s, p))
	}

	/// One auto-deleveraging step for `(who, sub)`'s shortfall, atomically: it completes or
	/// changes nothing. A failed step emits [`Event::DeleverageFailed`] and still counts against
	/// [`Config::MaxDeleverageSteps`], so a shortfall that cannot be deleveraged ends written off.
	pub(crate) fn deleverage(who: &T::AccountId, sub: SubAccount, state: Deleverage) {
		let key = (who.clone(), sub);
		let Err(error) = with_storage_layer(|| Self::deleverage_step(who, sub, state.clone()))
		else {
			return;
		};
		log::warn!(target: LOG_TARGET, "deleveraging for {who:?}/{sub} failed: {error:?}");
		Self::deposit_event(Event::DeleverageFailed { who: who.clone(), sub, error });
		let steps = state.steps.saturating_add(1);
		if steps < T::MaxDeleverageSteps::get() {
			Deleveraging::<T>::insert(&key, Deleverage { steps, ..state });
			return;
		}
		Deleveraging::<T>::remove(&key);
		if let Err(error) =
			with_storage_layer(|| Self::write_off(who, sub, state.market, state.left))
		{
			// The debt stays on the account, visible as its negative quote balance.
			Self::deposit_event(Event::DeleverageFailed { who: who.clone(), sub, error });
		}
	}

	/// The step itself; see [`Self::deleverage`].
	fn deleverage_step(
		who: &T::AccountId,
		sub: SubAccount,
		mut state: Deleverage,
	) -> Result<(), DispatchError> {
		let key = (who.clone(), sub);
		let Some((market, winner, wsub, pnl)) = Self::deleverage_candidate(state.scope, &key)
		else {
			Deleveraging::<T>::remove(&key);
			return Self::write_off(who, sub, state.market, state.left);
		};
		let fraction = rules::deleverage_fraction(state.left, pnl);
		let realized = T::Derivatives::deleverage(&winner, wsub, market, fraction)?;
		let haircut = Balance::try_from(realized).unwrap_or(0).min(state.left);
		if haircut > 0 {
			let signed = SignedBalance::try_from(haircut).map_err(|_| Error::<T>::Overflow)?;
			T::Margin::settle(&winner, wsub, signed.saturating_neg())?;
			T::Margin::settle(who, sub, signed)?;
		}
		Self::reindex(&winner, wsub);
		Self::deposit_event(Event::AutoDeleveraged {
			who: winner,
			sub: wsub,
			market,
			fraction,
			haircut,
			bankrupt: who.clone(),
			bankrupt_sub: sub,
		});
		state.left = state.left.saturating_sub(haircut);
		state.steps = state.steps.saturating_add(1);
		if state.left == 0 {
			Deleveraging::<T>::remove(&key);
		} else if state.steps >= T::MaxDeleverageSteps::get() {
			Deleveraging::<T>::remove(&key);
			Self::write_off(who, sub, state.market, state.left)?;
		} else {
			Deleveraging::<T>::insert(&key, state);
		}
		Ok(())
	}

	/// Insurance funds, shortfalls waiting for deleveraging and bad debt, for `LiquidationApi`.
	pub fn insurance_report() -> InsuranceReport {
		InsuranceReport {
			global: GlobalInsurance::<T>::get(),
			markets: MarketInsurance::<T>::iter().collect(),
			bad_debt: BadDebt::<T>::get(),
			deleveraging: Deleveraging::<T>::iter_values()
				.fold(0, |total: Balance, d| total.saturating_add(d.left)),
		}
	}
}

/// The insurance funds are quote held in the margin custody account. Bad debt is not a pool:
/// each write-off was charged to [`Config::LossBearer`] when it happened.
impl<T: Config> PooledQuote for Pallet<T> {
	fn pooled_quote() -> SignedBalance {
		let funds = MarketInsurance::<T>::iter_values()
			.fold(GlobalInsurance::<T>::get(), |a, b| a.saturating_add(b));
		SignedBalance::try_from(funds).unwrap_or(SignedBalance::MAX)
	}
}
