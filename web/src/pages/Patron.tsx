import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Eligibility, type Library, type Page, type PatronDetail } from '../api.ts';
import { useI18n } from '../i18n.tsx';
import { ErrorBox, Field } from '../ui.tsx';
import { PortalAccessPanel } from './portal/PortalAccessPanel.tsx';

export function PatronPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [patron, setPatron] = useState<PatronDetail | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<PatronDetail>('GET', `/api/v1/patrons/${encodeURIComponent(id)}`).then(setPatron, setError);
  }, [id]);

  if (error && !patron) return <ErrorBox error={error} />;
  if (!patron) return <p>{t('loading')}</p>;

  return (
    <section>
      <p>
        <Link to={`/patrons?library=${patron.libraryCode}`}>
          ‹ {t('patronsOf')} {patron.libraryName}
        </Link>
      </p>
      <h1>{patron.fullName}</h1>
      <div className="two-col">
        <div className="card">
          <dl className="facts">
            <dt>{t('memberNumber')}</dt>
            <dd>
              <code>{patron.memberNumber}</code>
            </dd>
            <dt>{t('nik')}</dt>
            <dd>
              <code>{patron.nikMasked ?? '—'}</code>
            </dd>
            <dt>{t('address')}</dt>
            <dd>{patron.address ?? '—'}</dd>
            <dt>{t('domicile')}</dt>
            <dd>{patron.domicileRegionName ?? '—'}</dd>
            <dt>{t('category')}</dt>
            <dd>{t(`category.${patron.category}`)}</dd>
            <dt>{t('institution')}</dt>
            <dd>{patron.institutionName ?? '—'}</dd>
            <dt>{t('status')}</dt>
            <dd>{t(`status.${patron.status}`)}</dd>
            <dt>{t('membershipExpires')}</dt>
            <dd>{patron.membershipExpiresOn ?? '—'}</dd>
            <dt>{t('phone')}</dt>
            <dd>{patron.phone ?? '—'}</dd>
            <dt>{t('email')}</dt>
            <dd>{patron.email ?? '—'}</dd>
          </dl>
          <h2>{t('enrolmentProofs')}</h2>
          {patron.enrolmentProofs.length === 0 ? (
            <p className="muted">{t('none')}</p>
          ) : (
            <ul className="plain">
              {patron.enrolmentProofs.map((p) => (
                <li key={p.id}>
                  {p.institutionName} · <code>{p.documentRef}</code> · {p.validFrom} – {p.validUntil}
                </li>
              ))}
            </ul>
          )}
        </div>
        <EligibilityPanel patron={patron} />
      </div>
      <PortalAccessPanel patronId={patron.id} />
    </section>
  );
}

function EligibilityPanel({ patron }: { patron: PatronDetail }) {
  const { t, pick } = useI18n();
  const [libraries, setLibraries] = useState<Library[]>([]);
  const [library, setLibrary] = useState(patron.libraryCode);
  const [date, setDate] = useState(() => new Date().toISOString().slice(0, 10));
  const [answer, setAnswer] = useState<Eligibility | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    api<Page<Library>>('GET', '/api/v1/libraries?pageSize=200').then((r) => setLibraries(r.items), setError);
  }, []);

  const check = useCallback(() => {
    setError(null);
    api<Eligibility>(
      'GET',
      `/api/v1/patrons/${patron.id}/eligibility?library=${encodeURIComponent(library)}&date=${date}`,
    ).then(setAnswer, setError);
  }, [patron.id, library, date]);

  useEffect(check, [check]);

  return (
    <div className="card" data-testid="eligibility">
      <h2>{t('eligibility')}</h2>
      <div className="filters">
        <Field label={t('eligibilityAt')}>
          <select value={library} onChange={(e) => setLibrary(e.target.value)}>
            {libraries.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('eligibilityDate')}>
          <input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} />
        </Field>
      </div>
      <ErrorBox error={error} />
      {answer ? (
        <>
          <p className="summary">{pick(answer.summary)}</p>
          <ul className="privileges">
            {Object.entries(answer.privileges).map(([k, v]) => (
              <li key={k} className={v ? 'yes' : 'no'}>
                <span aria-hidden="true">{v ? '✓' : '✗'}</span> {t(`priv.${k}`)}:{' '}
                <strong>{v ? t('allowed') : t('notAllowed')}</strong>
              </li>
            ))}
          </ul>
          <h3>{t('rulesApplied')}</h3>
          <ul className="rules">
            {answer.rules.map((r) => (
              <li key={r.ruleId} className={r.met ? 'yes' : 'no'}>
                <div>
                  <strong>{r.name}</strong> — {r.met ? t('ruleMet') : t('ruleNotMet')}
                </div>
                <ul>
                  {r.reasons.map((reason) => (
                    <li key={reason.en}>{pick(reason)}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}
