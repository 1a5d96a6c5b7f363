import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useNavigate } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { NotificationsList, patronInbox } from '../../notifications.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { usePatron } from './session.tsx';
import type { Eligibility, MyCard, Visit } from './types.ts';

/**
 * The patron portal. Each section is one entry here and one nested route under
 * /portal in main.tsx (e.g. a later "my ILL requests": { to: 'requests', label: 'myRequests' }).
 */
export const portalSections: Array<{ to: string; label: string; end?: boolean }> = [
  { to: '/portal', label: 'myAccount', end: true },
  { to: '/portal/visits', label: 'myVisits' },
  { to: '/portal/requests', label: 'illMyRequests' },
  { to: '/portal/notifications', label: 'notifications' },
];

export function PortalLayout() {
  const { t } = useI18n();
  const { patron, ready } = usePatron();
  if (!ready) return <p>{t('loading')}</p>;
  if (!patron) return <Navigate to="/portal/login" replace />;
  return (
    <div className="portal">
      <nav className="tabs" aria-label={t('portal')}>
        {portalSections.map((s) => (
          <NavLink key={s.to} to={s.to} end={s.end ?? false}>
            {t(s.label)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}

interface LibraryOption {
  id: number;
  code: string;
  name: string;
}

function useLibraries(): LibraryOption[] {
  const [libs, setLibs] = useState<LibraryOption[]>([]);
  useEffect(() => {
    api<{ items: LibraryOption[] }>('GET', '/api/v1/libraries?pageSize=200')
      .then((r) => setLibs(r.items))
      .catch(() => setLibs([]));
  }, []);
  return libs;
}

export function PortalLoginPage() {
  const { t } = useI18n();
  const { login, activate, patron } = usePatron();
  const navigate = useNavigate();
  const libraries = useLibraries();
  const [library, setLibrary] = useState('');
  const [memberNumber, setMemberNumber] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [mode, setMode] = useState<'login' | 'activate'>('login');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (patron) return <Navigate to="/portal" replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'login') await login(library, memberNumber, password);
      else await activate(library, memberNumber, code, password);
      navigate('/portal');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card narrow">
      <h1>{mode === 'login' ? t('portalSignInTitle') : t('activationTitle')}</h1>
      <p className="muted">{mode === 'login' ? t('portalSignInIntro') : t('activationIntro')}</p>
      <form onSubmit={submit} className="stack">
        <Field label={t('portalLibrary')}>
          <select name="library" value={library} onChange={(e) => setLibrary(e.target.value)} required>
            <option value="">{t('chooseLibrary')}</option>
            {libraries.map((l) => (
              <option key={l.id} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('memberNumber')}>
          <input
            name="memberNumber"
            autoComplete="username"
            value={memberNumber}
            onChange={(e) => setMemberNumber(e.target.value)}
            required
          />
        </Field>
        {mode === 'activate' ? (
          <Field label={t('activationCode')}>
            <input
              name="code"
              autoComplete="one-time-code"
              autoCapitalize="characters"
              value={code}
              onChange={(e) => setCode(e.target.value)}
              required
            />
          </Field>
        ) : null}
        <Field label={mode === 'login' ? t('password') : t('newPassword')}>
          <input
            name="password"
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('signingIn') : mode === 'login' ? t('login') : t('portalActivate')}
        </button>
      </form>
      <p className="actions">
        <button
          type="button"
          className="plain"
          onClick={() => {
            setMode(mode === 'login' ? 'activate' : 'login');
            setError(null);
          }}
        >
          {mode === 'login' ? t('activationTitle') : t('portalSignInTitle')}
        </button>
        <Link to="/login">{t('staffSignIn')}</Link>
      </p>
    </section>
  );
}

function Privileges({ list }: { list: MyCard['places'][number]['privileges'] }) {
  const { t } = useI18n();
  return (
    <ul className="privileges">
      {list.map((p) => (
        <li key={p.key} className={p.allowed ? 'yes' : 'no'}>
          {t(`priv.${p.key}.v`)}:{' '}
          <span>
            {p.allowed ? t('allowed') : t('notAllowed')}
            {p.allowed && p.loanPeriodDays ? ` (${p.loanPeriodDays} ${t('days')})` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function useMyCards() {
  const [cards, setCards] = useState<MyCard[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<{ items: MyCard[] }>('GET', '/api/v1/me/visiting-cards')
      .then((r) => setCards(r.items))
      .catch(setError);
  }, []);
  return { cards, error };
}

export function PortalAccountPage() {
  const { t, pick } = useI18n();
  const { patron, refresh } = usePatron();
  const libraries = useLibraries();
  const { cards, error: cardsError } = useMyCards();
  const [atLibrary, setAtLibrary] = useState('');
  const [elig, setElig] = useState<Eligibility | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [pw, setPw] = useState({ currentPassword: '', newPassword: '' });
  const [pwDone, setPwDone] = useState(false);

  useEffect(() => {
    api<Eligibility>('GET', `/api/v1/me/eligibility${atLibrary ? `?library=${encodeURIComponent(atLibrary)}` : ''}`)
      .then(setElig)
      .catch(setError);
  }, [atLibrary]);

  async function changePassword(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setPwDone(false);
    try {
      await api('POST', '/api/v1/me/password', pw);
      setPw({ currentPassword: '', newPassword: '' });
      setPwDone(true);
    } catch (err) {
      setError(err);
    }
  }

  async function setNoticeLanguage(language: 'id' | 'en') {
    try {
      await api('PATCH', '/api/v1/me', { language });
      await refresh();
    } catch (err) {
      setError(err);
    }
  }

  if (!patron) return null;
  return (
    <>
      <section className="card stack">
        <h1>
          {t('myAccount')} · {patron.fullName}
        </h1>
        <dl className="grid2">
          <dt>{t('portalLibrary')}</dt>
          <dd>{patron.libraryName}</dd>
          <dt>{t('memberNumber')}</dt>
          <dd>{patron.memberNumber}</dd>
          <dt>{t('nik')}</dt>
          <dd>{patron.nikMasked ?? '—'}</dd>
          <dt>{t('category')}</dt>
          <dd>{t(`category.${patron.category}`)}</dd>
          <dt>{t('membershipUntil')}</dt>
          <dd>{patron.membershipExpiresOn ?? '—'}</dd>
          <dt>{t('noticeLanguage')}</dt>
          <dd>
            <select
              aria-label={t('noticeLanguage')}
              value={patron.language}
              onChange={(e) => setNoticeLanguage(e.target.value as 'id' | 'en')}
            >
              <option value="id">Bahasa Indonesia</option>
              <option value="en">English</option>
            </select>
          </dd>
        </dl>
        <ErrorBox error={error} />
      </section>

      <section className="card stack">
        <h2>{t('myEligibility')}</h2>
        <Field label={t('atLibrary')}>
          <select value={atLibrary} onChange={(e) => setAtLibrary(e.target.value)}>
            <option value="">{patron.libraryName}</option>
            {libraries
              .filter((l) => l.code !== patron.libraryCode)
              .map((l) => (
                <option key={l.id} value={l.code}>
                  {l.name}
                </option>
              ))}
          </select>
        </Field>
        {elig ? (
          <>
            <p data-testid="eligibility-summary">{pick(elig.summary)}</p>
            <ul className="privileges">
              {Object.entries(elig.privileges).map(([k, v]) => (
                <li key={k} className={v ? 'yes' : 'no'}>
                  {t(`priv.${k}`)}: <span>{v ? t('allowed') : t('notAllowed')}</span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </section>

      <section className="card stack">
        <h2>{t('myCards')}</h2>
        <ErrorBox error={cardsError} />
        {cards && cards.length === 0 ? <p className="muted">{t('noCards')}</p> : null}
        {cards?.map((c) => (
          <article key={c.id} className="mycard" data-testid="my-card">
            <div
              className="idcard-qr"
              // biome-ignore lint/security/noDangerouslySetInnerHtml: the SVG is generated by the server from the card number
              dangerouslySetInnerHTML={{ __html: c.qrSvg }}
            />
            <div>
              <div className="idcard-number">
                <code>{c.cardNumber}</code>
              </div>
              <div className="small">{c.agreementTitle}</div>
              <div className="small">
                {t('validPeriod')}: {c.validFrom} – {c.validUntil}
              </div>
              {c.usableToday ? (
                <p className="small">{t('showAtDesk')}</p>
              ) : (
                <p className="small bad">{t('notUsable')}</p>
              )}
              {c.places.map((p) => (
                <div key={p.library.id}>
                  <strong>
                    {t('portalValidAt')} {p.library.name}
                  </strong>
                  <Privileges list={p.privileges} />
                </div>
              ))}
            </div>
          </article>
        ))}
        <p>
          <Link to="/portal/visits" className="button primary">
            {t('announceMyVisit')}
          </Link>
        </p>
      </section>

      <section className="card stack narrow">
        <h2>{t('changePassword')}</h2>
        <form onSubmit={changePassword} className="stack">
          <Field label={t('currentPassword')}>
            <input
              type="password"
              autoComplete="current-password"
              value={pw.currentPassword}
              onChange={(e) => setPw({ ...pw, currentPassword: e.target.value })}
              required
            />
          </Field>
          <Field label={t('newPassword')}>
            <input
              type="password"
              autoComplete="new-password"
              value={pw.newPassword}
              onChange={(e) => setPw({ ...pw, newPassword: e.target.value })}
              required
            />
          </Field>
          <button type="submit">{t('changePassword')}</button>
          {pwDone ? <p role="status">{t('passwordChanged')}</p> : null}
        </form>
      </section>
    </>
  );
}

export function PortalVisitsPage() {
  const { t } = useI18n();
  const { cards } = useMyCards();
  const [visits, setVisits] = useState<Visit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ place: '', plannedOn: new Date().toISOString().slice(0, 10), purpose: '' });
  const [done, setDone] = useState<Visit | null>(null);

  const load = useCallback(() => {
    api<{ items: Visit[] }>('GET', '/api/v1/me/visits')
      .then((r) => setVisits(r.items))
      .catch(setError);
  }, []);
  useEffect(load, [load]);

  // One choice per (card, library) the card is valid at.
  const usable = (cards ?? []).filter((c) => c.status === 'active');
  const options = usable.flatMap((c) =>
    c.places.map((p) => ({ key: `${c.cardNumber}|${p.library.code}`, card: c, place: p })),
  );
  const chosen = options.find((o) => o.key === form.place) ?? null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(null);
    if (!chosen) return;
    try {
      const v = await api<Visit>('POST', '/api/v1/me/visits', {
        cardNumber: chosen.card.cardNumber,
        libraryCode: chosen.place.library.code,
        plannedOn: form.plannedOn,
        ...(form.purpose ? { purpose: form.purpose } : {}),
      });
      setDone(v);
      load();
    } catch (err) {
      setError(err);
    }
  }

  async function cancel(v: Visit) {
    setError(null);
    try {
      await api('POST', `/api/v1/me/visits/${v.id}/cancel`);
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <>
      <section className="card stack">
        <h1>{t('announceMyVisit')}</h1>
        <p className="muted">{t('announceHint')}</p>
        {cards && options.length === 0 ? <p className="muted">{t('noCards')}</p> : null}
        {options.length ? (
          <form onSubmit={submit} className="stack">
            <Field label={t('visitLibrary')}>
              <select
                name="library"
                value={form.place}
                onChange={(e) => setForm({ ...form, place: e.target.value })}
                required
              >
                <option value="">{t('chooseLibrary')}</option>
                {options.map((o) => (
                  <option key={o.key} value={o.key}>
                    {o.place.library.name} ({o.card.cardNumber})
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('portalVisitDate')}>
              <input
                type="date"
                name="plannedOn"
                value={form.plannedOn}
                min={new Date().toISOString().slice(0, 10)}
                max={chosen?.card.validUntil}
                onChange={(e) => setForm({ ...form, plannedOn: e.target.value })}
                required
              />
            </Field>
            <Field label={t('visitPurpose')}>
              <input
                name="purpose"
                value={form.purpose}
                onChange={(e) => setForm({ ...form, purpose: e.target.value })}
              />
            </Field>
            {chosen ? (
              <div>
                <strong>{t('youMayUse')}</strong>
                <Privileges list={chosen.place.privileges} />
              </div>
            ) : null}
            <button type="submit" className="primary">
              {t('announce')}
            </button>
          </form>
        ) : null}
        {done ? (
          <p role="status" className="notice">
            {t('announced')}: {done.visitedLibrary.name}, {done.plannedOn}
          </p>
        ) : null}
        <ErrorBox error={error} />
      </section>
      <section className="card stack">
        <h2>{t('myVisits')}</h2>
        {visits && visits.length === 0 ? <p className="muted">{t('noVisits')}</p> : null}
        <ul className="list">
          {visits?.map((v) => (
            <li key={v.id} data-testid="my-visit">
              <strong>{v.visitedLibrary.name}</strong> · {v.plannedOn ?? v.visitedOn} · {t(`vstatus.${v.status}`)}
              {v.purpose ? ` · ${v.purpose}` : ''}{' '}
              {v.status === 'announced' ? (
                <button type="button" className="small" onClick={() => cancel(v)}>
                  {t('cancelVisit')}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export function PortalNotificationsPage() {
  return <NotificationsList inbox={patronInbox} />;
}
