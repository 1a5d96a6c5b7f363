import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox } from '../../ui.tsx';
import { LedgerTable } from './Exchange.tsx';
import type { LedgerRow, RedistributionFigure } from './types.ts';

/** The figures page's sections for exchange (per library and partner) and redistribution (per library). */
export function ExchangeFigures({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const [exchange, setExchange] = useState<LedgerRow[] | null>(null);
  const [redistribution, setRedistribution] = useState<RedistributionFigure[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const q = `from=${from}&to=${to}`;
    api<{ rows: LedgerRow[] }>('GET', `/api/v1/exchange/figures?${q}`).then((r) => setExchange(r.rows), setError);
    api<{ rows: RedistributionFigure[] }>('GET', `/api/v1/redistribution/figures?${q}`).then(
      (r) => setRedistribution(r.rows),
      setError,
    );
  }, [from, to]);
  return (
    <>
      <ErrorBox error={error} />
      <div className="card">
        <h2>{t('exchangeFigures')}</h2>
        {exchange && !exchange.length ? <p className="muted">{t('none')}</p> : null}
        {exchange?.length ? <LedgerTable rows={exchange} showLibrary /> : null}
      </div>
      <div className="card">
        <h2>{t('redistributionFigures')}</h2>
        {redistribution && !redistribution.length ? <p className="muted">{t('none')}</p> : null}
        {redistribution?.length ? (
          <table className="list" data-testid="redistribution-figures">
            <thead>
              <tr>
                <th>{t('library')}</th>
                <th>{t('listsPublished')}</th>
                <th>{t('copiesGiven')}</th>
                <th>{t('copiesReceivedR')}</th>
                <th>{t('newTitlesReceived')}</th>
                <th>{t('claims')}</th>
              </tr>
            </thead>
            <tbody>
              {redistribution.map((r) => (
                <tr key={r.library.id}>
                  <td>{r.library.name}</td>
                  <td>{r.listsPublished}</td>
                  <td>{r.copiesGiven}</td>
                  <td>{r.copiesReceived}</td>
                  <td>{r.newTitlesReceived}</td>
                  <td>{r.claimsMade}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </div>
    </>
  );
}
