import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api, currentCsrf, type Library, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field, Pager, useFilterParams } from '../../ui.tsx';
import { type Agreement, type AgreementSummary, type HistoryEntry, type PartyTerms, PROGRAM_KEYS } from './types.ts';

const STATUSES = ['draft', 'active', 'expiring', 'expired', 'renewed', 'terminated'];
const ROLES = ['first_party', 'second_party', 'third_party', 'member', 'coordinator', 'funder'];
const IKINDS = ['school', 'university', 'library', 'bank', 'forum', 'government', 'company', 'other'];

function useLibraries(): Library[] {
  const [libs, setLibs] = useState<Library[]>([]);
  useEffect(() => {
    api<Page<Library>>('GET', '/api/v1/libraries?pageSize=200').then(
      (r) => setLibs(r.items),
      () => setLibs([]),
    );
  }, []);
  return libs;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useI18n();
  const cls = status === 'active' ? '' : status === 'expiring' || status === 'draft' ? 'warn' : 'off';
  return <span className={`tag ${cls}`}>{t(`astatus.${status}`)}</span>;
}

export function AgreementsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const libs = useLibraries();
  const [params, set, _setParams] = useFilterParams();
  const [data, setData] = useState<Page<AgreementSummary> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState(params.get('q') ?? '');

  useEffect(() => {
    setError(null);
    api<Page<AgreementSummary>>('GET', `/api/v1/agreements?${params}`).then(setData, setError);
  }, [params]);

  return (
    <section>
      <p>
        <Link to="/programs">‹ {t('programsTitle')}</Link>
      </p>
      <h1>{t('agreements')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', q);
        }}
      >
        <input
          aria-label={t('search')}
          placeholder={t('agreementTitle')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <select
          aria-label={t('allPartners')}
          value={params.get('partner') ?? ''}
          onChange={(e) => set('partner', e.target.value)}
        >
          <option value="">{t('allPartners')}</option>
          {libs.map((l) => (
            <option key={l.code} value={l.code}>
              {l.name}
            </option>
          ))}
        </select>
        <select
          aria-label={t('status')}
          value={params.get('status') ?? ''}
          onChange={(e) => set('status', e.target.value)}
        >
          <option value="">{t('allStatuses')}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`astatus.${s}`)}
            </option>
          ))}
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('expiringSoon') === 'true'}
            onChange={(e) => set('expiringSoon', e.target.checked ? 'true' : '')}
          />
          {t('expiringSoon')}
        </label>
        <button type="submit">{t('search')}</button>
        {me && me.role !== 'librarian' ? (
          <Link className="button primary" to="/programs/agreements/new">
            {t('newAgreement')}
          </Link>
        ) : null}
      </form>
      <ErrorBox error={error} />
      {data && !data.items.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards agreements">
        {data?.items.map((a) => (
          <li key={a.id} className="card">
            <Link className="title" to={`/programs/agreements/${a.id}`}>
              {a.title}
            </Link>
            <div className="meta">
              <StatusTag status={a.status} /> {t(`kind.${a.kind}`)} {a.number ? `· ${a.number}` : ''}
            </div>
            <div className="meta">
              {a.startsOn ?? '…'} – {a.endsOn ?? '…'}
            </div>
            <div className="small">{a.parties.map((p) => p.name).join(' · ')}</div>
          </li>
        ))}
      </ul>
      {data ? (
        <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(p) => set('page', String(p))} />
      ) : null}
    </section>
  );
}

interface PartyForm {
  libraryCode: string;
  institutionName: string;
  institutionKind: string;
  role: string;
  signatoryName: string;
  signatoryTitle: string;
  terms: PartyTerms;
}

const emptyParty = (role: string, libraryCode = ''): PartyForm => ({
  libraryCode,
  institutionName: '',
  institutionKind: '',
  role,
  signatoryName: '',
  signatoryTitle: '',
  terms: {},
});

export function AgreementFormPage() {
  const { id } = useParams();
  const { t } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const libs = useLibraries();
  const [form, setForm] = useState({
    title: '',
    number: '',
    kind: 'pks' as 'mou' | 'pks',
    written: true,
    implementsId: '',
    programs: [] as string[],
    startsOn: '',
    endsOn: '',
    background: '',
    purpose: '',
    divisionOfWork: '',
    financing: '',
    method: '',
    isPublic: false,
  });
  const [parties, setParties] = useState<PartyForm[]>([
    emptyParty('first_party', me?.libraryCode ?? ''),
    emptyParty('second_party'),
  ]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api<Agreement>('GET', `/api/v1/agreements/${id}`).then((a) => {
      setForm({
        title: a.title,
        number: a.number ?? '',
        kind: a.kind,
        written: a.written,
        implementsId: a.implementsId ? String(a.implementsId) : '',
        programs: a.programs,
        startsOn: a.startsOn ?? '',
        endsOn: a.endsOn ?? '',
        background: a.background ?? '',
        purpose: a.purpose ?? '',
        divisionOfWork: a.divisionOfWork ?? '',
        financing: a.financing ?? '',
        method: a.method ?? '',
        isPublic: a.isPublic,
      });
      setParties(
        a.parties.map((p) => ({
          libraryCode: p.libraryCode ?? '',
          institutionName: p.institutionName ?? '',
          institutionKind: p.institutionKind ?? '',
          role: p.role,
          signatoryName: p.signatoryName ?? '',
          signatoryTitle: p.signatoryTitle ?? '',
          terms: p.terms,
        })),
      );
    }, setError);
  }, [id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      ...form,
      number: form.number || null,
      implementsId: form.implementsId ? Number(form.implementsId) : null,
      startsOn: form.startsOn || null,
      endsOn: form.endsOn || null,
      background: form.background || null,
      purpose: form.purpose || null,
      divisionOfWork: form.divisionOfWork || null,
      financing: form.financing || null,
      method: form.method || null,
      parties: parties.map((p) => ({
        ...(p.libraryCode
          ? { libraryCode: p.libraryCode }
          : { institutionName: p.institutionName, institutionKind: p.institutionKind || null }),
        role: p.role,
        signatoryName: p.signatoryName || null,
        signatoryTitle: p.signatoryTitle || null,
        terms: p.terms,
      })),
    };
    try {
      const saved = id
        ? await api<Agreement>('PATCH', `/api/v1/agreements/${id}`, body)
        : await api<Agreement>('POST', '/api/v1/agreements', body);
      navigate(`/programs/agreements/${saved.id}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const text = (key: keyof typeof form, area = false) => (
    <Field label={t(key === 'title' ? 'agreementTitle' : key === 'number' ? 'agreementNumber' : key)}>
      {area ? (
        <textarea
          name={key}
          rows={3}
          value={String(form[key])}
          onChange={(e) => setForm({ ...form, [key]: e.target.value })}
        />
      ) : (
        <input name={key} value={String(form[key])} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
      )}
    </Field>
  );
  const setParty = (i: number, p: Partial<PartyForm>) =>
    setParties(parties.map((x, j) => (j === i ? { ...x, ...p } : x)));
  const setTerms = (i: number, terms: PartyTerms) => setParty(i, { terms });
  const num = (v: string) => (v === '' ? undefined : Number(v));
  // Emptied inputs give undefined; the server wants those keys absent.
  const clean = (o: { [K in keyof PartyTerms]?: PartyTerms[K] | undefined }): PartyTerms =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as PartyTerms;

  return (
    <section>
      <p>
        <Link to={id ? `/programs/agreements/${id}` : '/programs/agreements'}>‹ {t('agreements')}</Link>
      </p>
      <h1>{id ? t('editAgreement') : t('newAgreement')}</h1>
      <form className="card stack" onSubmit={submit}>
        {text('title')}
        <div className="grid2">
          {text('number')}
          <Field label={t('agreementKind')}>
            <select
              name="kind"
              value={form.kind}
              onChange={(e) => setForm({ ...form, kind: e.target.value as 'mou' | 'pks' })}
            >
              <option value="mou">{t('kind.mou')}</option>
              <option value="pks">{t('kind.pks')}</option>
            </select>
          </Field>
          <Field label={t('startsOn')}>
            <input
              type="date"
              name="startsOn"
              value={form.startsOn}
              onChange={(e) => setForm({ ...form, startsOn: e.target.value })}
            />
          </Field>
          <Field label={t('endsOn')}>
            <input
              type="date"
              name="endsOn"
              value={form.endsOn}
              onChange={(e) => setForm({ ...form, endsOn: e.target.value })}
            />
          </Field>
          {form.kind === 'pks' ? (
            <Field label={`${t('implementsMou')} (ID)`}>
              <input
                name="implementsId"
                inputMode="numeric"
                value={form.implementsId}
                onChange={(e) => setForm({ ...form, implementsId: e.target.value })}
              />
            </Field>
          ) : null}
        </div>
        <div>
          <label className="check">
            <input
              type="checkbox"
              checked={form.written}
              onChange={(e) => setForm({ ...form, written: e.target.checked })}
            />
            {t('written')}
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={form.isPublic}
              onChange={(e) => setForm({ ...form, isPublic: e.target.checked })}
            />
            {t('isPublic')}
          </label>
        </div>
        <fieldset>
          <legend>{t('scope')}</legend>
          {PROGRAM_KEYS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                checked={form.programs.includes(p)}
                onChange={(e) =>
                  setForm({
                    ...form,
                    programs: e.target.checked ? [...form.programs, p] : form.programs.filter((x) => x !== p),
                  })
                }
              />
              {t(`program.${p}`)}
            </label>
          ))}
        </fieldset>
        {text('background', true)}
        {text('purpose', true)}
        <h2>{t('parties')}</h2>
        {parties.map((p, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: parties have no id until saved; order is their identity
          <fieldset key={i} className="party" data-testid={`party-${i}`}>
            <legend>
              {i + 1}. {t(`prole.${p.role}`)}
            </legend>
            <div className="grid2">
              <Field label={t('partyLibrary')}>
                <select value={p.libraryCode} onChange={(e) => setParty(i, { libraryCode: e.target.value })}>
                  <option value="">{t('partyOutside')}</option>
                  {libs.map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </Field>
              {p.libraryCode ? null : (
                <>
                  <Field label={t('institutionName')}>
                    <input
                      value={p.institutionName}
                      onChange={(e) => setParty(i, { institutionName: e.target.value })}
                    />
                  </Field>
                  <Field label={t('institutionKind')}>
                    <select
                      value={p.institutionKind}
                      onChange={(e) => setParty(i, { institutionKind: e.target.value })}
                    >
                      <option value="" />
                      {IKINDS.map((k) => (
                        <option key={k} value={k}>
                          {t(`ikind.${k}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                </>
              )}
              <Field label={t('partyRole')}>
                <select value={p.role} onChange={(e) => setParty(i, { role: e.target.value })}>
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {t(`prole.${r}`)}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('signatory')}>
                <input value={p.signatoryName} onChange={(e) => setParty(i, { signatoryName: e.target.value })} />
              </Field>
              <Field label={t('signatoryTitle')}>
                <input value={p.signatoryTitle} onChange={(e) => setParty(i, { signatoryTitle: e.target.value })} />
              </Field>
            </div>
            <details>
              <summary>{t('terms')}</summary>
              <div className="grid2">
                <Field label={t('loanPeriodDays')}>
                  <input
                    type="number"
                    min={1}
                    value={p.terms.loanPeriodDays ?? ''}
                    onChange={(e) => setTerms(i, clean({ ...p.terms, loanPeriodDays: num(e.target.value) }))}
                  />
                </Field>
                <Field label={t('loanQuota')}>
                  <input
                    type="number"
                    min={0}
                    value={p.terms.loanQuota ?? ''}
                    onChange={(e) => setTerms(i, clean({ ...p.terms, loanQuota: num(e.target.value) }))}
                  />
                </Field>
                <Field label={t('exchangeRatio')}>
                  <input
                    placeholder="1:1"
                    value={p.terms.exchangeRatio ?? ''}
                    onChange={(e) => setTerms(i, clean({ ...p.terms, exchangeRatio: e.target.value || undefined }))}
                  />
                </Field>
                <Field label={t('lostRule')}>
                  <select
                    value={p.terms.lostItems?.rule ?? ''}
                    onChange={(e) => {
                      const rule = e.target.value as 'replace_copy' | 'pay_amount' | 'none' | '';
                      const next: PartyTerms = { ...p.terms };
                      if (rule) next.lostItems = { rule };
                      else delete next.lostItems;
                      setTerms(i, next);
                    }}
                  >
                    <option value="" />
                    {['replace_copy', 'pay_amount', 'none'].map((r) => (
                      <option key={r} value={r}>
                        {t(`lost.${r}`)}
                      </option>
                    ))}
                  </select>
                </Field>
                {p.terms.lostItems?.rule === 'pay_amount' ? (
                  <Field label={t('amountRupiah')}>
                    <input
                      type="number"
                      min={0}
                      value={p.terms.lostItems.amountRupiah ?? ''}
                      onChange={(e) => {
                        const amount = num(e.target.value);
                        setTerms(i, {
                          ...p.terms,
                          lostItems: { rule: 'pay_amount', ...(amount !== undefined ? { amountRupiah: amount } : {}) },
                        });
                      }}
                    />
                  </Field>
                ) : null}
                <Field label={t('feeRupiah')}>
                  <input
                    type="number"
                    min={0}
                    value={p.terms.feeRupiah ?? ''}
                    onChange={(e) => setTerms(i, clean({ ...p.terms, feeRupiah: num(e.target.value) }))}
                  />
                </Field>
              </div>
              <label className="check">
                <input
                  type="checkbox"
                  checked={p.terms.preferredIllPartner === true}
                  onChange={(e) =>
                    setTerms(i, clean({ ...p.terms, preferredIllPartner: e.target.checked || undefined }))
                  }
                />
                {t('preferredIllPartner')}
              </label>
              <label className="check">
                <input
                  type="checkbox"
                  checked={p.terms.visitorsMayBorrow === true}
                  onChange={(e) => setTerms(i, clean({ ...p.terms, visitorsMayBorrow: e.target.checked || undefined }))}
                />
                {t('visitorsMayBorrow')}
              </label>
              <Field label={t('rights')}>
                <textarea
                  rows={2}
                  value={p.terms.rights ?? ''}
                  onChange={(e) => setTerms(i, clean({ ...p.terms, rights: e.target.value }))}
                />
              </Field>
              <Field label={t('obligations')}>
                <textarea
                  rows={2}
                  value={p.terms.obligations ?? ''}
                  onChange={(e) => setTerms(i, clean({ ...p.terms, obligations: e.target.value }))}
                />
              </Field>
            </details>
            {parties.length > 2 ? (
              <button type="button" onClick={() => setParties(parties.filter((_, j) => j !== i))}>
                {t('removeParty')}
              </button>
            ) : null}
          </fieldset>
        ))}
        <p>
          <button type="button" onClick={() => setParties([...parties, emptyParty('member')])}>
            + {t('addParty')}
          </button>
        </p>
        {text('divisionOfWork', true)}
        {text('financing', true)}
        {text('method', true)}
        <ErrorBox error={error} />
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            {t('save')}
          </button>
          <Link to={id ? `/programs/agreements/${id}` : '/programs/agreements'}>{t('cancel')}</Link>
        </div>
      </form>
    </section>
  );
}

function Terms({ terms }: { terms: PartyTerms }) {
  const { t } = useI18n();
  const rows: Array<[string, string]> = [];
  if (terms.loanPeriodDays) rows.push([t('loanPeriodDays'), String(terms.loanPeriodDays)]);
  if (terms.loanQuota !== undefined) rows.push([t('loanQuota'), String(terms.loanQuota)]);
  if (terms.exchangeRatio) rows.push([t('exchangeRatio'), terms.exchangeRatio]);
  if (terms.lostItems) {
    const amount = terms.lostItems.amountRupiah ? ` Rp${terms.lostItems.amountRupiah.toLocaleString('id-ID')}` : '';
    rows.push([t('lostRule'), `${t(`lost.${terms.lostItems.rule}`)}${amount}`]);
  }
  if (terms.feeRupiah !== undefined) rows.push([t('feeRupiah'), `Rp${terms.feeRupiah.toLocaleString('id-ID')}`]);
  if (terms.preferredIllPartner) rows.push([t('preferredIllPartner'), t('yes')]);
  if (terms.visitorsMayBorrow) rows.push([t('visitorsMayBorrow'), t('yes')]);
  if (terms.rights) rows.push([t('rights'), terms.rights]);
  if (terms.obligations) rows.push([t('obligations'), terms.obligations]);
  if (!rows.length) return null;
  return (
    <dl className="facts small">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AgreementPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const [a, setA] = useState<Agreement | null>(null);
  const [history, setHistory] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [reason, setReason] = useState('');
  const [renew, setRenew] = useState({ startsOn: '', endsOn: '', number: '' });
  const [file, setFile] = useState<File | null>(null);

  const load = () => {
    api<Agreement>('GET', `/api/v1/agreements/${id}`).then(setA, setError);
    api<{ items: HistoryEntry[] }>('GET', `/api/v1/agreements/${id}/history`).then(
      (r) => setHistory(r.items),
      () => {},
    );
  };
  useEffect(load, [id]);

  async function act(path: string, body?: unknown) {
    setError(null);
    setNotice('');
    try {
      const r = await api<Agreement>('POST', `/api/v1/agreements/${id}/${path}`, body ?? {});
      if (r.id !== Number(id)) navigate(`/programs/agreements/${r.id}`);
      else {
        setA(r);
        load();
      }
      setNotice(t('saved'));
    } catch (err) {
      setError(err);
    }
  }

  async function uploadFile(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setError(null);
    const data = new FormData();
    data.append('file', file);
    const res = await fetch(`/api/v1/agreements/${id}/documents`, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'x-csrf-token': currentCsrf() ?? '' },
    });
    if (!res.ok) {
      const body = await res.json().catch(() => null);
      setError(
        new ApiError(
          res.status,
          body?.error?.code ?? 'http',
          body?.error?.message ?? { id: `${res.status}`, en: `${res.status}` },
          body?.error?.details,
        ),
      );
      return;
    }
    setFile(null);
    setNotice(t('saved'));
    load();
  }

  if (!a) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  const s = a.status;
  return (
    <section>
      <p>
        <Link to="/programs/agreements">‹ {t('agreements')}</Link>
      </p>
      <h1>{a.title}</h1>
      <p className="meta">
        <StatusTag status={s} /> {t(`kind.${a.kind}`)} {a.number ? `· ${a.number}` : ''}{' '}
        {a.written ? '' : `· ${t('unwritten')}`}
        {a.isPublic ? ` · ${t('isPublic')}` : ''}
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={error} />
      <div className="card">
        <dl className="facts">
          <dt>{t('startsOn')}</dt>
          <dd>{a.startsOn ?? '—'}</dd>
          <dt>{t('endsOn')}</dt>
          <dd>{a.endsOn ?? '—'}</dd>
          <dt>{t('scope')}</dt>
          <dd>{a.programs.map((p) => t(`program.${p}`)).join(', ') || '—'}</dd>
          {a.implementsId ? (
            <>
              <dt>{t('implementsMou')}</dt>
              <dd>
                <Link to={`/programs/agreements/${a.implementsId}`}>{a.implementsTitle}</Link>
              </dd>
            </>
          ) : null}
          {a.renewsId ? (
            <>
              <dt>{t('renews')}</dt>
              <dd>
                <Link to={`/programs/agreements/${a.renewsId}`}>#{a.renewsId}</Link>
              </dd>
            </>
          ) : null}
          {a.renewedById ? (
            <>
              <dt>{t('renewedBy')}</dt>
              <dd>
                <Link to={`/programs/agreements/${a.renewedById}`}>#{a.renewedById}</Link>
              </dd>
            </>
          ) : null}
          {a.statusReason ? (
            <>
              <dt>{t('terminateReason')}</dt>
              <dd>{a.statusReason}</dd>
            </>
          ) : null}
          {(['background', 'purpose', 'divisionOfWork', 'financing', 'method'] as const).map((k) =>
            a[k] ? (
              <div key={k} className="contents">
                <dt>{t(k)}</dt>
                <dd>{a[k]}</dd>
              </div>
            ) : null,
          )}
        </dl>
      </div>
      <h2>{t('parties')}</h2>
      <ul className="cards">
        {a.parties.map((p) => (
          <li key={p.position} className="card">
            <span className="title">
              {p.libraryCode ? <Link to={`/libraries/${p.libraryCode}`}>{p.name}</Link> : p.name}
            </span>
            <div className="meta">
              {t(`prole.${p.role}`)}
              {p.institutionKind ? ` · ${t(`ikind.${p.institutionKind}`)}` : ''}
            </div>
            {p.signedByLibraryName ? (
              <div className="small">
                {t('signedBy')}: {p.signedByLibraryName}
              </div>
            ) : null}
            {p.signatoryName ? (
              <div className="small">
                {t('signatory')}: {p.signatoryName}
                {p.signatoryTitle ? `, ${p.signatoryTitle}` : ''}
              </div>
            ) : null}
            <Terms terms={p.terms} />
          </li>
        ))}
      </ul>
      {a.canManage ? (
        <div className="card stack">
          <div className="actions">
            {s === 'draft' || s === 'active' || s === 'expiring' ? (
              <Link className="button" to={`/programs/agreements/${a.id}/edit`}>
                {t('edit')}
              </Link>
            ) : null}
            {s === 'draft' ? (
              <button type="button" className="primary" onClick={() => act('activate')}>
                {t('activate')}
              </button>
            ) : null}
          </div>
          {s === 'active' || s === 'expiring' ? (
            <form
              className="filters"
              onSubmit={(e) => {
                e.preventDefault();
                act('terminate', { reason });
              }}
            >
              <input
                aria-label={t('terminateReason')}
                placeholder={t('terminateReason')}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
              <button type="submit">{t('terminate')}</button>
            </form>
          ) : null}
          {s === 'active' || s === 'expiring' || s === 'expired' ? (
            <form
              className="filters"
              onSubmit={(e) => {
                e.preventDefault();
                act('renew', { startsOn: renew.startsOn, endsOn: renew.endsOn, number: renew.number || null });
              }}
            >
              <Field label={t('startsOn')}>
                <input
                  type="date"
                  value={renew.startsOn}
                  onChange={(e) => setRenew({ ...renew, startsOn: e.target.value })}
                />
              </Field>
              <Field label={t('endsOn')}>
                <input
                  type="date"
                  value={renew.endsOn}
                  onChange={(e) => setRenew({ ...renew, endsOn: e.target.value })}
                />
              </Field>
              <Field label={t('newNumber')}>
                <input value={renew.number} onChange={(e) => setRenew({ ...renew, number: e.target.value })} />
              </Field>
              <button type="submit">{t('renew')}</button>
            </form>
          ) : null}
        </div>
      ) : null}
      <h2>{t('documents')}</h2>
      <div className="card">
        <ul className="plain">
          {a.documents.map((d) => (
            <li key={d.id}>
              <a href={`/api/v1/agreements/${a.id}/documents/${d.id}`} target="_blank" rel="noreferrer">
                {d.filename}
              </a>{' '}
              <span className="muted small">
                {d.contentType} · {Math.ceil(d.sizeBytes / 1024)} KB · SHA-256 {d.sha256.slice(0, 12)}…
              </span>
            </li>
          ))}
        </ul>
        {a.canManage ? (
          <form className="filters" onSubmit={uploadFile}>
            <input
              type="file"
              aria-label={t('upload')}
              accept="application/pdf,image/jpeg,image/png"
              onChange={(e) => setFile(e.target.files?.[0] ?? null)}
            />
            <button type="submit" disabled={!file}>
              {t('upload')}
            </button>
            <span className="muted small">{t('uploadHint')}</span>
          </form>
        ) : null}
      </div>
      {history.length ? (
        <>
          <h2>{t('history')}</h2>
          <ol className="history small">
            {history.map((h) => (
              <li key={`${h.at}-${h.action}`}>
                {new Date(h.at).toLocaleString()} · {t(`action.${h.action}`)} · {h.actorLabel}
                <Changes before={h.before} after={h.after} />
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

const show = (v: unknown): string => {
  if (v === null || v === undefined || v === '') return '—';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

/** What an audited change did, field by field: before → after. */
function Changes({ before, after }: { before: unknown; after: unknown }) {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => show(b[k]) !== show(a[k]));
  if (keys.length === 0) return null;
  return (
    <ul className="changes">
      {keys.slice(0, 12).map((k) => (
        <li key={k}>
          <code>{k}</code>: {show(b[k])} → {show(a[k])}
        </li>
      ))}
    </ul>
  );
}
