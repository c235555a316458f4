//! The price feed (`pallet_price_feed`): an offchain worker on operator nodes that fetches
//! prices over HTTP and feeds their median to `pallet_oracle` with a signed transaction.
//!
//! Also here: what lets offchain workers build transactions at all — the `frame_system`
//! offchain traits for [`Runtime`] (signing types, signed transactions with the runtime's
//! [`TxExtension`], bare extrinsics).

use crate::{
	configs::system::BlockHashCount, AccountId, Nonce, Runtime, RuntimeCall, RuntimeEvent,
	Signature, SignedPayload, System, TxExtension, UncheckedExtrinsic,
};
use codec::Encode;
use polkadot_sdk::{
	frame_support::{parameter_types, traits::ConstU32},
	frame_system::{
		self,
		offchain::{
			AppCrypto, CreateBare, CreateSignedTransaction, CreateTransactionBase, SigningTypes,
		},
	},
	pallet_transaction_payment,
	sp_runtime::{
		generic::Era,
		traits::{SaturatedConversion, StaticLookup, Verify},
	},
};

parameter_types! {
	/// Each HTTP request of a worker run must answer within two seconds.
	pub const PriceFeedHttpTimeout: u64 = 2_000;
}

impl pallet_price_feed::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AuthorityId = pallet_price_feed::crypto::FeedAuthId;
	/// Where and how the feed reads prices: the `oracle_operators` track.
	type GovernanceOrigin = crate::governance::OracleOperatorsOrigin;
	type Prices = crate::PriceGuard;
	type MaxAssets = ConstU32<16>;
	type MaxSources = ConstU32<8>;
	type HttpTimeout = PriceFeedHttpTimeout;
	type WeightInfo = crate::weights::pallet_price_feed::WeightInfo<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = super::benchmark_helpers::BenchmarkHelpers;
}

impl SigningTypes for Runtime {
	type Public = <Signature as Verify>::Signer;
	type Signature = Signature;
}

impl<C> CreateTransactionBase<C> for Runtime
where
	RuntimeCall: From<C>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<C> CreateBare<C> for Runtime
where
	RuntimeCall: From<C>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

impl<C> CreateSignedTransaction<C> for Runtime
where
	RuntimeCall: From<C>,
{
	/// A transaction signed by an offchain worker's key: no tip, mortal for half the block-hash
	/// window from the parent block, with the runtime's full [`TxExtension`].
	fn create_signed_transaction<S: AppCrypto<Self::Public, Self::Signature>>(
		call: RuntimeCall,
		public: <Signature as Verify>::Signer,
		account: AccountId,
		nonce: Nonce,
	) -> Option<UncheckedExtrinsic> {
		let period = u64::from(BlockHashCount::get())
			.checked_next_power_of_two()
			.and_then(|p| p.checked_div(2))
			.unwrap_or(2);
		let current_block = System::block_number().saturated_into::<u64>().saturating_sub(1);
		let tx_ext: TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(Era::mortal(period, current_block)),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
			frame_system::WeightReclaim::<Runtime>::new(),
			pallet_price_guard::FeedsFirst::<Runtime>::new(),
		);
		let raw_payload = SignedPayload::new(call, tx_ext).ok()?;
		let signature = raw_payload.using_encoded(|payload| S::sign(payload, public))?;
		let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
		let (call, tx_ext, _) = raw_payload.deconstruct();
		Some(UncheckedExtrinsic::new_signed(call, address, signature, tx_ext))
	}
}

/// Key type of operators' feed keys (`feed`), for the node's keystore.
pub use pallet_price_feed::KEY_TYPE as FEED_KEY_TYPE;
