//! The runtime APIs: what the node and clients (polkadot.js `api.call.*`) may ask the runtime.
//!
//! Besides the standard set (core, metadata, block building, transaction pool, offchain
//! workers, Aura, GRANDPA, session keys, nonces, fees, genesis presets, view functions) Ballast
//! serves `OracleApi`: every combined price with the moment it was fed, so clients can judge
//! staleness themselves.
//! `PriceFeedApi` reports, per asset the price feed serves, the latest price, its age, the
//! asset's maximum age and whether the price is stale.

use crate::{
	configs::oracle::TimestampedOracleValue, AccountId, Aura, Balance, Block, BlockNumber,
	Executive, Grandpa, InherentDataExt, Nonce, OracleKey, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SessionKeys, StressTest, System, TransactionPayment, VERSION,
};
use alloc::vec::Vec;
use polkadot_sdk::{
	frame_support::{
		genesis_builder_helper::{build_state, get_preset},
		weights::Weight,
	},
	pallet_transaction_payment_rpc_runtime_api::{FeeDetails, RuntimeDispatchInfo},
	sp_api::{self, impl_runtime_apis},
	sp_consensus_aura::sr25519::AuthorityId as AuraId,
	sp_consensus_grandpa::{self as fg_primitives, AuthorityList as GrandpaAuthorityList},
	sp_core::{crypto::KeyTypeId, OpaqueMetadata},
	sp_runtime::{
		traits::Block as BlockT,
		transaction_validity::{TransactionSource, TransactionValidity},
		ApplyExtrinsicResult,
	},
	sp_version::RuntimeVersion,
	*,
};

/// Provider id of `OracleApi`: Ballast runs one oracle, its operators' median.
pub type OracleProviderId = u8;

/// The only oracle provider: the operator oracle.
pub const OPERATOR_ORACLE: OracleProviderId = 0;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(
			owner: Vec<u8>,
			seed: Option<Vec<u8>>,
		) -> sp_session::OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl fg_primitives::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> GrandpaAuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> fg_primitives::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			_equivocation_proof: fg_primitives::EquivocationProof<
				<Block as BlockT>::Hash,
				sp_runtime::traits::NumberFor<Block>,
			>,
			_key_owner_proof: fg_primitives::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			// No session/historical pallet: key ownership cannot be proven (see configs::consensus).
			None
		}

		fn generate_key_ownership_proof(
			_set_id: fg_primitives::SetId,
			_authority_id: fg_primitives::AuthorityId,
		) -> Option<fg_primitives::OpaqueKeyOwnershipProof> {
			None
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(uxt: <Block as BlockT>::Extrinsic, len: u32) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(uxt: <Block as BlockT>::Extrinsic, len: u32) -> FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(call: RuntimeCall, len: u32) -> RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(call: RuntimeCall, len: u32) -> FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl crate::margin_api::MarginApi<Block, AccountId> for Runtime {
		fn accounts(who: AccountId) -> Vec<crate::margin_api::AccountSummary> {
			crate::MarginAccounts::sub_accounts(&who)
				.into_iter()
				.filter_map(|sub| crate::margin_api::AccountSummary::of(&who, sub))
				.collect()
		}

		fn account_summary(who: AccountId, sub: ballast_primitives::SubAccount) -> Option<crate::margin_api::AccountSummary> {
			crate::margin_api::AccountSummary::of(&who, sub)
		}

		fn markets() -> Vec<crate::margin_api::MarketReport> {
			crate::Perpetuals::market_reports()
		}

		fn market(id: ballast_primitives::MarketId) -> Option<crate::margin_api::MarketReport> {
			crate::Perpetuals::market_report(id)
		}

		fn vault() -> crate::margin_api::VaultReport {
			crate::Perpetuals::vault_report()
		}

		fn lp_shares(who: AccountId) -> Balance {
			pallet_perpetuals::LpShares::<Runtime>::get(who)
		}

		fn scenario_table(
			who: AccountId,
			sub: ballast_primitives::SubAccount,
		) -> Option<pallet_margin_accounts::ScenarioTable> {
			crate::MarginAccounts::scenario_table(&who, sub)
		}
	}

	impl pallet_options::runtime_api::OptionsApi<Block, AccountId> for Runtime {
		fn series() -> Vec<pallet_options::SeriesReport> {
			crate::Options::series_reports()
		}

		fn series_report(id: ballast_primitives::MarketId) -> Option<pallet_options::SeriesReport> {
			crate::Options::series_report(id)
		}

		fn position_greeks(
			who: AccountId,
			sub: ballast_primitives::SubAccount,
		) -> Vec<pallet_options::PositionGreeks> {
			crate::Options::position_greeks(&who, sub)
		}

		fn account_greeks(
			who: AccountId,
			sub: ballast_primitives::SubAccount,
		) -> Vec<pallet_options::UnderlyingGreeks> {
			crate::Options::account_greeks(&who, sub)
		}

		fn vault() -> pallet_options::VaultReport {
			crate::Options::vault_report()
		}

		fn lp_shares(who: AccountId) -> ballast_primitives::Balance {
			crate::Options::lp_shares_of(&who)
		}
	}

	impl pallet_stress::runtime_api::StressApi<Block, AccountId, BlockNumber> for Runtime {
		fn report() -> pallet_stress::StressReport<BlockNumber> {
			StressTest::report()
		}

		fn account(who: AccountId, sub: ballast_primitives::SubAccount) -> Vec<ballast_primitives::Balance> {
			StressTest::account_shortfalls(&who, sub)
		}
	}

	impl pallet_liquidation::runtime_api::LiquidationApi<Block, AccountId> for Runtime {
		fn at_risk(limit: u32) -> Vec<(AccountId, ballast_primitives::SubAccount, crate::Price)> {
			crate::Liquidation::at_risk(limit.min(1_000))
		}

		fn health(who: AccountId, sub: ballast_primitives::SubAccount) -> Option<ballast_primitives::traits::AccountSnapshot> {
			<crate::MarginAccounts as ballast_primitives::traits::MarginSide<AccountId>>::snapshot(&who, sub)
		}

		fn auctions() -> Vec<pallet_liquidation::AuctionReport<AccountId>> {
			crate::Liquidation::auction_reports()
		}

		fn insurance() -> pallet_liquidation::InsuranceReport {
			crate::Liquidation::insurance_report()
		}
	}

	impl pallet_oracle_runtime_api::OracleApi<
		Block,
		OracleProviderId,
		OracleKey,
		TimestampedOracleValue,
	> for Runtime {
		fn get_value(provider_id: OracleProviderId, key: OracleKey) -> Option<TimestampedOracleValue> {
			(provider_id == OPERATOR_ORACLE).then(|| crate::Oracle::get(&key)).flatten()
		}

		fn get_all_values(
			provider_id: OracleProviderId,
		) -> Vec<(OracleKey, Option<TimestampedOracleValue>)> {
			if provider_id != OPERATOR_ORACLE {
				return Vec::new();
			}
			pallet_oracle::Values::<Runtime>::iter().map(|(k, v)| (k, Some(v))).collect()
		}
	}

	impl pallet_price_feed::runtime_api::PriceFeedApi<Block> for Runtime {
		fn prices() -> Vec<pallet_price_feed::PriceStatus> {
			crate::PriceFeed::statuses()
		}

		fn price(asset: ballast_primitives::AssetId) -> Option<pallet_price_feed::PriceStatus> {
			crate::PriceFeed::status(asset)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}

	// Off-chain tooling only (`try-runtime` CLI): never part of a production build. A failed
	// migration or invariant must abort the dry run, hence `expect`.
	#[cfg(feature = "try-runtime")]
	#[allow(clippy::expect_used)]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks)
				.expect("try-runtime: the runtime upgrade's migrations or checks failed");
			(weight, crate::configs::system::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect,
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("try-runtime: executing the block or its try_state checks failed")
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::BenchmarkList;
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			#[allow(unused_imports)]
			use crate::{
				Assets, Balances, CollateralRegistry, GlobalSettlement, Liquidation, MarginAccounts,
				Oracle, OracleMembership, Options, Perpetuals, PriceFeed, PriceGuard, Sudo, Timestamp,
				Utility, ValidatorSet,
			};

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = crate::AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig,
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::BenchmarkBatch;
			use frame_support::traits::TrackedStorageKey;
			use frame_system_benchmarking::Pallet as SystemBench;
			#[allow(unused_imports)]
			use crate::{
				Assets, Balances, CollateralRegistry, GlobalSettlement, Liquidation, MarginAccounts,
				Oracle, OracleMembership, Options, Perpetuals, PriceFeed, PriceGuard, Sudo, Timestamp,
				Utility, ValidatorSet,
			};

			impl frame_system_benchmarking::Config for Runtime {}

			let whitelist: Vec<TrackedStorageKey> =
				<crate::AllPalletsWithSystem as frame_support::traits::WhitelistedStorageKeys>::whitelisted_storage_keys();

			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}
}
