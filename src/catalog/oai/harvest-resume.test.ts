import { afterEach, describe, expect, it } from 'vitest';
import {
  type HarvestCheckpoint,
  type HarvestWarning,
  nextIncrementalFrom,
  OaiClient,
  type OaiRecord,
} from './client.ts';
import { type ReplayServer, sharedPath, startReplayServer } from './replay-server.ts';

// 81 records from a real DSpace repository (pyoai), 2 of them deleted, datestamps NOT in order.
const DSPACE = sharedPath('oai-pmh/oai-pyoai/src/oaipmh/tests/fake2/00002.xml');
const FROM = '2004-01-01T00:00:00Z';

let servers: ReplayServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function dspace(pageSize: number, sortByDatestamp = false): Promise<ReplayServer> {
  const s = await startReplayServer({ paged: { file: DSPACE, pageSize, metadataPrefix: 'oai_dc', sortByDatestamp } });
  servers.push(s);
  return s;
}

/**
 * Stands in for the database: records are staged and become durable only
 * together with the checkpoint, as the caller's transaction would do it.
 * Deduplicates by identifier + datestamp, as the contract asks of callers.
 */
class TransactionalStore {
  readonly committed = new Map<string, OaiRecord>();
  readonly commitOrder: string[] = [];
  private staged: OaiRecord[] = [];
  savedCheckpoint: string | undefined;
  duplicatesSeen = 0;

  stage(r: OaiRecord): void {
    this.staged.push(r);
  }

  commit(cp: HarvestCheckpoint): void {
    for (const r of this.staged) {
      const key = `${r.header.identifier}|${r.header.datestamp}`;
      if (this.committed.has(key)) {
        this.duplicatesSeen++;
        continue;
      }
      this.committed.set(key, r);
      this.commitOrder.push(r.header.identifier);
    }
    this.staged = [];
    this.savedCheckpoint = JSON.stringify(cp);
  }

  rollback(): void {
    this.staged = [];
  }

  checkpoint(): HarvestCheckpoint | undefined {
    return this.savedCheckpoint === undefined ? undefined : (JSON.parse(this.savedCheckpoint) as HarvestCheckpoint);
  }
}

async function run(
  client: OaiClient,
  store: TransactionalStore,
  opts: {
    crashAfter?: number;
    failCommitOnPage?: number;
    resume?: boolean;
    onPage?: (cp: HarvestCheckpoint) => void;
  } = {},
): Promise<'done' | 'crashed'> {
  let seen = 0;
  const resumeFrom = opts.resume ? store.checkpoint() : undefined;
  try {
    const gen = client.listRecords({
      metadataPrefix: 'oai_dc',
      from: FROM,
      ...(resumeFrom ? { resumeFrom } : {}),
      onCheckpoint: (cp) => {
        if (cp.pagesDelivered === opts.failCommitOnPage) throw new Error('database went away during commit');
        store.commit(cp);
        opts.onPage?.(cp);
      },
    });
    for await (const r of gen) {
      if (opts.crashAfter !== undefined && seen === opts.crashAfter) throw new Error('process killed');
      store.stage(r);
      seen++;
    }
    return 'done';
  } catch (err) {
    if (!(err instanceof Error) || !/killed|went away/.test(err.message)) throw err;
    store.rollback();
    return 'crashed';
  }
}

const client = (s: ReplayServer, onWarning?: (w: HarvestWarning) => void) =>
  new OaiClient({
    baseUrl: s.url,
    granularity: 'YYYY-MM-DDThh:mm:ssZ',
    retry: { baseDelayMs: 1, maxDelayMs: 5, jitter: false },
    ...(onWarning ? { onWarning } : {}),
  });

describe('crash-safe resumption', () => {
  it('resumes from the saved checkpoint after a crash mid-page with no duplicates and no gaps', async () => {
    const s = await dspace(20);
    const all = s.pagedIdentifiers().map((r) => r.identifier);
    const store = new TransactionalStore();

    expect(await run(client(s), store, { crashAfter: 50 })).toBe('crashed');
    // pages 1 and 2 (40 records) were committed; the 10 staged records of page 3 were rolled back
    expect(store.commitOrder).toHaveLength(40);
    expect(store.checkpoint()).toMatchObject({ pagesDelivered: 2, recordsDelivered: 40, complete: false });

    const before = s.requests.length;
    expect(await run(client(s), store, { resume: true })).toBe('done');
    expect(s.requests[before]?.params).toEqual({ verb: 'ListRecords', resumptionToken: expect.any(String) });
    expect(store.commitOrder).toEqual(all);
    expect(store.duplicatesSeen).toBe(0);
    expect(store.checkpoint()).toMatchObject({
      complete: true,
      resumptionToken: null,
      pagesDelivered: 5,
      recordsDelivered: 81,
    });
  });

  it('redelivers a page whose commit failed, so nothing is lost', async () => {
    const s = await dspace(20);
    const store = new TransactionalStore();
    expect(await run(client(s), store, { failCommitOnPage: 2 })).toBe('crashed');
    expect(store.commitOrder).toHaveLength(20);
    expect(await run(client(s), store, { resume: true })).toBe('done');
    expect(store.commitOrder).toEqual(s.pagedIdentifiers().map((r) => r.identifier));
    expect(store.duplicatesSeen).toBe(0);
  });

  it('checkpoints only after the consumer asked past the last record of a page', async () => {
    const s = await dspace(20);
    const events: string[] = [];
    const gen = client(s).listRecords({
      metadataPrefix: 'oai_dc',
      from: FROM,
      onCheckpoint: (cp) => void events.push(`cp${cp.pagesDelivered}`),
    });
    let n = 0;
    for await (const _ of gen) {
      n++;
      events.push(`r${n}`);
      if (n === 21) break;
    }
    expect(events.slice(18)).toEqual(['r19', 'r20', 'cp1', 'r21']);
  });

  it('does nothing when resumed from a completed checkpoint, and says where the next incremental harvest starts', async () => {
    const s = await dspace(50);
    const store = new TransactionalStore();
    await run(client(s), store);
    const done = store.checkpoint();
    expect(done?.complete).toBe(true);
    const before = s.requests.length;
    expect(await run(client(s), store, { resume: true })).toBe('done');
    expect(s.requests.length).toBe(before);
    // the recorded responseDate, not our clock: records changed during the harvest are fetched again next time
    expect(done && nextIncrementalFrom(done)).toBe('2004-02-17T13:44:55Z');
  });
});

describe('expired resumption tokens', () => {
  it('re-harvests from the original from when datestamps came out of order', async () => {
    const s = await dspace(20);
    const warnings: HarvestWarning[] = [];
    const store = new TransactionalStore();
    await run(
      client(s, (w) => warnings.push(w)),
      store,
      {
        onPage: (cp) => {
          if (cp.pagesDelivered === 2) s.expireTokens();
        },
      },
    );
    expect(warnings).toEqual([expect.objectContaining({ kind: 'token-expired', refetchFrom: FROM })]);
    expect(new Set(store.commitOrder)).toEqual(new Set(s.pagedIdentifiers().map((r) => r.identifier)));
    expect(store.commitOrder).toHaveLength(81);
    expect(store.duplicatesSeen).toBe(40);
  });

  it('re-harvests from the last delivered datestamp when the repository lists in datestamp order', async () => {
    const s = await dspace(20, true);
    const warnings: HarvestWarning[] = [];
    const store = new TransactionalStore();
    let lastOfPage2: string | undefined;
    await run(
      client(s, (w) => warnings.push(w)),
      store,
      {
        onPage: (cp) => {
          if (cp.pagesDelivered === 2) {
            lastOfPage2 = cp.lastDatestamp;
            s.expireTokens();
          }
        },
      },
    );
    expect(lastOfPage2).toBe(s.pagedIdentifiers()[39]?.datestamp);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'token-expired', refetchFrom: lastOfPage2 })]);
    const refetch = s.requests.filter((r) => r.params.verb === 'ListRecords' && r.params.resumptionToken === undefined);
    expect(refetch.map((r) => r.params.from)).toEqual([FROM, lastOfPage2]);
    expect(store.commitOrder).toEqual(s.pagedIdentifiers().map((r) => r.identifier));
    // only the records sharing the boundary datestamp come twice, not the whole list
    expect(store.duplicatesSeen).toBeGreaterThanOrEqual(1);
    expect(store.duplicatesSeen).toBeLessThan(5);
  });

  it('recovers when a saved token has expired by the time the harvester restarts', async () => {
    const s = await dspace(20);
    const store = new TransactionalStore();
    expect(await run(client(s), store, { crashAfter: 30 })).toBe('crashed');
    s.expireTokens();
    const warnings: HarvestWarning[] = [];
    expect(
      await run(
        client(s, (w) => warnings.push(w)),
        store,
        { resume: true },
      ),
    ).toBe('done');
    expect(warnings[0]?.kind).toBe('token-expired');
    expect(new Set(store.commitOrder)).toEqual(new Set(s.pagedIdentifiers().map((r) => r.identifier)));
    expect(store.commitOrder).toHaveLength(81);
  });

  it('stops after a bounded number of re-harvests when every token expires', async () => {
    const s = await dspace(20);
    const gen = client(s, () => undefined).listRecords({
      metadataPrefix: 'oai_dc',
      from: FROM,
      maxTokenFallbacks: 2,
      onCheckpoint: () => s.expireTokens(),
    });
    await expect(async () => {
      for await (const _ of gen) {
        // drain
      }
    }).rejects.toMatchObject({ code: 'badResumptionToken' });
    expect(s.requests.filter((r) => r.params.resumptionToken === undefined)).toHaveLength(3);
  });
});
