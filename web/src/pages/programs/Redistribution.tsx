import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field, Pager, useFilterParams } from '../../ui.tsx';
import type { Claim, RedistributionLine, RedistributionList, RedistributionListDetail } from './types.ts';

const CONDITIONS = ['new', 'good', 'fair', 'poor'] as const;
const REASONS = ['surplus', 'duplicate', 'weeded'] as const;

function Back() {
  const { t } = useI18n();
  return (
    <p>
      <Link to="/programs">‹ {t('programsTitle')}</Link> ·{' '}
      <Link to="/programs/redistribution">{t('redistribution')}</Link>
    </p>
  );
}

function ClaimActions({
  c,
  as,
  onDone,
}: {
  c: Claim | RedistributionLine['claims'][number];
  as: { offerer: boolean; claimant: boolean };
  onDone(): void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const isOfferer = as.offerer;
  const isClaimant = as.claimant;
  async function run(path: string) {
    setError(null);
    try {
      await api('POST', `/api/v1/redistribution/claims/${c.id}/${path}`, {});
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <span className="actions">
      {isOfferer && (c.status === 'claimed' || c.status === 'not_allocated') ? (
        <button type="button" onClick={() => run('allocate')}>
          {t('allocate')}
        </button>
      ) : null}
      {isOfferer && c.status === 'allocated' ? (
        <button type="button" className="primary" onClick={() => run('ship')}>
          {t('ship')}
        </button>
      ) : null}
      {isClaimant && c.status === 'shipped' ? (
        <button type="button" className="primary" onClick={() => run('receive')}>
          {t('receive')}
        </button>
      ) : null}
      {isClaimant && (c.status === 'claimed' || c.status === 'allocated') ? (
        <button type="button" onClick={() => run('withdraw')}>
          {t('withdraw')}
        </button>
      ) : null}
      <ErrorBox error={error} />
    </span>
  );
}

function ClaimsTable({ items, onDone }: { items: Claim[]; onDone(): void }) {
  const { t } = useI18n();
  return (
    <table className="list" data-testid="claims">
      <thead>
        <tr>
          <th>{t('offerTitle')}</th>
          <th>{t('offeredBy')}</th>
          <th>{t('library')}</th>
          <th>{t('copies')}</th>
          <th>{t('status')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((c) => (
          <tr key={c.id}>
            <td>
              <Link to={`/programs/redistribution/${c.listId}`}>{c.title}</Link>
            </td>
            <td>{c.offeredBy.name}</td>
            <td>
              {c.library.name} <span className="muted">({c.holdsTitle ? t('holdsTitle') : t('noCopy')})</span>
            </td>
            <td>{c.copiesAllocated || c.copies}</td>
            <td>
              <span className="tag">{t(`rclaim.${c.status}`)}</span>
            </td>
            <td>
              <ClaimActions c={c} as={{ offerer: c.isOfferer, claimant: c.isClaimant }} onDone={onDone} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Lists offered in the network, with filters; the caller's claims; a new list. */
export function RedistributionPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [params, set] = useFilterParams();
  const [lists, setLists] = useState<Page<RedistributionList> | null>(null);
  const [claims, setClaims] = useState<Page<Claim> | null>(null);
  const [typed, setTyped] = useState(params.get('q') ?? '');
  const [form, setForm] = useState({ title: '', allocationRule: 'first_come', claimsUntil: '', note: '' });
  const [error, setError] = useState<unknown>(null);
  const direction = params.get('claims') ?? 'made';
  const load = useCallback(() => {
    const q = new URLSearchParams();
    for (const k of ['q', 'status', 'newForMe', 'page']) {
      const v = params.get(k);
      if (v) q.set(k, v);
    }
    api<Page<RedistributionList>>('GET', `/api/v1/redistribution/lists?${q}`).then(setLists, setError);
    api<Page<Claim>>('GET', `/api/v1/redistribution/claims?direction=${direction}&pageSize=100`).then(
      setClaims,
      setError,
    );
  }, [params, direction]);
  useEffect(load, [load]);
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const l = await api<RedistributionListDetail>('POST', '/api/v1/redistribution/lists', {
        title: form.title,
        allocationRule: form.allocationRule,
        claimsUntil: form.claimsUntil || null,
        note: form.note || null,
      });
      navigate(`/programs/redistribution/${l.id}`);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section>
      <Back />
      <h1>{t('redistribution')}</h1>
      <p className="muted">{t('redistributionIntro')}</p>
      <ErrorBox error={error} />
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
        <Field label={t('status')}>
          <select value={params.get('status') ?? ''} onChange={(e) => set('status', e.target.value || null)}>
            <option value="">{t('allStatuses')}</option>
            {(['draft', 'published', 'closed'] as const).map((s) => (
              <option key={s} value={s}>
                {t(`lstatus.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('newForMe') === 'true'}
            onChange={(e) => set('newForMe', e.target.checked ? 'true' : null)}
          />{' '}
          {t('newForMe')}
        </label>
        <button type="submit">{t('search')}</button>
      </form>
      {lists && !lists.items.length ? <p className="muted">{t('none')}</p> : null}
      <table className="list" data-testid="redistribution-lists">
        <thead>
          <tr>
            <th>{t('listTitle')}</th>
            <th>{t('library')}</th>
            <th>{t('status')}</th>
            <th>{t('lines')}</th>
            <th>{t('copiesLeft')}</th>
            <th>{t('claims')}</th>
            <th>{t('claimsUntil')}</th>
          </tr>
        </thead>
        <tbody>
          {lists?.items.map((l) => (
            <tr key={l.id}>
              <td>
                <Link to={`/programs/redistribution/${l.id}`}>{l.title}</Link>
              </td>
              <td>{l.library.name}</td>
              <td>
                <span className="tag">{t(`lstatus.${l.status}`)}</span>
              </td>
              <td>{l.lines}</td>
              <td>
                {l.copiesLeft} / {l.copies}
              </td>
              <td>{l.claims}</td>
              <td>{l.claimsUntil ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {lists ? (
        <Pager page={lists.page} pageSize={lists.pageSize} total={lists.total} onPage={(p) => set('page', String(p))} />
      ) : null}
      <h2>{t('claims')}</h2>
      <div className="filters">
        <Field label={t('claims')}>
          <select value={direction} onChange={(e) => set('claims', e.target.value)}>
            <option value="made">{t('claimsMade')}</option>
            <option value="received">{t('claimsReceived')}</option>
          </select>
        </Field>
      </div>
      {claims && !claims.items.length ? <p className="muted">{t('none')}</p> : null}
      {claims?.items.length ? <ClaimsTable items={claims.items} onDone={load} /> : null}
      {me ? (
        <form className="card stack" onSubmit={create}>
          <h2>{t('newList')}</h2>
          <div className="grid2">
            <Field label={t('listTitle')}>
              <input required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
            </Field>
            <Field label={t('allocationRule')}>
              <select
                value={form.allocationRule}
                onChange={(e) => setForm({ ...form, allocationRule: e.target.value })}
              >
                <option value="first_come">{t('rule.first_come')}</option>
                <option value="no_copy_first">{t('rule.no_copy_first')}</option>
              </select>
            </Field>
            <Field label={t('claimsUntil')}>
              <input
                type="date"
                value={form.claimsUntil}
                onChange={(e) => setForm({ ...form, claimsUntil: e.target.value })}
              />
            </Field>
            <Field label={t('note')}>
              <input value={form.note} onChange={(e) => setForm({ ...form, note: e.target.value })} />
            </Field>
          </div>
          <p>
            <button type="submit" className="primary">
              {t('newList')}
            </button>
          </p>
        </form>
      ) : null}
    </section>
  );
}

function AddLines({ listId, onDone }: { listId: number; onDone(l: RedistributionListDetail): void }) {
  const { t } = useI18n();
  const [f, setF] = useState({
    barcode: '',
    title: '',
    author: '',
    year: '',
    isbn: '',
    copies: '1',
    condition: 'good',
    reason: 'duplicate',
    note: '',
  });
  const [error, setError] = useState<unknown>(null);
  async function add(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const line: Record<string, unknown> = { condition: f.condition, reason: f.reason, note: f.note || null };
    if (f.barcode.trim()) line.barcode = f.barcode.trim();
    else
      Object.assign(line, {
        title: f.title,
        author: f.author || null,
        year: f.year ? Number(f.year) : null,
        isbn: f.isbn || null,
        copies: Number(f.copies),
      });
    try {
      onDone(
        await api<RedistributionListDetail>('POST', `/api/v1/redistribution/lists/${listId}/lines`, { lines: [line] }),
      );
      setF({ ...f, barcode: '', title: '', author: '', year: '', isbn: '', copies: '1', note: '' });
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card stack" onSubmit={add}>
      <h2>{t('addLines')}</h2>
      <ErrorBox error={error} />
      <div className="grid2">
        <Field label={t('addByBarcode')}>
          <input value={f.barcode} onChange={(e) => setF({ ...f, barcode: e.target.value })} />
        </Field>
        <Field label={t('condition')}>
          <select value={f.condition} onChange={(e) => setF({ ...f, condition: e.target.value })}>
            {CONDITIONS.map((c) => (
              <option key={c} value={c}>
                {t(`cond.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('surplusReason')}>
          <select value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })}>
            {REASONS.map((c) => (
              <option key={c} value={c}>
                {t(`sreason.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('note')}>
          <input value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
        </Field>
      </div>
      <h3>{t('addTyped')}</h3>
      <div className="grid2">
        <Field label={t('offerTitle')}>
          <input value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} />
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
        <Field label={t('copies')}>
          <input type="number" min={1} value={f.copies} onChange={(e) => setF({ ...f, copies: e.target.value })} />
        </Field>
      </div>
      <p>
        <button type="submit">{t('addLines')}</button>
      </p>
    </form>
  );
}

export function RedistributionListPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const [l, setL] = useState<RedistributionListDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<RedistributionListDetail>('GET', `/api/v1/redistribution/lists/${id}`).then(setL, setError);
  }, [id]);
  useEffect(load, [load]);
  async function post(path: string, body: unknown = {}) {
    setError(null);
    try {
      const r = await api<RedistributionListDetail>('POST', path, body);
      if (r && 'lineItems' in r) setL(r);
      else load();
    } catch (err) {
      setError(err);
    }
  }
  if (!l) return <ErrorBox error={error} />;
  return (
    <section>
      <Back />
      <h1>{l.title}</h1>
      <div className="meta">
        <span className="tag" data-testid="list-status">
          {t(`lstatus.${l.status}`)}
        </span>{' '}
        {l.library.name} · {t('allocationRule')}: {t(`rule.${l.allocationRule}`)}
        {l.claimsUntil ? ` · ${t('claimsUntil')}: ${l.claimsUntil}` : ''}
      </div>
      {l.note ? <p className="muted">{l.note}</p> : null}
      <ErrorBox error={error} />
      {l.canManage ? (
        <p className="actions">
          {l.status === 'draft' ? (
            <button
              type="button"
              className="primary"
              onClick={() => post(`/api/v1/redistribution/lists/${l.id}/publish`)}
            >
              {t('publish')}
            </button>
          ) : null}
          {l.status === 'published' ? (
            <>
              <button
                type="button"
                className="primary"
                onClick={() => post(`/api/v1/redistribution/lists/${l.id}/allocate`)}
              >
                {t('allocateAll')}
              </button>
              <button type="button" onClick={() => post(`/api/v1/redistribution/lists/${l.id}/close`)}>
                {t('closeList')}
              </button>
            </>
          ) : null}
        </p>
      ) : null}
      <table className="list" data-testid="lines">
        <thead>
          <tr>
            <th>{t('offerTitle')}</th>
            <th>{t('barcode')}</th>
            <th>{t('condition')}</th>
            <th>{t('surplusReason')}</th>
            <th>{t('copiesLeft')}</th>
            <th>{t('holders')}</th>
            <th>{t('claims')}</th>
          </tr>
        </thead>
        <tbody>
          {l.lineItems.map((ln) => (
            <tr key={ln.id} data-testid={`line-${ln.id}`} className={ln.withdrawn ? 'muted' : ''}>
              <td>
                {ln.clusterId ? <Link to={`/catalog/${ln.clusterId}`}>{ln.title}</Link> : ln.title}
                {ln.year ? ` (${ln.year})` : ''}
                {ln.newForYou && !l.canManage ? <span className="tag warn">{t('newForYou')}</span> : null}
              </td>
              <td>{ln.barcode ?? '—'}</td>
              <td>{t(`cond.${ln.condition}`)}</td>
              <td>{t(`sreason.${ln.reason}`)}</td>
              <td>
                {ln.copiesLeft} / {ln.copies}
              </td>
              <td>{ln.holders}</td>
              <td>
                {ln.canClaim ? (
                  <button
                    type="button"
                    onClick={() => post(`/api/v1/redistribution/lines/${ln.id}/claims`, { copies: 1 })}
                  >
                    {t('claim')}
                  </button>
                ) : null}
                {ln.yourClaim ? (
                  <span>
                    {t('yourClaim')}: <span className="tag">{t(`rclaim.${ln.yourClaim.status}`)}</span>{' '}
                    {!l.canManage ? (
                      <ClaimActions c={ln.yourClaim} as={{ offerer: false, claimant: true }} onDone={load} />
                    ) : null}
                  </span>
                ) : !l.canManage && ln.claimCount ? (
                  <span className="muted">
                    {ln.claimCount} {t('claims')}
                  </span>
                ) : null}
                {l.canManage ? (
                  <ul className="plain">
                    {ln.claims.map((c) => (
                      <li key={c.id}>
                        {c.library.name} · {c.copiesAllocated || c.copies} ·{' '}
                        <span className="tag">{t(`rclaim.${c.status}`)}</span>{' '}
                        <span className="muted">({c.holdsTitle ? t('holdsTitle') : t('noCopy')})</span>{' '}
                        <ClaimActions c={c} as={{ offerer: true, claimant: false }} onDone={load} />
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {l.canManage && l.status !== 'closed' ? <AddLines listId={l.id} onDone={setL} /> : null}
    </section>
  );
}
