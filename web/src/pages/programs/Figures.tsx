import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { CoopFiguresSection } from './Calendar.tsx';
import { ExchangeFigures } from './ExchangeFigures.tsx';
import { type ProgramFigures, todayIso } from './types.ts';

export function FiguresPage() {
  const { t } = useI18n();
  const today = todayIso();
  const [range, setRange] = useState({ from: `${today.slice(0, 4)}-01-01`, to: today });
  const [asked, setAsked] = useState(range);
  const [f, setF] = useState<ProgramFigures | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setError(null);
    api<ProgramFigures>('GET', `/api/v1/program-figures?from=${asked.from}&to=${asked.to}`).then(setF, setError);
  }, [asked]);

  return (
    <section>
      <p>
        <Link to="/programs">‹ {t('programsTitle')}</Link>
      </p>
      <h1>{t('figures')}</h1>
      <form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(range);
        }}
      >
        <Field label={t('from')}>
          <input type="date" value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} />
        </Field>
        <Field label={t('to')}>
          <input type="date" value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} />
        </Field>
        <button type="submit">{t('show')}</button>
      </form>
      <ErrorBox error={error} />
      {f ? (
        <>
          <h2>{t('agreements')}</h2>
          <div className="scroll">
            <table className="list">
              <thead>
                <tr>
                  <th>{t('library')}</th>
                  <th>{t('activeAgreements')}</th>
                  <th>{t('expiringAgreements')}</th>
                </tr>
              </thead>
              <tbody>
                {f.agreements.map((a) => (
                  <tr key={a.libraryCode}>
                    <td>{a.libraryName}</td>
                    <td>{a.active}</td>
                    <td>{a.expiring}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('visits')}</h2>
          <div className="scroll">
            <table className="list">
              <thead>
                <tr>
                  <th>{t('month')}</th>
                  <th>{t('library')}</th>
                  <th>{t('visitsReceived')}</th>
                  <th>{t('visitsMade')}</th>
                </tr>
              </thead>
              <tbody>
                {f.visits.map((v) => (
                  <tr key={`${v.month}-${v.libraryCode}`}>
                    <td>{v.month}</td>
                    <td>{v.libraryName}</td>
                    <td>{v.received}</td>
                    <td>{v.made}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('deposits')}</h2>
          <div className="scroll">
            <table className="list">
              <thead>
                <tr>
                  <th>{t('lender')}</th>
                  <th>{t('recipient')}</th>
                  <th>{t('setsSent')}</th>
                  <th>{t('itemsSent')}</th>
                  <th>{t('itemsOut')}</th>
                  <th>{t('itemsReturned')}</th>
                  <th>{t('itemsMissing')}</th>
                  <th>{t('itemsReplaced')}</th>
                  <th>{t('itemsPaid')}</th>
                  <th>{t('loansReported')}</th>
                </tr>
              </thead>
              <tbody>
                {f.deposits.map((d) => (
                  <tr key={d.programId}>
                    <td>{d.lenderCode}</td>
                    <td>{d.recipientName}</td>
                    <td>{d.setsSent}</td>
                    <td>{d.itemsSent}</td>
                    <td>{d.itemsOutNow}</td>
                    <td>{d.itemsReturned}</td>
                    <td>{d.itemsMissing}</td>
                    <td>{d.itemsReplaced}</td>
                    <td>{d.itemsPaid}</td>
                    <td>{d.loansReported}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      <CoopFiguresSection from={asked.from} to={asked.to} />
      <ExchangeFigures from={asked.from} to={asked.to} />
    </section>
  );
}
