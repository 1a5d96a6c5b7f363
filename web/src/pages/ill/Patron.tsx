import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { usePatron } from '../portal/session.tsx';
import type { AskCheck, AskRefusal, MyRequest } from './types.ts';
import { dateOf, fmt } from './Workspace.tsx';

/**
 * On a catalog record, for a signed-in patron: the ask button and form when she may ask for
 * this title by interlibrary loan; otherwise why not and what she can do (the server's codes,
 * in her language).
 */
export function AskForTitle({ clusterId }: { clusterId: number }) {
  const { t } = useI18n();
  const { patron } = usePatron();
  const [check, setCheck] = useState<AskCheck | null>(null);
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({
    serviceType: 'Loan' as 'Loan' | 'Copy',
    pages: '',
    articleTitle: '',
    neededBy: '',
    note: '',
  });
  const [done, setDone] = useState<MyRequest | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<AskCheck>('GET', `/api/v1/ill/my-requests/check?clusterId=${clusterId}`).then(setCheck, () => setCheck(null));
  }, [clusterId]);
  useEffect(() => {
    if (patron) load();
  }, [patron, load]);
  if (!patron || !check) return null;

  async function ask(e: FormEvent) {
    e.preventDefault();
    setError(null);
    const copy = f.serviceType === 'Copy';
    const citation = copy
      ? Object.fromEntries(Object.entries({ pages: f.pages, articleTitle: f.articleTitle }).filter(([, v]) => v.trim()))
      : {};
    try {
      setDone(
        await api<MyRequest>('POST', '/api/v1/ill/my-requests', {
          clusterId,
          serviceType: f.serviceType,
          ...(Object.keys(citation).length ? { citation } : {}),
          ...(copy ? { copyDelivery: 'file', copyrightDeclaration: { accepted: true } } : {}),
          ...(f.neededBy ? { neededBy: f.neededBy } : {}),
          ...(f.note.trim() ? { note: f.note.trim() } : {}),
        }),
      );
      setOpen(false);
    } catch (err) {
      setError(err);
    }
    load();
  }

  return (
    <section className="card stack" data-testid="ill-ask">
      <h2>{t('illAskTitle')}</h2>
      {done ? (
        <p className="notice" role="status">
          {fmt(t('illAsked'), { hrid: done.hrid })} · <Link to="/portal/requests">{t('illSeeMyRequests')}</Link>
        </p>
      ) : null}
      {!check.mayAsk ? (
        <WhyNot check={check} />
      ) : !open ? (
        <p>
          <button type="button" className="primary" onClick={() => setOpen(true)}>
            {t('illAsk')}
          </button>
        </p>
      ) : (
        <form className="stack" onSubmit={ask}>
          <p className="muted">{t('illAskIntro')}</p>
          <fieldset className="filters">
            <label className="check">
              <input
                type="radio"
                name="serviceType"
                checked={f.serviceType === 'Loan'}
                onChange={() => setF({ ...f, serviceType: 'Loan' })}
              />{' '}
              {t('illLoan')}
            </label>
            <label className="check">
              <input
                type="radio"
                name="serviceType"
                checked={f.serviceType === 'Copy'}
                onChange={() => setF({ ...f, serviceType: 'Copy' })}
              />{' '}
              {t('illCopy')}
            </label>
          </fieldset>
          {f.serviceType === 'Copy' ? (
            <>
              <Field label={t('illArticle')}>
                <input value={f.articleTitle} onChange={(e) => setF({ ...f, articleTitle: e.target.value })} />
              </Field>
              <Field label={t('illPages')}>
                <input value={f.pages} onChange={(e) => setF({ ...f, pages: e.target.value })} />
              </Field>
              <p className="small muted">{t('illCopyrightDefault')}</p>
            </>
          ) : null}
          <Field label={t('illNeededBy')}>
            <input type="date" value={f.neededBy} onChange={(e) => setF({ ...f, neededBy: e.target.value })} />
          </Field>
          <Field label={t('illNote')}>
            <textarea rows={2} value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
          </Field>
          <p className="actions">
            <button type="submit" className="primary">
              {t('illAsk')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('cancel')}
            </button>
          </p>
        </form>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

/** Each reason the server gave, with what the patron can do about it. */
function WhyNot({ check }: { check: AskCheck }) {
  const { t, pick } = useI18n();
  // A code this page has no words for yet still shows the server's own text.
  const say = (key: string, r: AskRefusal, fallback: { id: string; en: string }) =>
    t(key) === key ? pick(fallback) : fmt(t(key), r.params);
  return (
    <div className="stack" data-testid="ill-why-not">
      <p>
        <strong>{t('illMayNotAsk')}</strong>
      </p>
      <ul>
        {check.reasons.map((r) => (
          <li key={r.code} data-code={r.code}>
            {say(`illWhy.${r.code}`, r, r.message)}
            {r.details.length ? (
              <ul>
                {r.details.map((d) => (
                  <li key={d.en}>{pick(d)}</li>
                ))}
              </ul>
            ) : null}
            <div className="small">
              {t('illWhatToDo')} {say(`illTodo.${r.code}`, r, r.whatToDo)}
              {r.code === 'open_request_limit' ? (
                <>
                  {' '}
                  <Link to="/portal/requests">{t('illSeeMyRequests')}</Link>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The portal's "my requests": the patron's interlibrary loan requests, with cancel while it is allowed. */
export function PortalRequestsPage() {
  const { t } = useI18n();
  const [items, setItems] = useState<MyRequest[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api<{ items: MyRequest[] }>('GET', '/api/v1/ill/my-requests').then((r) => setItems(r.items), setError);
  }, []);
  useEffect(load, [load]);
  async function cancel(r: MyRequest) {
    setError(null);
    try {
      await api('POST', `/api/v1/ill/my-requests/${r.id}/cancel`);
      load();
    } catch (err) {
      setError(err);
      load();
    }
  }
  return (
    <section className="card stack">
      <h1>{t('illMyRequests')}</h1>
      <p className="muted">{t('illMyRequestsIntro')}</p>
      <ErrorBox error={error} />
      {items && items.length === 0 ? <p className="muted">{t('illNoMyRequests')}</p> : null}
      {items?.length ? (
        <div className="scroll">
          <table className="list" data-testid="my-requests">
            <thead>
              <tr>
                <th>{t('illHrid')}</th>
                <th>{t('illTitleCol')}</th>
                <th>{t('illState')}</th>
                <th>{t('illPickup')}</th>
                <th>{t('illDue')}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <code>{r.hrid}</code>
                  </td>
                  <td>
                    {r.title}
                    <div className="small muted">
                      {t(`illSvc.${r.serviceType}`)}
                      {r.pages ? ` · ${t('illPages')} ${r.pages}` : ''} · {dateOf(r.createdAt)}
                    </div>
                  </td>
                  <td data-testid="my-request-state">{t(`illState.${r.state}`)}</td>
                  <td>{r.pickup.name}</td>
                  <td>{dateOf(r.dueAt)}</td>
                  <td>
                    {r.canCancel ? (
                      <button type="button" className="small-button" onClick={() => cancel(r)}>
                        {t('illWithdraw')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
