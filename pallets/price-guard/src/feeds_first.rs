//! Feeds first: a transaction extension that puts oracle operators' feeds ahead of every other
//! transaction of their block.
//!
//! A feed signed by an operator gets the highest transaction priority, so the block author
//! includes it before any trade, withdrawal or LP exit, however large their tip: nobody can
//! act, in the block a new price lands, on the price it replaces. Every other transaction is
//! left as it is (the extension adds nothing to their priority). It carries no data, so clients
//! sign it without configuration (polkadot.js treats it as a no-op extension).

use crate::Config;
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use polkadot_sdk::{
	frame_support::{
		pallet_prelude::TransactionSource,
		traits::{IsSubType, OriginTrait, SortedMembers},
		weights::Weight,
		DefaultNoBound,
	},
	frame_system, pallet_oracle,
	sp_runtime::{
		impl_tx_ext_default,
		traits::{DispatchInfoOf, TransactionExtension, ValidateResult},
		transaction_validity::{TransactionPriority, ValidTransaction},
	},
};
use scale_info::TypeInfo;

/// The extension; see the module docs.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct FeedsFirst<T>(PhantomData<T>);

impl<T> core::fmt::Debug for FeedsFirst<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		f.write_str("FeedsFirst")
	}
}

impl<T> FeedsFirst<T> {
	/// The extension (it has no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

/// Whether `call` signed by `who` is an oracle operator's feed.
pub fn is_operator_feed<T>(
	who: &T::AccountId,
	call: &<T as frame_system::Config>::RuntimeCall,
) -> bool
where
	T: pallet_oracle::Config,
	<T as frame_system::Config>::RuntimeCall: IsSubType<pallet_oracle::Call<T>>,
{
	matches!(call.is_sub_type(), Some(pallet_oracle::Call::feed_values { .. }))
		&& <T as pallet_oracle::Config>::Members::contains(who)
}

impl<T> TransactionExtension<<T as frame_system::Config>::RuntimeCall> for FeedsFirst<T>
where
	T: Config + pallet_oracle::Config + Send + Sync,
	<T as frame_system::Config>::RuntimeCall: IsSubType<pallet_oracle::Call<T>>,
{
	const IDENTIFIER: &'static str = "FeedsFirst";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, _: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		// A match on the call and, for a feed, one read of the (small) operator set, which the
		// feed itself reads again when it dispatches.
		Weight::zero()
	}

	fn validate(
		&self,
		origin: <T as frame_system::Config>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> ValidateResult<Self::Val, <T as frame_system::Config>::RuntimeCall> {
		let mut valid = ValidTransaction::default();
		if origin.as_signer().is_some_and(|who| is_operator_feed::<T>(who, call)) {
			valid.priority = TransactionPriority::MAX;
		}
		Ok((valid, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
