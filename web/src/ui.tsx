import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from './api.ts';
import { useI18n } from './i18n.tsx';

export function ErrorBox({ error }: { error: unknown }) {
  const { pick, t } = useI18n();
  if (!error) return null;
  if (error instanceof ApiError) {
    return (
      <div className="error" role="alert">
        <strong>{pick(error.messages)}</strong>
        {error.details?.fields?.length ? (
          <ul>
            {error.details.fields.map((f) => (
              <li key={f.field}>
                <code>{f.field.replace(/^body\./, '')}</code>: {pick(f.message)}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div className="error" role="alert">
      {t('none')}: {String(error)}
    </div>
  );
}

export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control is the child passed in, which the label wraps
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  );
}

export function Pager({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage(p: number): void;
}) {
  const { t } = useI18n();
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav className="pager" aria-label={t('page')}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        ‹ {t('previous')}
      </button>
      <span>
        {t('page')} {page} / {pages} · {total} {t('results')}
      </span>
      <button type="button" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('next')} ›
      </button>
    </nav>
  );
}

/**
 * List pages keep their filters in the address, so a filtered list can be
 * bookmarked and the back button works. Changing a filter goes back to page 1.
 */
export function useFilterParams(): [
  URLSearchParams,
  (key: string, value: string | null) => void,
  (p: URLSearchParams) => void,
] {
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    if (key !== 'page') next.delete('page');
    setParams(next);
  };
  return [params, set, setParams];
}
