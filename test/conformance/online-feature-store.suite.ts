import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { TetraError, type FeatureValue, type FeatureWriteOptions, type OnlineFeatureStore } from '../../src/core/index.ts';

/** What the suite needs of one store kind: the store, and a way to write into it (writers are store-specific). */
export interface FeatureStoreCase {
  readonly store: OnlineFeatureStore;
  write(key: string, values: Readonly<Record<string, FeatureValue | null>>, options?: FeatureWriteOptions): Promise<void>;
  /** Every key the suite uses starts with it. */
  readonly prefix: string;
  /**
   * Capability: puts something that is not a hash under `key`. Absent for
   * stores that can hold nothing else (the memory store).
   */
  readonly writeNonHash?: (key: string) => Promise<void>;
  close(): Promise<void>;
}

/**
 * The contract every OnlineFeatureStore keeps: answers in key order,
 * undefined for an entity without a hash, only the asked fields, values as
 * strings, the age from the `_updated_at` stamp, expiry, a per-key fault
 * for a key that is not a hash, and typed errors after close.
 */
export function onlineFeatureStoreConformance(name: string, make: () => Promise<FeatureStoreCase>, skip: false | string = false): void {
  let c: FeatureStoreCase;

  test(`${name}: answers in key order, undefined for unknown entities, only the fields asked for`, { skip }, async () => {
    c = await make();
    await c.write(`${c.prefix}a`, { x: 1, y: 'two', z: true });
    await c.write(`${c.prefix}b`, { x: 3.5 });
    const got = await c.store.read([`${c.prefix}b`, `${c.prefix}missing`, `${c.prefix}a`], ['x', 'y'], {});
    assert.equal(got.length, 3);
    assert.deepEqual(got[0]?.values, { x: '3.5' });
    assert.equal(got[1], undefined);
    assert.deepEqual(got[2]?.values, { x: '1', y: 'two' });
  });

  test(`${name}: the age comes from the _updated_at stamp`, { skip }, async () => {
    await c.write(`${c.prefix}old`, { x: 1 }, { updatedAtMs: Date.now() - 60_000 });
    const [hash] = await c.store.read([`${c.prefix}old`], ['x'], {});
    assert.ok(hash?.ageMs !== undefined && hash.ageMs >= 59_000 && hash.ageMs < 120_000, `age ${hash?.ageMs}`);
  });

  test(`${name}: a hash written with a TTL reports it and is gone once it expires`, { skip }, async () => {
    await c.write(`${c.prefix}short`, { x: 1 }, { ttlMs: 150 });
    const [fresh] = await c.store.read([`${c.prefix}short`], ['x'], {});
    assert.ok(fresh?.ttlMs !== undefined && fresh.ttlMs > 0 && fresh.ttlMs <= 150);
    await sleep(300);
    assert.deepEqual(await c.store.read([`${c.prefix}short`], ['x'], {}), [undefined]);
  });

  test(`${name}: a null value removes that field`, { skip }, async () => {
    await c.write(`${c.prefix}partial`, { x: 1, y: 2 });
    await c.write(`${c.prefix}partial`, { y: null });
    const [hash] = await c.store.read([`${c.prefix}partial`], ['x', 'y'], {});
    assert.deepEqual(hash?.values, { x: '1' });
  });

  test(`${name}: a key holding something that is not a hash is that key's fault, not a failed read`, { skip }, async (t) => {
    if (!c.writeNonHash) return t.skip(`${name} can hold nothing but hashes`);
    await c.writeNonHash(`${c.prefix}not-a-hash`);
    const [bad, good] = await c.store.read([`${c.prefix}not-a-hash`, `${c.prefix}a`], ['x'], {});
    assert.deepEqual(bad?.values, {});
    assert.ok(bad?.fault?.includes(`${c.prefix}not-a-hash`), `the fault names the key: ${bad?.fault}`);
    assert.deepEqual(good?.values, { x: '1' });
  });

  test(`${name}: an empty read is answered without error; reads after close fail with a typed error`, { skip }, async () => {
    assert.deepEqual(await c.store.read([], ['x'], {}), []);
    await c.close();
    await assert.rejects(c.store.read([`${c.prefix}a`], ['x'], {}), (e: unknown) => TetraError.is(e));
  });
}
