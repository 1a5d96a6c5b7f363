import { type FormEvent, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Pager, useFilterParams } from '../../ui.tsx';
import { languageName } from './language-name.ts';

interface Holding {
  libraryCode: string;
  libraryName: string;
  copies: number;
  available: number;
}
interface Hit {
  clusterId: number;
  title: string;
  subtitle: string | null;
  authors: string[];
  publisher: string | null;
  year: number | null;
  format: string | null;
  holdingsCount: number;
  availableCount: number;
  holdings: Holding[];
}
interface FacetValue {
  value: string;
  label: string;
  count: number;
}
interface Result {
  total: number;
  page: number;
  pageSize: number;
  hits: Hit[];
  facets?: Record<string, FacetValue[]>;
  facetsApproximate?: boolean;
  totalApproximate?: boolean;
  suggestion?: { q: string; total: number };
}

// Facet name in the UI -> query parameter of the API.
const FACETS: Array<[string, string]> = [
  ['library', 'library'],
  ['region', 'region'],
  ['libraryType', 'libraryType'],
  ['format', 'format'],
  ['language', 'language'],
  ['subject', 'subjectFacet'],
  ['year', 'year'],
];

export function CatalogSearchPage() {
  const { t, lang } = useI18n();
  const [params, set, setParams] = useFilterParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const qs = new URLSearchParams(params);
    const year = qs.get('year');
    if (year) {
      qs.delete('year');
      qs.set('yearFrom', year);
      qs.set('yearTo', year);
    }
    setBusy(true);
    setError(null);
    // A slower answer to an earlier search must not overwrite the newer one.
    let current = true;
    api<Result>('GET', `/api/v1/catalog/search?${qs}`)
      .then(
        (r) => current && setResult(r),
        (e) => current && setError(e),
      )
      .finally(() => current && setBusy(false));
    return () => {
      current = false;
    };
  }, [params]);

  function submit(e: FormEvent) {
    e.preventDefault();
    set('q', q.trim() || null);
  }

  const label = (facet: string, v: FacetValue) => {
    if (facet === 'format') return t(`format.${v.value}`);
    if (facet === 'libraryType') return t(`type.${v.value}`);
    if (facet === 'language') return languageName(v.value, lang);
    return v.label;
  };
  const activeFilters = FACETS.filter(([, p]) => params.get(p)).length + (params.get('available') ? 1 : 0);

  return (
    <section>
      <h1>{t('catalogTitle')}</h1>
      <form className="searchbar" onSubmit={submit}>
        <input
          type="search"
          name="q"
          aria-label={t('search')}
          placeholder={t('catalogSearch')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <button type="submit" className="primary">
          {t('search')}
        </button>
      </form>
      <p className="muted small">{t('catalogHelp')}</p>
      <div className="filters">
        <select
          aria-label={t('sortRelevance')}
          value={params.get('sort') ?? 'relevance'}
          onChange={(e) => set('sort', e.target.value === 'relevance' ? null : e.target.value)}
        >
          <option value="relevance">{t('sortRelevance')}</option>
          <option value="title">{t('sortTitle')}</option>
          <option value="author">{t('search.sortAuthor')}</option>
          <option value="year_desc">{t('sortYearDesc')}</option>
          <option value="year_asc">{t('sortYearAsc')}</option>
        </select>
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('available') === 'true'}
            onChange={(e) => set('available', e.target.checked ? 'true' : null)}
          />
          {t('availableNow')}
        </label>
        {activeFilters ? (
          <button
            type="button"
            onClick={() => {
              const next = new URLSearchParams();
              const keep = params.get('q');
              if (keep) next.set('q', keep);
              setParams(next);
            }}
          >
            {t('clearFilters')}
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
      <div className="catalog">
        <aside className="facets" aria-label="facets">
          {result?.facets
            ? FACETS.map(([facet, param]) => {
                const values = result.facets?.[facet] ?? [];
                if (values.length === 0) return null;
                const active = params.get(param);
                return (
                  <details key={facet} open={facet !== 'year' && facet !== 'language'}>
                    <summary>{t(`facet.${facet}`)}</summary>
                    <ul className="plain">
                      {values.slice(0, 12).map((v) => (
                        <li key={v.value}>
                          <button
                            type="button"
                            className={`facet${active === v.value ? ' on' : ''}`}
                            onClick={() => set(param, active === v.value ? null : v.value)}
                          >
                            {label(facet, v)} <span className="muted">({v.count})</span>
                          </button>
                        </li>
                      ))}
                    </ul>
                  </details>
                );
              })
            : null}
        </aside>
        <div className="hits">
          {!result || busy ? (
            <p>{t('loading')}</p>
          ) : result.hits.length === 0 ? (
            <>
              <p>{t('noHits')}</p>
              {result.suggestion ? (
                <p className="suggestion">
                  {t('search.didYouMean')}:{' '}
                  <button
                    type="button"
                    className="facet"
                    onClick={() => {
                      const sq = result.suggestion?.q ?? '';
                      setQ(sq);
                      set('q', sq);
                    }}
                  >
                    {result.suggestion.q}
                  </button>{' '}
                  <span className="muted">({result.suggestion.total})</span>
                </p>
              ) : null}
            </>
          ) : (
            <>
              <p className="muted">
                {result.totalApproximate ? `${t('search.about')} ` : ''}
                {result.total.toLocaleString('id-ID')} {t('results')}
                {result.facetsApproximate ? ` · ${t('search.facetsApprox')}` : ''}
              </p>
              <ol className="hitlist">
                {result.hits.map((h) => (
                  <li key={h.clusterId} className="card">
                    <Link to={`/catalog/${h.clusterId}`} className="title">
                      {h.title}
                      {h.subtitle ? `: ${h.subtitle}` : ''}
                    </Link>
                    <div className="meta">
                      {[h.authors.slice(0, 3).join('; '), h.publisher, h.year].filter(Boolean).join(' · ')}
                      {h.format ? <span className="tag">{t(`format.${h.format}`)}</span> : null}
                    </div>
                    <div className="small">
                      {t('heldBy')}:{' '}
                      {h.holdings.map((x, i) => (
                        <span key={x.libraryCode} className={x.available > 0 ? 'avail' : 'unavail'}>
                          {i > 0 ? ', ' : ''}
                          {x.libraryName} (
                          {x.copies > 0 ? `${x.available}/${x.copies} ${t('available')}` : t('noCopiesListed')})
                        </span>
                      ))}
                    </div>
                  </li>
                ))}
              </ol>
              <Pager
                page={result.page}
                pageSize={result.pageSize}
                total={result.total}
                onPage={(p) => set('page', String(p))}
              />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
