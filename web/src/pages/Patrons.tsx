import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, type Library, type Page, type Patron, type PatronDetail, type Region } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { useSession } from '../session.tsx';
import { ErrorBox, Field, Pager, useFilterParams } from '../ui.tsx';

const CATEGORIES = ['student', 'pupil', 'lecturer', 'staff', 'public', 'other'];

export function PatronsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [params, set, _setParams] = useFilterParams();
  const library = params.get('library') ?? me?.libraryCode ?? '';
  const [data, setData] = useState<Page<Patron> | null>(null);
  const [libraries, setLibraries] = useState<Library[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    // Coordinators may switch between the libraries of their network.
    if (me?.role === 'network_coordinator') {
      api<Page<Library>>('GET', '/api/v1/libraries?pageSize=200').then(
        (r) => setLibraries(r.items.filter((l) => l.networkId === me.networkId)),
        setError,
      );
    }
  }, [me]);

  useEffect(() => {
    if (!library) return;
    const qs = new URLSearchParams();
    for (const k of ['q', 'page', 'category', 'status']) {
      const v = params.get(k);
      if (v) qs.set(k, v);
    }
    setError(null);
    api<Page<Patron>>('GET', `/api/v1/libraries/${encodeURIComponent(library)}/patrons?${qs}`).then(setData, setError);
  }, [library, params]);

  return (
    <section>
      <h1>
        {t('patronsOf')}{' '}
        {libraries.find((l) => l.code === library)?.name ?? (library === me?.libraryCode ? me?.libraryName : library)}
      </h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', q);
        }}
      >
        {libraries.length ? (
          <select aria-label={t('library')} value={library} onChange={(e) => set('library', e.target.value)}>
            {libraries.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        ) : null}
        <input
          aria-label={t('search')}
          placeholder={`${t('fullName')} / ${t('memberNumber')}`}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <select
          aria-label={t('category')}
          value={params.get('category') ?? ''}
          onChange={(e) => set('category', e.target.value)}
        >
          <option value="">{t('category')}</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('search')}</button>
        <button type="button" className="primary" onClick={() => setAdding(!adding)}>
          {t('newPatron')}
        </button>
      </form>
      {adding ? <NewPatron library={library} /> : null}
      <ErrorBox error={error} />
      {!data ? (
        <p>{t('loading')}</p>
      ) : data.items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <>
          <table className="list">
            <thead>
              <tr>
                <th>{t('memberNumber')}</th>
                <th>{t('fullName')}</th>
                <th>{t('category')}</th>
                <th className="hide-narrow">{t('domicile')}</th>
                <th>{t('status')}</th>
              </tr>
            </thead>
            <tbody>
              {data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <code>{p.memberNumber}</code>
                  </td>
                  <td>
                    <Link to={`/patrons/${p.id}`}>{p.fullName}</Link>
                  </td>
                  <td>{t(`category.${p.category}`)}</td>
                  <td className="hide-narrow">{p.domicileRegionName ?? '—'}</td>
                  <td>{t(`status.${p.status}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(p) => set('page', String(p))} />
        </>
      )}
    </section>
  );
}

function NewPatron({ library }: { library: string }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [regions, setRegions] = useState<Region[]>([]);
  const [form, setForm] = useState({
    memberNumber: '',
    fullName: '',
    nik: '',
    address: '',
    domicileRegionCode: '',
    category: 'public',
    membershipExpiresOn: '',
  });
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<{ items: Region[] }>('GET', '/api/v1/regions').then((r) => setRegions(r.items), setError);
  }, []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const body = Object.fromEntries(Object.entries(form).filter(([, v]) => v !== ''));
      const p = await api<PatronDetail>('POST', `/api/v1/libraries/${encodeURIComponent(library)}/patrons`, body);
      navigate(`/patrons/${p.id}`);
    } catch (err) {
      setError(err);
    }
  }

  const input = (key: keyof typeof form, label: string, type = 'text') => (
    <Field label={label}>
      <input name={key} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </Field>
  );

  return (
    <form className="card stack" onSubmit={submit}>
      <div className="grid2">
        {input('memberNumber', t('memberNumber'))}
        {input('fullName', t('fullName'))}
        {input('nik', t('nik'))}
        {input('address', t('address'))}
        <Field label={t('domicile')}>
          <select
            name="domicileRegionCode"
            value={form.domicileRegionCode}
            onChange={(e) => setForm({ ...form, domicileRegionCode: e.target.value })}
          >
            <option value="">—</option>
            {regions.map((r) => (
              <option key={r.code} value={r.code}>
                {r.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('category')}>
          <select
            name="category"
            value={form.category}
            onChange={(e) => setForm({ ...form, category: e.target.value })}
          >
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {t(`category.${c}`)}
              </option>
            ))}
          </select>
        </Field>
        {input('membershipExpiresOn', t('membershipExpires'), 'date')}
      </div>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="primary">
          {t('register')}
        </button>
      </div>
    </form>
  );
}
