import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import type { AgreementSummary, DepositProgram, DepositSet } from './types.ts';

interface Candidate {
  itemId: number;
  barcode: string | null;
  callNumber: string | null;
  title: string;
  subjects: string[];
  ddc: string | null;
}

function Totals({ p }: { p: DepositProgram }) {
  const { t } = useI18n();
  const cells: Array<[string, number]> = [
    ['setsSent', p.totals.setsSent],
    ['itemsOut', p.totals.itemsOut],
    ['itemsReturned', p.totals.itemsReturned],
    ['itemsMissing', p.totals.itemsMissing],
    ['itemsReplaced', p.totals.itemsReplaced],
    ['loansReported', p.totals.loansReported],
  ];
  return (
    <dl className="stats">
      {cells.map(([k, v]) => (
        <div key={k}>
          <dt>{t(k)}</dt>
          <dd data-testid={`total-${k}`}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function DepositsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const [programs, setPrograms] = useState<DepositProgram[] | null>(null);
  const [agreements, setAgreements] = useState<AgreementSummary[]>([]);
  const [form, setForm] = useState({
    agreementId: '',
    recipientCode: '',
    setSize: '100',
    rotationMonths: '3',
    audience: '',
  });
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<{ items: DepositProgram[] }>('GET', '/api/v1/deposit-programs').then((r) => setPrograms(r.items), setError);
    api<Page<AgreementSummary>>('GET', '/api/v1/agreements?program=deposit_collections&pageSize=100').then(
      (r) => setAgreements(r.items.filter((a) => a.status === 'active' || a.status === 'expiring')),
      () => {},
    );
  }, []);

  const chosen = agreements.find((a) => String(a.id) === form.agreementId);
  const partners = chosen?.parties.filter((p) => p.libraryCode && p.libraryCode !== me?.libraryCode) ?? [];
  const canLend = agreements.some((a) => a.parties.some((p) => p.libraryCode === me?.libraryCode));

  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const p = await api<DepositProgram>('POST', '/api/v1/deposit-programs', {
        agreementId: Number(form.agreementId),
        recipientCode: form.recipientCode,
        setSize: Number(form.setSize),
        rotationMonths: Number(form.rotationMonths),
        audience: form.audience || null,
      });
      navigate(`/programs/deposits/${p.id}`);
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <p>
        <Link to="/programs">‹ {t('programsTitle')}</Link>
      </p>
      <h1>{t('deposits')}</h1>
      <ErrorBox error={error} />
      {programs && !programs.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {programs?.map((p) => (
          <li key={p.id} className="card">
            <Link className="title" to={`/programs/deposits/${p.id}`}>
              {p.lender.name} → {p.recipient.name}
            </Link>
            <div className="meta">
              {p.setSize} · {t('rotationMonths')}: {p.rotationMonths}
              {p.openSet ? ` · ${t('dueOn')}: ${p.openSet.dueOn}` : ''}
            </div>
            <Totals p={p} />
          </li>
        ))}
      </ul>
      {canLend ? (
        <form className="card stack" onSubmit={create}>
          <h2>{t('newDeposit')}</h2>
          <div className="grid2">
            <Field label={t('agreement')}>
              <select
                value={form.agreementId}
                onChange={(e) => setForm({ ...form, agreementId: e.target.value, recipientCode: '' })}
              >
                <option value="" />
                {agreements.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.title}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('recipient')}>
              <select value={form.recipientCode} onChange={(e) => setForm({ ...form, recipientCode: e.target.value })}>
                <option value="" />
                {partners.map((p) => (
                  <option key={p.libraryCode} value={p.libraryCode ?? ''}>
                    {p.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('setSize')}>
              <input
                type="number"
                min={1}
                value={form.setSize}
                onChange={(e) => setForm({ ...form, setSize: e.target.value })}
              />
            </Field>
            <Field label={t('rotationMonths')}>
              <input
                type="number"
                min={1}
                value={form.rotationMonths}
                onChange={(e) => setForm({ ...form, rotationMonths: e.target.value })}
              />
            </Field>
            <Field label={t('audience')}>
              <input value={form.audience} onChange={(e) => setForm({ ...form, audience: e.target.value })} />
            </Field>
          </div>
          <div className="actions">
            <button type="submit" className="primary" disabled={!form.agreementId || !form.recipientCode}>
              {t('newDeposit')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

export function DepositPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [p, setP] = useState<DepositProgram | null>(null);
  const [openSet, setOpenSet] = useState<DepositSet | null>(null);
  const [filter, setFilter] = useState({ subject: '', ddc: '' });
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [missing, setMissing] = useState<Set<number>>(new Set());
  const [loans, setLoans] = useState('');
  const [error, setError] = useState<unknown>(null);

  const load = () => {
    api<DepositProgram>('GET', `/api/v1/deposit-programs/${id}`).then((prog) => {
      setP(prog);
      if (prog.openSet) api<DepositSet>('GET', `/api/v1/deposit-sets/${prog.openSet.id}`).then(setOpenSet, setError);
      else setOpenSet(null);
    }, setError);
  };
  useEffect(load, [id]);

  async function find(e?: FormEvent) {
    e?.preventDefault();
    setError(null);
    const qs = new URLSearchParams();
    if (filter.subject) qs.set('subject', filter.subject);
    if (filter.ddc) qs.set('ddc', filter.ddc);
    try {
      const r = await api<{ items: Candidate[] }>('GET', `/api/v1/deposit-programs/${id}/candidates?${qs}`);
      setCandidates(r.items);
      setChosen(new Set(r.items.map((c) => c.itemId)));
    } catch (err) {
      setError(err);
    }
  }

  async function send(kind: 'issue' | 'rotate' | 'return') {
    setError(null);
    try {
      if (kind === 'return' && openSet) {
        await api('POST', `/api/v1/deposit-sets/${openSet.id}/return`, {
          missingItemIds: [...missing],
          ...(loans ? { loansReported: Number(loans) } : {}),
        });
        setMissing(new Set());
        load();
        return;
      }
      const items = { itemIds: [...chosen] };
      const r =
        kind === 'issue'
          ? await api<DepositSet>('POST', `/api/v1/deposit-programs/${id}/sets`, items)
          : (
              await api<{ issued: DepositSet }>('POST', `/api/v1/deposit-programs/${id}/rotate`, {
                ...items,
                missingItemIds: [...missing],
                ...(loans ? { loansReported: Number(loans) } : {}),
              })
            ).issued;
      navigate(`/programs/deposit-sets/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }

  if (!p) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  return (
    <section>
      <p>
        <Link to="/programs/deposits">‹ {t('deposits')}</Link>
      </p>
      <h1>
        {p.lender.name} → {p.recipient.name}
      </h1>
      <p className="meta">
        {p.agreementId ? <Link to={`/programs/agreements/${p.agreementId}`}>{p.agreementTitle}</Link> : null} ·{' '}
        {t('setSize')} {p.setSize} · {t('rotationMonths')} {p.rotationMonths}
        {p.lostItemRule ? ` · ${t('lostRule')}: ${t(`lost.${p.lostItemRule.rule}`)}` : ''}
      </p>
      <Totals p={p} />
      <ErrorBox error={error} />
      <div className="card">
        <h2>{t('openSet')}</h2>
        {openSet ? (
          <>
            <p>
              <Link to={`/programs/deposit-sets/${openSet.id}`}>
                {t('setNo')}
                {openSet.sequence}
              </Link>{' '}
              · {openSet.issuedOn} → {t('dueOn')} {openSet.dueOn} · {openSet.items.length}
            </p>
            {p.canManage ? (
              <details>
                <summary>{t('markMissing')}</summary>
                <ul className="plain checklist">
                  {openSet.items.map((i) => (
                    <li key={i.itemId}>
                      <label className="check">
                        <input
                          type="checkbox"
                          aria-label={`${i.barcode ?? i.itemId}`}
                          checked={missing.has(i.itemId)}
                          onChange={(e) => {
                            const next = new Set(missing);
                            if (e.target.checked) next.add(i.itemId);
                            else next.delete(i.itemId);
                            setMissing(next);
                          }}
                        />
                        <code>{i.barcode}</code> {i.title}
                      </label>
                    </li>
                  ))}
                </ul>
                <Field label={t('loansReported')}>
                  <input type="number" min={0} value={loans} onChange={(e) => setLoans(e.target.value)} />
                </Field>
              </details>
            ) : null}
          </>
        ) : (
          <p className="muted">{t('noOpenSet')}</p>
        )}
      </div>
      {p.canManage ? (
        <div className="card stack">
          <h2>{t('plan')}</h2>
          <form className="filters" onSubmit={find}>
            <Field label={t('subject')}>
              <input
                name="subject"
                value={filter.subject}
                onChange={(e) => setFilter({ ...filter, subject: e.target.value })}
              />
            </Field>
            <Field label={t('ddc')}>
              <input name="ddc" value={filter.ddc} onChange={(e) => setFilter({ ...filter, ddc: e.target.value })} />
            </Field>
            <button type="submit">{t('findItems')}</button>
          </form>
          {candidates ? (
            <>
              <p className="small">
                {chosen.size} {t('selected')} / {candidates.length}
              </p>
              <ul className="plain checklist" data-testid="candidates">
                {candidates.map((c) => (
                  <li key={c.itemId}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={chosen.has(c.itemId)}
                        onChange={(e) => {
                          const next = new Set(chosen);
                          if (e.target.checked) next.add(c.itemId);
                          else next.delete(c.itemId);
                          setChosen(next);
                        }}
                      />
                      <code>{c.barcode}</code> {c.title} <span className="muted small">{c.ddc ?? c.callNumber}</span>
                    </label>
                  </li>
                ))}
              </ul>
              <div className="actions">
                {openSet ? (
                  <button type="button" className="primary" disabled={!chosen.size} onClick={() => send('rotate')}>
                    {t('rotate')}
                  </button>
                ) : (
                  <button type="button" className="primary" disabled={!chosen.size} onClick={() => send('issue')}>
                    {t('issueSet')}
                  </button>
                )}
              </div>
            </>
          ) : null}
          {openSet ? (
            <div className="actions">
              <button type="button" onClick={() => send('return')}>
                {t('returnSet')}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {p.sets.length ? (
        <table className="list">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('status')}</th>
              <th>{t('period')}</th>
              <th>{t('itemsSent')}</th>
            </tr>
          </thead>
          <tbody>
            {p.sets.map((s) => (
              <tr key={s.id}>
                <td>
                  <Link to={`/programs/deposit-sets/${s.id}`}>{s.sequence}</Link>
                </td>
                <td>{s.status === 'issued' ? t('doutcome.out') : t('doutcome.returned')}</td>
                <td>
                  {s.issuedOn} – {s.returnedOn ?? s.dueOn}
                </td>
                <td>{s.items}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

export function DepositSetPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [set, setSet] = useState<DepositSet | null>(null);
  const [loans, setLoans] = useState('');
  const [barcodes, setBarcodes] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  useEffect(() => {
    api<DepositSet>('GET', `/api/v1/deposit-sets/${id}`).then(setSet, setError);
  }, [id]);

  async function post(path: string, body: unknown) {
    setError(null);
    try {
      setSet(await api<DepositSet>('POST', `/api/v1/deposit-sets/${id}/${path}`, body));
      setNotice(t('saved'));
    } catch (err) {
      setError(err);
    }
  }

  if (!set) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  return (
    <section className="packing">
      <p className="no-print">
        <Link to={`/programs/deposits/${set.programId}`}>‹ {t('deposits')}</Link>{' '}
        <button type="button" onClick={() => window.print()}>
          {t('print')}
        </button>
      </p>
      <h1>
        {t('packingList')} · {t('setNo')}
        {set.sequence}
      </h1>
      <p>
        {set.lender.name} → <strong>{set.recipient.name}</strong>
        <br />
        {set.issuedOn} → {t('dueOn')} {set.dueOn}
        {set.returnedOn ? ` · ${t('itemsReturned')} ${set.returnedOn}` : ''}
        {set.agreementTitle ? (
          <>
            <br />
            <span className="small">{set.agreementTitle}</span>
          </>
        ) : null}
      </p>
      {notice ? (
        <p className="notice no-print" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={error} />
      <table className="list" data-testid="packing-list">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('barcode')}</th>
            <th>{t('callNumber')}</th>
            <th>{t('title')}</th>
            <th>{t('outcome')}</th>
          </tr>
        </thead>
        <tbody>
          {set.items.map((i, n) => (
            <tr key={i.itemId}>
              <td>{n + 1}</td>
              <td>
                <code>{i.barcode}</code>
              </td>
              <td>{i.callNumber}</td>
              <td>{i.title}</td>
              <td>
                {t(`doutcome.${i.outcome}`)}
                {i.replacementBarcode ? ` → ${i.replacementBarcode}` : ''}
                {i.paidRupiah ? ` Rp${i.paidRupiah.toLocaleString('id-ID')}` : ''}
                {i.outcome === 'missing' && set.canManage ? (
                  <span className="no-print inline-form">
                    <input
                      aria-label={t('replacementBarcode')}
                      placeholder={t('replacementBarcode')}
                      value={barcodes[i.itemId] ?? ''}
                      onChange={(e) => setBarcodes({ ...barcodes, [i.itemId]: e.target.value })}
                    />
                    <button
                      type="button"
                      onClick={() =>
                        post(`items/${i.itemId}/resolve`, {
                          kind: 'replaced',
                          replacementBarcode: barcodes[i.itemId] ?? '',
                        })
                      }
                    >
                      {t('resolveReplaced')}
                    </button>
                    <button type="button" onClick={() => post(`items/${i.itemId}/resolve`, { kind: 'paid' })}>
                      {t('resolvePaid')}
                    </button>
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="signatures">
        {t('signedReceived')}: ____________________ ({set.recipient.name})
      </p>
      <form
        className="filters no-print"
        onSubmit={(e) => {
          e.preventDefault();
          post('usage', { loansReported: Number(loans) });
        }}
      >
        <Field label={`${t('loansReported')} (${set.loansReported ?? 0})`}>
          <input type="number" min={0} value={loans} onChange={(e) => setLoans(e.target.value)} />
        </Field>
        <button type="submit" disabled={loans === ''}>
          {t('reportUse')}
        </button>
      </form>
    </section>
  );
}
