import { type FormEvent, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { Back, useLibraries } from './Acquisition.tsx';
import type { BoardItem, Route, RouteSummary, StopMonth } from './coop-types.ts';
import { type AgreementSummary, todayIso } from './types.ts';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const lines = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

export function MobileRoutesPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [routes, setRoutes] = useState<RouteSummary[] | null>(null);
  const [f, setF] = useState({ name: '', vehicle: '', staff: '' });
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: RouteSummary[] }>('GET', '/api/v1/mobile-routes').then((r) => setRoutes(r.items), setError);
  }, []);
  async function create(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<Route>('POST', '/api/v1/mobile-routes', {
        name: f.name,
        vehicle: f.vehicle || null,
        staff: f.staff
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean),
      });
      navigate(`/programs/mobile/${r.id}`);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <section>
      <Back />
      <h1>{t('mobile')}</h1>
      <ErrorBox error={error} />
      {routes && !routes.length ? <p className="muted">{t('none')}</p> : null}
      <ul className="cards">
        {routes?.map((r) => (
          <li key={r.id} className="card">
            <Link className="title" to={`/programs/mobile/${r.id}`}>
              {r.name}
            </Link>
            <div className="meta">
              {r.library.name} · {r.vehicle ?? ''} · {t('stops')}: {r.stops} · {t('onBoard')}: {r.onBoard} ·{' '}
              {t('openLoans')}: {r.openLoans}
            </div>
            {r.nextVisit ? (
              <div className="meta">
                {t('nextVisitLabel')}: {r.nextVisit.date} {r.nextVisit.startTime} · {r.nextVisit.stop}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
      <form className="card stack" onSubmit={create}>
        <h2>{t('newRoute')}</h2>
        <div className="grid2">
          <Field label={t('routeName')}>
            <input required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
          </Field>
          <Field label={t('vehicle')}>
            <input value={f.vehicle} onChange={(e) => setF({ ...f, vehicle: e.target.value })} />
          </Field>
          <Field label={t('staffNames')}>
            <input value={f.staff} onChange={(e) => setF({ ...f, staff: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {t('newRoute')}
          </button>
        </div>
      </form>
    </section>
  );
}

function AddStop({ route, onDone }: { route: Route; onDone(r: Route): void }) {
  const { t } = useI18n();
  const libs = useLibraries();
  const [agreements, setAgreements] = useState<AgreementSummary[]>([]);
  const empty = {
    name: '',
    kind: 'school',
    address: '',
    partner: '',
    agreementId: '',
    start: '08:00',
    end: '10:00',
    weekday: '0',
    every: '1',
    from: todayIso(),
  };
  const [f, setF] = useState(empty);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Page<AgreementSummary>>('GET', '/api/v1/agreements?program=mobile_library&pageSize=100').then(
      (r) => setAgreements(r.items.filter((a) => a.status === 'active' || a.status === 'expiring')),
      () => {},
    );
  }, []);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const r = await api<Route>('POST', `/api/v1/mobile-routes/${route.id}/stops`, {
        name: f.name,
        kind: f.kind,
        address: f.address || null,
        partnerLibraryCode: f.partner || null,
        agreementId: f.agreementId ? Number(f.agreementId) : null,
        startTime: f.start,
        endTime: f.end,
        schedule: { weekday: Number(f.weekday), everyWeeks: Number(f.every), startsOn: f.from },
      });
      setF(empty);
      onDone(r);
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card stack" onSubmit={submit}>
      <h2>{t('addStop')}</h2>
      <div className="grid2">
        <Field label={t('stopName')}>
          <input required value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
        </Field>
        <Field label={t('stopKind')}>
          <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
            {['school', 'village', 'public_space', 'library', 'other'].map((k) => (
              <option key={k} value={k}>
                {t(`skind.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('address')}>
          <input value={f.address} onChange={(e) => setF({ ...f, address: e.target.value })} />
        </Field>
        <Field label={t('partnerLib')}>
          <select value={f.partner} onChange={(e) => setF({ ...f, partner: e.target.value })}>
            <option value="" />
            {libs
              .filter((l) => l.code !== route.library.code)
              .map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
          </select>
        </Field>
        <Field label={t('agreementOpt')}>
          <select value={f.agreementId} onChange={(e) => setF({ ...f, agreementId: e.target.value })}>
            <option value="" />
            {agreements.map((a) => (
              <option key={a.id} value={a.id}>
                {a.title}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('startTime')}>
          <input type="time" value={f.start} onChange={(e) => setF({ ...f, start: e.target.value })} />
        </Field>
        <Field label={t('endTime')}>
          <input type="time" value={f.end} onChange={(e) => setF({ ...f, end: e.target.value })} />
        </Field>
        <Field label={t('weekday')}>
          <select value={f.weekday} onChange={(e) => setF({ ...f, weekday: e.target.value })}>
            {DAYS.map((d, i) => (
              <option key={d} value={i}>
                {t(`day.${d}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('everyWeeks')}>
          <input
            type="number"
            min={1}
            max={8}
            value={f.every}
            onChange={(e) => setF({ ...f, every: e.target.value })}
          />
        </Field>
        <Field label={t('startsFrom')}>
          <input type="date" value={f.from} onChange={(e) => setF({ ...f, from: e.target.value })} />
        </Field>
      </div>
      <ErrorBox error={error} />
      <div className="actions">
        <button type="submit" className="primary">
          {t('addStop')}
        </button>
      </div>
    </form>
  );
}

function StopChange({ stopId, onDone }: { stopId: number; onDone(r: Route): void }) {
  const { t } = useI18n();
  const [f, setF] = useState({ date: '', kind: 'cancel', note: '' });
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      className="filters"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          onDone(
            await api<Route>('POST', `/api/v1/mobile-stops/${stopId}/changes`, {
              date: f.date,
              kind: f.kind,
              note: f.note || null,
            }),
          );
          setF({ date: '', kind: 'cancel', note: '' });
        } catch (err) {
          setError(err);
        }
      }}
    >
      <Field label={t('changeDate')}>
        <input type="date" required value={f.date} onChange={(e) => setF({ ...f, date: e.target.value })} />
      </Field>
      <Field label={t('change')}>
        <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
          <option value="cancel">{t('chkind.cancel')}</option>
          <option value="extra">{t('chkind.extra')}</option>
        </select>
      </Field>
      <Field label={t('note')}>
        <input value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
      </Field>
      <button type="submit">{t('saveChange')}</button>
      <ErrorBox error={error} />
    </form>
  );
}

function RecordVisit({ route, onDone }: { route: Route; onDone(): void }) {
  const { t } = useI18n();
  const [f, setF] = useState({
    stop: String(route.stopList[0]?.id ?? ''),
    date: todayIso(),
    visitors: '0',
    loans: '',
    returns: '',
    note: '',
  });
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    try {
      const r = await api<{ loans: Array<{ dueOn: string }> }>('POST', `/api/v1/mobile-stops/${f.stop}/visits`, {
        date: f.date,
        visitors: Number(f.visitors),
        note: f.note || null,
        loans: lines(f.loans).map((l) => {
          const [barcode = '', ...name] = l.split(';');
          return { barcode: barcode.trim(), borrowerName: name.join(';').trim() };
        }),
        returns: lines(f.returns),
      });
      setDone(r.loans.length ? `${t('due')}: ${r.loans[0]?.dueOn}` : t('done'));
      setF({ ...f, visitors: '0', loans: '', returns: '', note: '' });
      onDone();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form className="card stack" onSubmit={submit}>
      <h2>{t('recordVisit')}</h2>
      <div className="grid2">
        <Field label={t('stop')}>
          <select value={f.stop} onChange={(e) => setF({ ...f, stop: e.target.value })}>
            {route.stopList.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('visitDate')}>
          <input type="date" value={f.date} onChange={(e) => setF({ ...f, date: e.target.value })} />
        </Field>
        <Field label={t('visitors')}>
          <input type="number" min={0} value={f.visitors} onChange={(e) => setF({ ...f, visitors: e.target.value })} />
        </Field>
        <Field label={t('note')}>
          <input value={f.note} onChange={(e) => setF({ ...f, note: e.target.value })} />
        </Field>
        <Field label={t('loansLines')}>
          <textarea rows={4} value={f.loans} onChange={(e) => setF({ ...f, loans: e.target.value })} />
        </Field>
        <Field label={t('returnsLines')}>
          <textarea rows={4} value={f.returns} onChange={(e) => setF({ ...f, returns: e.target.value })} />
        </Field>
      </div>
      <ErrorBox error={error} />
      {done ? (
        <p className="tag" data-testid="visit-done">
          {done}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary">
          {t('recordVisit')}
        </button>
      </div>
    </form>
  );
}

export function MobileRoutePage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [route, setRoute] = useState<Route | null>(null);
  const [board, setBoard] = useState<BoardItem[]>([]);
  const [results, setResults] = useState<StopMonth[]>([]);
  const [load, setLoad] = useState('');
  const [error, setError] = useState<unknown>(null);
  const reload = () => {
    api<Route>('GET', `/api/v1/mobile-routes/${id}`).then((r) => {
      setRoute(r);
      if (r.canManage)
        api<{ items: BoardItem[] }>('GET', `/api/v1/mobile-routes/${id}/collection`).then(
          (b) => setBoard(b.items),
          setError,
        );
    }, setError);
    api<{ items: StopMonth[] }>('GET', `/api/v1/mobile-routes/${id}/results`).then(
      (r) => setResults(r.items),
      () => {},
    );
  };
  useEffect(reload, [id]);
  if (!route) return <ErrorBox error={error} />;
  return (
    <section>
      <p>
        <Link to="/programs/mobile">‹ {t('mobile')}</Link>
      </p>
      <h1>{route.name}</h1>
      <div className="meta">
        {route.library.name} · {t('vehicle')}: {route.vehicle ?? '—'} · {route.staff.join(', ')}
      </div>
      <ErrorBox error={error} />
      <h2>{t('stops')}</h2>
      <ul className="cards">
        {route.stopList.map((s) => (
          <li key={s.id} className="card" data-testid={`stop-${s.position}`}>
            <div className="title">{s.name}</div>
            <div className="meta">
              {t(`skind.${s.kind}`)} · {s.startTime}–{s.endTime}
              {s.partner ? ` · ${s.partner.name}` : ''}
              {s.address ? ` · ${s.address}` : ''}
            </div>
            <div className="meta">
              {s.rules.map((r) => (
                <span key={r.id}>
                  {t(`day.${DAYS[r.weekday]}`)} /{r.everyWeeks} ({r.startsOn}
                  {r.endsOn ? `–${r.endsOn}` : ''}){' '}
                </span>
              ))}
            </div>
            <p>
              {t('upcoming')}:{' '}
              <span data-testid="upcoming">
                {s.upcoming
                  .slice(0, 6)
                  .map((o) => `${o.date}${o.extra ? ` (${t('extraVisit')})` : ''}`)
                  .join(', ')}
              </span>
            </p>
            {route.canManage ? <StopChange stopId={s.id} onDone={setRoute} /> : null}
          </li>
        ))}
      </ul>
      {route.canManage ? <AddStop route={route} onDone={setRoute} /> : null}
      {route.canManage ? (
        <>
          <h2>
            {t('onBoard')} ({board.length})
          </h2>
          <form
            className="stack"
            onSubmit={async (e) => {
              e.preventDefault();
              setError(null);
              try {
                const r = await api<{ items: BoardItem[] }>('POST', `/api/v1/mobile-routes/${id}/collection`, {
                  barcodes: lines(load),
                });
                setBoard(r.items);
                setLoad('');
                reload();
              } catch (err) {
                setError(err);
              }
            }}
          >
            <Field label={t('loadItems')}>
              <textarea rows={3} value={load} onChange={(e) => setLoad(e.target.value)} />
            </Field>
            <div className="actions">
              <button type="submit">{t('load')}</button>
            </div>
          </form>
          <table className="list">
            <tbody>
              {board.map((b) => (
                <tr key={b.itemId}>
                  <td>{b.barcode}</td>
                  <td>{b.title}</td>
                  <td>{b.status}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {route.stopList.length ? <RecordVisit route={route} onDone={reload} /> : null}
          <h2>{t('openLoans')}</h2>
          <table className="list" data-testid="loans">
            <thead>
              <tr>
                <th>{t('barcode')}</th>
                <th>{t('titleField')}</th>
                <th>{t('borrower')}</th>
                <th>{t('stop')}</th>
                <th>{t('due')}</th>
              </tr>
            </thead>
            <tbody>
              {route.loans
                .filter((l) => !l.returnedOn)
                .map((l) => (
                  <tr key={l.id}>
                    <td>{l.barcode}</td>
                    <td>{l.title}</td>
                    <td>{l.borrowerName}</td>
                    <td>{l.stopName}</td>
                    <td>
                      {l.dueOn} {l.overdue ? <span className="tag warn">{t('overdue')}</span> : null}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </>
      ) : null}
      <h2>{t('coopResults')}</h2>
      <table className="list" data-testid="results">
        <thead>
          <tr>
            <th>{t('month')}</th>
            <th>{t('stop')}</th>
            <th>{t('visitsLabel')}</th>
            <th>{t('visitors')}</th>
            <th>{t('loansLabel')}</th>
            <th>{t('returnsLabel')}</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={`${r.month}-${r.stopId}`}>
              <td>{r.month}</td>
              <td>{r.stopName}</td>
              <td>{r.visits}</td>
              <td>{r.visitors}</td>
              <td>{r.loans}</td>
              <td>{r.returns}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
