import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { AskForTitle } from '../ill/Patron.tsx';
import { languageName } from './language-name.ts';
import { matchReason } from './match-reasons.ts';

interface Bib {
  title: string;
  subtitle?: string;
  responsibility?: string;
  authors: string[];
  publisher?: string;
  place?: string;
  year?: number;
  edition?: string;
  isbns: string[];
  issns: string[];
  language?: string;
  format: string;
  subjects: string[];
  ddc?: string;
  series?: string;
  physical?: string;
}
interface Cluster {
  id: number;
  display: Bib;
  recordCount: number;
  holdingsCount: number;
  availableCount: number;
  holdings: Array<{
    libraryCode: string;
    libraryName: string;
    copies: number;
    available: number;
    callNumbers: string[];
  }>;
  items: Array<{
    id: number;
    libraryCode: string;
    barcode: string | null;
    callNumber: string | null;
    location: string | null;
    status: string;
    /** The Simpul workflow whose status this is (the library's own file does not change it meanwhile). */
    heldBy: string | null;
    loanable: boolean;
  }>;
  members: Array<{
    recordId: number;
    libraryCode: string;
    libraryName: string;
    recordKey: string;
    format: string;
    bib: Bib;
    matchReasons: string[];
  }>;
}

export function CatalogRecordPage() {
  const { id = '' } = useParams();
  const { t, lang } = useI18n();
  const [c, setC] = useState<Cluster | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');
  const [other, setOther] = useState('');
  const { me } = useSession();
  const navigate = useNavigate();

  const load = () => api<Cluster>('GET', `/api/v1/catalog/clusters/${encodeURIComponent(id)}`);

  // Staff correct the matcher; the decision is kept and survives the next import.
  async function split(recordId: number) {
    setActionError(null);
    try {
      const r = await api<{ clusterId: number }>('POST', `/api/v1/catalog/records/${recordId}/split`, {});
      setNotice(t('splitDone'));
      navigate(`/catalog/${r.clusterId}`);
    } catch (err) {
      setActionError(err);
    }
  }

  // A copy a workflow still holds (a loss it reported, a loan it never closed): its library's own data decides again.
  async function release(itemId: number) {
    setActionError(null);
    try {
      await api('POST', `/api/v1/catalog/items/${itemId}/release`, {});
      setNotice(t('releaseDone'));
      setC(await load());
    } catch (err) {
      setActionError(err);
    }
  }

  async function merge(e: FormEvent) {
    e.preventDefault();
    setActionError(null);
    const otherId = Number(other.replace(/\D/g, ''));
    try {
      await api('POST', `/api/v1/catalog/clusters/${id}/merge`, { other: otherId });
      setNotice(t('mergeDone'));
      setOther('');
      setC(await load());
    } catch (err) {
      setActionError(err);
    }
  }

  useEffect(() => {
    setC(null);
    api<Cluster>('GET', `/api/v1/catalog/clusters/${encodeURIComponent(id)}`).then(setC, setError);
  }, [id]);

  if (error && !c) return <ErrorBox error={error} />;
  if (!c) return <p>{t('loading')}</p>;
  const d = c.display;
  const row = (label: string, value: string | number | undefined | null) =>
    value === undefined || value === null || value === '' ? null : (
      <>
        <dt>{label}</dt>
        <dd>{value}</dd>
      </>
    );

  return (
    <section>
      <p>
        <Link to="/catalog">‹ {t('navCatalog')}</Link>
      </p>
      <h1>
        <span className="muted small cluster-id">#{c.id} </span>
        {d.title}
        {d.subtitle ? `: ${d.subtitle}` : ''}
      </h1>
      <p className="meta">{d.responsibility ?? d.authors.join('; ')}</p>
      <div className="two-col">
        <div className="card">
          <dl className="facts">
            {row(t('publisher'), [d.place, d.publisher].filter(Boolean).join(': '))}
            {row(t('year'), d.year)}
            {row(t('edition'), d.edition)}
            {row(t('formatLabel'), t(`format.${d.format}`))}
            {row(t('languageLabel'), d.language ? languageName(d.language, lang) : undefined)}
            {row(t('physical'), d.physical)}
            {row(t('series'), d.series)}
            {row(t('isbn'), d.isbns.join(', '))}
            {row(t('issn'), d.issns.join(', '))}
            {row(t('callNumber'), d.ddc)}
            {row(t('subjects'), d.subjects.join(' · '))}
          </dl>
        </div>
        <div className="card" data-testid="holdings">
          <h2>{t('holdings')}</h2>
          <ul className="holdings">
            {c.holdings.map((h) => (
              <li key={h.libraryCode} className={h.available > 0 ? 'avail' : 'unavail'}>
                {/* A record without copies (a file without holding fields, or a giver after a redistribution). */}
                <strong>{h.libraryName}</strong>:{' '}
                {h.copies > 0 ? `${h.available}/${h.copies} ${t('available')}` : t('noCopiesListed')}
                {h.callNumbers.length ? <span className="muted"> · {h.callNumbers.join(', ')}</span> : null}
              </li>
            ))}
          </ul>
          {c.items.length ? (
            <table className="list small">
              <thead>
                <tr>
                  <th>{t('library')}</th>
                  <th>{t('barcode')}</th>
                  <th className="hide-narrow">{t('callNumber')}</th>
                  <th>{t('status')}</th>
                </tr>
              </thead>
              <tbody>
                {c.items.map((i) => (
                  <tr key={i.id}>
                    <td>{i.libraryCode}</td>
                    <td>
                      <code>{i.barcode ?? '—'}</code>
                    </td>
                    <td className="hide-narrow">{i.callNumber ?? '—'}</td>
                    <td>
                      {t(`itemStatus.${i.status}`)}
                      {i.heldBy ? <small className="muted"> · {t(`heldBy.${i.heldBy}`)}</small> : null}
                      {i.heldBy && me && (me.libraryCode === i.libraryCode || me.role === 'network_coordinator') ? (
                        <button
                          type="button"
                          className="small-button"
                          title={t('releaseHint')}
                          onClick={() => release(i.id)}
                        >
                          {t('releaseHold')}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </div>
      </div>
      <AskForTitle clusterId={c.id} />
      <h2>
        {t('sourceRecords')} ({c.members.length})
      </h2>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorBox error={actionError} />
      <ul className="plain members">
        {c.members.map((m) => (
          <li key={m.recordId}>
            {m.libraryName} · <code>{m.recordKey}</code> · {m.format}
            {m.matchReasons.length ? (
              <div className="muted small">
                {t('matchedBecause')}: {m.matchReasons.map((r) => matchReason(r, lang)).join('; ')}
              </div>
            ) : null}
            {me && c.members.length > 1 ? (
              <button type="button" className="small-button" onClick={() => split(m.recordId)}>
                {t('splitRecord')}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {me ? (
        <form className="card filters" onSubmit={merge}>
          <Field label={t('mergeWith')}>
            <input name="other" inputMode="numeric" value={other} onChange={(e) => setOther(e.target.value)} required />
          </Field>
          <button type="submit">{t('merge')}</button>
        </form>
      ) : null}
    </section>
  );
}
