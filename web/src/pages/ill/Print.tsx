import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox } from '../../ui.tsx';
import type { PickSlip, ShippingLabel } from './types.ts';
import { dateOf } from './Workspace.tsx';

function useData<T>(url: string): [T | null, unknown] {
  const [d, setD] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<T>('GET', url).then(setD, setError);
  }, [url]);
  return [d, error];
}

function PrintBar({ back }: { back: string }) {
  const { t } = useI18n();
  return (
    <p className="actions no-print">
      <a href={back}>‹ {t('back')}</a>
      <button type="button" className="primary" onClick={() => window.print()}>
        {t('illPrint')}
      </button>
    </p>
  );
}

/** What the stacks need to fetch the copy: printed and carried to the shelf. */
export function IllPickSlipPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [p, error] = useData<PickSlip>(`/api/v1/ill/supplier-requests/${encodeURIComponent(id)}/pick-slip`);
  if (!p) return <ErrorBox error={error} />;
  return (
    <section className="slip" data-testid="pick-slip">
      <PrintBar back={`/ill/lending/${id}`} />
      <div className="slip-sheet">
        <h1>
          {t('illPickSlip')} · <code>{p.hrid}</code>
        </h1>
        <p className="slip-title">
          <strong>{p.title}</strong>
          {p.author ? ` — ${p.author}` : ''}
        </p>
        <dl className="facts">
          <dt>{t('illService')}</dt>
          <dd>{t(`illSvc.${p.serviceType}`)}</dd>
          {p.articleTitle ? (
            <>
              <dt>{t('illArticle')}</dt>
              <dd>{p.articleTitle}</dd>
            </>
          ) : null}
          {p.pages ? (
            <>
              <dt>{t('illPages')}</dt>
              <dd>{p.pages}</dd>
            </>
          ) : null}
          <dt>{t('illBorrower')}</dt>
          <dd>{p.borrower ? `${p.borrower.name} (${p.borrower.code})` : '—'}</dd>
          <dt>{t('illBorrowerRef')}</dt>
          <dd>
            <code>{p.requestingAgencyRequestId}</code>
          </dd>
          <dt>{t('illPatronRef')}</dt>
          <dd>{p.patronRef ?? '—'}</dd>
          <dt>{t('illNeededBy')}</dt>
          <dd>{p.neededBy ?? '—'}</dd>
          {p.note ? (
            <>
              <dt>{t('illNote')}</dt>
              <dd>{p.note}</dd>
            </>
          ) : null}
        </dl>
        <table className="list">
          <thead>
            <tr>
              <th>{t('illBarcode')}</th>
              <th>{t('illCallNumber')}</th>
              <th>{t('illLocation')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {p.items.map((i) => (
              <tr key={i.id}>
                <td>
                  <code>{i.barcode ?? i.id}</code>
                </td>
                <td>{i.callNumber ?? '—'}</td>
                <td>{i.location ?? '—'}</td>
                <td>{i.chosen ? `✔ ${t('illChosen')}` : '☐'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small muted">
          {t('illPrinted')}: {new Date(p.printedAt).toLocaleString()}
        </p>
      </div>
    </section>
  );
}

function Address({ label, a }: { label: string; a: ShippingLabel['from'] }) {
  return (
    <div className="label-address">
      <div className="small muted">{label}</div>
      <strong>{a.name}</strong>
      {a.address ? <div className="pre">{a.address}</div> : null}
      {a.phone ? <div>☎ {a.phone}</div> : null}
    </div>
  );
}

/** A label for the parcel: outbound from the lender, or the borrower's return. */
export function IllLabelPage({ direction }: { direction: 'outbound' | 'return' }) {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const url =
    direction === 'outbound'
      ? `/api/v1/ill/supplier-requests/${encodeURIComponent(id)}/shipping-label`
      : `/api/v1/ill/requests/${encodeURIComponent(id)}/return-label`;
  const [l, error] = useData<ShippingLabel>(url);
  if (!l) return <ErrorBox error={error} />;
  return (
    <section className="slip" data-testid="shipping-label">
      <PrintBar back={direction === 'outbound' ? `/ill/lending/${id}` : `/ill/requests/${id}`} />
      <div className="slip-sheet label">
        <h1>
          {direction === 'outbound' ? t('illShippingLabel') : t('illReturnLabel')} · <code>{l.hrid}</code>
        </h1>
        <Address label={t('illTo')} a={l.to} />
        <Address label={t('illFrom')} a={l.from} />
        <dl className="facts">
          <dt>{t('illBorrowerRef')}</dt>
          <dd>
            <code>{l.requestingAgencyRequestId}</code>
          </dd>
          {l.barcode ? (
            <>
              <dt>{t('illBarcode')}</dt>
              <dd>
                <code>{l.barcode}</code>
              </dd>
            </>
          ) : null}
          {l.dueAt ? (
            <>
              <dt>{t('illDue')}</dt>
              <dd>{dateOf(l.dueAt)}</dd>
            </>
          ) : null}
        </dl>
      </div>
    </section>
  );
}
