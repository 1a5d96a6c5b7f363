import type { Selectable } from 'kysely';
import { type Actor, assertRole, roleAtLeast } from '../../platform/actor.ts';
import { audit } from '../../platform/audit.ts';
import type { Db, DbOrTrx } from '../../platform/db.ts';
import { Conflict, Forbidden, invalidField, NotFound } from '../../platform/errors.ts';
import type { Protector } from '../../platform/protect.ts';
import { type AgencyRef, assertAgencyFree } from './agencies.ts';
import { hashInboundSecret, MIN_SECRET_LENGTH, newPeerSecret } from './credentials.ts';
import type { IllPeersTable } from './tables.ts';
import { tmsg } from './texts.ts';

/** A peer as staff see it: never a secret, only whether one is set. */
export interface Peer {
  id: number;
  networkId: number;
  name: string;
  library: { id: number; code: string; name: string };
  agencyId: AgencyRef;
  endpointUrl: string;
  outboundAccountId: string | null;
  outboundSecretSet: boolean;
  inboundAccountId: string;
  inboundSecretSet: boolean;
  active: boolean;
  timeoutMs: number;
  messages: { pending: number; failed: number; rejected: number };
  createdAt: string;
  updatedAt: string;
}

export interface PeerInput {
  name: string;
  /** Code or id of the directory library the peer stands for. */
  library: string;
  agencyId: AgencyRef;
  endpointUrl: string;
  outboundAccountId?: string | null | undefined;
  outboundSecret?: string | null | undefined;
  inboundAccountId: string;
  /** Omitted: Simpul makes one and returns it once. */
  inboundSecret?: string | undefined;
  active?: boolean | undefined;
  timeoutMs?: number | undefined;
}

export type PeerPatch = Partial<Omit<PeerInput, 'library' | 'inboundSecret'>>;

type PeerRow = Selectable<IllPeersTable>;

/** Who may see peers: administrators and coordinators of the network. */
function assertMayRead(actor: Actor, networkId: number): void {
  if (actor.role === 'system') return;
  if (actor.networkId !== networkId || !roleAtLeast(actor, 'library_admin')) throw new Forbidden();
}

/** Who may change them: the network coordinator (peers speak for the whole network). */
function assertMayWrite(actor: Actor, networkId: number): void {
  assertRole(actor, 'network_coordinator');
  if (actor.role !== 'system' && actor.networkId !== networkId) {
    throw new Forbidden(tmsg('peer_other_network'), 'forbidden_other_network');
  }
}

function checkUrl(url: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalidField('endpointUrl', tmsg('peer_url_invalid'));
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalidField('endpointUrl', tmsg('peer_url_invalid'));
}

function checkSecret(field: string, secret: string | null | undefined): void {
  if (secret && secret.length < MIN_SECRET_LENGTH) {
    throw invalidField(field, tmsg('peer_secret_short', { n: MIN_SECRET_LENGTH }));
  }
}

/** What the audit log keeps of a peer: where it is and who it is, never a secret. */
function snapshot(r: PeerRow): Record<string, unknown> {
  return {
    name: r.name,
    libraryId: r.library_id,
    agencyId: `${r.agency_id_type}:${r.agency_id_value}`,
    endpointUrl: r.endpoint_url,
    outboundAccountId: r.outbound_account_id,
    outboundSecretSet: r.outbound_secret_cipher !== null,
    inboundAccountId: r.inbound_account_id,
    inboundSecretSet: r.inbound_secret_hash !== null,
    active: r.active,
    timeoutMs: r.timeout_ms,
  };
}

function peerQuery(db: DbOrTrx) {
  return db
    .selectFrom('ill_peers as p')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .selectAll('p')
    .select(['l.code as library_code', 'l.name as library_name'])
    .select((eb) => [
      eb
        .selectFrom('ill_messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.peer_id', '=', 'p.id')
        .where('m.status', '=', 'pending')
        .as('pending_n'),
      eb
        .selectFrom('ill_messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.peer_id', '=', 'p.id')
        .where('m.status', '=', 'failed')
        .as('failed_n'),
      eb
        .selectFrom('ill_messages as m')
        .select((e) => e.fn.countAll<number>().as('n'))
        .whereRef('m.peer_id', '=', 'p.id')
        .where('m.status', '=', 'rejected')
        .where('m.direction', '=', 'out')
        .as('rejected_n'),
    ]);
}

type PeerQueryRow = NonNullable<Awaited<ReturnType<ReturnType<typeof peerQuery>['executeTakeFirst']>>>;

function present(r: PeerQueryRow): Peer {
  return {
    id: r.id,
    networkId: r.network_id,
    name: r.name,
    library: { id: r.library_id, code: r.library_code, name: r.library_name },
    agencyId: { type: r.agency_id_type, value: r.agency_id_value },
    endpointUrl: r.endpoint_url,
    outboundAccountId: r.outbound_account_id,
    outboundSecretSet: r.outbound_secret_cipher !== null,
    inboundAccountId: r.inbound_account_id,
    inboundSecretSet: r.inbound_secret_hash !== null,
    active: r.active,
    timeoutMs: r.timeout_ms,
    messages: {
      pending: Number(r.pending_n ?? 0),
      failed: Number(r.failed_n ?? 0),
      rejected: Number(r.rejected_n ?? 0),
    },
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}

export async function listPeers(db: Db, actor: Actor): Promise<Peer[]> {
  if (actor.role !== 'system' && actor.networkId === null) throw new Forbidden();
  let q = peerQuery(db).orderBy('p.name').orderBy('p.id');
  if (actor.role !== 'system') {
    assertMayRead(actor, actor.networkId ?? -1);
    q = q.where('p.network_id', '=', actor.networkId ?? -1);
  }
  return (await q.execute()).map(present);
}

export async function getPeer(db: DbOrTrx, actor: Actor, id: number): Promise<Peer> {
  const row = await peerQuery(db).where('p.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(tmsg('peer'));
  assertMayRead(actor, row.network_id);
  return present(row);
}

async function assertAccountFree(db: DbOrTrx, accountId: string, exceptPeerId?: number): Promise<void> {
  let q = db.selectFrom('ill_peers').select('id').where('inbound_account_id', '=', accountId);
  if (exceptPeerId !== undefined) q = q.where('id', '<>', exceptPeerId);
  if (await q.executeTakeFirst()) throw new Conflict('peer_account_taken', tmsg('peer_account_taken'));
}

/** Registers a peer; returns it with the inbound secret, shown this once. */
export async function createPeer(
  db: Db,
  protector: Protector,
  actor: Actor,
  input: PeerInput,
): Promise<{ peer: Peer; inboundSecret: string }> {
  checkUrl(input.endpointUrl);
  checkSecret('inboundSecret', input.inboundSecret);
  checkSecret('outboundSecret', input.outboundSecret);
  if (Boolean(input.outboundAccountId) !== Boolean(input.outboundSecret)) {
    throw invalidField('outboundSecret', tmsg('peer_outbound_pair'));
  }
  const inboundSecret = input.inboundSecret ?? newPeerSecret();
  const id = await db.transaction().execute(async (trx) => {
    const ref = input.library;
    const lib = await (/^\d+$/.test(ref)
      ? trx.selectFrom('libraries').select(['id', 'network_id']).where('id', '=', Number(ref))
      : trx.selectFrom('libraries').select(['id', 'network_id']).where('code', '=', ref.toUpperCase())
    ).executeTakeFirst();
    if (!lib) throw new NotFound('library');
    assertMayWrite(actor, lib.network_id);
    const taken = await trx.selectFrom('ill_peers').select('id').where('library_id', '=', lib.id).executeTakeFirst();
    if (taken) throw new Conflict('peer_library_taken', tmsg('peer_library_taken'));
    await assertAgencyFree(trx, input.agencyId, {});
    await assertAccountFree(trx, input.inboundAccountId);
    const row = await trx
      .insertInto('ill_peers')
      .values({
        network_id: lib.network_id,
        library_id: lib.id,
        name: input.name,
        agency_id_type: input.agencyId.type,
        agency_id_value: input.agencyId.value,
        endpoint_url: input.endpointUrl,
        outbound_account_id: input.outboundAccountId ?? null,
        outbound_secret_cipher: input.outboundSecret ? protector.encrypt(input.outboundSecret) : null,
        inbound_account_id: input.inboundAccountId,
        inbound_secret_hash: hashInboundSecret(protector, inboundSecret),
        active: input.active ?? true,
        timeout_ms: input.timeoutMs ?? 15000,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(trx, actor, {
      action: 'create',
      entity: 'ill_peer',
      entityId: row.id,
      libraryId: lib.id,
      after: snapshot(row),
    });
    return row.id;
  });
  return { peer: await getPeer(db, actor, id), inboundSecret };
}

export async function updatePeer(
  db: Db,
  protector: Protector,
  actor: Actor,
  id: number,
  patch: PeerPatch,
): Promise<Peer> {
  if (patch.endpointUrl !== undefined) checkUrl(patch.endpointUrl);
  checkSecret('outboundSecret', patch.outboundSecret);
  await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('ill_peers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
    if (!before) throw new NotFound(tmsg('peer'));
    assertMayWrite(actor, before.network_id);
    if (patch.agencyId) await assertAgencyFree(trx, patch.agencyId, { peerId: id });
    if (patch.inboundAccountId !== undefined) await assertAccountFree(trx, patch.inboundAccountId, id);
    const outboundAccount =
      patch.outboundAccountId === undefined ? before.outbound_account_id : patch.outboundAccountId || null;
    const outboundCipher =
      patch.outboundSecret === undefined
        ? before.outbound_secret_cipher
        : patch.outboundSecret
          ? protector.encrypt(patch.outboundSecret)
          : null;
    if ((outboundAccount === null) !== (outboundCipher === null)) {
      throw invalidField('outboundSecret', tmsg('peer_outbound_pair'));
    }
    const after = await trx
      .updateTable('ill_peers')
      .set({
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.agencyId ? { agency_id_type: patch.agencyId.type, agency_id_value: patch.agencyId.value } : {}),
        ...(patch.endpointUrl !== undefined ? { endpoint_url: patch.endpointUrl } : {}),
        ...(patch.inboundAccountId !== undefined ? { inbound_account_id: patch.inboundAccountId } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        ...(patch.timeoutMs !== undefined ? { timeout_ms: patch.timeoutMs } : {}),
        outbound_account_id: outboundAccount,
        outbound_secret_cipher: outboundCipher,
        updated_at: new Date(),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const b = snapshot(before);
    const a = snapshot(after);
    // A new outbound secret is a change even though both snapshots only say "set".
    if (patch.outboundSecret) a.outboundSecretChanged = true;
    await audit(trx, actor, {
      action: 'update',
      entity: 'ill_peer',
      entityId: id,
      libraryId: before.library_id,
      before: b,
      after: a,
    });
  });
  return getPeer(db, actor, id);
}

/** A new inbound secret (given, or made here), returned this once; the old one stops working at once. */
export async function rotateInboundSecret(
  db: Db,
  protector: Protector,
  actor: Actor,
  id: number,
  secret?: string,
): Promise<{ inboundSecret: string }> {
  checkSecret('inboundSecret', secret);
  const inboundSecret = secret ?? newPeerSecret();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('ill_peers')
      .select(['network_id', 'library_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound(tmsg('peer'));
    assertMayWrite(actor, row.network_id);
    await trx
      .updateTable('ill_peers')
      .set({ inbound_secret_hash: hashInboundSecret(protector, inboundSecret), updated_at: new Date() })
      .where('id', '=', id)
      .execute();
    await audit(trx, actor, {
      action: 'rotate_secret',
      entity: 'ill_peer',
      entityId: id,
      libraryId: row.library_id,
      after: { inboundSecretSet: true },
    });
  });
  return { inboundSecret };
}

/** For the transport itself: the whole row, secrets included (decrypted only when sending). */
export async function peerRow(db: DbOrTrx, id: number) {
  return db.selectFrom('ill_peers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function peerForLibrary(db: DbOrTrx, libraryId: number) {
  return db.selectFrom('ill_peers').selectAll().where('library_id', '=', libraryId).executeTakeFirst();
}
