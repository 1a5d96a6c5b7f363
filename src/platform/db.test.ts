import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { patientPool } from './db.ts';

/** A pool whose connect() answers with the given outcomes in turn. */
function fakePool(outcomes: Array<'ok' | string>) {
  let calls = 0;
  const client = { release() {} } as unknown as pg.PoolClient;
  return {
    get calls() {
      return calls;
    },
    connect: async () => {
      const o = outcomes[Math.min(calls++, outcomes.length - 1)];
      if (o === 'ok') return client;
      throw Object.assign(new Error(`refused (${o})`), { code: o });
    },
    end: async () => {},
  };
}

describe('patientPool', () => {
  it('waits while the server has no connection slot free, then connects', async () => {
    const pool = fakePool(['53300', '53300', '57P03', 'ok']);
    const client = await patientPool(pool as unknown as pg.Pool).connect();
    expect(client).toBeDefined();
    expect(pool.calls).toBe(4);
  });

  it('fails at once on any other error', async () => {
    const pool = fakePool(['28P01']);
    await expect(patientPool(pool as unknown as pg.Pool).connect()).rejects.toThrow('refused (28P01)');
    expect(pool.calls).toBe(1);
  });

  it('gives up after the wait and reports the server refusal', async () => {
    const pool = fakePool(['53300']);
    const started = Date.now();
    await expect(patientPool(pool as unknown as pg.Pool, 200).connect()).rejects.toThrow('refused (53300)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(pool.calls).toBeGreaterThan(2);
  });
});
