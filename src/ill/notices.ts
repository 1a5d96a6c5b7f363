/**
 * ILL notices sent to people through the notification service (in the app,
 * and by e-mail when SMTP is configured). The engine calls `tellBorrowerSide`
 * / `tellLenderSide` inside the action's transaction, right after the timeline
 * line `patron:<topic>` / `staff:<topic>` / `notice:<kind>` is written; a
 * duplicate message changes nothing and so tells nobody twice, and a rolled
 * back action tells nobody at all.
 *
 * Who hears what:
 * - the patron of a borrower's request (when it has one): sent, will supply,
 *   conditions, shipped, ready for pickup at the pickup library, copy delivered,
 *   due date changed, renewal refused, due soon, overdue, recalled, unfilled,
 *   cancelled — linked to /portal/requests;
 * - the borrowing library's staff where they must act: conditions offered,
 *   cancellation refused or too late, a lender's note, silence moved the rota,
 *   the rota used up — linked to /ill/requests/:id;
 * - the lending library's staff where they must act: a new incoming request,
 *   cancellation or renewal asked, lost reported, return shipped, overdue —
 *   linked to /ill/lending/:id;
 * - the staff of the library that sent an ISO 18626 message to an outside peer,
 *   once per message, when it gives up for good (the peer refused it, or its
 *   retries ran out) — linked to the message log filtered to the request
 *   (/ill/settings/messages?requestId=…), whose rows link to the request.
 */
import { notify, type Recipient } from '../notify/notify.ts';
import type { DbOrTrx, Trx } from '../platform/db.ts';
import { type Bilingual, fillMessage } from '../platform/messages.ts';
import type { SettledRef } from './transport/outbox.ts';

export type BorrowerTopic =
  // to the patron
  | 'request_sent'
  | 'will_supply'
  | 'conditions'
  | 'shipped'
  | 'item_arrived'
  | 'copy_available'
  | 'due_date_changed'
  | 'renewal_refused'
  | 'overdue'
  | 'recalled'
  | 'request_unfilled'
  | 'request_cancelled'
  | 'due_soon'
  | 'overdue_2'
  | 'overdue_3'
  | 'lost_threshold'
  // to the borrowing library's staff
  | 'conditions_offered'
  | 'cancel_refused'
  | 'cancel_too_late'
  | 'peer_note'
  | 'answer_timeout'
  | 'rota_used_up';

export type LenderTopic =
  | 'new_request'
  | 'cancel_requested'
  | 'renew_requested'
  | 'lost_reported'
  | 'return_shipped'
  | 'item_forwarded'
  | 'peer_note'
  | 'overdue'
  | 'overdue_2'
  | 'overdue_3'
  | 'lost_threshold';

interface Text {
  subject: Bilingual;
  body: Bilingual;
}

/** Texts to the patron: {title}, {hrid}, {pickup}, {due}. */
const PATRON: Partial<Record<BorrowerTopic, Text>> = {
  request_sent: {
    subject: { id: 'Permintaan pinjam antarperpustakaan dikirim', en: 'Interlibrary loan request sent' },
    body: {
      id: 'Permintaan Anda {hrid} untuk “{title}” telah dikirim ke perpustakaan pemberi pinjaman. Kami akan mengabari Anda.',
      en: 'Your request {hrid} for “{title}” has been sent to a lending library. We will keep you posted.',
    },
  },
  will_supply: {
    subject: { id: 'Permintaan Anda akan dipenuhi', en: 'Your request will be supplied' },
    body: {
      id: 'Perpustakaan pemberi pinjaman akan memenuhi permintaan {hrid} untuk “{title}”.',
      en: 'The lending library will supply request {hrid} for “{title}”.',
    },
  },
  conditions: {
    subject: { id: 'Perpustakaan pemberi mengajukan syarat', en: 'The lending library set conditions' },
    body: {
      id: 'Perpustakaan pemberi pinjaman bersedia memenuhi {hrid} (“{title}”) dengan syarat. Staf perpustakaan Anda akan memutuskannya.',
      en: 'The lending library will supply {hrid} (“{title}”) on conditions. Your library staff will decide on them.',
    },
  },
  shipped: {
    subject: { id: 'Bahan pustaka dalam perjalanan', en: 'Your item is on its way' },
    body: {
      id: '“{title}” ({hrid}) telah dikirim dan akan siap diambil di {pickup}. Kami akan mengabari saat tiba.',
      en: '“{title}” ({hrid}) has been shipped and will be ready for pickup at {pickup}. We will tell you when it arrives.',
    },
  },
  item_arrived: {
    subject: { id: 'Siap diambil', en: 'Ready for pickup' },
    body: {
      id: '“{title}” ({hrid}) sudah tiba dan siap diambil di {pickup}. Tanggal kembali: {due}.',
      en: '“{title}” ({hrid}) has arrived and is ready for pickup at {pickup}. Due back: {due}.',
    },
  },
  copy_available: {
    subject: { id: 'Salinan Anda tersedia', en: 'Your copy has been delivered' },
    body: {
      id: 'Salinan “{title}” ({hrid}) telah dikirimkan. Ambil di {pickup} atau tanyakan staf perpustakaan Anda.',
      en: 'The copy of “{title}” ({hrid}) has been delivered. Collect it at {pickup} or ask your library staff.',
    },
  },
  due_date_changed: {
    subject: { id: 'Tanggal kembali berubah', en: 'New due date' },
    body: {
      id: 'Tanggal kembali “{title}” ({hrid}) sekarang {due}.',
      en: '“{title}” ({hrid}) is now due back on {due}.',
    },
  },
  renewal_refused: {
    subject: { id: 'Perpanjangan ditolak', en: 'Renewal refused' },
    body: {
      id: 'Perpustakaan pemberi pinjaman tidak dapat memperpanjang “{title}” ({hrid}). Kembalikan paling lambat {due}.',
      en: 'The lending library cannot renew “{title}” ({hrid}). Please return it by {due}.',
    },
  },
  due_soon: {
    subject: { id: 'Segera jatuh tempo', en: 'Due soon' },
    body: {
      id: '“{title}” ({hrid}) harus dikembalikan ke {pickup} paling lambat {due}.',
      en: '“{title}” ({hrid}) is due back at {pickup} by {due}.',
    },
  },
  overdue: {
    subject: { id: 'Terlambat dikembalikan', en: 'Overdue' },
    body: {
      id: '“{title}” ({hrid}) sudah lewat tanggal kembali ({due}). Kembalikan segera ke {pickup}.',
      en: '“{title}” ({hrid}) was due back on {due}. Please return it to {pickup} now.',
    },
  },
  overdue_2: {
    subject: { id: 'Peringatan kedua: terlambat', en: 'Second reminder: overdue' },
    body: {
      id: '“{title}” ({hrid}) sudah lebih dari seminggu terlambat (jatuh tempo {due}). Kembalikan segera ke {pickup}.',
      en: '“{title}” ({hrid}) is more than a week overdue (due {due}). Please return it to {pickup} now.',
    },
  },
  overdue_3: {
    subject: { id: 'Peringatan ketiga: terlambat', en: 'Third reminder: overdue' },
    body: {
      id: '“{title}” ({hrid}) sudah dua minggu terlambat (jatuh tempo {due}). Perpustakaan pemberi dapat mengenakan biaya penggantian.',
      en: '“{title}” ({hrid}) is two weeks overdue (due {due}). The lending library may charge for a replacement.',
    },
  },
  lost_threshold: {
    subject: { id: 'Dianggap hilang', en: 'Counted as lost' },
    body: {
      id: '“{title}” ({hrid}) sudah enam minggu terlambat (jatuh tempo {due}) dan dapat dianggap hilang. Hubungi {pickup}.',
      en: '“{title}” ({hrid}) is six weeks overdue (due {due}) and may be counted as lost. Please contact {pickup}.',
    },
  },
  recalled: {
    subject: { id: 'Ditarik kembali oleh pemberi pinjaman', en: 'Recalled by the lender' },
    body: {
      id: 'Perpustakaan pemberi pinjaman meminta “{title}” ({hrid}) dikembalikan lebih awal. Kembalikan segera ke {pickup}.',
      en: 'The lending library has recalled “{title}” ({hrid}). Please return it to {pickup} as soon as you can.',
    },
  },
  request_unfilled: {
    subject: { id: 'Permintaan tidak dapat dipenuhi', en: 'Request could not be filled' },
    body: {
      id: 'Maaf, tidak ada perpustakaan yang dapat memenuhi {hrid} (“{title}”). Staf perpustakaan Anda dapat mencoba pemberi pinjaman lain.',
      en: 'Sorry, no library could supply {hrid} (“{title}”). Your library staff may try other lenders.',
    },
  },
  request_cancelled: {
    subject: { id: 'Permintaan dibatalkan', en: 'Request cancelled' },
    body: {
      id: 'Permintaan {hrid} untuk “{title}” telah dibatalkan.',
      en: 'Request {hrid} for “{title}” has been cancelled.',
    },
  },
};

/** Texts to the borrowing library's staff: {title}, {hrid}, {note}. */
const BORROWER_STAFF: Partial<Record<BorrowerTopic, Text>> = {
  conditions_offered: {
    subject: { id: 'Syarat dari pemberi pinjaman: {hrid}', en: 'Conditions from the lender: {hrid}' },
    body: {
      id: 'Pemberi pinjaman mengajukan syarat untuk “{title}”. Terima atau tolak di halaman permintaan.',
      en: 'The lender offers conditions for “{title}”. Accept or reject them on the request page.',
    },
  },
  cancel_refused: {
    subject: { id: 'Pembatalan ditolak: {hrid}', en: 'Cancellation refused: {hrid}' },
    body: {
      id: 'Pemberi pinjaman menolak pembatalan “{title}”; permintaan berlanjut.',
      en: 'The lender refused to cancel “{title}”; the request goes on.',
    },
  },
  cancel_too_late: {
    subject: { id: 'Terlambat dibatalkan: {hrid}', en: 'Too late to cancel: {hrid}' },
    body: {
      id: '“{title}” sudah dikirim sebelum pembatalan sampai; terima lalu kembalikan.',
      en: '“{title}” was already shipped when the cancellation arrived; receive it and send it back.',
    },
  },
  peer_note: {
    subject: { id: 'Catatan dari pemberi pinjaman: {hrid}', en: 'Note from the lender: {hrid}' },
    body: { id: '“{title}”: {note}', en: '“{title}”: {note}' },
  },
  answer_timeout: {
    subject: { id: 'Pemberi pinjaman tidak menjawab: {hrid}', en: 'Lender did not answer: {hrid}' },
    body: {
      id: 'Pemberi pinjaman tidak menjawab “{title}” tepat waktu; permintaan dialihkan ke giliran berikutnya.',
      en: 'The lender did not answer “{title}” in time; the request moved on to the next lender.',
    },
  },
  rota_used_up: {
    subject: { id: 'Tidak terpenuhi: {hrid}', en: 'Unfilled: {hrid}' },
    body: {
      id: 'Semua pemberi pinjaman dalam daftar giliran “{title}” sudah dicoba. Kirim ulang dengan pemberi pinjaman lain atau tutup permintaan.',
      en: 'Every lender on the rota for “{title}” has been tried. Re-send it with other lenders or close it.',
    },
  },
};

/** Texts to the lending library's staff: {title}, {hrid}, {borrower}, {due}, {note}. */
const LENDER_STAFF: Record<LenderTopic, Text> = {
  new_request: {
    subject: { id: 'Permintaan masuk baru: {hrid}', en: 'New incoming request: {hrid}' },
    body: {
      id: '{borrower} meminta “{title}”. Jawab sebelum batas waktu yang dijanjikan.',
      en: '{borrower} asks for “{title}”. Answer within the time you promised.',
    },
  },
  cancel_requested: {
    subject: { id: 'Permintaan pembatalan: {hrid}', en: 'Cancellation asked: {hrid}' },
    body: {
      id: '{borrower} ingin membatalkan “{title}”. Setujui atau tolak. {note}',
      en: '{borrower} wants to cancel “{title}”. Approve or refuse. {note}',
    },
  },
  renew_requested: {
    subject: { id: 'Permintaan perpanjangan: {hrid}', en: 'Renewal asked: {hrid}' },
    body: {
      id: '{borrower} meminta perpanjangan “{title}” (jatuh tempo {due}). Setujui atau tolak. {note}',
      en: '{borrower} asks to renew “{title}” (due {due}). Approve or refuse. {note}',
    },
  },
  lost_reported: {
    subject: { id: 'Dilaporkan hilang: {hrid}', en: 'Reported lost: {hrid}' },
    body: {
      id: '{borrower} melaporkan “{title}” hilang. Periksa tagihannya. {note}',
      en: '{borrower} reports “{title}” lost. Check the charge. {note}',
    },
  },
  return_shipped: {
    subject: { id: 'Dikirim kembali: {hrid}', en: 'Return shipped: {hrid}' },
    body: {
      id: '{borrower} telah mengirim kembali “{title}”. Terima (check-in) saat tiba.',
      en: '{borrower} has shipped “{title}” back. Check it in when it arrives.',
    },
  },
  item_forwarded: {
    subject: { id: 'Diteruskan: {hrid}', en: 'Forwarded: {hrid}' },
    body: { id: '{borrower} meneruskan “{title}”. {note}', en: '{borrower} forwarded “{title}”. {note}' },
  },
  peer_note: {
    subject: { id: 'Catatan dari peminjam: {hrid}', en: 'Note from the borrower: {hrid}' },
    body: { id: '{borrower} tentang “{title}”: {note}', en: '{borrower} about “{title}”: {note}' },
  },
  overdue: {
    subject: { id: 'Terlambat di peminjam: {hrid}', en: 'Overdue at the borrower: {hrid}' },
    body: {
      id: '“{title}” yang dipinjam {borrower} sudah lewat jatuh tempo ({due}).',
      en: '“{title}” lent to {borrower} is past its due date ({due}).',
    },
  },
  overdue_2: {
    subject: { id: 'Seminggu terlambat: {hrid}', en: 'A week overdue: {hrid}' },
    body: {
      id: '“{title}” yang dipinjam {borrower} sudah seminggu lewat jatuh tempo ({due}).',
      en: '“{title}” lent to {borrower} is a week past its due date ({due}).',
    },
  },
  overdue_3: {
    subject: { id: 'Dua minggu terlambat: {hrid}', en: 'Two weeks overdue: {hrid}' },
    body: {
      id: '“{title}” yang dipinjam {borrower} sudah dua minggu lewat jatuh tempo ({due}).',
      en: '“{title}” lent to {borrower} is two weeks past its due date ({due}).',
    },
  },
  lost_threshold: {
    subject: { id: 'Dapat dianggap hilang: {hrid}', en: 'May be counted as lost: {hrid}' },
    body: {
      id: '“{title}” yang dipinjam {borrower} sudah enam minggu terlambat ({due}). Anda dapat mencatatnya hilang.',
      en: '“{title}” lent to {borrower} is six weeks overdue ({due}). You may declare it lost.',
    },
  },
};

function fill(b: Bilingual, vars: Record<string, string>): Bilingual {
  const f = fillMessage(b, vars);
  return { id: f.id.trim(), en: f.en.trim() };
}

function day(d: Date | null): string {
  return d ? d.toISOString().slice(0, 10) : '—';
}

/** The patron-facing topics: which of them the patron hears about. */
export function isPatronTopic(topic: string): topic is BorrowerTopic {
  return topic in PATRON;
}

/**
 * Tells the people of the borrowing side: the patron for patron topics, the
 * library's staff for staff topics. A topic with nobody to tell does nothing.
 */
export async function tellBorrowerSide(
  trx: Trx,
  requestId: number,
  topic: BorrowerTopic,
  note?: string | null,
): Promise<number[]> {
  const r = await trx
    .selectFrom('ill_requests as r')
    .innerJoin('libraries as p', 'p.id', 'r.pickup_library_id')
    .select(['r.id', 'r.hrid', 'r.citation', 'r.patron_id', 'r.borrower_library_id', 'r.due_at', 'p.name as pickup'])
    .where('r.id', '=', requestId)
    .executeTakeFirst();
  if (!r) return [];
  const vars = { title: r.citation.title, hrid: r.hrid, pickup: r.pickup, due: day(r.due_at), note: note ?? '' };
  const patronText = PATRON[topic];
  if (patronText) {
    if (r.patron_id === null) return [];
    return send(trx, { patronId: r.patron_id }, `ill.${topic}`, patronText, vars, '/portal/requests');
  }
  const staffText = BORROWER_STAFF[topic];
  if (!staffText) return [];
  return send(trx, { libraryId: r.borrower_library_id }, `ill.${topic}`, staffText, vars, `/ill/requests/${r.id}`);
}

/** One notice: the texts filled in with the request's details. */
function send(
  trx: DbOrTrx,
  to: Recipient,
  kind: string,
  text: Text,
  vars: Record<string, string>,
  link: string,
): Promise<number[]> {
  return notify(trx, { to, kind, subject: fill(text.subject, vars), body: fill(text.body, vars), link });
}

/** Tells the lending library's staff (a peer's library has no staff here: nobody is told). */
export async function tellLenderSide(
  trx: Trx,
  supplierId: number,
  topic: LenderTopic,
  note?: string | null,
): Promise<number[]> {
  const s = await trx
    .selectFrom('ill_supplier_requests as s')
    .leftJoin('libraries as b', 'b.id', 's.borrower_library_id')
    .select([
      's.id',
      's.hrid',
      's.lender_library_id',
      's.request_message',
      's.requesting_agency_value',
      's.due_at',
      'b.name as borrower',
    ])
    .where('s.id', '=', supplierId)
    .executeTakeFirst();
  if (!s) return [];
  const text = LENDER_STAFF[topic];
  const vars = {
    title: s.request_message.bibliographicInfo.title ?? s.hrid,
    hrid: s.hrid,
    borrower: s.borrower ?? s.requesting_agency_value,
    due: day(s.due_at),
    note: note ?? '',
  };
  return send(trx, { libraryId: s.lender_library_id }, `ill.lender.${topic}`, text, vars, `/ill/lending/${s.id}`);
}

/** The lender topics the machine's `notifyStaff` effects map to (others stay in the timeline only). */
export function lenderTopicOf(topic: string): LenderTopic | null {
  return topic in LENDER_STAFF && topic !== 'overdue' ? (topic as LenderTopic) : null;
}

/** The borrower staff topics the machine's `notifyStaff` effects map to. */
export function borrowerStaffTopicOf(topic: string): BorrowerTopic | null {
  return topic in BORROWER_STAFF ? (topic as BorrowerTopic) : null;
}

/** Texts to the sending library's staff when a message gives up: {hrid}, {title}, {peer}, {what}, {error}, {attempts}. */
const GAVE_UP: Record<'failed' | 'rejected', Text> = {
  failed: {
    subject: { id: 'Pesan ke {peer} gagal terkirim: {hrid}', en: 'Message to {peer} not delivered: {hrid}' },
    body: {
      id: '“{title}”: pesan {what} tidak sampai ke {peer} setelah {attempts} kali dicoba ({error}). Kirim ulang atau abaikan di log pesan ISO 18626; sampai itu, pesan berikutnya untuk permintaan ini menunggu.',
      en: '“{title}”: the {what} message did not reach {peer} after {attempts} attempts ({error}). Retry or abandon it in the ISO 18626 message log; until then, later messages of this request wait.',
    },
  },
  rejected: {
    subject: { id: 'Pesan ditolak {peer}: {hrid}', en: 'Message refused by {peer}: {hrid}' },
    body: {
      id: '“{title}”: {peer} menolak pesan {what} ({error}). Periksa di log pesan ISO 18626, lalu kirim ulang atau bicarakan dengan mitra.',
      en: '“{title}”: {peer} refused the {what} message ({error}). Check it in the ISO 18626 message log, then retry it or take it up with the peer.',
    },
  },
};

/** An outbound message that gave up for good, as the outbox reports it. */
export interface GaveUpMessage extends SettledRef {
  type: 'failed' | 'rejected';
  /** The peer's error (rejected) or the last transport error (failed). */
  error: string;
}

/**
 * Tells the staff of the library that sent the message, once per message: a
 * staff retry that gives up again, or a rejection after a retry, tells nobody
 * a second time. Called in the transaction that settles the message.
 */
export async function tellSenderGaveUp(trx: DbOrTrx, e: GaveUpMessage): Promise<number[]> {
  const m = await trx
    .updateTable('ill_messages')
    .set({ staff_told_at: new Date() })
    .where('id', '=', e.messageId)
    .where('staff_told_at', 'is', null)
    .returning(['attempts', 'requesting_agency_request_id'])
    .executeTakeFirst();
  if (!m) return [];
  const peer = await trx.selectFrom('ill_peers').select('name').where('id', '=', e.peerId).executeTakeFirst();
  let record: { hrid: string; title: string; libraryId: number | null; filter: string; kind: string } | undefined;
  if (e.supplierRequestId !== null) {
    const s = await trx
      .selectFrom('ill_supplier_requests')
      .select(['hrid', 'request_message', 'lender_library_id'])
      .where('id', '=', e.supplierRequestId)
      .executeTakeFirst();
    if (s)
      record = {
        hrid: s.hrid,
        title: s.request_message.bibliographicInfo.title ?? s.hrid,
        libraryId: s.lender_library_id,
        filter: `supplierRequestId=${e.supplierRequestId}`,
        kind: `ill.lender.message_${e.type}`,
      };
  } else if (e.requestId !== null) {
    const r = await trx
      .selectFrom('ill_requests')
      .select(['hrid', 'citation', 'borrower_library_id'])
      .where('id', '=', e.requestId)
      .executeTakeFirst();
    if (r)
      record = {
        hrid: r.hrid,
        title: r.citation.title,
        libraryId: r.borrower_library_id,
        filter: `requestId=${e.requestId}`,
        kind: `ill.message_${e.type}`,
      };
  }
  const hrid = record?.hrid ?? m.requesting_agency_request_id ?? `#${e.messageId}`;
  const libraryId = record?.libraryId ?? e.localLibraryId;
  if (libraryId === null) return [];
  const vars = {
    hrid,
    title: record?.title ?? hrid,
    peer: peer?.name ?? '?',
    what: e.summary,
    error: e.error.slice(0, 300),
    attempts: String(m.attempts),
  };
  const query = [`status=${e.type}`, ...(record ? [record.filter] : [])].join('&');
  return send(
    trx,
    { libraryId },
    record?.kind ?? `ill.message_${e.type}`,
    GAVE_UP[e.type],
    vars,
    `/ill/settings/messages?${query}`,
  );
}
