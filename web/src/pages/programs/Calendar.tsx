import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field, useFilterParams } from '../../ui.tsx';
import { Back, useLibraries } from './Acquisition.tsx';
import { rp } from './coop-text.ts';
import type { CalendarEntry, CoopFigures } from './coop-types.ts';
import { todayIso } from './types.ts';

/** Exchanges due, acquisition deadlines, mobile library visits, internships and training, per month and library. */
export function CalendarPage() {
  const { t, pick } = useI18n();
  const libs = useLibraries();
  const [params, set] = useFilterParams();
  const month = params.get('month') ?? todayIso().slice(0, 7);
  const library = params.get('library') ?? '';
  const [items, setItems] = useState<CalendarEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setError(null);
    const qs = new URLSearchParams({ month });
    if (library) qs.set('library', library);
    api<{ items: CalendarEntry[] }>('GET', `/api/v1/program-calendar?${qs}`).then((r) => setItems(r.items), setError);
  }, [month, library]);
  return (
    <section>
      <Back />
      <h1>{t('calendar')}</h1>
      <div className="filters">
        <Field label={t('month')}>
          <input type="month" value={month} onChange={(e) => set('month', e.target.value || null)} />
        </Field>
        <Field label={t('library')}>
          <select value={library} onChange={(e) => set('library', e.target.value || null)}>
            <option value="">{t('allLibraries')}</option>
            {libs.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorBox error={error} />
      {items && !items.length ? <p className="muted">{t('noEntries')}</p> : null}
      <table className="list" data-testid="calendar">
        <tbody>
          {items?.map((e) => (
            <tr key={`${e.link}-${e.date}-${e.time ?? ''}-${e.kind}`}>
              <td>
                {e.date}
                {e.endDate && e.endDate !== e.date ? ` – ${e.endDate}` : ''}
              </td>
              <td>{e.time ?? ''}</td>
              <td>
                <span className="tag">{t(`ckind.${e.kind}`)}</span>
              </td>
              <td>
                <Link to={e.link}>{pick(e.title)}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Table({ head, rows }: { head: string[]; rows: Array<Array<string | number>> }) {
  const { t } = useI18n();
  if (!rows.length) return <p className="muted">{t('none')}</p>;
  return (
    <div className="scroll">
      <table className="list">
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.join('|')}>
              {r.map((c, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed
                <td key={i}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The figures page's section for acquisition, mobile library, internships and training. */
export function CoopFiguresSection({ from, to }: { from: string; to: string }) {
  const { t } = useI18n();
  const [f, setF] = useState<CoopFigures | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<CoopFigures>('GET', `/api/v1/program-figures/cooperation?from=${from}&to=${to}`).then(setF, setError);
  }, [from, to]);
  if (!f) return <ErrorBox error={error} />;
  return (
    <div data-testid="coop-figures">
      <h2>{t('acquisition')}</h2>
      <Table
        head={[
          t('library'),
          t('proposals'),
          t('rupiahApproved'),
          t('copiesReceived'),
          t('duplicatesAvoided'),
          t('rupiahAvoided'),
        ]}
        rows={f.acquisition.map((a) => [
          a.libraryName,
          a.proposals,
          rp(a.rupiahApproved),
          a.copiesReceived,
          a.duplicatesAvoided,
          rp(a.rupiahAvoided),
        ])}
      />
      <h2>{t('mobile')}</h2>
      <Table
        head={[t('month'), t('route'), t('stop'), t('visitsLabel'), t('visitors'), t('loansLabel'), t('returnsLabel')]}
        rows={f.mobile.map((m) => [m.month, m.routeName, m.stopName, m.visits, m.visitors, m.loans, m.returns])}
      />
      <h2>{t('internships')}</h2>
      <Table
        head={[t('library'), t('internsHosted'), t('internsSent')]}
        rows={f.internships.map((i) => [i.libraryName, i.internsHosted, i.internsSent])}
      />
      <h2>{t('trainings')}</h2>
      <Table
        head={[t('library'), t('eventsOrganised'), t('staffTrained'), t('certificatesLabel')]}
        rows={f.training.map((x) => [x.libraryName, x.eventsOrganised, x.staffTrained, x.certificates])}
      />
    </div>
  );
}
