// Validators on real nodes, through polkadot.js only. The dev chain's node (Alice, its one
// validator) and a second validator node of the same chain, peered with it, whose operator is
// Bob. Each operator makes keys on its own node (`author_rotateKeysWithOwner`) and registers
// them (`session.setKeys`); Alice's is a key rotation, no vote needed; Bob joins by governance
// (`validatorSet.addValidator`, Root: sudo on the dev chain, a `root` referendum in production).
// Both take effect at the second session boundary, and then the two nodes author and finalize
// together: GRANDPA needs both votes of a 2-validator set, so finality moving on proves Bob's
// node votes with the keys it registered.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';
import { cryptoWaitReady, decodeAddress } from '@polkadot/util-crypto';

import { connect, signAndFinalize, startDevNode, startPeerNode, waitFor } from '../lib/node.mjs';

describe('validators: a key rotation and a validator added by governance', () => {
  let alicesNode;
  let bobsNode;
  let api;
  let bobsApi;
  let alice;
  let bob;

  before(async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    alicesNode = await startDevNode('validators-alice', ['--offchain-worker', 'never']);
    api = await connect(alicesNode.wsUrl);
    const peerId = (await api.rpc.system.localPeerId()).toString();
    bobsNode = await startPeerNode('validators-bob',
      `/ip4/127.0.0.1/tcp/${alicesNode.p2pPort}/p2p/${peerId}`, ['--offchain-worker', 'never']);
    bobsApi = await connect(bobsNode.wsUrl);
  });

  after(async () => {
    await bobsApi?.disconnect();
    await api?.disconnect();
    await bobsNode?.stop();
    await alicesNode?.stop();
  });

  /** What an operator runs on its own node (an unsafe RPC method: localhost only): new keys in
   *  that node's keystore, and the proof that they were made for `owner`'s account. */
  //  (polkadot.js 16 does not decorate this method: it is sent as is.)
  async function rotateKeysFor(wsUrl, owner) {
    const provider = new WsProvider(wsUrl, false);
    await provider.connect();
    await provider.isReady;
    try {
      const { keys, proof } = await provider.send('author_rotateKeysWithOwner', [u8aToHex(decodeAddress(owner))]);
      assert.ok(keys && proof, 'author_rotateKeysWithOwner returns keys and a proof');
      return { keys, proof };
    } finally {
      await provider.disconnect();
    }
  }

  async function ok(tx, signer, what) {
    const { error, events } = await signAndFinalize(api, tx, signer);
    assert.equal(error, null, `${what} failed: ${error}`);
    return events;
  }

  const sorted = (xs) => [...xs].sort();

  test('the dev chain starts with Alice as its only validator; the second node follows it', async () => {
    assert.deepEqual((await api.query.validatorSet.validators()).map(String), [alice.address]);
    assert.deepEqual((await api.query.session.validators()).map(String), [alice.address]);
    assert.equal((await api.query.aura.authorities()).length, 1);
    const target = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor((cb) => bobsApi.rpc.chain.subscribeNewHeads(cb), (h) => h.number.toNumber() >= target, 90_000,
      "Bob's node importing Alice's blocks");
  });

  test('a rotated key and a validator voted in author and finalize from the second boundary', async () => {
    // Short sessions for the test (governance may set 10 blocks to a day).
    await ok(api.tx.sudo.sudo(api.tx.validatorSet.setSessionLength(10)), alice, 'setSessionLength');

    const aliceKeys = await rotateKeysFor(alicesNode.wsUrl, alice.address);
    await ok(api.tx.session.setKeys(aliceKeys.keys, aliceKeys.proof), alice, "Alice's setKeys");
    const bobKeys = await rotateKeysFor(bobsNode.wsUrl, bob.address);
    await ok(api.tx.session.setKeys(bobKeys.keys, bobKeys.proof), bob, "Bob's setKeys");

    // A proof made for Alice does not let Bob claim her keys.
    const stolen = await signAndFinalize(api, api.tx.session.setKeys(aliceKeys.keys, aliceKeys.proof), bob);
    assert.equal(stolen.error, 'session.InvalidProof');

    const events = await ok(api.tx.sudo.sudo(api.tx.validatorSet.addValidator(bob.address)), alice, 'addValidator');
    assert.ok(events.some(({ event }) => event.section === 'validatorSet' && event.method === 'ValidatorAdded'));
    assert.deepEqual(sorted((await api.query.validatorSet.validators()).map(String)), sorted([alice.address, bob.address]));

    // Two boundaries on, Aura's authorities are the two new sr25519 keys (the first 32 bytes of
    // each `keys`: aura, then grandpa) and the session's validators are Alice and Bob.
    const start = (await api.query.session.currentIndex()).toNumber();
    await waitFor((cb) => api.query.session.currentIndex(cb), (i) => i.toNumber() >= start + 2, 300_000,
      'two session boundaries');
    const auraOf = (keys) => keys.slice(0, 2 + 64);
    assert.deepEqual(sorted((await api.query.aura.authorities()).map((a) => a.toHex())),
      sorted([auraOf(aliceKeys.keys), auraOf(bobKeys.keys)]));
    assert.deepEqual(sorted((await api.query.session.validators()).map(String)), sorted([alice.address, bob.address]));

    // Both nodes author, and blocks finalize with the new 2-of-2 GRANDPA set.
    const from = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitFor((cb) => api.rpc.chain.subscribeFinalizedHeads(cb), (h) => h.number.toNumber() >= from + 4, 120_000,
      'finality with the new authority set (both nodes voting)');
    // Who authored the last blocks (polkadot.js maps the Aura slot to the session's validators).
    const authors = new Set();
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    for (let n = head - 5; n <= head; n += 1) {
      const header = await api.derive.chain.getHeader(await api.rpc.chain.getBlockHash(n));
      if (header?.author) authors.add(header.author.toString());
    }
    assert.deepEqual(sorted(authors), sorted([alice.address, bob.address]), 'blocks authored by both validators');
  });
});
