//! OpenGov for Ballast: the origins of the referenda tracks ([`origins`]), the tracks themselves
//! ([`tracks`]), and the origin types the pallets' configs use, one per kind of decision.
//!
//! Every privileged call accepts Root (a `root` referendum, a whitelisted call, or sudo on the
//! dev and local chains) and the origin of the one track that decides that kind of thing:
//!
//! | origin type | accepts | used for |
//! | --- | --- | --- |
//! | [`RiskParametersOrigin`] | Root, `RiskParameters` | tuning parameters: collateral params and caps, market params, vault rules, price guards of listed keys, volatility |
//! | [`AssetListingOrigin`] | Root, `AssetListing` | listing: `collateralRegistry.registerAsset`, `perpetuals.createMarket`, a guard on a new oracle key, `assets.force_*`, any asset status |
//! | [`OracleOperatorsOrigin`] | Root, `OracleOperators` | `oracleMembership.*`, `priceGuard.setFeedRules`, `priceFeed.*` |
//! | [`EmergencyOrigin`] | Root, `Emergency` | freezing an asset (`collateralRegistry.setStatus` to frozen or reduce-only), cancelling a referendum |
//! | [`EmergencyOrCouncil`] | Root, `Emergency`, two thirds of the risk council | safe mode, pausing calls |
//! | [`CouncilTwoThirds`] | two thirds of the risk council (or Root) | whitelisting a call for the `whitelisted_caller` track |

pub mod origins;
pub mod tracks;

use crate::AccountId;
use polkadot_sdk::{frame_support::traits::EitherOf, frame_system::EnsureRoot, pallet_collective};

/// The risk council's instance of `pallet_collective`.
pub type RiskCouncilInstance = pallet_collective::Instance1;

/// Root or the `risk_parameters` track.
pub type RiskParametersOrigin = EitherOf<EnsureRoot<AccountId>, origins::RiskParameters>;
/// Root or the `asset_listing` track.
pub type AssetListingOrigin = EitherOf<EnsureRoot<AccountId>, origins::AssetListing>;
/// Root or the `oracle_operators` track.
pub type OracleOperatorsOrigin = EitherOf<EnsureRoot<AccountId>, origins::OracleOperators>;
/// Root or the `emergency` track.
pub type EmergencyOrigin = EitherOf<EnsureRoot<AccountId>, origins::Emergency>;
/// Root or the `whitelisted_caller` track.
pub type WhitelistedCallerOrigin = EitherOf<EnsureRoot<AccountId>, origins::WhitelistedCaller>;

/// Two thirds of the risk council, or Root.
pub type CouncilTwoThirds = EitherOf<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionAtLeast<AccountId, RiskCouncilInstance, 2, 3>,
>;

/// The `emergency` track, or two thirds of the risk council (who can act within a motion's
/// duration, before a referendum could), or Root.
pub type EmergencyOrCouncil = EitherOf<EmergencyOrigin, CouncilTwoThirds>;
