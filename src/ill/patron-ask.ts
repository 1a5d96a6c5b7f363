/**
 * May this patron ask for this title herself (portal), and if not, why and what she can do.
 * One answer for the record page (`GET /ill/my-requests/check`) and for the request itself
 * (`POST /ill/my-requests` refuses with the first reason's code): the page never promises
 * what the service then refuses. Staff asking on a patron's behalf are held only to her
 * eligibility (requests.ts); the desk may judge the rest otherwise.
 *
 * `askRefusals` is the pure part: facts in, reasons out. `patronAskCheck` gathers the facts.
 */
import type { PatronFacts } from '../directory/eligibility.ts';
import { patronEligibility } from '../directory/patrons.ts';
import type { DbOrTrx } from '../platform/db.ts';
import { Conflict, invalidField } from '../platform/errors.ts';
import type { Bilingual } from '../platform/messages.ts';
import { lendingPolicy } from './policies.ts';
import { REQUESTER_TERMINAL } from './requester-states.ts';
import { proposeRota, type RotaProposal } from './selection.ts';
import { type IllTextKey, t } from './texts.ts';

/** Checked in this order; a refused request answers with the first that applies. */
export const ASK_REFUSAL_CODES = [
  'library_no_ill_borrowing',
  'card_blocked',
  'card_suspended',
  'card_expired',
  'enrolment_proof_expired',
  'patron_not_eligible',
  'open_request_limit',
  'available_at_your_library',
  'no_lender',
] as const;
export type AskRefusalCode = (typeof ASK_REFUSAL_CODES)[number];

/** Every code has its two texts in texts.ts (the compiler says so). */
type AskTextKey = `ask_${AskRefusalCode}` | `ask_${AskRefusalCode}_todo`;
const _textsExist: IllTextKey = '' as AskTextKey;
void _textsExist;

export interface AskRefusal {
  code: AskRefusalCode;
  message: Bilingual;
  /** What the patron can do about it. */
  whatToDo: Bilingual;
  /** The values in the texts, for a client's own wording. */
  params: Record<string, string | number>;
  /** For `patron_not_eligible`: the library's own reasons, rule by rule. */
  details: Bilingual[];
}

export interface AskFacts {
  library: { name: string; borrows: boolean };
  /** The library's rules grant her `ill_request` today. */
  eligible: boolean;
  /** When not eligible: which of her facts, changed, would make her eligible. */
  cardStatus: 'active' | 'suspended' | 'blocked' | 'inactive';
  cardExpiredOn: string | null;
  proofExpiredOn: string | null;
  fixedByCard: boolean;
  fixedByProof: boolean;
  fixedByBoth: boolean;
  ruleReasons: Bilingual[];
  open: number;
  openLimit: number;
  /** Null for a typed citation: nothing known about copies. */
  localAvailable: number | null;
  lenders: number | null;
}

function refusal(code: AskRefusalCode, params: Record<string, string | number>, details: Bilingual[] = []): AskRefusal {
  const why: AskTextKey = `ask_${code}`;
  const todo: AskTextKey = `ask_${code}_todo`;
  return {
    code,
    message: t(why, params),
    whatToDo: t(todo, params),
    params,
    details,
  };
}

export function askRefusals(f: AskFacts): AskRefusal[] {
  const out: AskRefusal[] = [];
  const library = f.library.name;
  if (!f.library.borrows) out.push(refusal('library_no_ill_borrowing', { library }));
  if (!f.eligible) {
    const cardBad = f.cardStatus !== 'active' || f.cardExpiredOn !== null;
    const proofBad = f.proofExpiredOn !== null;
    // A fact is named when changing it alone helps, or when it must change along with the other.
    const card = cardBad && f.fixedByBoth && (f.fixedByCard || !f.fixedByProof);
    const proof = proofBad && f.fixedByBoth && (f.fixedByProof || !f.fixedByCard);
    if (card) {
      if (f.cardStatus === 'suspended') out.push(refusal('card_suspended', { library }));
      else if (f.cardStatus !== 'active') out.push(refusal('card_blocked', { library }));
      else out.push(refusal('card_expired', { library, date: f.cardExpiredOn ?? '' }));
    }
    if (proof) out.push(refusal('enrolment_proof_expired', { library, date: f.proofExpiredOn ?? '' }));
    if (!card && !proof) {
      const why = (lang: 'id' | 'en') => f.ruleReasons.map((r) => r[lang]).join('; ');
      const r = refusal('patron_not_eligible', { library }, f.ruleReasons);
      r.message = {
        id: t('ask_patron_not_eligible', { library, why: why('id') }).id,
        en: t('ask_patron_not_eligible', { library, why: why('en') }).en,
      };
      out.push(r);
    }
  }
  if (f.open >= f.openLimit) out.push(refusal('open_request_limit', { open: f.open, limit: f.openLimit }));
  if (f.localAvailable !== null && f.localAvailable > 0) {
    out.push(refusal('available_at_your_library', { library, n: f.localAvailable }));
  } else if (f.lenders === 0) {
    // With a copy on her own shelf, "no partner lends it" is beside the point.
    out.push(refusal('no_lender', { library }));
  }
  return out;
}

export interface AskCheck {
  mayAsk: boolean;
  library: { code: string; name: string };
  openRequests: number;
  openLimit: number;
  reasons: AskRefusal[];
}

/**
 * The facts about the signed-in patron (never another: the id comes from her session) and
 * the title. `proposal` is the rota a request made now would get, for the caller to reuse.
 */
export async function patronAskCheck(
  db: DbOrTrx,
  patronId: number,
  clusterId: number | null,
): Promise<AskCheck & { proposal: RotaProposal | null }> {
  const p = await db
    .selectFrom('patrons as p')
    .innerJoin('libraries as l', 'l.id', 'p.library_id')
    .select(['p.id', 'p.library_id', 'p.status', 'p.membership_expires_on', 'l.code', 'l.name', 'l.services'])
    .where('p.id', '=', patronId)
    .executeTakeFirstOrThrow();
  if (clusterId !== null) {
    const c = await db.selectFrom('clusters').select('id').where('id', '=', clusterId).executeTakeFirst();
    if (!c) throw invalidField('clusterId', t('cluster_unknown'));
  }
  const today = new Date().toISOString().slice(0, 10);
  const elig = await patronEligibility(db, p.id, { libraryRef: p.library_id, date: today });
  const eligible = elig.privileges.ill_request;
  const cardExpiredOn = p.membership_expires_on && p.membership_expires_on < today ? p.membership_expires_on : null;
  const lapsed = await db
    .selectFrom('enrolment_proofs')
    .select((eb) => eb.fn.max('valid_until').as('until'))
    .where('patron_id', '=', p.id)
    .executeTakeFirst();
  const current = await db
    .selectFrom('enrolment_proofs')
    .select('id')
    .where('patron_id', '=', p.id)
    .where('valid_from', '<=', today)
    .where('valid_until', '>=', today)
    .executeTakeFirst();
  const proofExpiredOn = !current && lapsed?.until && lapsed.until < today ? lapsed.until : null;

  let fixedByCard = false;
  let fixedByProof = false;
  let fixedByBoth = false;
  if (!eligible && (p.status !== 'active' || cardExpiredOn || proofExpiredOn)) {
    // "What if": the same rules with a reinstated, renewed card and/or proofs valid today.
    const renewCard = (f: PatronFacts): PatronFacts => ({ ...f, status: 'active', membershipExpiresOn: null });
    const renewProofs = (f: PatronFacts): PatronFacts => ({
      ...f,
      proofs: f.proofs.map((x) => ({
        ...x,
        validFrom: x.validFrom < today ? x.validFrom : today,
        validUntil: x.validUntil > today ? x.validUntil : today,
      })),
    });
    const grants = async (assume: (f: PatronFacts) => PatronFacts) =>
      (await patronEligibility(db, p.id, { libraryRef: p.library_id, date: today, assume })).privileges.ill_request;
    fixedByCard = await grants(renewCard);
    fixedByProof = await grants(renewProofs);
    fixedByBoth = fixedByCard || fixedByProof || (await grants((f) => renewProofs(renewCard(f))));
  }

  const openRow = await db
    .selectFrom('ill_requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('patron_id', '=', p.id)
    .where('state', 'not in', [...REQUESTER_TERMINAL])
    .executeTakeFirst();
  const open = Number(openRow?.n ?? 0);
  const { patronOpenLimit } = await lendingPolicy(db, p.library_id);
  const proposal = clusterId !== null ? await proposeRota(db, p.library_id, clusterId) : null;

  const ruleReasons = elig.rules.filter((r) => !r.met && r.grants.includes('ill_request')).flatMap((r) => r.reasons);
  const reasons = askRefusals({
    library: { name: p.name, borrows: p.services.includes('ill_borrowing') },
    eligible,
    cardStatus: p.status,
    cardExpiredOn,
    proofExpiredOn,
    fixedByCard,
    fixedByProof,
    fixedByBoth,
    ruleReasons,
    open,
    openLimit: patronOpenLimit,
    localAvailable: proposal ? proposal.localAvailableCopies : null,
    lenders: proposal ? proposal.rota.length : null,
  });
  return {
    mayAsk: reasons.length === 0,
    library: { code: p.code, name: p.name },
    openRequests: open,
    openLimit: patronOpenLimit,
    reasons,
    proposal,
  };
}

/** The refusal of a request the check says no to: the first reason's code, all reasons in the details. */
export function askRefused(reasons: AskRefusal[]): Conflict | null {
  const first = reasons[0];
  if (!first) return null;
  return new Conflict(
    first.code,
    { id: `${first.message.id} ${first.whatToDo.id}`, en: `${first.message.en} ${first.whatToDo.en}` },
    { reasons },
  );
}
