import { type FormEvent, useEffect, useState } from 'react';
import { Link, NavLink } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field, Pager, useFilterParams } from '../../ui.tsx';
import type { QueueCounts, QueueItem } from './types.ts';
import './ill.css';

export type Side = 'outgoing' | 'incoming';

/** State names each queue can hold, in the order a request passes them. */
export const OUTGOING_STATES = [
  'New',
  'Validated',
  'SentToSupplier',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalAnswerReceived',
  'CancelPending',
  'Shipped',
  'Received',
  'RenewPending',
  'Recalled',
  'Overdue',
  'ShippedReturn',
  'LostReported',
  'Completed',
  'CompletedWithoutReturn',
  'Unfilled',
  'Cancelled',
];
export const INCOMING_STATES = [
  'RequestReceived',
  'ExpectToSupply',
  'WillSupply',
  'ConditionalPending',
  'CancelRequested',
  'Loaned',
  'RenewRequested',
  'Recalled',
  'Overdue',
  'ReturnInTransit',
  'RetryPossible',
  'LoanCompleted',
  'CopyCompleted',
  'CompletedWithoutReturn',
  'Unfilled',
  'Cancelled',
];

export function fmt(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export function dateOf(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

export function IllBack() {
  const { t } = useI18n();
  return (
    <p className="no-print">
      <Link to="/ill">‹ {t('illTitle')}</Link>
    </p>
  );
}

interface LibraryOption {
  id: number;
  code: string;
  name: string;
}

export function useLibraryOptions(): LibraryOption[] {
  const [libs, setLibs] = useState<LibraryOption[]>([]);
  useEffect(() => {
    api<{ items: LibraryOption[] }>('GET', '/api/v1/libraries?pageSize=200')
      .then((r) => setLibs(r.items))
      .catch(() => setLibs([]));
  }, []);
  return libs;
}

function useCounts(side: Side): QueueCounts | null {
  const [c, setC] = useState<QueueCounts | null>(null);
  useEffect(() => {
    api<QueueCounts>('GET', `/api/v1/ill/${side}/counts`).then(setC, () => setC(null));
  }, [side]);
  return c;
}

/** The staff workspace: the borrower's outgoing queue and the lender's incoming queue, on two tabs. */
export function IllWorkspacePage({ side }: { side: Side }) {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, set] = useFilterParams();
  const outCounts = useCounts('outgoing');
  const inCounts = useCounts('incoming');
  const counts = side === 'outgoing' ? outCounts : inCounts;
  const libraries = useLibraryOptions();
  const [data, setData] = useState<Page<QueueItem> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState(params.get('q') ?? '');

  useEffect(() => {
    const qs = new URLSearchParams();
    for (const k of ['status', 'partner', 'minAgeDays', 'overdue', 'waitingTooLong', 'serviceType', 'q', 'page']) {
      const v = params.get(k);
      if (v) qs.set(k, v);
    }
    setError(null);
    let current = true;
    api<Page<QueueItem>>('GET', `/api/v1/ill/${side}?${qs}`).then(
      (r) => current && setData(r),
      (e) => current && setError(e),
    );
    return () => {
      current = false;
    };
  }, [side, params]);

  const states = side === 'outgoing' ? OUTGOING_STATES : INCOMING_STATES;
  const href = (id: number) => (side === 'outgoing' ? `/ill/requests/${id}` : `/ill/lending/${id}`);
  const search = (e: FormEvent) => {
    e.preventDefault();
    set('q', q.trim() || null);
  };
  const tab = (to: string, label: string, c: QueueCounts | null, testId: string) => (
    <NavLink to={to} end data-testid={testId}>
      {label}
      {c ? (
        <>
          {' '}
          <span className="tag">{fmt(t('illOpenCount'), { n: c.open })}</span>
          {c.overdue ? <span className="tag warn"> {`${c.overdue} ${t('illCountOverdue')}`}</span> : null}
          {c.waitingTooLong ? <span className="tag warn"> {`${c.waitingTooLong} ${t('illCountWaiting')}`}</span> : null}
        </>
      ) : null}
    </NavLink>
  );

  return (
    <section className="ill">
      <h1>{t('illTitle')}</h1>
      <p className="muted">{me?.libraryName}</p>
      <nav className="tabs" aria-label={t('illTitle')}>
        {tab('/ill', t('illOutgoing'), outCounts, 'tab-outgoing')}
        {tab('/ill/incoming', t('illIncoming'), inCounts, 'tab-incoming')}
        <Link to="/ill/new" className="button primary">
          {t('illNewRequest')}
        </Link>
        <Link to="/ill/settings">{t('illAdmEntry')}</Link>
      </nav>
      <form className="card filters" onSubmit={search}>
        <Field label={t('illState')}>
          <select
            name="status"
            value={params.get('status') ?? ''}
            onChange={(e) => set('status', e.target.value || null)}
          >
            <option value="">
              {t('illAllStates')}
              {counts ? ` (${counts.total})` : ''}
            </option>
            <option value="open">
              {t('illOpenStates')}
              {counts ? ` (${counts.open})` : ''}
            </option>
            <option value="closed">
              {t('illClosedStates')}
              {counts ? ` (${counts.closed})` : ''}
            </option>
            {states.map((s) => (
              <option key={s} value={s}>
                {t(`illState.${s}`)}
                {counts ? ` (${counts.byState[s] ?? 0})` : ''}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('illPartner')}>
          <select
            name="partner"
            value={params.get('partner') ?? ''}
            onChange={(e) => set('partner', e.target.value || null)}
          >
            <option value="">{t('illAllPartners')}</option>
            {libraries
              .filter((l) => l.id !== me?.libraryId)
              .map((l) => (
                <option key={l.id} value={l.id}>
                  {l.name}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('illMinAge')}>
          <input
            name="minAgeDays"
            type="number"
            min={0}
            max={3650}
            value={params.get('minAgeDays') ?? ''}
            onChange={(e) => set('minAgeDays', e.target.value || null)}
          />
        </Field>
        <Field label={t('illService')}>
          <select
            name="serviceType"
            value={params.get('serviceType') ?? ''}
            onChange={(e) => set('serviceType', e.target.value || null)}
          >
            <option value="">{t('illAllServices')}</option>
            <option value="Loan">{t('illSvc.Loan')}</option>
            <option value="Copy">{t('illSvc.Copy')}</option>
          </select>
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('overdue') === 'true'}
            onChange={(e) => set('overdue', e.target.checked ? 'true' : null)}
          />{' '}
          {t('illOnlyOverdue')}
          {counts ? ` (${counts.overdue})` : ''}
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('waitingTooLong') === 'true'}
            onChange={(e) => set('waitingTooLong', e.target.checked ? 'true' : null)}
          />{' '}
          {t('illOnlyWaiting')}
          {counts ? ` (${counts.waitingTooLong})` : ''}
        </label>
        <Field label={t('search')}>
          <input name="q" value={q} placeholder={t('illSearch')} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorBox error={error} />
      {data && data.items.length === 0 ? <p className="muted">{t('illNoRequests')}</p> : null}
      {data?.items.length ? (
        <div className="scroll">
          <table className="list ill-queue" data-testid={`queue-${side}`}>
            <thead>
              <tr>
                <th>{t('illHrid')}</th>
                <th>{t('illTitleCol')}</th>
                <th>{t('illState')}</th>
                <th>{t('illPartner')}</th>
                {side === 'outgoing' ? <th>{t('illPatron')}</th> : null}
                <th>{t('illNeededBy')}</th>
                <th>{t('illDue')}</th>
                <th>{t('illAge')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((r) => (
                <tr
                  key={r.id}
                  className={r.flags.overdue ? 'flag-overdue' : r.flags.waitingTooLong ? 'flag-waiting' : undefined}
                >
                  <td>
                    <code>{r.hrid}</code>
                  </td>
                  <td>
                    <Link to={href(r.id)}>{r.title}</Link>
                    {r.author ? <div className="muted small">{r.author}</div> : null}
                    <div className="small">{t(`illSvc.${r.serviceType}`)}</div>
                  </td>
                  <td>
                    {t(`illState.${r.state}`)}
                    {r.flags.overdue ? <span className="tag warn">{t('illFlagOverdue')}</span> : null}
                    {r.flags.waitingTooLong ? <span className="tag warn">{t('illFlagWaiting')}</span> : null}
                  </td>
                  <td>{r.partner?.name ?? '—'}</td>
                  {side === 'outgoing' ? <td>{r.patronName ?? '—'}</td> : null}
                  <td>{r.neededBy ?? '—'}</td>
                  <td>{dateOf(r.dueAt)}</td>
                  <td>
                    {r.ageDays} {t('illDays')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {data ? (
        <Pager
          page={data.page}
          pageSize={data.pageSize}
          total={data.total}
          onPage={(p) => set('page', p > 1 ? String(p) : null)}
        />
      ) : null}
    </section>
  );
}
