import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { rp } from './coop-text.ts';
import type { Proposal, Round, RoundSummary } from './coop-types.ts';
import { todayIso } from './types.ts';

interface Lib {
  code: string;
  name: string;
}

export function useLibraries(): Lib[] {
  const [libs, setLibs] = useState<Lib[]>([]);
  useEffect(() => {
    api<Page<Lib>>('GET', '/api/v1/libraries?pageSize=200').then(
      (r) => setLibs(r.items),
      () => {},
    );
  }, []);
  return libs;
}

export function Back() {
  const { t } = useI18n();
  return (
    <p className="no-print">
      <Link to="/programs">‹ {t('programsTitle')}</Link>
    </p>
  );
}

export function AcquisitionPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const libs = useLibraries();
  const [rounds, setRounds] = useState<RoundSummary[] | null>(null);
  const [form, setForm] = useState({
    title: '',
    budget: '',
    deadline: '',
    expensive: '500000',
    members: [] as string[],
  });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: RoundSummary[] }>('GET', '/api/v1/acq-rounds').then((r) => setRounds(r.items), setError);
  }, []);
  const admin = me?.role === 'library_admin' || me?.role === 'network_coordinator';

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<Round>('POST', '/api/v1/acq-rounds', {
        title: form.title,
        budgetRupiah: Number(form.budget),
        deadline: form.deadline,
        expensiveRupiah: Number(form.expensive),
        memberCodes: form.members,
      });
      navigate(`/programs/acquisition/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <Back />
      <h1>{t('acquisition')}</h1>
      <ErrorBox error={error} />
      {rounds && !rounds.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {rounds?.map((r) => (
          <li key={r.id} className="card">
            <Link className="title" to={`/programs/acquisition/${r.id}`}>
              {r.title}
            </Link>
            <div className="meta">
              <span className="tag">{t(`phase.${r.phase}`)}</span> {t('coordinatorLib')}: {r.coordinator.name} ·{' '}
              {t('deadline')}: {r.deadline}
            </div>
            <div className="meta">
              {t('budget')}: {rp(r.budgetRupiah)} · {t('approvedRp')}: {rp(r.approvedRupiah)} · {t('remainingRp')}:{' '}
              {rp(r.remainingRupiah)} · {t('proposals')}: {r.proposals}
            </div>
          </li>
        ))}
      </ul>
      {admin ? (
        <form className="card stack" onSubmit={create}>
          <h2>{t('newRound')}</h2>
          <div className="grid2">
            <Field label={t('roundTitle')}>
              <input required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} />
            </Field>
            <Field label={t('budget')}>
              <input
                required
                type="number"
                min={0}
                value={form.budget}
                onChange={(e) => setForm({ ...form, budget: e.target.value })}
              />
            </Field>
            <Field label={t('deadline')}>
              <input
                required
                type="date"
                min={todayIso()}
                value={form.deadline}
                onChange={(e) => setForm({ ...form, deadline: e.target.value })}
              />
            </Field>
            <Field label={t('expensiveFrom')}>
              <input
                type="number"
                min={0}
                value={form.expensive}
                onChange={(e) => setForm({ ...form, expensive: e.target.value })}
              />
            </Field>
          </div>
          <fieldset>
            <legend>{t('members')}</legend>
            {libs
              .filter((l) => l.code !== me?.libraryCode)
              .map((l) => (
                <label key={l.code} className="check">
                  <input
                    type="checkbox"
                    checked={form.members.includes(l.code)}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        members: e.target.checked
                          ? [...form.members, l.code]
                          : form.members.filter((c) => c !== l.code),
                      })
                    }
                  />{' '}
                  {l.name}
                </label>
              ))}
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary">
              {t('newRound')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

interface Hit {
  clusterId: number;
  title: string;
  authors: string[];
  year: number | null;
  isbns: string[];
  holdings: Array<{ libraryCode: string; libraryName: string; copies: number }>;
}

function ProposeForm({ round, onDone }: { round: Round; onDone(): void }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [picked, setPicked] = useState<Hit | null>(null);
  const empty = {
    title: '',
    authors: '',
    publisher: '',
    year: '',
    isbn: '',
    price: '',
    quantity: '1',
    keeper: round.canProposeFor[0] ?? '',
    use: 'medium',
    reason: '',
  };
  const [f, setF] = useState(empty);
  const [error, setError] = useState<unknown>(null);

  async function search(e: FormEvent) {
    e.preventDefault();
    try {
      const r = await api<{ hits: Hit[] }>('GET', `/api/v1/catalog/search?q=${encodeURIComponent(q)}&pageSize=8`);
      setHits(r.hits);
    } catch (err) {
      setError(err);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', `/api/v1/acq-rounds/${round.id}/proposals`, {
        libraryCode: round.canProposeFor[0],
        keeperCode: f.keeper || undefined,
        ...(picked
          ? { clusterId: picked.clusterId }
          : {
              title: f.title,
              authors: f.authors || null,
              publisher: f.publisher || null,
              year: f.year ? Number(f.year) : null,
              isbn: f.isbn || null,
            }),
        priceRupiah: Number(f.price),
        quantity: Number(f.quantity),
        expectedUse: f.use,
        reason: f.reason || null,
      });
      setF(empty);
      setPicked(null);
      setHits(null);
      onDone();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <div className="card stack">
      <h2>{t('propose')}</h2>
      <form className="filters" onSubmit={search}>
        <Field label={t('fromCatalog')}>
          <input value={q} onChange={(e) => setQ(e.target.value)} />
        </Field>
        <button type="submit">{t('searchCatalog')}</button>
      </form>
      {hits ? (
        <ul className="plain" data-testid="catalog-hits">
          {hits.map((h) => (
            <li key={h.clusterId}>
              <button type="button" className="small-button" onClick={() => setPicked(h)}>
                {h.title}
              </button>{' '}
              <span className="muted">
                {h.year ?? ''} · {t('coopHeldBy')}:{' '}
                {h.holdings.map((x) => x.libraryName).join(', ') || t('nobodyHolds')}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <form className="stack" onSubmit={submit}>
        {picked ? (
          <p>
            {t('chosenTitle')}: <strong>{picked.title}</strong>{' '}
            <button type="button" className="small-button" onClick={() => setPicked(null)}>
              ×
            </button>
          </p>
        ) : (
          <>
            <p className="muted">{t('orTypeIn')}</p>
            <div className="grid2">
              <Field label={t('titleField')}>
                <input value={f.title} onChange={(e) => setF({ ...f, title: e.target.value })} />
              </Field>
              <Field label={t('coopIsbn')}>
                <input value={f.isbn} onChange={(e) => setF({ ...f, isbn: e.target.value })} />
              </Field>
              <Field label={t('authorsField')}>
                <input value={f.authors} onChange={(e) => setF({ ...f, authors: e.target.value })} />
              </Field>
              <Field label={t('publisherField')}>
                <input value={f.publisher} onChange={(e) => setF({ ...f, publisher: e.target.value })} />
              </Field>
              <Field label={t('yearField')}>
                <input type="number" value={f.year} onChange={(e) => setF({ ...f, year: e.target.value })} />
              </Field>
            </div>
          </>
        )}
        <div className="grid2">
          <Field label={t('price')}>
            <input
              required
              type="number"
              min={1}
              value={f.price}
              onChange={(e) => setF({ ...f, price: e.target.value })}
            />
          </Field>
          <Field label={t('quantity')}>
            <input
              required
              type="number"
              min={1}
              value={f.quantity}
              onChange={(e) => setF({ ...f, quantity: e.target.value })}
            />
          </Field>
          <Field label={t('keeper')}>
            <select value={f.keeper} onChange={(e) => setF({ ...f, keeper: e.target.value })}>
              {round.members.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('expectedUse')}>
            <select value={f.use} onChange={(e) => setF({ ...f, use: e.target.value })}>
              {['low', 'medium', 'high'].map((u) => (
                <option key={u} value={u}>
                  {t(`use.${u}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('reason')}>
            <input value={f.reason} onChange={(e) => setF({ ...f, reason: e.target.value })} />
          </Field>
        </div>
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="primary">
            {t('propose')}
          </button>
        </div>
      </form>
    </div>
  );
}

function ProposalCard({ p, round, reload }: { p: Proposal; round: Round; reload(): void }) {
  const { t, pick } = useI18n();
  const { me } = useSession();
  const [comment, setComment] = useState('');
  const [reason, setReason] = useState('');
  const [supplier, setSupplier] = useState('');
  const [barcodes, setBarcodes] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const member = round.members.some((m) => m.code === me?.libraryCode);
  const keeperHere = p.keeper.code === me?.libraryCode || round.canCoordinate;
  const act = async (method: string, url: string, body?: unknown) => {
    setError(null);
    try {
      await api(method, url, body);
      reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <li className="card" data-testid={`proposal-${p.id}`}>
      <div className="title">{p.title}</div>
      <div className="meta">
        <span className="tag">{t(`pstatus.${p.status}`)}</span> {p.library.name} → {t('keeper')}: {p.keeper.name} ·{' '}
        {p.isbn ?? ''} · {rp(p.priceRupiah)} × {p.quantity} = Rp{rp(p.costRupiah)} · {t(`use.${p.expectedUse}`)}
      </div>
      <div className="meta" data-testid="held-by">
        {t('coopHeldBy')}: {p.partnersHolding}{' '}
        {p.heldBy.length
          ? `(${p.heldBy.map((h) => `${h.libraryName} ${h.copies}`).join(', ')})`
          : `— ${t('nobodyHolds')}`}
      </div>
      {p.flags.map((f) => (
        <p key={f.code} className="tag warn" data-testid="flag">
          {pick(f.message)}
        </p>
      ))}
      {p.reason ? <p>{p.reason}</p> : null}
      {p.decisionReason ? (
        <p className="muted">
          {t('rejectReason')}: {p.decisionReason}
        </p>
      ) : null}
      <div className="meta">
        {t('votes')}: +{p.votes.up} / −{p.votes.down}
      </div>
      {p.comments.length ? (
        <ul className="plain">
          {p.comments.map((c) => (
            <li key={c.id}>
              <strong>{c.libraryCode}</strong> ({c.author}): {c.body}
            </li>
          ))}
        </ul>
      ) : null}
      <ErrorBox error={error} />
      <div className="actions">
        {member && p.status === 'proposed' && round.phase !== 'closed' ? (
          <>
            <button type="button" onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/vote`, { vote: 1 })}>
              {t('voteFor')}
            </button>
            <button type="button" onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/vote`, { vote: -1 })}>
              {t('voteAgainst')}
            </button>
          </>
        ) : null}
        {p.canEdit && round.phase !== 'closed' ? (
          <button type="button" onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/withdraw`)}>
            {t('coopWithdraw')}
          </button>
        ) : null}
        {round.canCoordinate && p.status === 'proposed' && round.phase !== 'closed' ? (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/decision`, { decision: 'approve' })}
            >
              {t('approve')}
            </button>
            <input
              aria-label={t('rejectReason')}
              placeholder={t('rejectReason')}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
            <button
              type="button"
              onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/decision`, { decision: 'reject', reason })}
            >
              {t('reject')}
            </button>
          </>
        ) : null}
      </div>
      {member && round.phase !== 'closed' ? (
        <form
          className="filters"
          onSubmit={(e) => {
            e.preventDefault();
            act('POST', `/api/v1/acq-proposals/${p.id}/comments`, { body: comment }).then(() => setComment(''));
          }}
        >
          <input aria-label={t('comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
          <button type="submit" disabled={!comment.trim()}>
            {t('addComment')}
          </button>
        </form>
      ) : null}
      {p.copies.length ? (
        <table className="list">
          <thead>
            <tr>
              <th>{t('copiesLabel')}</th>
              <th>{t('status')}</th>
              <th>{t('supplier')}</th>
              <th>{t('barcode')}</th>
            </tr>
          </thead>
          <tbody>
            {p.copies.map((c) => (
              <tr key={c.id} data-testid={`copy-${c.sequence}`}>
                <td>{c.sequence}</td>
                <td>
                  {t(`cstatus.${c.status}`)} {c.orderedOn ?? ''} {c.receivedOn ?? ''}
                </td>
                <td>{c.supplier ?? ''}</td>
                <td>
                  {c.status === 'ordered' && keeperHere ? (
                    <span>
                      <input
                        aria-label={`${t('barcode')} ${c.sequence}`}
                        value={barcodes[c.id] ?? ''}
                        onChange={(e) => setBarcodes({ ...barcodes, [c.id]: e.target.value })}
                      />
                      <button
                        type="button"
                        onClick={() =>
                          act('POST', `/api/v1/acq-copies/${c.id}/receive`, { barcode: barcodes[c.id] ?? '' })
                        }
                      >
                        {t('receive')}
                      </button>
                    </span>
                  ) : (
                    (c.barcode ?? '')
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {round.canCoordinate && p.copies.some((c) => c.status === 'approved') ? (
        <div className="filters">
          <input
            aria-label={t('supplier')}
            placeholder={t('supplier')}
            value={supplier}
            onChange={(e) => setSupplier(e.target.value)}
          />
          <button
            type="button"
            onClick={() => act('POST', `/api/v1/acq-proposals/${p.id}/order`, { supplier: supplier || null })}
          >
            {t('order')}
          </button>
        </div>
      ) : null}
    </li>
  );
}

export function RoundPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [round, setRound] = useState<Round | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = () => {
    api<Round>('GET', `/api/v1/acq-rounds/${id}`).then(setRound, setError);
  };
  useEffect(load, [id]);
  if (!round) return <ErrorBox error={error} />;
  return (
    <section>
      <p>
        <Link to="/programs/acquisition">‹ {t('acquisition')}</Link>
      </p>
      <h1>{round.title}</h1>
      <div className="meta">
        <span className="tag">{t(`phase.${round.phase}`)}</span> {t('coordinatorLib')}: {round.coordinator.name} ·{' '}
        {t('deadline')}: {round.deadline}
      </div>
      <dl className="stats">
        <div>
          <dt>{t('budget')}</dt>
          <dd data-testid="budget">{rp(round.budgetRupiah)}</dd>
        </div>
        <div>
          <dt>{t('approvedRp')}</dt>
          <dd data-testid="approved">{rp(round.approvedRupiah)}</dd>
        </div>
        <div>
          <dt>{t('remainingRp')}</dt>
          <dd data-testid="remaining">{rp(round.remainingRupiah)}</dd>
        </div>
        <div>
          <dt>{t('copiesReceived')}</dt>
          <dd>
            {round.copiesReceived} / {round.copiesApproved}
          </dd>
        </div>
      </dl>
      <p className="muted">
        {t('members')}: {round.members.map((m) => m.name).join(', ')}
      </p>
      <ErrorBox error={error} />
      {round.canCoordinate && round.phase !== 'closed' ? (
        <p className="actions">
          <button
            type="button"
            onClick={() => api<Round>('POST', `/api/v1/acq-rounds/${round.id}/close`).then(setRound, setError)}
          >
            {t('closeRound')}
          </button>
        </p>
      ) : null}
      <h2>{t('proposals')}</h2>
      {!round.items.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {round.items.map((p) => (
          <ProposalCard key={p.id} p={p} round={round} reload={load} />
        ))}
      </ul>
      {round.canProposeFor.length ? <ProposeForm round={round} onDone={load} /> : null}
    </section>
  );
}
