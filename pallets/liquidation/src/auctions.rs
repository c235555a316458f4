//! Dutch auctions of seized collateral, the caps on value in live auctions, and the queue of
//! accounts waiting for room under them.

use crate::{pallet::*, types::*};
use alloc::vec::Vec;
use ballast_primitives::{
	math::{
		liquidation as rules,
		units::{amount_for_value, quote_value, Rounding},
	},
	traits::{CollateralRisk, MarginLedger, MarginSide, PriceMode, PriceProvider},
	AssetId, Balance, Price, SignedBalance, SubAccount,
};
use polkadot_sdk::{
	frame_support::{
		ensure,
		pallet_prelude::DispatchResult,
		traits::{fungibles::Mutate, tokens::Preservation, Get},
	},
	frame_system::{self, pallet_prelude::BlockNumberFor},
	sp_runtime::{traits::UniqueSaturatedInto, DispatchError},
};

impl<T: Config> Pallet<T> {
	/// The price of a collateral asset usable for liquidation (`PriceMode::Conservative`: never
	/// an outlier, unconfirmed or stale print) and its decimals; `None` pauses seizures and
	/// auctions of the asset.
	pub fn collateral_price(asset: AssetId) -> Option<(Price, u8)> {
		let terms = T::Collateral::terms(asset, 0)?;
		let price = T::Prices::checked(terms.oracle_key, PriceMode::Conservative).ok()?;
		Some((price, terms.decimals))
	}

	/// The price guard's pause clock for `asset`'s oracle key.
	fn pause_clock(asset: AssetId) -> u32 {
		T::Collateral::terms(asset, 0).map_or(0, |t| T::Prices::invalid_blocks(t.oracle_key))
	}

	/// Seize enough of `collateral` to cover `debt` (at oracle prices, sized to still cover it
	/// at the floor) into auctions, as far as the caps allow; the rest waits in the queue.
	/// Returns whether any auction started.
	pub(crate) fn seize_for_debt(
		who: &T::AccountId,
		sub: SubAccount,
		debt: Balance,
		collateral: &[(AssetId, Balance)],
	) -> Result<bool, DispatchError> {
		let qd = T::QuoteDecimals::get();
		let mut remaining = debt;
		let mut started = false;
		for &(asset, holding) in collateral {
			if remaining == 0 {
				break;
			}
			let Some((oracle, decimals)) = Self::collateral_price(asset) else { continue };
			let mut lot = rules::lot_for_debt(
				remaining,
				T::AuctionMaxDiscount::get(),
				holding,
				decimals,
				oracle,
				qd,
			);
			// The caps: seize only what fits; the account waits in the queue for the rest.
			let room = T::MaxAuctionValue::get().saturating_sub(TotalAuctionValue::<T>::get()).min(
				T::MaxAuctionValuePerAsset::get().saturating_sub(AuctionValue::<T>::get(asset)),
			);
			let lot_value =
				quote_value(lot, decimals, oracle, qd, Rounding::Up).unwrap_or(Balance::MAX);
			if lot_value > room {
				lot = amount_for_value(room, decimals, oracle, qd, Rounding::Down)
					.unwrap_or(0)
					.min(lot);
				Self::enqueue(who, sub);
			}
			if lot == 0 || T::Margin::seize(who, sub, asset, lot, &Self::account_id()).is_err() {
				continue;
			}
			let covered = quote_value(lot, decimals, oracle, qd, Rounding::Down).unwrap_or(0);
			AuctionValue::<T>::mutate(asset, |v| *v = v.saturating_add(covered));
			TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_add(covered));
			remaining = remaining.saturating_sub(covered);
			let (premium, decay) = rules::adaptive_curve(
				T::Collateral::volatility(asset),
				T::AuctionBasePremium::get(),
				T::AuctionBaseDecay::get(),
				T::AuctionMaxPremium::get(),
			);
			let start_price = rules::start_price(oracle, premium);
			let id = NextAuctionId::<T>::get();
			NextAuctionId::<T>::put(id.checked_add(1).ok_or(Error::<T>::Overflow)?);
			Auctions::<T>::insert(
				id,
				Auction {
					who: who.clone(),
					sub,
					asset,
					lot,
					start_price,
					started: frame_system::Pallet::<T>::block_number(),
					decay,
					value: covered,
					paused_at_start: Self::pause_clock(asset),
				},
			);
			LiveAuctions::<T>::mutate((who, sub), |n| *n = n.saturating_add(1));
			Self::deposit_event(Event::AuctionStarted {
				id,
				who: who.clone(),
				sub,
				asset,
				lot,
				start_price,
			});
			started = true;
		}
		Ok(started)
	}

	/// Put `(who, sub)` at the back of the seizure queue (once).
	pub(crate) fn enqueue(who: &T::AccountId, sub: SubAccount) {
		let key = (who.clone(), sub);
		if Queued::<T>::contains_key(&key) {
			return;
		}
		let (head, tail) = QueueBounds::<T>::get();
		SeizureQueue::<T>::insert(tail, &key);
		Queued::<T>::insert(&key, ());
		QueueBounds::<T>::put((head, tail.saturating_add(1)));
		Self::deposit_event(Event::SeizureQueued { who: who.clone(), sub });
	}

	/// Current price and floor of an auction, and whether it must be restarted; `None` while
	/// the auction is paused (no usable price). Its age counts only blocks that ended with a
	/// usable price, so a pause never erodes it towards the floor.
	pub fn auction_price(
		a: &Auction<T::AccountId, BlockNumberFor<T>>,
	) -> Option<(Price, Price, bool)> {
		let (oracle, _) = Self::collateral_price(a.asset)?;
		let now: u64 = frame_system::Pallet::<T>::block_number().unique_saturated_into();
		let then: u64 = a.started.unique_saturated_into();
		let paused = Self::pause_clock(a.asset).saturating_sub(a.paused_at_start);
		let age =
			u32::try_from(now.saturating_sub(then)).unwrap_or(u32::MAX).saturating_sub(paused);
		let price = rules::decayed_price(a.start_price, a.decay, age);
		let floor = rules::floor_price(oracle, T::AuctionMaxDiscount::get());
		Some((price, floor, rules::needs_reset(price, floor, age, T::AuctionMaxAge::get())))
	}

	/// Take from an auction; see [`Pallet::take`].
	pub fn do_take(
		bidder: &T::AccountId,
		id: AuctionId,
		amount: Balance,
		max_price: Price,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let (price, _floor, reset) = Self::auction_price(&a).ok_or(Error::<T>::AuctionPaused)?;
		ensure!(!reset, Error::<T>::AuctionNeedsReset);
		ensure!(price <= max_price, Error::<T>::PriceAboveMax);
		let (_, decimals) = Self::collateral_price(a.asset).ok_or(Error::<T>::AuctionPaused)?;
		let amount = amount.min(a.lot);
		// The bidder pays the price rounded up, and at least one unit.
		let paid = quote_value(amount, decimals, price, T::QuoteDecimals::get(), Rounding::Up)
			.ok_or(Error::<T>::Overflow)?
			.max(1);
		T::Margin::pool_deposit(bidder, paid)?;
		T::Margin::settle(
			&a.who,
			a.sub,
			SignedBalance::try_from(paid).map_err(|_| Error::<T>::Overflow)?,
		)?;
		T::Assets::transfer(
			a.asset,
			&Self::account_id(),
			bidder,
			amount,
			Preservation::Expendable,
		)?;
		let released = rules::pro_rata(a.value, amount, a.lot);
		a.value = a.value.saturating_sub(released);
		AuctionValue::<T>::mutate(a.asset, |v| *v = v.saturating_sub(released));
		TotalAuctionValue::<T>::mutate(|v| *v = v.saturating_sub(released));
		a.lot = a.lot.saturating_sub(amount);
		Self::deposit_event(Event::AuctionTaken {
			id,
			bidder: bidder.clone(),
			amount,
			price,
			paid,
		});
		if a.lot == 0 {
			Auctions::<T>::remove(id);
			LiveAuctions::<T>::mutate((&a.who, a.sub), |n| *n = n.saturating_sub(1));
			Self::deposit_event(Event::AuctionEnded { id });
			// The account's remaining debt, if nothing else is left, goes down the waterfall
			// (its own storage layer: the take stands whatever happens there).
			let _ = Self::liquidate(&a.who, a.sub);
		} else {
			Auctions::<T>::insert(id, a);
		}
		Ok(())
	}

	/// Restart a stale auction; see [`Pallet::restart`].
	pub fn do_restart(keeper: &T::AccountId, id: AuctionId) -> DispatchResult {
		let mut a = Auctions::<T>::get(id).ok_or(Error::<T>::UnknownAuction)?;
		let (_, _, reset) = Self::auction_price(&a).ok_or(Error::<T>::AuctionPaused)?;
		ensure!(reset, Error::<T>::AuctionNotStale);
		let (oracle, _) = Self::collateral_price(a.asset).ok_or(Error::<T>::AuctionPaused)?;
		let (premium, decay) = rules::adaptive_curve(
			T::Collateral::volatility(a.asset),
			T::AuctionBasePremium::get(),
			T::AuctionBaseDecay::get(),
			T::AuctionMaxPremium::get(),
		);
		a.start_price = rules::start_price(oracle, premium);
		a.decay = decay;
		a.started = frame_system::Pallet::<T>::block_number();
		a.paused_at_start = Self::pause_clock(a.asset);
		let fund = GlobalInsurance::<T>::get();
		let reward = T::KeeperReward::get().min(fund);
		if reward > 0 {
			T::Margin::pool_withdraw(keeper, reward)?;
			GlobalInsurance::<T>::put(fund.saturating_sub(reward));
		}
		Self::deposit_event(Event::AuctionRestarted {
			id,
			keeper: keeper.clone(),
			start_price: a.start_price,
			reward,
		});
		Auctions::<T>::insert(id, a);
		Ok(())
	}

	/// Live auctions with their current price and floor, for `LiquidationApi`.
	pub fn auction_reports() -> Vec<AuctionReport<T::AccountId>> {
		Auctions::<T>::iter()
			.map(|(id, a)| {
				let priced = Self::auction_price(&a);
				AuctionReport {
					id,
					who: a.who,
					sub: a.sub,
					asset: a.asset,
					lot: a.lot,
					price: priced.map(|(p, _, _)| p),
					floor: priced.map(|(_, f, _)| f),
					needs_reset: priced.is_none_or(|(_, _, r)| r),
				}
			})
			.collect()
	}
}
