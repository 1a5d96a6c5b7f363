import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field, Pager, useFilterParams } from '../../ui.tsx';
import type { ExchangeOffer, ExchangeRequest, LedgerEntry, LedgerRow } from './types.ts';

const FREQS = ['once', 'yearly', 'semiannual', 'quarterly', 'irregular'] as const;
const STATUSES = ['requested', 'agreed', 'shipped', 'received', 'declined', 'cancelled'] as const;

function Back() {
  const { t } = useI18n();
  return (
    <p>
      <Link to="/programs">‹ {t('programsTitle')}</Link> · <Link to="/programs/exchange">{t('exchange')}</Link>
    </p>
  );
}

function RequestForm({ offer, onDone }: { offer: ExchangeOffer; onDone(r: ExchangeRequest): void }) {
  const { t } = useI18n();
  const [copies, setCopies] = useState('1');
  const [period, setPeriod] = useState(String(offer.year ?? new Date().getFullYear()));
  const [yearly, setYearly] = useState(offer.frequency === 'yearly');
  const [error, setError] = useState<unknown>(null);
  async function send(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      onDone(
        await api<ExchangeRequest>('POST', '/api/v1/exchange/requests', {
          offerId: offer.id,
          copies: Number(copies),
          period: Number(period),
          yearly,
        }),
      );
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="filters" onSubmit={send} data-testid={`request-form-${offer.id}`}>
      <Field label={t('copies')}>
        <input
          type="number"
          min={1}
          max={offer.copiesAvailable}
          value={copies}
          onChange={(e) => setCopies(e.target.value)}
        />
      </Field>
      <Field label={t('periodYear')}>
        <input type="number" min={1800} max={2200} value={period} onChange={(e) => setPeriod(e.target.value)} />
      </Field>
      <label className="check">
        <input type="checkbox" checked={yearly} onChange={(e) => setYearly(e.target.checked)} /> {t('yearlyRequest')}
      </label>
      <button type="submit" className="primary">
        {t('request')}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

function OfferForm({ onDone }: { onDone(o: ExchangeOffer): void }) {
  const { t } = useI18n();
  const empty = {
    title: '',
    author: '',
    year: String(new Date().getFullYear()),
    isbn: '',
    frequency: 'once',
    copiesAvailable: '1',
    note: '',
  };
  const [f, setF] = useState(empty);
  const [error, setError] = useState<unknown>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const o = await api<ExchangeOffer>('POST', '/api/v1/exchange/offers', {
        title: f.title,
        author: f.author || null,
        year: f.year ? Number(f.year) : null,
        isbn: f.isbn || null,
        frequency: f.frequency,
        copiesAvailable: Number(f.copiesAvailable),
        note: f.note || null,
      });
      setF(empty);
      onDone(o);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card stack" onSubmit={save}>
      <h2>{t('newOffer')}</h2>
      <ErrorBox error={error} />
      <div className="grid2">
        <Field label={t('offerTitle')}>
          <input required value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} />
        </Field>
        <Field label={t('author')}>
          <input value={f.author} onChange={(e) => setF({ ...f, author: e.target.value })} />
        </Field>
        <Field label={t('year')}>
          <input type="number" value={f.year} onChange={(e) => setF({ ...f, year: e.target.value })} />
        </Field>
        <Field label={t('exIsbn')}>
          <input value={f.isbn} onChange={(e) => setF({ ...f, isbn: e.target.value })} />
        </Field>
        <Field label={t('frequency')}>
          <select value={f.frequency} onChange={(e) => setF({ ...f, frequency: e.target.value })}>
            {FREQS.map((x) => (
              <option key={x} value={x}>
                {t(`freq.${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('copiesAvailable')}>
          <input
            type="number"
            min={0}
            value={f.copiesAvailable}
            onChange={(e) => setF({ ...f, copiesAvailable: e.target.value })}
          />
        </Field>
        <Field label={t('note')}>
          <input value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
        </Field>
      </div>
      <p>
        <button type="submit" className="primary">
          {t('save')}
        </button>
      </p>
    </form>
  );
}

export function RequestsTable({ items }: { items: ExchangeRequest[] }) {
  const { t } = useI18n();
  return (
    <table className="list" data-testid="exchange-requests">
      <thead>
        <tr>
          <th>{t('offerTitle')}</th>
          <th>{t('xsupplier')}</th>
          <th>{t('requester')}</th>
          <th>{t('periodYear')}</th>
          <th>{t('copies')}</th>
          <th>{t('status')}</th>
          <th>{t('xdueOn')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={r.id}>
            <td>
              <Link to={`/programs/exchange/requests/${r.id}`}>{r.offer.title}</Link>
              {r.yearly ? <span className="tag">{t('yearly')}</span> : null}
            </td>
            <td>{r.supplier.name}</td>
            <td>{r.requester.name}</td>
            <td>{r.period}</td>
            <td>{r.copies}</td>
            <td>
              <span className="tag">{t(`xstatus.${r.status}`)}</span>
            </td>
            <td>{r.dueOn ?? '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Offers of the network with filters, the caller's requests, and the way to the ledger. */
export function ExchangePage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, set] = useFilterParams();
  const [offers, setOffers] = useState<Page<ExchangeOffer> | null>(null);
  const [requests, setRequests] = useState<Page<ExchangeRequest> | null>(null);
  const [asking, setAsking] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const q = params.get('q') ?? '';
  const [typed, setTyped] = useState(q);

  const load = useCallback(() => {
    const o = new URLSearchParams();
    for (const k of ['q', 'library', 'frequency', 'partners', 'page']) {
      const v = params.get(k);
      if (v) o.set(k, v);
    }
    api<Page<ExchangeOffer>>('GET', `/api/v1/exchange/offers?${o}`).then(setOffers, setError);
    const r = new URLSearchParams({ pageSize: '50' });
    for (const k of ['direction', 'status']) {
      const v = params.get(k);
      if (v) r.set(k, v);
    }
    api<Page<ExchangeRequest>>('GET', `/api/v1/exchange/requests?${r}`).then(setRequests, setError);
  }, [params]);
  useEffect(load, [load]);

  return (
    <section>
      <Back />
      <h1>{t('exchange')}</h1>
      <p className="muted">{t('exchangeIntro')}</p>
      <p className="actions">
        <Link className="button" to="/programs/exchange/ledger">
          {t('ledger')}
        </Link>
      </p>
      <ErrorBox error={error} />
      <h2>{t('offers')}</h2>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', typed || null);
        }}
      >
        <Field label={t('search')}>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} />
        </Field>
        <Field label={t('frequency')}>
          <select value={params.get('frequency') ?? ''} onChange={(e) => set('frequency', e.target.value || null)}>
            <option value="" />
            {FREQS.map((x) => (
              <option key={x} value={x}>
                {t(`freq.${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('partners') === 'true'}
            onChange={(e) => set('partners', e.target.checked ? 'true' : null)}
          />{' '}
          {t('partnersOnly')}
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {offers && !offers.items.length ? <p className="muted">{t('none')}</p> : null}
      <table className="list" data-testid="exchange-offers">
        <thead>
          <tr>
            <th>{t('offerTitle')}</th>
            <th>{t('library')}</th>
            <th>{t('year')}</th>
            <th>{t('frequency')}</th>
            <th>{t('copiesAvailable')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {offers?.items.map((o) => (
            <tr key={o.id}>
              <td>
                <Link to={`/programs/exchange/offers/${o.id}`}>{o.title}</Link>
                {o.youHold ? <span className="tag off">{t('youHold')}</span> : null}
                {asking === o.id ? (
                  <RequestForm
                    offer={o}
                    onDone={() => {
                      setAsking(null);
                      load();
                    }}
                  />
                ) : null}
              </td>
              <td>{o.library.name}</td>
              <td>{o.year ?? '—'}</td>
              <td>{t(`freq.${o.frequency}`)}</td>
              <td>{o.copiesAvailable}</td>
              <td>
                {o.canRequest && asking !== o.id ? (
                  <button type="button" onClick={() => setAsking(o.id)}>
                    {t('request')}
                  </button>
                ) : !o.canManage && !o.isPartner ? (
                  <span className="muted">{t('notPartner')}</span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {offers ? (
        <Pager
          page={offers.page}
          pageSize={offers.pageSize}
          total={offers.total}
          onPage={(p) => set('page', String(p))}
        />
      ) : null}
      {me ? <OfferForm onDone={load} /> : null}
      <h2>{t('requests')}</h2>
      <div className="filters">
        <Field label={t('requests')}>
          <select value={params.get('direction') ?? ''} onChange={(e) => set('direction', e.target.value || null)}>
            <option value="">{t('allDirections')}</option>
            <option value="incoming">{t('incoming')}</option>
            <option value="outgoing">{t('outgoing')}</option>
          </select>
        </Field>
        <Field label={t('status')}>
          <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value || null)}>
            <option value="">{t('allStatuses')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`xstatus.${s}`)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {requests && !requests.items.length ? <p className="muted">{t('none')}</p> : null}
      {requests?.items.length ? <RequestsTable items={requests.items} /> : null}
    </section>
  );
}

export function ExchangeOfferPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const [o, setO] = useState<ExchangeOffer | null>(null);
  const [requests, setRequests] = useState<ExchangeRequest[]>([]);
  const [copies, setCopies] = useState('');
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<ExchangeOffer>('GET', `/api/v1/exchange/offers/${id}`).then((x) => {
      setO(x);
      setCopies(String(x.copiesAvailable));
    }, setError);
    api<Page<ExchangeRequest>>('GET', `/api/v1/exchange/requests?offerId=${id}&pageSize=100`).then(
      (r) => setRequests(r.items),
      () => setRequests([]),
    );
  }, [id]);
  useEffect(load, [load]);
  async function patch(body: Record<string, unknown>) {
    setError(null);
    try {
      setO(await api<ExchangeOffer>('PATCH', `/api/v1/exchange/offers/${id}`, body));
    } catch (err) {
      setError(err);
    }
  }
  if (!o) return <ErrorBox error={error} />;
  return (
    <section>
      <Back />
      <h1>{o.title}</h1>
      <div className="meta">
        {o.library.name} · {o.year ?? '—'} · {t(`freq.${o.frequency}`)} · {t('copiesAvailable')}:{' '}
        <span data-testid="offer-copies">{o.copiesAvailable}</span>
        {!o.active ? <span className="tag off">{t('inactive')}</span> : null}
      </div>
      {o.author ? <p>{o.author}</p> : null}
      {o.note ? <p className="muted">{o.note}</p> : null}
      {o.clusterId ? (
        <p>
          <Link to={`/catalog/${o.clusterId}`}>{t('navCatalog')}</Link>
        </p>
      ) : null}
      <ErrorBox error={error} />
      {o.canManage ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            patch({ copiesAvailable: Number(copies) });
          }}
        >
          <Field label={t('copiesAvailable')}>
            <input type="number" min={0} value={copies} onChange={(e) => setCopies(e.target.value)} />
          </Field>
          <button type="submit">{t('save')}</button>
          <button type="button" onClick={() => patch({ active: !o.active })}>
            {o.active ? t('withdrawOffer') : t('reactivateOffer')}
          </button>
        </form>
      ) : null}
      {o.canRequest ? <RequestForm offer={o} onDone={load} /> : null}
      {requests.length ? (
        <>
          <h2>{t('requests')}</h2>
          <RequestsTable items={requests} />
        </>
      ) : null}
    </section>
  );
}

export function ExchangeRequestPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const [r, setR] = useState<ExchangeRequest | null>(null);
  const [form, setForm] = useState({ reason: '', dueOn: '', on: '', copiesReceived: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<ExchangeRequest>('GET', `/api/v1/exchange/requests/${id}`).then(setR, setError);
  }, [id]);
  async function act(action: string) {
    setError(null);
    const body: Record<string, unknown> = {};
    if ((action === 'decline' || action === 'cancel') && form.reason) body.reason = form.reason;
    if (action === 'agree' && form.dueOn) body.dueOn = form.dueOn;
    if ((action === 'ship' || action === 'receive') && form.on) body.on = form.on;
    if (action === 'receive' && form.copiesReceived) body.copiesReceived = Number(form.copiesReceived);
    try {
      setR(await api<ExchangeRequest>('POST', `/api/v1/exchange/requests/${id}/${action}`, body));
    } catch (err) {
      setError(err);
    }
  }
  if (!r) return <ErrorBox error={error} />;
  const needsReason = r.actions.includes('decline') || r.actions.includes('cancel');
  return (
    <section>
      <Back />
      <h1>{r.offer.title}</h1>
      <div className="meta">
        <span className="tag" data-testid="request-status">
          {t(`xstatus.${r.status}`)}
        </span>{' '}
        {r.supplier.name} → {r.requester.name} · {t('periodYear')} {r.period} · {r.copies} {t('copies')}
        {r.yearly ? ` · ${t('yearly')}` : ''}
      </div>
      <dl className="stats">
        <div>
          <dt>{t('xdueOn')}</dt>
          <dd>{r.dueOn ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('shippedOn')}</dt>
          <dd>{r.shippedOn ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('receivedOn')}</dt>
          <dd>{r.receivedOn ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('copiesReceived')}</dt>
          <dd>{r.copiesReceived ?? '—'}</dd>
        </div>
      </dl>
      {r.reason ? (
        <p>
          {t('reason')}: {r.reason}
        </p>
      ) : null}
      <ErrorBox error={error} />
      {r.actions.length ? (
        <div className="card stack">
          <div className="filters">
            {r.actions.includes('agree') ? (
              <Field label={t('xdueOn')}>
                <input type="date" value={form.dueOn} onChange={(e) => setForm({ ...form, dueOn: e.target.value })} />
              </Field>
            ) : null}
            {r.actions.includes('ship') || r.actions.includes('receive') ? (
              <Field label={t('on')}>
                <input type="date" value={form.on} onChange={(e) => setForm({ ...form, on: e.target.value })} />
              </Field>
            ) : null}
            {r.actions.includes('receive') ? (
              <Field label={t('copiesReceived')}>
                <input
                  type="number"
                  min={0}
                  max={r.copies}
                  value={form.copiesReceived}
                  onChange={(e) => setForm({ ...form, copiesReceived: e.target.value })}
                />
              </Field>
            ) : null}
            {needsReason ? (
              <Field label={t('reason')}>
                <input value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
              </Field>
            ) : null}
          </div>
          <p className="actions">
            {r.actions.map((a) => (
              <button
                key={a}
                type="button"
                className={a === 'agree' || a === 'ship' || a === 'receive' ? 'primary' : ''}
                onClick={() => act(a)}
              >
                {t(`xaction.${a}`)}
              </button>
            ))}
          </p>
        </div>
      ) : null}
    </section>
  );
}

export function ExchangeLedgerPage() {
  const { t } = useI18n();
  const [params, set] = useFilterParams();
  const [data, setData] = useState<{ rows: LedgerRow[]; entries: LedgerEntry[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const partner = params.get('partner');
  useEffect(() => {
    const q = new URLSearchParams();
    for (const k of ['partner', 'from', 'to']) {
      const v = params.get(k);
      if (v) q.set(k, v);
    }
    api<{ rows: LedgerRow[]; entries: LedgerEntry[] }>('GET', `/api/v1/exchange/ledger?${q}`).then(setData, setError);
  }, [params]);
  return (
    <section>
      <Back />
      <h1>{t('ledger')}</h1>
      <div className="filters">
        <Field label={t('from')}>
          <input type="date" value={params.get('from') ?? ''} onChange={(e) => set('from', e.target.value || null)} />
        </Field>
        <Field label={t('to')}>
          <input type="date" value={params.get('to') ?? ''} onChange={(e) => set('to', e.target.value || null)} />
        </Field>
        {partner ? (
          <button type="button" onClick={() => set('partner', null)}>
            {t('allLibraries')}
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
      {data && !data.rows.length ? <p className="muted">{t('none')}</p> : null}
      {data?.rows.length ? <LedgerTable rows={data.rows} onPartner={(code) => set('partner', code)} /> : null}
      {partner && data?.entries.length ? (
        <>
          <h2>{t('entries')}</h2>
          <table className="list" data-testid="ledger-entries">
            <thead>
              <tr>
                <th>{t('offerTitle')}</th>
                <th>{t('periodYear')}</th>
                <th />
                <th>{t('copies')}</th>
                <th>{t('status')}</th>
                <th>{t('shippedOn')}</th>
                <th>{t('receivedOn')}</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((e) => (
                <tr key={e.requestId}>
                  <td>
                    <Link to={`/programs/exchange/requests/${e.requestId}`}>{e.title}</Link>
                  </td>
                  <td>{e.period}</td>
                  <td>{t(e.direction)}</td>
                  <td>{e.copies}</td>
                  <td>{t(`xstatus.${e.status}`)}</td>
                  <td>{e.shippedOn ?? '—'}</td>
                  <td>{e.receivedOn ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </section>
  );
}

/** One row per library and partner: also the figures page's exchange section. */
export function LedgerTable({
  rows,
  onPartner,
  showLibrary,
}: {
  rows: LedgerRow[];
  onPartner?(code: string): void;
  showLibrary?: boolean;
}) {
  const { t } = useI18n();
  return (
    <table className="list" data-testid="ledger">
      <thead>
        <tr>
          {showLibrary ? <th>{t('library')}</th> : null}
          <th>{t('partner')}</th>
          <th>{t('ratio')}</th>
          <th>{t('titlesSent')}</th>
          <th>{t('titlesReceived')}</th>
          <th>{t('inTransit')}</th>
          <th>{t('owedByUs')}</th>
          <th>{t('owedByPartner')}</th>
          <th>{t('balance')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.library.id}-${r.partner.id}`} data-testid={`ledger-${r.partner.code}`}>
            {showLibrary ? <td>{r.library.name}</td> : null}
            <td>
              {onPartner ? (
                <button type="button" className="link" onClick={() => onPartner(r.partner.code)}>
                  {r.partner.name}
                </button>
              ) : (
                r.partner.name
              )}
            </td>
            <td title={t(`ratio.${r.ratioSource}`)}>{r.ratio}</td>
            <td>{r.titlesSent}</td>
            <td>{r.titlesReceived}</td>
            <td>{r.inTransitIn + r.inTransitOut}</td>
            <td data-testid="owed-by-us">{r.owedByLibrary}</td>
            <td data-testid="owed-by-partner">{r.owedByPartner}</td>
            <td>{r.balance}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
