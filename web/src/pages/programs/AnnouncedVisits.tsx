import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox } from '../../ui.tsx';
import type { Visit } from '../portal/types.ts';

/** At the check-in desk: visits announced to this library from today on, by the home library or the cardholder. */
export function AnnouncedVisits({ refreshKey }: { refreshKey?: unknown }) {
  const { t } = useI18n();
  const [items, setItems] = useState<Visit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const today = new Date().toISOString().slice(0, 10);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reload after every check-in (refreshKey)
  const load = useCallback(() => {
    api<{ items: Visit[] }>('GET', `/api/v1/visits?status=announced&plannedFrom=${today}&pageSize=50`)
      .then((r) => setItems(r.items))
      .catch(setError);
  }, [today, refreshKey]);
  useEffect(load, [load]);

  async function cancel(v: Visit) {
    try {
      await api('POST', `/api/v1/visits/${v.id}/cancel`);
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section className="card stack no-print" data-testid="announced-visits">
      <h2>{t('announcedVisits')}</h2>
      <ErrorBox error={error} />
      {items && items.length === 0 ? <p className="muted">{t('noAnnouncedVisits')}</p> : null}
      <ul className="list">
        {items?.map((v) => (
          <li key={v.id} data-testid="announced-visit">
            <strong>{v.plannedOn}</strong> · {v.holderName} · {v.homeLibrary.name} · <code>{v.cardNumber}</code>
            {v.purpose ? ` · ${v.purpose}` : ''}
            {v.announcedBy ? (
              <span className="small muted">
                {' '}
                · {t('announcedBy')} {t(`by.${v.announcedBy}`)}
              </span>
            ) : null}{' '}
            <button type="button" className="small" onClick={() => cancel(v)}>
              {t('cancelVisit')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
