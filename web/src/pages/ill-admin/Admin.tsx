import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field, Pager } from '../../ui.tsx';

/** ILL administration: the library's lending policy, ISO 18626 peers, the message log, figures. */

interface Policy {
  libraryId: number;
  loanDays: number;
  answerHours: number;
  maxRenewals: number;
  renewalDays: number;
  autoRenew: boolean;
  autoApproveCancel: boolean;
  patronOpenLimit: number;
}

interface Peer {
  id: number;
  name: string;
  library: { id: number; code: string; name: string };
  agencyId: { type: string; value: string };
  endpointUrl: string;
  outboundAccountId: string | null;
  outboundSecretSet: boolean;
  inboundAccountId: string;
  inboundSecretSet: boolean;
  active: boolean;
  messages: { pending: number; failed: number; rejected: number };
}

interface Message {
  id: number;
  peerName: string | null;
  direction: 'in' | 'out';
  kind: string;
  requestId: number | null;
  supplierRequestId: number | null;
  summary: string;
  status: string;
  errorType: string | null;
  errorValue: string | null;
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

interface Lib {
  id: number;
  code: string;
  name: string;
}
interface Figures {
  libraries: Array<{
    library: Lib;
    requestsMade: number;
    borrowerFillRate: number | null;
    requestsReceived: number;
    lenderFillRate: number | null;
    medianRequestToShippedDays: number | null;
    medianShippedToReceivedDays: number | null;
    medianLoanDays: number | null;
    netBalance: number;
    balance: string;
    itemsLostBorrowing: number;
    itemsLostLending: number;
  }>;
  pairs: Array<{
    borrower: Lib;
    lender: Lib;
    requests: number;
    filled: number;
    fillRate: number | null;
    medianRequestToShippedDays: number | null;
    itemsLost: number;
  }>;
}

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const num = (x: number | null) => (x === null ? '—' : String(Math.round(x * 10) / 10));

function AdminNav() {
  const { t } = useI18n();
  return (
    <nav className="tabs" aria-label={t('illAdmSettings')}>
      <Link to="/ill">‹ {t('illTitle')}</Link> <Link to="/ill/settings">{t('illAdmPolicy')}</Link>{' '}
      <Link to="/ill/settings/peers">{t('illAdmPeers')}</Link>{' '}
      <Link to="/ill/settings/messages">{t('illAdmMessages')}</Link> <Link to="/ill/figures">{t('illAdmFigures')}</Link>
    </nav>
  );
}

// ------------------------------------------------------------------ policy

export function IllPolicyPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [p, setP] = useState<Policy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const code = me?.libraryCode ?? '';
  const canEdit = me?.role === 'library_admin' || me?.role === 'network_coordinator';

  useEffect(() => {
    if (code) api<Policy>('GET', `/api/v1/ill/policies/${code}`).then(setP, setError);
  }, [code]);

  async function save(e: FormEvent) {
    e.preventDefault();
    if (!p) return;
    setError(null);
    setSaved(false);
    try {
      const { libraryId: _, ...patch } = p;
      setP(await api<Policy>('PATCH', `/api/v1/ill/policies/${code}`, patch));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  }

  const n = (k: keyof Policy, label: string) => (
    <Field label={label}>
      <input
        type="number"
        value={p ? String(p[k]) : ''}
        disabled={!canEdit}
        onChange={(e) => p && setP({ ...p, [k]: Number(e.target.value) })}
      />
    </Field>
  );
  const b = (k: 'autoRenew' | 'autoApproveCancel', label: string) => (
    <label className="check">
      <input
        type="checkbox"
        checked={p ? p[k] : false}
        disabled={!canEdit}
        onChange={(e) => p && setP({ ...p, [k]: e.target.checked })}
      />{' '}
      {label}
    </label>
  );

  return (
    <section className="ill">
      <h1>{t('illAdmSettings')}</h1>
      <AdminNav />
      <h2>{t('illAdmPolicyOf').replace('{library}', me?.libraryName ?? '')}</h2>
      {canEdit ? null : <p className="muted">{t('illAdmPolicyHint')}</p>}
      <ErrorBox error={error} />
      {p ? (
        <form className="card" onSubmit={save} data-testid="ill-policy">
          <fieldset data-testid="ill-policy-lending">
            <legend>{t('illAdmAsLender')}</legend>
            <p className="muted">{t('illAdmAsLenderHint')}</p>
            {n('loanDays', t('illAdmLoanDays'))}
            {n('answerHours', t('illAdmAnswerHours'))}
            {n('maxRenewals', t('illAdmMaxRenewals'))}
            {n('renewalDays', t('illAdmRenewalDays'))}
            {b('autoRenew', t('illAdmAutoRenew'))}
            {b('autoApproveCancel', t('illAdmAutoCancel'))}
          </fieldset>
          <fieldset data-testid="ill-policy-borrowing">
            <legend>{t('illAdmAsBorrower')}</legend>
            <p className="muted">{t('illAdmAsBorrowerHint')}</p>
            {n('patronOpenLimit', t('illAdmPatronOpenLimit'))}
          </fieldset>
          {canEdit ? <button type="submit">{t('illAdmSave')}</button> : null}
          {saved ? <output>{t('illAdmSaved')}</output> : null}
        </form>
      ) : null}
    </section>
  );
}

// ------------------------------------------------------------------ peers

const emptyPeer = {
  name: '',
  library: '',
  agencyType: 'ISIL',
  agencyValue: '',
  endpointUrl: '',
  outboundAccountId: '',
  outboundSecret: '',
  inboundAccountId: '',
  active: true,
};

export function IllPeersPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [peers, setPeers] = useState<Peer[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState<typeof emptyPeer | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const coordinator = me?.role === 'network_coordinator';

  const load = useCallback(() => {
    api<{ items: Peer[] }>('GET', '/api/v1/ill/peers').then((r) => setPeers(r.items), setError);
  }, []);
  useEffect(load, [load]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!form) return;
    setError(null);
    const common = {
      name: form.name,
      agencyId: { type: form.agencyType, value: form.agencyValue },
      endpointUrl: form.endpointUrl,
      outboundAccountId: form.outboundAccountId || null,
      inboundAccountId: form.inboundAccountId,
      active: form.active,
      // a secret is sent only when typed: empty keeps the stored one
      ...(form.outboundSecret ? { outboundSecret: form.outboundSecret } : {}),
    };
    try {
      if (editing === null) {
        const r = await api<{ inboundSecret: string }>('POST', '/api/v1/ill/peers', {
          ...common,
          library: form.library,
        });
        setSecret(r.inboundSecret);
      } else {
        await api('PATCH', `/api/v1/ill/peers/${editing}`, common);
        setSecret(null);
      }
      setForm(null);
      setEditing(null);
      load();
    } catch (err) {
      setError(err);
    }
  }

  const input = (k: keyof typeof emptyPeer, label: string, type = 'text', placeholder?: string) =>
    form ? (
      <Field label={label}>
        <input
          type={type}
          value={String(form[k])}
          placeholder={placeholder}
          autoComplete="off"
          onChange={(e) => setForm({ ...form, [k]: e.target.value })}
        />
      </Field>
    ) : null;

  return (
    <section className="ill">
      <h1>{t('illAdmPeers')}</h1>
      <AdminNav />
      <p className="muted">{t('illAdmPeersHint')}</p>
      <ErrorBox error={error} />
      {secret ? (
        <p className="card" role="status" data-testid="peer-secret">
          {t('illAdmSecretOnce').replace('{secret}', secret)}
        </p>
      ) : null}
      {peers && peers.length === 0 ? <p>{t('illAdmNoPeers')}</p> : null}
      {peers?.length ? (
        <div className="scroll">
          <table className="list" data-testid="peers">
            <thead>
              <tr>
                <th>{t('illAdmPeerName')}</th>
                <th>{t('illAdmPeerLibrary')}</th>
                <th>{t('illAdmAgencyValue')}</th>
                <th>{t('illAdmEndpoint')}</th>
                <th>{t('illAdmOutSecret')}</th>
                <th>{t('illAdmActive')}</th>
                <th>{t('illAdmMessages')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {peers.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{p.library.code}</td>
                  <td>
                    {p.agencyId.type}:{p.agencyId.value}
                  </td>
                  <td>{p.endpointUrl}</td>
                  <td>{p.outboundSecretSet ? t('illAdmSecretSet') : t('illAdmSecretNone')}</td>
                  <td>{p.active ? '✓' : '—'}</td>
                  <td>
                    <Link to={`/ill/settings/messages?peerId=${p.id}`}>
                      {p.messages.pending} / {p.messages.failed} / {p.messages.rejected}
                    </Link>
                  </td>
                  <td>
                    {coordinator ? (
                      <button
                        type="button"
                        onClick={() => {
                          setEditing(p.id);
                          setForm({
                            name: p.name,
                            library: p.library.code,
                            agencyType: p.agencyId.type,
                            agencyValue: p.agencyId.value,
                            endpointUrl: p.endpointUrl,
                            outboundAccountId: p.outboundAccountId ?? '',
                            outboundSecret: '',
                            inboundAccountId: p.inboundAccountId,
                            active: p.active,
                          });
                        }}
                      >
                        {t('illAdmEdit')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {coordinator && !form ? (
        <button
          type="button"
          onClick={() => {
            setEditing(null);
            setForm({ ...emptyPeer });
          }}
        >
          {t('illAdmAddPeer')}
        </button>
      ) : null}
      {form ? (
        <form className="card" onSubmit={submit} data-testid="peer-form">
          {input('name', t('illAdmPeerName'))}
          {editing === null ? input('library', t('illAdmPeerLibrary')) : null}
          {input('agencyType', t('illAdmAgencyType'))}
          {input('agencyValue', t('illAdmAgencyValue'))}
          {input('endpointUrl', t('illAdmEndpoint'), 'url')}
          {input('outboundAccountId', t('illAdmOutAccount'))}
          {input('outboundSecret', t('illAdmOutSecret'), 'password', editing === null ? '' : t('illAdmSecretKeep'))}
          {input('inboundAccountId', t('illAdmInAccount'))}
          <label className="check">
            <input
              type="checkbox"
              checked={form.active}
              onChange={(e) => setForm({ ...form, active: e.target.checked })}
            />{' '}
            {t('illAdmActive')}
          </label>
          <button type="submit">{t('illAdmSave')}</button>{' '}
          <button type="button" onClick={() => setForm(null)}>
            {t('illAdmCancel')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

// ------------------------------------------------------------------ messages

const STATUSES = ['pending', 'failed', 'rejected', 'confirmed', 'abandoned', 'accepted'];

/**
 * A logged message's summary ("StatusChange CopyCompleted", "New Loan", "Received") or error type in the
 * reader's words, word by word: ISO 18626 words the texts know (illIso.*, the request states illState.*,
 * services illSvc.*) are translated, anything else (a request id) is kept. The title keeps the ISO words.
 */
export function isoWords(text: string, t: (key: string) => string): string {
  return text
    .split(' ')
    .map((w) => {
      for (const key of [`illIso.${w}`, `illState.${w}`, `illSvc.${w}`]) {
        const said = t(key);
        if (said !== key) return said;
      }
      return w;
    })
    .join(' · ');
}

export function IllMessagesPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState(() => new URLSearchParams(window.location.search).get('status') ?? 'failed');
  const peerId = new URLSearchParams(window.location.search).get('peerId');
  // A notice about a message that gave up links here with its request (borrower) or lender record.
  const [search] = useSearchParams();
  const requestId = search.get('requestId');
  const supplierRequestId = search.get('supplierRequestId');
  const recordLink = requestId
    ? `/ill/requests/${requestId}`
    : supplierRequestId
      ? `/ill/lending/${supplierRequestId}`
      : null;
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Message[]; total: number; pageSize: number } | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(() => {
    const q = new URLSearchParams({ page: String(page) });
    if (status) q.set('status', status);
    if (peerId) q.set('peerId', peerId);
    if (requestId) q.set('requestId', requestId);
    if (supplierRequestId) q.set('supplierRequestId', supplierRequestId);
    api<{ items: Message[]; total: number; pageSize: number }>('GET', `/api/v1/ill/messages?${q}`).then(
      setData,
      setError,
    );
  }, [status, page, peerId, requestId, supplierRequestId]);
  useEffect(load, [load]);

  async function act(id: number, what: 'retry' | 'abandon') {
    setError(null);
    try {
      await api('POST', `/api/v1/ill/messages/${id}/${what}`);
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="ill">
      <h1>{t('illAdmMessages')}</h1>
      <AdminNav />
      <p className="muted">{t('illAdmMessagesHint')}</p>
      {recordLink ? (
        <p data-testid="messages-for">
          {t('illAdmForRequest')} <Link to={recordLink}>{t('illAdmOpenRequest')}</Link> ·{' '}
          <Link to="/ill/settings/messages">{t('illAdmAllMessages')}</Link>
        </p>
      ) : null}
      <div className="filters">
        <Field label={t('illAdmStatus')}>
          <select
            value={status}
            onChange={(e) => {
              setPage(1);
              setStatus(e.target.value);
            }}
          >
            <option value="">{t('illAdmAllStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`illMsg.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorBox error={error} />
      {data && data.items.length === 0 ? <p>{t('illAdmNoMessages')}</p> : null}
      {data?.items.length ? (
        <div className="scroll">
          <table className="list" data-testid="messages">
            <thead>
              <tr>
                <th>{t('illAdmWhen')}</th>
                <th>{t('illAdmPeer')}</th>
                <th>{t('illAdmDirection')}</th>
                <th>{t('illAdmSummary')}</th>
                <th>{t('illAdmStatus')}</th>
                <th>{t('illAdmAttempts')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {data.items.map((m) => (
                <tr key={m.id} data-status={m.status}>
                  <td>{m.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{m.peerName ?? '—'}</td>
                  <td>{m.direction === 'in' ? '←' : '→'}</td>
                  <td>
                    <span title={m.summary}>
                      {m.requestId ? <Link to={`/ill/requests/${m.requestId}`}>{isoWords(m.summary, t)}</Link> : null}
                      {!m.requestId && m.supplierRequestId ? (
                        <Link to={`/ill/lending/${m.supplierRequestId}`}>{isoWords(m.summary, t)}</Link>
                      ) : null}
                      {!m.requestId && !m.supplierRequestId ? isoWords(m.summary, t) : null}
                    </span>
                    {m.errorType || m.lastError ? (
                      <div className="muted">
                        {[m.errorType ? isoWords(m.errorType, t) : null, m.errorValue, m.lastError]
                          .filter(Boolean)
                          .join(' · ')}
                      </div>
                    ) : null}
                  </td>
                  <td>{t(`illMsg.${m.status}`)}</td>
                  <td>{m.attempts}</td>
                  <td>
                    {m.direction === 'out' && (m.status === 'failed' || m.status === 'rejected') ? (
                      <button type="button" onClick={() => act(m.id, 'retry')}>
                        {t('illAdmRetry')}
                      </button>
                    ) : null}{' '}
                    {m.direction === 'out' && ['failed', 'rejected', 'pending'].includes(m.status) ? (
                      <button type="button" onClick={() => act(m.id, 'abandon')}>
                        {t('illAdmAbandon')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? <Pager page={page} pageSize={data.pageSize} total={data.total} onPage={setPage} /> : null}
    </section>
  );
}

// ------------------------------------------------------------------ figures

function csv(f: Figures): string {
  const q = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;
  const rows = [
    [
      'library',
      'requests_made',
      'borrower_fill_rate',
      'requests_received',
      'lender_fill_rate',
      'median_request_to_shipped_days',
      'median_shipped_to_received_days',
      'median_loan_days',
      'net_balance',
      'balance',
      'lost_borrowing',
      'lost_lending',
    ],
    ...f.libraries.map((l) => [
      l.library.code,
      l.requestsMade,
      l.borrowerFillRate,
      l.requestsReceived,
      l.lenderFillRate,
      l.medianRequestToShippedDays,
      l.medianShippedToReceivedDays,
      l.medianLoanDays,
      l.netBalance,
      l.balance,
      l.itemsLostBorrowing,
      l.itemsLostLending,
    ]),
    [],
    ['borrower', 'lender', 'requests', 'filled', 'fill_rate', 'median_request_to_shipped_days', 'items_lost'],
    ...f.pairs.map((p) => [
      p.borrower.code,
      p.lender.code,
      p.requests,
      p.filled,
      p.fillRate,
      p.medianRequestToShippedDays,
      p.itemsLost,
    ]),
  ];
  return rows.map((r) => r.map(q).join(',')).join('\r\n');
}

export function IllFiguresPage() {
  const { t } = useI18n();
  const today = new Date().toISOString().slice(0, 10);
  const [range, setRange] = useState({ from: `${today.slice(0, 4)}-01-01`, to: today });
  const [asked, setAsked] = useState(range);
  const [f, setF] = useState<Figures | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    api<Figures>('GET', `/api/v1/ill/figures?from=${asked.from}&to=${asked.to}`).then(setF, setError);
  }, [asked]);

  return (
    <section className="ill">
      <h1>{t('illAdmFigures')}</h1>
      <AdminNav />
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(range);
        }}
      >
        <Field label={t('illAdmFrom')}>
          <input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field label={t('illAdmTo')}>
          <input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
        <button type="submit">{t('illAdmShow')}</button>
        {f ? (
          <a
            className="button"
            download={`ill-figures-${asked.from}-${asked.to}.csv`}
            href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv(f))}`}
          >
            {t('illAdmCsv')}
          </a>
        ) : null}
      </form>
      <ErrorBox error={error} />
      {f ? (
        <>
          <div className="scroll">
            <table className="list" data-testid="ill-figures">
              <thead>
                <tr>
                  <th>{t('illAdmLibrary')}</th>
                  <th>{t('illAdmMade')}</th>
                  <th>{t('illAdmFillBorrow')}</th>
                  <th>{t('illAdmReceived')}</th>
                  <th>{t('illAdmFillLend')}</th>
                  <th>{t('illAdmReqShip')}</th>
                  <th>{t('illAdmShipRecv')}</th>
                  <th>{t('illAdmLoanLen')}</th>
                  <th>{t('illAdmBalance')}</th>
                  <th>{t('illAdmLost')}</th>
                </tr>
              </thead>
              <tbody>
                {f.libraries.map((l) => (
                  <tr key={l.library.id}>
                    <td>{l.library.name}</td>
                    <td>{l.requestsMade}</td>
                    <td>{pct(l.borrowerFillRate)}</td>
                    <td>{l.requestsReceived}</td>
                    <td>{pct(l.lenderFillRate)}</td>
                    <td>{num(l.medianRequestToShippedDays)}</td>
                    <td>{num(l.medianShippedToReceivedDays)}</td>
                    <td>{num(l.medianLoanDays)}</td>
                    <td>
                      {l.netBalance > 0 ? '+' : ''}
                      {l.netBalance} ({t(`illAdm_${l.balance}`)})
                    </td>
                    <td>{l.itemsLostBorrowing + l.itemsLostLending}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('illAdmPairs')}</h2>
          <div className="scroll">
            <table className="list" data-testid="ill-pairs">
              <thead>
                <tr>
                  <th>{t('illAdmBorrower')}</th>
                  <th>{t('illAdmLender')}</th>
                  <th>{t('illAdmRequests')}</th>
                  <th>{t('illAdmFilled')}</th>
                  <th>{t('illAdmReqShip')}</th>
                  <th>{t('illAdmLost')}</th>
                </tr>
              </thead>
              <tbody>
                {f.pairs.map((p) => (
                  <tr key={`${p.borrower.id}-${p.lender.id}`}>
                    <td>{p.borrower.name}</td>
                    <td>{p.lender.name}</td>
                    <td>{p.requests}</td>
                    <td>
                      {p.filled} ({pct(p.fillRate)})
                    </td>
                    <td>{num(p.medianRequestToShippedDays)}</td>
                    <td>{p.itemsLost}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
