//! How operators' values become one price: the oracle's `CombineData`, under the guard's
//! governed [`FeedRules`].
//!
//! Of the operators' values younger than the oracle's expiry, each is compared with the median
//! of all fresh values (the upper one of the middle two for an even count); one further from
//! it than `max_deviation` is rejected. The combined price is the median of the values left,
//! and only if at least `min_count` are left; otherwise the previous combined price stays, with
//! its old timestamp. So one operator cannot move the price on its own: with `min_count ≥ 2`
//! its value needs company, and while honest operators are the majority the median is theirs
//! and a value far from it is dropped, however far it is.

use crate::{pallet::*, FeedRules};
use alloc::vec::Vec;
use ballast_primitives::{traits::TimestampedPrice, Moment, OracleKey, Price};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::traits::{Get, Time},
	pallet_oracle::{self, CombineData, TimestampedValue},
	sp_arithmetic::Permill,
};

/// The result of combining one key's values.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Combined {
	/// The new combined price, if the rules allow one.
	pub price: Option<TimestampedPrice>,
	/// The fresh values rejected as outliers, with the median they were compared with.
	pub rejected: Vec<(TimestampedPrice, Price)>,
}

/// The upper median of `values` (sorted in place), if any.
fn median(values: &mut [Price]) -> Option<Price> {
	values.sort_unstable();
	values.get(values.len() / 2).copied()
}

/// Relative distance of `v` from `reference`, saturating at 100% (and 100% from zero).
fn deviation(v: Price, reference: Price) -> Permill {
	let (v, r) = (v.into_inner(), reference.into_inner());
	if r == 0 {
		return Permill::one();
	}
	Permill::from_rational(v.abs_diff(r), r)
}

/// Combine `values` fed for one key at `now` under `rules` (see the module docs); values not
/// younger than `expiry` take no part.
pub fn combine(
	values: &[TimestampedPrice],
	now: Moment,
	expiry: Moment,
	rules: FeedRules,
) -> Combined {
	let fresh: Vec<TimestampedPrice> =
		values.iter().copied().filter(|v| v.timestamp.saturating_add(expiry) > now).collect();
	let mut all: Vec<Price> = fresh.iter().map(|v| v.price).collect();
	let Some(m) = median(&mut all) else { return Combined::default() };
	let (mut kept, rejected): (Vec<TimestampedPrice>, Vec<TimestampedPrice>) =
		fresh.into_iter().partition(|v| deviation(v.price, m) <= rules.max_deviation);
	let rejected: Vec<(TimestampedPrice, Price)> = rejected.into_iter().map(|v| (v, m)).collect();
	if kept.is_empty() || (kept.len() as u32) < rules.min_count {
		return Combined { price: None, rejected };
	}
	kept.sort_unstable_by_key(|v| v.price);
	let price = kept.get(kept.len() / 2).copied();
	Combined { price, rejected }
}

/// `pallet_oracle`'s `CombineData` for a runtime `O` whose oracle prices [`OracleKey`]s in
/// [`Price`]s on a millisecond clock: [`combine`] under the guard's governed [`FeedRules`],
/// with values expiring after `Expiry`. A rejected value that was fed in this very block emits
/// [`Event::FeedValueRejected`].
pub struct GuardedMedian<T, O, Expiry>(PhantomData<(T, O, Expiry)>);

impl<T, O, Expiry> CombineData<OracleKey, TimestampedValue<Price, Moment>>
	for GuardedMedian<T, O, Expiry>
where
	T: Config,
	O: pallet_oracle::Config<OracleKey = OracleKey, OracleValue = Price>,
	O::Time: Time<Moment = Moment>,
	Expiry: Get<Moment>,
{
	fn combine_data(
		key: &OracleKey,
		values: Vec<TimestampedValue<Price, Moment>>,
		prev_value: Option<TimestampedValue<Price, Moment>>,
	) -> Option<TimestampedValue<Price, Moment>> {
		let now = O::Time::now();
		let values: Vec<TimestampedPrice> = values
			.into_iter()
			.map(|v| TimestampedPrice { price: v.value, timestamp: v.timestamp })
			.collect();
		let combined = combine(&values, now, Expiry::get(), FeedRulesOf::<T>::get());
		for (value, median) in combined.rejected {
			if value.timestamp == now {
				Pallet::<T>::deposit_event(Event::FeedValueRejected {
					key: *key,
					value: value.price,
					median,
				});
			}
		}
		combined
			.price
			.map(|p| TimestampedValue { value: p.price, timestamp: p.timestamp })
			.or(prev_value)
	}
}
