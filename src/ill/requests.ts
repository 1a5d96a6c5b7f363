/**
 * The borrowing library's service: create a request for a patron, edit its
 * rota before it is sent, and every borrower action (send, cancel, answer
 * conditions, receive, return, renew, report lost, notes, status requests).
 * Each call is one transaction with its audit row; every state change goes
 * through the requester machine (engine.ts).
 */

import { sql } from 'kysely';
import type { Bib } from '../catalog/types.ts';
import { patronEligibility } from '../directory/patrons.ts';
import type { Actor } from '../platform/actor.ts';
import { audit } from '../platform/audit.ts';
import type { Db, Trx } from '../platform/db.ts';
import { Conflict, Forbidden, invalidField } from '../platform/errors.ts';
import { libraryById } from './agency.ts';
import { cleanCitation, clusterForCitation } from './citation-match.ts';
import { nextId } from './delivery.ts';
import { applyRequester, type Outcome, type Who } from './engine.ts';
import { askRefused, patronAskCheck } from './patron-ask.ts';
import type { RequesterEvent, RequesterState } from './requester-states.ts';
import { mayAsk, proposeRota } from './selection.ts';
import type { Citation } from './tables.ts';
import { conflict, notFound, t } from './texts.ts';

export interface RequestInput {
  patronId: number;
  clusterId?: number | undefined;
  citation?: Partial<Citation> | undefined;
  serviceType: 'Loan' | 'Copy';
  /** For copies: delivered as a file (PDF/scan) or on paper. */
  copyDelivery?: 'file' | 'paper' | undefined;
  neededBy?: string | undefined;
  pickupLibraryId?: number | undefined;
  note?: string | undefined;
  /** Recorded with who and when; a copy request cannot be sent without it. */
  copyrightDeclaration?: { accepted: true; statement?: string | undefined } | undefined;
  /** Staff's own rota (library ids, in order) instead of the automatic one. */
  lenders?: number[] | undefined;
  /** Send to the first lender at once. */
  send?: boolean | undefined;
}

export function whoOf(actor: Actor): Who {
  return { label: actor.label, userId: actor.userId };
}

export const DEFAULT_COPYRIGHT_STATEMENT =
  'Salinan ini hanya untuk keperluan pendidikan, penelitian atau kajian pribadi, tidak untuk diperjualbelikan ' +
  '(UU No. 28 Tahun 2014 tentang Hak Cipta, Pasal 44–47) / This copy is for education, research or private study ' +
  'only, not for sale (Indonesian Copyright Law No. 28 of 2014, Articles 44–47).';

// ------------------------------------------------------------------ idempotency

/** A key used before for the same operation answers with the same target; for another operation it is refused. */
export async function replayed(
  trx: Trx,
  libraryId: number,
  key: string | undefined,
  operation: string,
): Promise<number | null> {
  if (!key) return null;
  // Two first uses of a key at the same moment: the second waits here for the first to commit,
  // then finds its row and answers with the same result (instead of a unique-key error).
  await sql`select pg_advisory_xact_lock(hashtextextended(${`ill:${libraryId}:${key}`}, 0))`.execute(trx);
  const row = await trx
    .selectFrom('ill_idempotency')
    .select(['operation', 'target_id'])
    .where('library_id', '=', libraryId)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.operation !== operation) throw conflict('idempotency_other');
  return row.target_id;
}

export async function remember(
  trx: Trx,
  libraryId: number,
  key: string | undefined,
  operation: string,
  targetKind: 'request' | 'supplier_request',
  targetId: number,
): Promise<void> {
  if (!key) return;
  await trx
    .insertInto('ill_idempotency')
    .values({ library_id: libraryId, key, operation, target_kind: targetKind, target_id: targetId })
    .execute();
}

// ------------------------------------------------------------------ create

function citationFromBib(b: Bib): Citation {
  return {
    title: b.title,
    ...(b.authors[0] ? { author: b.authors[0] } : {}),
    ...(b.isbns[0] ? { isbn: b.isbns[0] } : {}),
    ...(b.issns[0] ? { issn: b.issns[0] } : {}),
    ...(b.publisher ? { publisher: b.publisher } : {}),
    ...(b.year ? { year: String(b.year) } : {}),
    ...(b.edition ? { edition: b.edition } : {}),
  };
}

const today = () => new Date().toISOString().slice(0, 10);

/** Staff of the borrowing library create a request for one of their patrons. */
export async function createRequest(
  db: Db,
  actor: Actor,
  input: RequestInput,
  idempotencyKey?: string,
): Promise<number> {
  if (actor.libraryId === null) throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
  return createRequestAt(db, actor, actor.libraryId, input, idempotencyKey);
}

/**
 * For the patron's own request from a catalog record page (patron sign-in):
 * the patron's home library borrows on her behalf. The caller has checked
 * that `actor` is that patron.
 */
export async function createPatronRequest(
  db: Db,
  actor: Actor,
  patronId: number,
  input: Omit<RequestInput, 'patronId' | 'lenders' | 'send'>,
  idempotencyKey?: string,
): Promise<number> {
  const p = await db.selectFrom('patrons').select('library_id').where('id', '=', patronId).executeTakeFirst();
  if (!p) throw invalidField('patronId', t('patron_unknown'));
  return createRequestAt(db, actor, p.library_id, { ...input, patronId }, idempotencyKey, true);
}

async function createRequestAt(
  db: Db,
  actor: Actor,
  borrowerId: number,
  input: RequestInput,
  idempotencyKey?: string,
  /** The patron asks herself: held to every check of patron-ask.ts, not only her eligibility. */
  byPatron = false,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const again = await replayed(trx, borrowerId, idempotencyKey, 'create');
    if (again !== null) return again;
    const borrower = await trx
      .selectFrom('libraries')
      .select(['id', 'code', 'name', 'network_id'])
      .where('id', '=', borrowerId)
      .executeTakeFirstOrThrow();

    const patron = await trx
      .selectFrom('patrons')
      .select(['id', 'library_id', 'full_name'])
      .where('id', '=', input.patronId)
      .executeTakeFirst();
    if (!patron) throw invalidField('patronId', t('patron_unknown'));
    const elig = byPatron ? null : await patronEligibility(trx, patron.id, { libraryRef: borrower.id });
    if (elig && !elig.privileges.ill_request) {
      throw new Conflict(
        'patron_not_eligible',
        t('patron_not_eligible', { library: borrower.name, why: elig.summary.id }),
        { eligibility: elig },
      );
    }

    // The title: a union-catalog cluster, or a typed citation (filed under the cluster its ISBN, ISSN or
    // title and author match, as the rota preview shows: citation-match.ts).
    let clusterId: number | null = input.clusterId ?? null;
    let citation: Partial<Citation> = cleanCitation(input.citation ?? {});
    if (clusterId !== null) {
      const c = await trx.selectFrom('clusters').select(['display']).where('id', '=', clusterId).executeTakeFirst();
      if (!c) throw invalidField('clusterId', t('cluster_unknown'));
      citation = { ...citationFromBib(c.display), ...citation };
    } else {
      clusterId = (await clusterForCitation(trx, citation))?.clusterId ?? null;
    }
    // The same answer the record page showed her (GET /ill/my-requests/check), with the same codes.
    const check = byPatron ? await patronAskCheck(trx, patron.id, clusterId) : null;
    if (check) {
      const refused = askRefused(check.reasons);
      if (refused) throw refused;
    }
    if (!citation.title) throw invalidField('citation.title', t('title_needed'));
    if (input.serviceType === 'Copy') {
      if (!citation.articleTitle && !citation.pages) throw invalidField('citation.pages', t('copy_needs_part'));
    } else if (citation.pages || citation.articleTitle) {
      throw invalidField('citation.pages', t('pages_for_copy'));
    }
    if (input.neededBy && input.neededBy < today()) throw invalidField('neededBy', t('needed_by_past'));
    let pickupId = borrower.id;
    if (input.pickupLibraryId !== undefined) {
      const p = await trx
        .selectFrom('libraries')
        .select(['id', 'network_id'])
        .where('id', '=', input.pickupLibraryId)
        .executeTakeFirst();
      if (!p) throw invalidField('pickupLibraryId', t('pickup_unknown'));
      if (p.network_id !== borrower.network_id) throw invalidField('pickupLibraryId', t('pickup_other_network'));
      pickupId = p.id;
    }

    const proposal = check?.proposal ?? (await proposeRota(trx, borrower.id, clusterId, input.lenders ?? []));
    let rota: Array<{ libraryId: number; score: number | null; reasons: unknown[]; addedBy: 'auto' | 'staff' }>;
    if (input.lenders?.length) {
      rota = await staffRota(trx, borrower, input.lenders, proposal);
    } else {
      rota = proposal.rota.map((r) => ({
        libraryId: Number(r.libraryId),
        score: r.score,
        reasons: r.reasons,
        addedBy: 'auto' as const,
      }));
    }

    const id = await nextId(trx, 'ill_requests_id_seq');
    const now = new Date();
    const declared = input.copyrightDeclaration?.accepted === true;
    await trx
      .insertInto('ill_requests')
      .values({
        id,
        hrid: `${borrower.code}-${id}`,
        borrower_library_id: borrower.id,
        patron_id: patron.id,
        cluster_id: clusterId,
        citation: JSON.stringify({ title: citation.title, ...citation }),
        service_type: input.serviceType,
        copy_delivery: input.serviceType === 'Copy' ? (input.copyDelivery ?? 'file') : null,
        needed_by: input.neededBy ?? null,
        pickup_library_id: pickupId,
        note: input.note?.trim() || null,
        state: 'New',
        warnings: JSON.stringify(proposal.warnings),
        created_by: actor.label,
        ...(declared
          ? {
              copyright_declared_at: now,
              copyright_declared_by: actor.label,
              copyright_statement: input.copyrightDeclaration?.statement?.trim() || DEFAULT_COPYRIGHT_STATEMENT,
            }
          : {}),
      })
      .execute();
    if (rota.length) {
      await trx
        .insertInto('ill_rota')
        .values(
          rota.map((r, i) => ({
            request_id: id,
            position: i + 1,
            lender_library_id: r.libraryId,
            added_by: r.addedBy,
            score: r.score,
            reasons: JSON.stringify(r.reasons),
          })),
        )
        .execute();
    }
    const who = whoOf(actor);
    const created = await applyRequester(trx, id, { type: 'validate' }, { who, kind: 'action', name: 'create' });
    mustBeOk(created);
    if (declared) {
      await trx
        .insertInto('ill_events')
        .values({
          request_id: id,
          side: 'borrower',
          actor_label: actor.label,
          actor_user_id: actor.userId,
          kind: 'action',
          event: 'declareCopyright',
        })
        .execute();
    }
    if (input.send) await sendNow(trx, id, who);
    await audit(trx, actor, {
      action: 'create',
      entity: 'ill_request',
      entityId: id,
      libraryId: borrower.id,
      after: {
        hrid: `${borrower.code}-${id}`,
        serviceType: input.serviceType,
        clusterId,
        title: citation.title,
        lenders: rota.map((r) => r.libraryId),
      },
    });
    await remember(trx, borrower.id, idempotencyKey, 'create', 'request', id);
    return id;
  });
}

async function staffRota(
  trx: Trx,
  borrower: { id: number; network_id: number },
  lenders: number[],
  proposal: Awaited<ReturnType<typeof proposeRota>>,
): Promise<Array<{ libraryId: number; score: number | null; reasons: unknown[]; addedBy: 'auto' | 'staff' }>> {
  if (new Set(lenders).size !== lenders.length) throw invalidField('lenders', t('rota_twice'));
  const out = [];
  for (const id of lenders) {
    const ranked = proposal.rota.find((r) => Number(r.libraryId) === id);
    if (ranked) {
      out.push({ libraryId: id, score: ranked.score, reasons: ranked.reasons, addedBy: 'staff' as const });
      continue;
    }
    const lib = await trx
      .selectFrom('libraries')
      .select([
        'id',
        'code',
        'name',
        'region_code',
        'network_id',
        'active',
        'lending_paused',
        'ill_capacity',
        'services',
      ])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!lib) throw invalidField('lenders', t('pickup_unknown'));
    const ask = await mayAsk(trx, borrower, lib);
    if (!ask.ok) {
      throw new Conflict(
        'lender_not_allowed',
        {
          id: t('lender_not_allowed', { library: lib.name, why: ask.reason.id }).id,
          en: t('lender_not_allowed', { library: lib.name, why: ask.reason.en }).en,
        },
        { libraryId: id, code: ask.code },
      );
    }
    const skipped = proposal.skipped.find((s) => Number(s.libraryId) === id);
    out.push({ libraryId: id, score: null, reasons: skipped ? [skipped.reason] : [], addedBy: 'staff' as const });
  }
  return out;
}

function mustBeOk<S>(o: Outcome<S>): asserts o is Extract<Outcome<S>, { ok: true }> {
  if (!o.ok) throw new Conflict(o.reason.code, o.reason.message);
}

async function sendNow(trx: Trx, id: number, who: Who): Promise<void> {
  const r = await trx
    .selectFrom('ill_requests')
    .select(['service_type', 'copyright_declared_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  if (r.service_type === 'Copy' && r.copyright_declared_at === null) throw conflict('copyright_missing');
  const res = await applyRequester(trx, id, { type: 'send' }, { who, kind: 'action', name: 'send' });
  mustBeOk(res);
}

// ------------------------------------------------------------------ actions

export const BORROWER_ACTIONS = [
  'send',
  'resend',
  'cancel',
  'reject',
  'acceptConditions',
  'rejectConditions',
  'receive',
  'return',
  'renew',
  'reportLost',
  'note',
  'requestStatus',
  'declareCopyright',
] as const;
export type BorrowerAction = (typeof BORROWER_ACTIONS)[number];

export interface ActionInput {
  note?: string | undefined;
  statement?: string | undefined;
  /** For `resend`: the lenders to try now (library ids, in order); else a fresh proposal. */
  lenders?: number[] | undefined;
}

export function borrowerEvent(action: BorrowerAction, body: ActionInput): RequesterEvent | null {
  const note = body.note?.trim() ? { note: body.note.trim() } : {};
  switch (action) {
    case 'send':
      return { type: 'send' };
    case 'resend':
      return { type: 'resend' };
    case 'cancel':
      return { type: 'cancel', ...note };
    case 'reject':
      return { type: 'reject', ...note };
    case 'acceptConditions':
      return { type: 'acceptConditions' };
    case 'rejectConditions':
      return { type: 'rejectConditions', ...note };
    case 'receive':
      return { type: 'receive' };
    case 'return':
      return { type: 'returnItem', ...note };
    case 'renew':
      return { type: 'renew', ...note };
    case 'reportLost':
      return { type: 'reportLost', ...note };
    case 'note':
      return { type: 'sendNote', note: body.note?.trim() ?? '' };
    case 'requestStatus':
      return { type: 'requestStatus' };
    case 'declareCopyright':
      return null;
  }
}

/** Loads a request for a borrower action; only the borrowing library's staff act on it. */
async function borrowerRow(trx: Trx, actor: Actor, id: number) {
  const r = await trx
    .selectFrom('ill_requests as r')
    .innerJoin('libraries as l', 'l.id', 'r.borrower_library_id')
    .select(['r.id', 'r.borrower_library_id', 'r.state', 'r.service_type', 'r.copyright_declared_at', 'l.network_id'])
    .where('r.id', '=', id)
    .executeTakeFirst();
  const sees =
    r &&
    (actor.role === 'system' ||
      actor.libraryId === r.borrower_library_id ||
      (actor.role === 'network_coordinator' && actor.networkId === r.network_id));
  if (!r || !sees) throw notFound('request');
  if (actor.role !== 'system' && actor.libraryId !== r.borrower_library_id) {
    throw new Forbidden(t('not_borrower_staff'), 'not_borrower_staff');
  }
  return r;
}

export async function borrowerAction(
  db: Db,
  actor: Actor,
  id: number,
  action: BorrowerAction,
  body: ActionInput,
  idempotencyKey?: string,
): Promise<{ duplicate: boolean; state: RequesterState }> {
  return db.transaction().execute(async (trx) => {
    const r = await borrowerRow(trx, actor, id);
    const op = `request:${id}:${action}`;
    if ((await replayed(trx, r.borrower_library_id, idempotencyKey, op)) !== null) {
      return { duplicate: true, state: r.state as RequesterState };
    }
    const who = whoOf(actor);
    let result: { duplicate: boolean; state: RequesterState };
    if (action === 'declareCopyright') {
      if (r.service_type !== 'Copy') throw conflict('not_a_copy');
      if (r.copyright_declared_at !== null) {
        result = { duplicate: true, state: r.state as RequesterState };
      } else {
        await trx
          .updateTable('ill_requests')
          .set({
            copyright_declared_at: new Date(),
            copyright_declared_by: actor.label,
            copyright_statement: body.statement?.trim() || DEFAULT_COPYRIGHT_STATEMENT,
            updated_at: new Date(),
          })
          .where('id', '=', id)
          .execute();
        await trx
          .insertInto('ill_events')
          .values({
            request_id: id,
            side: 'borrower',
            actor_label: actor.label,
            actor_user_id: actor.userId,
            kind: 'action',
            event: 'declareCopyright',
          })
          .execute();
        result = { duplicate: false, state: r.state as RequesterState };
      }
    } else {
      if (action === 'note' && !body.note?.trim()) throw invalidField('note', t('action_params', { what: 'note' }));
      if (action === 'send' && r.service_type === 'Copy' && r.copyright_declared_at === null) {
        throw conflict('copyright_missing');
      }
      if (action === 'resend' && r.state === 'Unfilled')
        await addLenders(trx, r.id, r.borrower_library_id, body.lenders);
      const event = borrowerEvent(action, body);
      if (!event) throw new Error('unreachable');
      const res = await applyRequester(trx, id, event, {
        who,
        kind: 'action',
        name: action,
        note: body.note?.trim() || null,
        ...(action === 'rejectConditions' ? { rotaOutcome: 'moved_on' as const } : {}),
        ...(action === 'cancel' ? { rotaOutcome: 'cancelled' as const } : {}),
      });
      mustBeOk(res);
      result = { duplicate: res.duplicate, state: res.state };
    }
    if (!result.duplicate) {
      await audit(trx, actor, {
        action,
        entity: 'ill_request',
        entityId: id,
        libraryId: r.borrower_library_id,
        before: { state: r.state },
        after: { state: result.state },
      });
    }
    await remember(trx, r.borrower_library_id, idempotencyKey, op, 'request', id);
    return result;
  });
}

// ------------------------------------------------------------------ rota

/**
 * An unfilled request gets new lenders at the end of its rota: the staff's own
 * list (each checked like any rota entry, none tried before), or the libraries
 * a fresh proposal ranks that were not tried yet. When none is left the
 * machine refuses the re-send (`no_lender`) and this is rolled back with it.
 */
async function addLenders(trx: Trx, id: number, borrowerId: number, lenders: number[] | undefined): Promise<void> {
  const [req, tried] = await Promise.all([
    trx.selectFrom('ill_requests').select('cluster_id').where('id', '=', id).executeTakeFirstOrThrow(),
    trx.selectFrom('ill_rota').select(['lender_library_id', 'position']).where('request_id', '=', id).execute(),
  ]);
  const triedIds = new Set(tried.map((x) => Number(x.lender_library_id)));
  const borrower = await libraryById(trx, borrowerId);
  const proposal = await proposeRota(trx, borrower.id, req.cluster_id, lenders ?? []);
  let rota: Array<{ libraryId: number; score: number | null; reasons: unknown[]; addedBy: 'auto' | 'staff' }>;
  if (lenders?.length) {
    const again = lenders.filter((l) => triedIds.has(l));
    if (again.length) throw invalidField('lenders', t('lender_tried', { ids: again.join(', ') }));
    rota = await staffRota(trx, borrower, lenders, proposal);
  } else {
    rota = proposal.rota
      .filter((x) => !triedIds.has(Number(x.libraryId)))
      .map((x) => ({ libraryId: Number(x.libraryId), score: x.score, reasons: x.reasons, addedBy: 'auto' as const }));
  }
  if (!rota.length) return;
  const last = Math.max(0, ...tried.map((x) => x.position));
  await trx
    .insertInto('ill_rota')
    .values(
      rota.map((x, i) => ({
        request_id: id,
        position: last + i + 1,
        lender_library_id: x.libraryId,
        added_by: x.addedBy,
        score: x.score,
        reasons: JSON.stringify(x.reasons),
      })),
    )
    .execute();
}

/** Staff reorder, remove or add lenders while the request is not yet sent. */
export async function editRota(db: Db, actor: Actor, id: number, lenders: number[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const r = await borrowerRow(trx, actor, id);
    const locked = await trx
      .selectFrom('ill_requests')
      .select('state')
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (locked.state !== 'New' && locked.state !== 'Validated') throw conflict('rota_locked');
    const req = await trx
      .selectFrom('ill_requests')
      .select('cluster_id')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const borrower = await libraryById(trx, r.borrower_library_id);
    const before = await trx
      .selectFrom('ill_rota')
      .select(['lender_library_id', 'added_by', 'score', 'reasons'])
      .where('request_id', '=', id)
      .orderBy('position')
      .execute();
    const proposal = await proposeRota(trx, borrower.id, req.cluster_id, lenders);
    const rota = await staffRota(trx, borrower, lenders, proposal);
    await trx.deleteFrom('ill_rota').where('request_id', '=', id).execute();
    if (rota.length) {
      await trx
        .insertInto('ill_rota')
        .values(
          rota.map((x, i) => {
            const old = before.find((b) => b.lender_library_id === x.libraryId);
            return {
              request_id: id,
              position: i + 1,
              lender_library_id: x.libraryId,
              added_by: old ? old.added_by : ('staff' as const),
              score: old?.score === null || old?.score === undefined ? x.score : Number(old.score),
              reasons: JSON.stringify(old ? old.reasons : x.reasons),
            };
          }),
        )
        .execute();
    }
    await trx
      .insertInto('ill_events')
      .values({
        request_id: id,
        side: 'borrower',
        actor_label: actor.label,
        actor_user_id: actor.userId,
        kind: 'action',
        event: 'editRota',
        data: JSON.stringify({ before: before.map((b) => b.lender_library_id), after: lenders }),
      })
      .execute();
    await audit(trx, actor, {
      action: 'edit_rota',
      entity: 'ill_request',
      entityId: id,
      libraryId: r.borrower_library_id,
      before: { lenders: before.map((b) => b.lender_library_id) },
      after: { lenders },
    });
  });
}
