//! Tests of the pallet: calls, errors, the guarded-key rule, `CollateralRisk` (with the price
//! guard's volatility), genesis and the invariants. The pure math has its own tests (and
//! properties) in [`crate::risk`].

use crate::{mock::*, pallet::*, risk, types::*, CollateralParamsOf, Error, Event};
use ballast_primitives::{traits::CollateralRisk, AssetId, AssetStatus};
use polkadot_sdk::{
	frame_support::{__private::serde_json, assert_noop, assert_ok, traits::Hooks, BoundedVec},
	sp_arithmetic::Permill,
	sp_runtime::DispatchError,
};

const BTC: AssetId = 1;
const ETH: AssetId = 2;
/// 1,000 BTC in satoshi: the market depth of [`btc_params`].
const DEPTH: u128 = 1_000 * 100_000_000;

fn root() -> RuntimeOrigin {
	RuntimeOrigin::root()
}

fn signed() -> RuntimeOrigin {
	RuntimeOrigin::signed(7)
}

fn register(asset: AssetId) {
	assert_ok!(CollateralRegistry::register_asset(root(), asset, Box::new(params_for(asset))));
}

fn with(f: impl FnOnce(&mut CollateralParamsOf<Test>)) -> Box<CollateralParamsOf<Test>> {
	let mut p = params_for(BTC);
	f(&mut p);
	Box::new(p)
}

/// One broken parameter set per validation error.
fn invalid_cases() -> Vec<(Box<CollateralParamsOf<Test>>, Error<Test>)> {
	vec![
		(with(|p| p.decimals = 25), Error::DecimalsTooLarge),
		(with(|p| p.haircut.base = Permill::one()), Error::HaircutTooHigh),
		(with(|p| p.haircut.bands[1].haircut = Permill::one()), Error::HaircutTooHigh),
		(with(|p| p.haircut.bands[0].haircut = Permill::from_percent(9)), Error::BandBelowBase),
		(
			with(|p| p.haircut.bands[1].min_volatility = Permill::from_percent(1)),
			Error::BandsNotAscending,
		),
		(
			with(|p| p.haircut.bands[1].haircut = Permill::from_percent(14)),
			Error::BandHaircutDecreasing,
		),
		(with(|p| p.haircut.concentration.market_depth = 0), Error::ZeroMarketDepth),
		(with(|p| p.haircut.concentration.max_add_on = Permill::one()), Error::AddOnTooHigh),
		(with(|p| p.liquidation_threshold = Permill::zero()), Error::ZeroLiquidationThreshold),
		(
			with(|p| p.liquidation_threshold = Permill::from_percent(89)),
			Error::ThresholdBelowInitialWeight,
		),
		(with(|p| p.liquidation_penalty = Permill::from_percent(12)), Error::PenaltyTooLarge),
		(with(|p| p.liquidation_penalty = Permill::from_percent(26)), Error::PenaltyAboveMaximum),
		(with(|p| p.supply_cap = 0), Error::InvalidCaps),
		(with(|p| p.account_cap = 0), Error::InvalidCaps),
		(with(|p| p.account_cap = p.supply_cap + 1), Error::InvalidCaps),
	]
}

// ----- register_asset -----

#[test]
fn register_asset_lists_the_asset() {
	test(|| {
		assert_ok!(CollateralRegistry::register_asset(root(), BTC, Box::new(params_for(BTC))));
		System::assert_last_event(Event::AssetRegistered { asset: BTC }.into());
		assert_eq!(CollateralRegistry::params(BTC), Some(params_for(BTC)));
		assert_eq!(CollateralRegistry::listed_assets(), vec![BTC]);
		// The guard knows no volatility of key 1 yet.
		assert_eq!(CollateralRegistry::volatility(BTC), Permill::zero());

		register(ETH);
		assert_eq!(CollateralRegistry::listed_assets(), vec![BTC, ETH]);
	});
}

#[test]
fn register_asset_requires_governance() {
	test(|| {
		assert_noop!(
			CollateralRegistry::register_asset(signed(), BTC, Box::new(params_for(BTC))),
			DispatchError::BadOrigin
		);
		assert_noop!(
			CollateralRegistry::register_asset(
				RuntimeOrigin::none(),
				BTC,
				Box::new(params_for(BTC))
			),
			DispatchError::BadOrigin
		);
	});
}

#[test]
fn register_asset_rejects_a_listed_asset() {
	test(|| {
		register(BTC);
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, Box::new(params_for(BTC))),
			Error::<Test>::AssetAlreadyRegistered
		);
	});
}

#[test]
fn register_asset_stops_at_max_assets() {
	test(|| {
		for asset in 0..MAX_ASSETS {
			register(asset);
		}
		assert_noop!(
			CollateralRegistry::register_asset(
				root(),
				MAX_ASSETS,
				Box::new(params_for(MAX_ASSETS))
			),
			Error::<Test>::TooManyAssets
		);
	});
}

#[test]
fn register_asset_rejects_every_invalid_parameter() {
	test(|| {
		for (params, error) in invalid_cases() {
			assert_noop!(CollateralRegistry::register_asset(root(), BTC, params), error);
		}
		assert!(CollateralRegistry::listed_assets().is_empty());
	});
}

#[test]
fn register_asset_rejects_an_unguarded_oracle_key() {
	test(|| {
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, Box::new(params_for(UNGUARDED_KEY))),
			Error::<Test>::UnguardedOracleKey
		);
		// A key the guard stops guarding is refused as well.
		MockPrices::unguard(BTC);
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, Box::new(params_for(BTC))),
			Error::<Test>::UnguardedOracleKey
		);
		assert!(CollateralRegistry::listed_assets().is_empty());
		// Once guarded, the same call lists the asset.
		MockPrices::guard(UNGUARDED_KEY);
		assert_ok!(CollateralRegistry::register_asset(
			root(),
			BTC,
			Box::new(params_for(UNGUARDED_KEY))
		));
		assert_eq!(CollateralRegistry::params(BTC).unwrap().oracle_key, UNGUARDED_KEY);
	});
}

#[test]
fn register_asset_reports_invalid_parameters_before_an_unguarded_key() {
	test(|| {
		let mut params = params_for(UNGUARDED_KEY);
		params.supply_cap = 0;
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, Box::new(params)),
			Error::<Test>::InvalidCaps
		);
	});
}

// ----- update_params -----

#[test]
fn update_params_replaces_the_set() {
	test(|| {
		register(BTC);
		let new = with(|p| {
			p.liquidation_penalty = Permill::from_percent(10);
			p.haircut.bands.pop();
		});
		assert_ok!(CollateralRegistry::update_params(root(), BTC, new.clone()));
		System::assert_last_event(Event::ParamsUpdated { asset: BTC }.into());
		assert_eq!(CollateralRegistry::params(BTC), Some(*new));
		// Same status: no StatusChanged.
		assert!(!System::events().iter().any(|r| matches!(
			r.event,
			RuntimeEvent::CollateralRegistry(Event::StatusChanged { .. })
		)));
	});
}

#[test]
fn update_params_can_move_the_asset_to_another_guarded_key() {
	test(|| {
		register(BTC);
		MockPrices::set_volatility(BTC, Permill::from_percent(3));
		MockPrices::set_volatility(3, Permill::from_percent(6));
		assert_eq!(CollateralRegistry::volatility(BTC), Permill::from_percent(3));
		assert_ok!(CollateralRegistry::update_params(root(), BTC, Box::new(params_for(3))));
		// The volatility is the guard's for the new key: 6%, the 25% band.
		assert_eq!(CollateralRegistry::volatility(BTC), Permill::from_percent(6));
		let t = CollateralRegistry::terms(BTC, 0).unwrap();
		assert_eq!((t.oracle_key, t.haircut), (3, Permill::from_percent(25)));
	});
}

#[test]
fn update_params_rejects_an_unguarded_oracle_key() {
	test(|| {
		register(BTC);
		System::reset_events();
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, Box::new(params_for(UNGUARDED_KEY))),
			Error::<Test>::UnguardedOracleKey
		);
		// Nor may the key the asset is listed under be kept once the guard dropped it.
		MockPrices::unguard(BTC);
		assert_noop!(
			CollateralRegistry::update_params(
				root(),
				BTC,
				with(|p| p.liquidation_penalty = Permill::from_percent(10))
			),
			Error::<Test>::UnguardedOracleKey
		);
		assert_eq!(CollateralRegistry::params(BTC), Some(params_for(BTC)));
		assert!(System::events().is_empty());
	});
}

#[test]
fn update_params_takes_the_status_from_the_new_set() {
	test(|| {
		register(BTC);
		System::reset_events();
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| p.status = AssetStatus::ReduceOnly)
		));
		let events: Vec<RuntimeEvent> = System::events().into_iter().map(|r| r.event).collect();
		assert_eq!(
			events,
			<Vec<RuntimeEvent>>::from([
				Event::StatusChanged {
					asset: BTC,
					from: AssetStatus::Active,
					to: AssetStatus::ReduceOnly
				}
				.into(),
				Event::ParamsUpdated { asset: BTC }.into(),
			])
		);
		assert_eq!(CollateralRegistry::params(BTC).unwrap().status, AssetStatus::ReduceOnly);
	});
}

#[test]
fn update_params_errors() {
	test(|| {
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, Box::new(params_for(BTC))),
			Error::<Test>::UnknownAsset
		);
		// An unknown asset is reported before invalid parameters.
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, with(|p| p.supply_cap = 0)),
			Error::<Test>::UnknownAsset
		);
		register(BTC);
		assert_noop!(
			CollateralRegistry::update_params(signed(), BTC, Box::new(params_for(BTC))),
			DispatchError::BadOrigin
		);
		for (params, error) in invalid_cases() {
			assert_noop!(CollateralRegistry::update_params(root(), BTC, params), error);
		}
		assert_eq!(CollateralRegistry::params(BTC), Some(params_for(BTC)));
	});
}

// ----- set_status -----

#[test]
fn set_status_changes_the_status() {
	test(|| {
		register(BTC);
		for (from, to) in [
			(AssetStatus::Active, AssetStatus::ReduceOnly),
			(AssetStatus::ReduceOnly, AssetStatus::Frozen),
			(AssetStatus::Frozen, AssetStatus::Delisted),
			(AssetStatus::Delisted, AssetStatus::Active),
		] {
			assert_ok!(CollateralRegistry::set_status(root(), BTC, to));
			System::assert_last_event(Event::StatusChanged { asset: BTC, from, to }.into());
			assert_eq!(CollateralRegistry::params(BTC).unwrap().status, to);
			assert_eq!(CollateralRegistry::terms(BTC, 0).unwrap().status, to);
		}
	});
}

#[test]
fn set_status_errors() {
	test(|| {
		assert_noop!(
			CollateralRegistry::set_status(root(), BTC, AssetStatus::Frozen),
			Error::<Test>::UnknownAsset
		);
		register(BTC);
		assert_noop!(
			CollateralRegistry::set_status(signed(), BTC, AssetStatus::Frozen),
			DispatchError::BadOrigin
		);
		assert_noop!(
			CollateralRegistry::set_status(root(), BTC, AssetStatus::Active),
			Error::<Test>::StatusUnchanged
		);
	});
}

// ----- set_caps -----

#[test]
fn set_caps_changes_the_caps() {
	test(|| {
		register(BTC);
		assert_ok!(CollateralRegistry::set_caps(root(), BTC, 5_000, 5_000));
		System::assert_last_event(
			Event::CapsUpdated { asset: BTC, supply_cap: 5_000, account_cap: 5_000 }.into(),
		);
		let p = CollateralRegistry::params(BTC).unwrap();
		assert_eq!((p.supply_cap, p.account_cap), (5_000, 5_000));
		// Nothing else moved.
		assert_eq!(
			p,
			CollateralParams { supply_cap: 5_000, account_cap: 5_000, ..params_for(BTC) }
		);
		let t = CollateralRegistry::terms(BTC, 0).unwrap();
		assert_eq!((t.supply_cap, t.account_cap), (5_000, 5_000));
	});
}

#[test]
fn set_caps_errors() {
	test(|| {
		assert_noop!(CollateralRegistry::set_caps(root(), BTC, 2, 1), Error::<Test>::UnknownAsset);
		register(BTC);
		assert_noop!(CollateralRegistry::set_caps(signed(), BTC, 2, 1), DispatchError::BadOrigin);
		for (supply, account) in [(0, 0), (0, 1), (1, 0), (1, 2)] {
			assert_noop!(
				CollateralRegistry::set_caps(root(), BTC, supply, account),
				Error::<Test>::InvalidCaps
			);
		}
	});
}

// ----- CollateralRisk -----

#[test]
fn terms_for_a_concrete_holding() {
	test(|| {
		assert_eq!(CollateralRegistry::terms(BTC, 1), None);
		register(BTC);

		// Calm market, no holding: the base haircut and the full threshold.
		let t = CollateralRegistry::terms(BTC, 0).unwrap();
		assert_eq!(t.haircut, Permill::from_percent(10));
		assert_eq!(t.maintenance_weight, Permill::from_percent(90));
		assert_eq!(t.decimals, 8);
		assert_eq!(t.oracle_key, BTC);
		assert_eq!(t.liquidation_penalty, Permill::from_percent(5));
		assert_eq!((t.supply_cap, t.account_cap), (DEPTH * 10, DEPTH));

		// 3% volatility (15% band) and 500 BTC (+5%): haircut 20%, maintenance
		// max(80%, 90% − 10%) = 80%.
		MockPrices::set_volatility(BTC, Permill::from_percent(3));
		let t = CollateralRegistry::terms(BTC, DEPTH / 2).unwrap();
		assert_eq!(t.haircut, Permill::from_percent(20));
		assert_eq!(t.maintenance_weight, Permill::from_percent(80));

		// 6% volatility (25% band) and 3,000 BTC (add-on capped at 20%): haircut 45%,
		// maintenance max(55%, 90% − 35%) = 55%.
		MockPrices::set_volatility(BTC, Permill::from_percent(6));
		let t = CollateralRegistry::terms(BTC, 3 * DEPTH).unwrap();
		assert_eq!(t.haircut, Permill::from_percent(45));
		assert_eq!(t.maintenance_weight, Permill::from_percent(55));
		assert_eq!(t, risk::terms(&params_for(BTC), Permill::from_percent(6), 3 * DEPTH));
	});
}

#[test]
fn terms_use_the_guards_volatility_of_the_oracle_key() {
	test(|| {
		// ETH listed with BTC's parameters, but priced under key 42.
		MockPrices::guard(42);
		assert_ok!(CollateralRegistry::register_asset(root(), ETH, Box::new(params_for(42))));
		let haircut = || CollateralRegistry::terms(ETH, 0).unwrap().haircut;
		assert_eq!(haircut(), Permill::from_percent(10));

		// A volatility under the asset's id is not the asset's.
		MockPrices::set_volatility(ETH, Permill::from_percent(6));
		assert_eq!(haircut(), Permill::from_percent(10));
		assert_eq!(CollateralRegistry::volatility(ETH), Permill::zero());
		assert_eq!(<CollateralRegistry as CollateralRisk>::volatility(ETH), Permill::zero());

		// Under its oracle key it is, and picks the band: just below 2% → base, 2% → 15%,
		// 5% → 25%.
		for (parts, band) in [(19_999, 10), (20_000, 15), (49_999, 15), (50_000, 25)] {
			MockPrices::set_volatility(42, Permill::from_parts(parts));
			assert_eq!(CollateralRegistry::volatility(ETH), Permill::from_parts(parts));
			assert_eq!(
				<CollateralRegistry as CollateralRisk>::volatility(ETH),
				Permill::from_parts(parts)
			);
			assert_eq!(haircut(), Permill::from_percent(band), "volatility {parts} ppm");
		}
		let t = CollateralRegistry::terms(ETH, 0).unwrap();
		assert_eq!(t.maintenance_weight, Permill::from_percent(75));
		assert_eq!(t, risk::terms(&params_for(42), Permill::from_percent(5), 0));

		// An unlisted asset has neither terms nor volatility, whatever the guard knows.
		MockPrices::set_volatility(3, Permill::from_percent(6));
		assert_eq!(CollateralRegistry::terms(3, 0), None);
		assert_eq!(CollateralRegistry::volatility(3), Permill::zero());
	});
}

// ----- genesis -----

fn genesis() -> GenesisConfig<Test> {
	GenesisConfig { assets: vec![(BTC, params_for(BTC)), (ETH, params_for(ETH))] }
}

#[test]
fn genesis_lists_assets() {
	new_test_ext_with(genesis()).execute_with(|| {
		assert_eq!(CollateralRegistry::listed_assets(), vec![BTC, ETH]);
		assert_eq!(CollateralRegistry::params(ETH), Some(params_for(ETH)));
		assert_eq!(CollateralRegistry::terms(ETH, 0).unwrap().haircut, Permill::from_percent(10));
		// Genesis deposits no events.
		assert!(System::events().is_empty());
		CollateralRegistry::do_try_state().unwrap();
	});
}

#[test]
#[should_panic(expected = "ZeroLiquidationThreshold")]
fn genesis_refuses_invalid_params() {
	let mut g = genesis();
	g.assets[0].1.liquidation_threshold = Permill::zero();
	new_test_ext_with(g);
}

#[test]
#[should_panic(expected = "cannot list asset 2")]
fn genesis_refuses_duplicates() {
	let mut g = genesis();
	g.assets.push((ETH, params_for(ETH)));
	new_test_ext_with(g);
}

#[test]
#[should_panic(expected = "UnguardedOracleKey")]
fn genesis_refuses_an_unguarded_oracle_key() {
	let mut g = genesis();
	g.assets.push((3, params_for(UNGUARDED_KEY)));
	new_test_ext_with(g);
}

/// The JSON documented on `GenesisConfig`.
const GENESIS_JSON: &str = r#"{
  "assets": [[1, {
    "decimals": 8,
    "oracleKey": 1,
    "haircut": {
      "base": 100000,
      "bands": [
        { "minVolatility": 20000, "haircut": 150000 },
        { "minVolatility": 50000, "haircut": 250000 }
      ],
      "concentration": { "marketDepth": 100000000000, "slope": 100000, "maxAddOn": 200000 }
    },
    "liquidationThreshold": 900000,
    "liquidationPenalty": 50000,
    "supplyCap": 1000000000000,
    "accountCap": 100000000000,
    "status": "Active"
  }]]
}"#;

#[test]
fn genesis_config_from_documented_json() {
	let g: GenesisConfig<Test> = serde_json::from_str(GENESIS_JSON).unwrap();
	assert_eq!(g.assets, vec![(BTC, params_for(BTC))]);
	new_test_ext_with(g).execute_with(|| {
		assert_eq!(CollateralRegistry::params(BTC), Some(params_for(BTC)));
		CollateralRegistry::do_try_state().unwrap();
	});
}

#[test]
fn genesis_json_refuses_the_price_fields_the_guard_owns() {
	for (needle, legacy) in [
		("\"oracleKey\": 1,", "\"oracleKey\": 1, \"maxPriceAge\": 60000,"),
		("\"oracleKey\": 1,", "\"oracleKey\": 1, \"minPrice\": \"1000000000000000000000\","),
		("\"oracleKey\": 1,", "\"oracleKey\": 1, \"maxPrice\": \"1000000000000000000000\","),
		("}]]\n}", "}]],\n  \"volatility\": [[1, 30000]]\n}"),
	] {
		let json = GENESIS_JSON.replace(needle, legacy);
		assert_ne!(json, GENESIS_JSON);
		assert!(serde_json::from_str::<GenesisConfig<Test>>(&json).is_err(), "{legacy}");
	}
}

#[test]
fn genesis_json_round_trips_with_large_amounts() {
	let mut g = genesis();
	// 10^24: beyond u64, so written as a string.
	g.assets[1].1.supply_cap = 10u128.pow(24);
	g.assets[1].1.status = AssetStatus::ReduceOnly;
	let value = serde_json::to_value(&g).unwrap();
	assert_eq!(value["assets"][1][1]["supplyCap"], serde_json::json!("1000000000000000000000000"));
	assert_eq!(value["assets"][1][1]["accountCap"], serde_json::json!(100_000_000_000u64));
	assert_eq!(value["assets"][1][1]["status"], serde_json::json!("ReduceOnly"));
	let back: GenesisConfig<Test> = serde_json::from_value(value).unwrap();
	assert_eq!(back.assets, g.assets);
	// Amounts are accepted as strings below u64::MAX too; unknown fields are not.
	let json =
		GENESIS_JSON.replace("\"supplyCap\": 1000000000000", "\"supplyCap\": \"1000000000000\"");
	let g: GenesisConfig<Test> = serde_json::from_str(&json).unwrap();
	assert_eq!(g.assets[0].1.supply_cap, 1_000_000_000_000);
	let json = GENESIS_JSON.replace("\"decimals\": 8,", "\"decimals\": 8, \"typo\": 1,");
	assert!(serde_json::from_str::<GenesisConfig<Test>>(&json).is_err());
}

#[test]
fn bands_beyond_max_bands_do_not_decode() {
	let mut json: serde_json::Value = serde_json::from_str(GENESIS_JSON).unwrap();
	let band = serde_json::json!({ "minVolatility": 900000, "haircut": 900000 });
	let bands = json["assets"][0][1]["haircut"]["bands"].as_array_mut().unwrap();
	for _ in 0..MAX_BANDS {
		bands.push(band.clone());
	}
	assert!(serde_json::from_value::<GenesisConfig<Test>>(json).is_err());
}

// ----- invariants -----

#[test]
fn try_state_catches_broken_invariants() {
	test(|| {
		register(BTC);
		register(ETH);
		assert_ok!(CollateralRegistry::do_try_state());

		// A duplicate in the list.
		let listed = ListedAssets::<Test>::get();
		ListedAssets::<Test>::put(BoundedVec::truncate_from(vec![BTC, ETH, ETH]));
		assert!(CollateralRegistry::do_try_state().is_err());
		// A listed asset without parameters, and parameters of an unlisted asset.
		ListedAssets::<Test>::put(BoundedVec::truncate_from(vec![BTC, ETH, 3]));
		assert!(CollateralRegistry::do_try_state().is_err());
		ListedAssets::<Test>::put(BoundedVec::truncate_from(vec![BTC]));
		assert!(CollateralRegistry::do_try_state().is_err());
		ListedAssets::<Test>::put(listed);

		// Stored parameters that do not validate.
		let good = AssetParams::<Test>::get(ETH).unwrap();
		AssetParams::<Test>::insert(ETH, *with(|p| p.liquidation_threshold = Permill::zero()));
		assert!(CollateralRegistry::do_try_state().is_err());
		AssetParams::<Test>::insert(ETH, good);
		assert_ok!(CollateralRegistry::do_try_state());

		// A key the guard stopped guarding is the guard's state, not a broken registry.
		MockPrices::unguard(ETH);
		assert_ok!(CollateralRegistry::do_try_state());

		// Emergency totals: of an unlisted asset, zero, or beyond the bound.
		let over = Tightening { haircut_rise: Permill::from_percent(11), ..points(0, 0) };
		for (asset, total) in [(3, points(1, 0)), (BTC, points(0, 0)), (BTC, over)] {
			EmergencyTightenings::<Test>::insert(asset, total);
			assert!(CollateralRegistry::do_try_state().is_err());
			EmergencyTightenings::<Test>::remove(asset);
		}
		EmergencyTightenings::<Test>::insert(BTC, points(10, 5));
		assert_ok!(CollateralRegistry::do_try_state());
	});
}

// ----- emergency tightening -----

/// A tightening of `rise` points on the haircuts and `cut` points on the threshold.
fn points(rise: u32, cut: u32) -> Tightening {
	Tightening {
		haircut_rise: Permill::from_percent(rise),
		threshold_cut: Permill::from_percent(cut),
	}
}

#[test]
fn emergency_tighten_applies_at_once_and_emits() {
	test(|| {
		register(BTC);
		let before = CollateralRegistry::terms(BTC, 0).unwrap();
		assert_ok!(CollateralRegistry::emergency_tighten(root(), BTC, points(5, 2)));
		let params = AssetParams::<Test>::get(BTC).unwrap();
		assert_eq!(params.haircut.base, Permill::from_percent(15));
		let bands: Vec<_> = params.haircut.bands.iter().map(|b| b.haircut).collect();
		assert_eq!(bands, vec![Permill::from_percent(20), Permill::from_percent(30)]);
		assert_eq!(params.liquidation_threshold, Permill::from_percent(88));
		// Nothing else moved.
		assert_eq!(params.liquidation_penalty, Permill::from_percent(5));
		assert_eq!(params.haircut.concentration, params_for(1).haircut.concentration);
		// The margin terms other pallets read are tighter in the same block.
		let after = CollateralRegistry::terms(BTC, 0).unwrap();
		assert!(after.haircut > before.haircut);
		assert!(after.maintenance_weight < before.maintenance_weight);
		assert_eq!(EmergencyTightenings::<Test>::get(BTC), Some(points(5, 2)));
		System::assert_last_event(
			Event::EmergencyTightened { asset: BTC, step: points(5, 2), total: points(5, 2) }
				.into(),
		);
	});
}

#[test]
fn emergency_tightenings_add_up_to_the_bound_and_no_further() {
	test(|| {
		register(BTC);
		assert_ok!(CollateralRegistry::emergency_tighten(root(), BTC, points(6, 3)));
		// 6 + 6 > 10 points on the haircuts: refused, nothing changes.
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(6, 0)),
			Error::<Test>::EmergencyBoundExceeded
		);
		// 3 + 3 > 5 points on the threshold.
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(0, 3)),
			Error::<Test>::EmergencyBoundExceeded
		);
		// Exactly up to the bound is allowed.
		assert_ok!(CollateralRegistry::emergency_tighten(root(), BTC, points(4, 2)));
		assert_eq!(EmergencyTightenings::<Test>::get(BTC), Some(points(10, 5)));
		System::assert_last_event(
			Event::EmergencyTightened { asset: BTC, step: points(4, 2), total: points(10, 5) }
				.into(),
		);
		// One part more is not.
		let one_part =
			Tightening { haircut_rise: Permill::from_parts(1), threshold_cut: Permill::zero() };
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, one_part),
			Error::<Test>::EmergencyBoundExceeded
		);
	});
}

#[test]
fn a_governance_decision_supersedes_the_emergency_total() {
	test(|| {
		register(BTC);
		assert_ok!(CollateralRegistry::emergency_tighten(root(), BTC, points(10, 5)));
		// The referendum's full set (with its notice) replaces the emergency one...
		assert_ok!(CollateralRegistry::update_params(root(), BTC, Box::new(params_for(1))));
		assert_eq!(EmergencyTightenings::<Test>::get(BTC), None);
		assert_eq!(AssetParams::<Test>::get(BTC), Some(params_for(1)));
		// ...and the emergency origin has its whole bound again.
		assert_ok!(CollateralRegistry::emergency_tighten(root(), BTC, points(10, 5)));
	});
}

#[test]
fn emergency_tighten_errors_change_nothing() {
	test(|| {
		register(BTC);
		assert_noop!(
			CollateralRegistry::emergency_tighten(signed(), BTC, points(1, 1)),
			DispatchError::BadOrigin
		);
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), ETH, points(1, 1)),
			Error::<Test>::UnknownAsset
		);
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(0, 0)),
			Error::<Test>::NothingToTighten
		);
		// Cutting the threshold more than the haircuts rise makes maintenance stricter than
		// the initial test: 90% − 5 < 100% − (10% + 1).
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| p.haircut.base = Permill::from_percent(10))
		));
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(1, 5)),
			Error::<Test>::ThresholdBelowInitialWeight
		);
		// A haircut that would reach 100%.
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| {
				p.haircut.bands = BoundedVec::truncate_from(vec![VolatilityBand {
					min_volatility: Permill::from_percent(2),
					haircut: Permill::from_percent(95),
				}]);
			})
		));
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(5, 0)),
			Error::<Test>::HaircutTooHigh
		);
		// A threshold that would reach zero.
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| {
				p.haircut.base = Permill::from_percent(97);
				p.haircut.bands = BoundedVec::default();
				p.liquidation_threshold = Permill::from_percent(3);
			})
		));
		assert_noop!(
			CollateralRegistry::emergency_tighten(root(), BTC, points(1, 3)),
			Error::<Test>::ZeroLiquidationThreshold
		);
	});
}

#[test]
fn integrity_test_passes() {
	test(<CollateralRegistry as Hooks<u64>>::integrity_test);
}

#[test]
fn params_encode_within_max_encoded_len() {
	use codec::{Encode, MaxEncodedLen};
	let mut p = params_for(BTC);
	while p.haircut.bands.try_push(VolatilityBand::default()).is_ok() {}
	assert!(p.encoded_size() <= CollateralParamsOf::<Test>::max_encoded_len());
}

// ----- scenario 10: redefining a held asset -----

#[test]
fn changing_the_oracle_key_or_decimals_of_a_held_asset_is_refused() {
	test(|| {
		// The attack (or the accident): margin accounts hold BTC; governance moves BTC to
		// another key, or declares it 6 decimals instead of 8, and every holding is revalued
		// by the other key's price or by 10^2, making healthy accounts liquidatable (or
		// letting unhealthy ones withdraw) in one call.
		register(BTC);
		MockHoldings::set(BTC, 1);
		System::reset_events();
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, Box::new(params_for(3))),
			Error::<Test>::AssetInUse
		);
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, with(|p| p.decimals = 6)),
			Error::<Test>::AssetInUse
		);
		// Risk parameters of a held asset still change.
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| p.liquidation_penalty = Permill::from_percent(10))
		));
		// Holdings of another asset are no reason.
		register(ETH);
		assert_ok!(CollateralRegistry::update_params(root(), ETH, Box::new(params_for(4))));
		// Once nothing is held, the asset can be redefined.
		MockHoldings::set(BTC, 0);
		assert_ok!(CollateralRegistry::update_params(
			root(),
			BTC,
			with(|p| {
				p.oracle_key = 3;
				p.decimals = 6;
			})
		));
		let t = CollateralRegistry::terms(BTC, 0).unwrap();
		assert_eq!((t.oracle_key, t.decimals), (3, 6));
	});
}

#[test]
fn an_absurd_liquidation_penalty_is_refused() {
	test(|| {
		// A low threshold lets `threshold × (1 + penalty) ≤ 100%` accept a penalty of up to
		// 100%: a liquidation would hand over all the seized collateral's value again.
		let low_threshold = |penalty: Permill| {
			with(|p| {
				p.haircut.base = Permill::from_percent(50);
				p.haircut.bands = BoundedVec::default();
				p.liquidation_threshold = Permill::from_percent(50);
				p.liquidation_penalty = penalty;
			})
		};
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, low_threshold(Permill::one())),
			Error::<Test>::PenaltyAboveMaximum
		);
		let just_above = Permill::from_parts(risk::MAX_LIQUIDATION_PENALTY.deconstruct() + 1);
		assert_noop!(
			CollateralRegistry::register_asset(root(), BTC, low_threshold(just_above)),
			Error::<Test>::PenaltyAboveMaximum
		);
		assert_ok!(CollateralRegistry::register_asset(
			root(),
			BTC,
			low_threshold(risk::MAX_LIQUIDATION_PENALTY)
		));
		assert_noop!(
			CollateralRegistry::update_params(root(), BTC, low_threshold(Permill::one())),
			Error::<Test>::PenaltyAboveMaximum
		);
	});
}
