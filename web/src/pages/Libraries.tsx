import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, type Library, type Page, type Region } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { ErrorBox, Pager, useFilterParams } from '../ui.tsx';

const TYPES = ['national', 'provincial', 'public', 'school', 'university', 'special'];
export const SERVICES = [
  'on_site_reading',
  'photocopy',
  'ill_lending',
  'ill_borrowing',
  'document_delivery',
  'visiting_cards',
  'deposit_collections',
  'mobile_library',
  'exchange',
  'internships',
  'training',
];

export function LibrariesPage() {
  const { t } = useI18n();
  const [params, set, _setParams] = useFilterParams();
  const [data, setData] = useState<Page<Library> | null>(null);
  const [regions, setRegions] = useState<Region[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [q, setQ] = useState(params.get('q') ?? '');

  useEffect(() => {
    api<{ items: Region[] }>('GET', '/api/v1/regions').then((r) => setRegions(r.items), setError);
  }, []);

  useEffect(() => {
    const qs = new URLSearchParams(params);
    if (!qs.get('pageSize')) qs.set('pageSize', '20');
    setError(null);
    api<Page<Library>>('GET', `/api/v1/libraries?${qs}`).then(setData, setError);
  }, [params]);

  return (
    <section>
      <h1>{t('navLibraries')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          set('q', q);
        }}
      >
        <input
          aria-label={t('search')}
          placeholder={t('searchPlaceholder')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <select aria-label={t('type')} value={params.get('type') ?? ''} onChange={(e) => set('type', e.target.value)}>
          <option value="">{t('allTypes')}</option>
          {TYPES.map((ty) => (
            <option key={ty} value={ty}>
              {t(`type.${ty}`)}
            </option>
          ))}
        </select>
        <select
          aria-label={t('region')}
          value={params.get('region') ?? ''}
          onChange={(e) => set('region', e.target.value)}
        >
          <option value="">{t('allRegions')}</option>
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.kind === 'province' ? r.name : `— ${r.name}`}
            </option>
          ))}
        </select>
        <select
          aria-label={t('services')}
          value={params.get('service') ?? ''}
          onChange={(e) => set('service', e.target.value)}
        >
          <option value="">{t('allServices')}</option>
          {SERVICES.map((s) => (
            <option key={s} value={s}>
              {t(`service.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('search')}</button>
      </form>
      <ErrorBox error={error} />
      {!data ? (
        <p>{t('loading')}</p>
      ) : data.items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <>
          <ul className="cards">
            {data.items.map((l) => (
              <li key={l.id} className="card">
                <Link to={`/libraries/${l.code}`} className="title">
                  {l.name}
                </Link>
                <div className="meta">
                  <span className="tag">{t(`type.${l.type}`)}</span> {l.regionName}
                  {l.lendingPaused ? <span className="tag warn">{t('lendingPaused')}</span> : null}
                </div>
                <div className="muted small">{l.services.map((s) => t(`service.${s}`)).join(' · ')}</div>
              </li>
            ))}
          </ul>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={(p) => set('page', String(p))} />
        </>
      )}
    </section>
  );
}
