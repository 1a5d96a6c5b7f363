import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api, type Page } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox, Field } from '../../ui.tsx';
import { AnnouncedVisits } from './AnnouncedVisits.tsx';
import type { AgreementSummary, CheckInAnswer, Visit, VisitingCard } from './types.ts';

export function CardsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [cards, setCards] = useState<Page<VisitingCard> | null>(null);
  const [agreements, setAgreements] = useState<AgreementSummary[]>([]);
  const [visits, setVisits] = useState<Visit[]>([]);
  const [form, setForm] = useState({ agreementId: '', memberNumber: '', validUntil: '' });
  const [announce, setAnnounce] = useState({ cardNumber: '', libraryCode: '', plannedOn: '', purpose: '' });
  const [error, setError] = useState<unknown>(null);
  const [issued, setIssued] = useState<VisitingCard | null>(null);

  const load = () => {
    api<Page<VisitingCard>>('GET', '/api/v1/visiting-cards?pageSize=100').then(setCards, setError);
    api<Page<Visit>>('GET', '/api/v1/visits?direction=made&pageSize=20').then(
      (r) => setVisits(r.items),
      () => {},
    );
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: load once for the signed-in library
  useEffect(() => {
    load();
    api<Page<AgreementSummary>>('GET', '/api/v1/agreements?program=visiting_cards&pageSize=100').then((r) => {
      const usable = r.items.filter(
        (a) =>
          (a.status === 'active' || a.status === 'expiring') &&
          a.parties.some((p) => p.libraryCode === me?.libraryCode),
      );
      setAgreements(usable);
      if (usable[0]) setForm((f) => ({ ...f, agreementId: f.agreementId || String(usable[0]?.id) }));
    }, setError);
  }, [me?.libraryCode]);

  async function issue(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      const card = await api<VisitingCard>('POST', '/api/v1/visiting-cards', {
        agreementId: Number(form.agreementId),
        memberNumber: form.memberNumber,
        ...(form.validUntil ? { validUntil: form.validUntil } : {}),
      });
      setIssued(card);
      setForm({ ...form, memberNumber: '', validUntil: '' });
      load();
    } catch (err) {
      setError(err);
    }
  }

  async function announceVisit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', '/api/v1/visits', { ...announce, purpose: announce.purpose || null });
      setAnnounce({ cardNumber: '', libraryCode: '', plannedOn: '', purpose: '' });
      load();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <section>
      <p>
        <Link to="/programs">‹ {t('programsTitle')}</Link>
      </p>
      <h1>{t('cards')}</h1>
      <ErrorBox error={error} />
      <form className="card stack" onSubmit={issue}>
        <h2>{t('issueCard')}</h2>
        <div className="grid2">
          <Field label={t('agreement')}>
            <select
              name="agreementId"
              value={form.agreementId}
              onChange={(e) => setForm({ ...form, agreementId: e.target.value })}
            >
              {agreements.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('memberNumber')}>
            <input
              name="memberNumber"
              value={form.memberNumber}
              onChange={(e) => setForm({ ...form, memberNumber: e.target.value })}
            />
          </Field>
          <Field label={t('validUntil')}>
            <input
              type="date"
              name="validUntil"
              value={form.validUntil}
              onChange={(e) => setForm({ ...form, validUntil: e.target.value })}
            />
          </Field>
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={!form.agreementId || !form.memberNumber}>
            {t('issueCard')}
          </button>
          {issued ? (
            <span role="status" className="notice">
              {issued.cardNumber} · {issued.holderName} ·{' '}
              <Link to={`/programs/cards/${issued.id}/print`}>{t('printCard')}</Link>
            </span>
          ) : null}
        </div>
      </form>
      <table className="list">
        <thead>
          <tr>
            <th>{t('cardNumber')}</th>
            <th>{t('holder')}</th>
            <th className="hide-narrow">{t('validAt')}</th>
            <th>{t('validity')}</th>
            <th>{t('status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {cards?.items.map((c) => (
            <tr key={c.id}>
              <td>
                <code>{c.cardNumber}</code>
              </td>
              <td>{c.holderName}</td>
              <td className="hide-narrow">{c.validLibraries.map((l) => l.name).join(', ')}</td>
              <td>
                {c.validFrom} – {c.validUntil}
              </td>
              <td>{t(`cstatus.${c.status}`)}</td>
              <td>
                <Link to={`/programs/cards/${c.id}/print`}>{t('print')}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form className="card stack" onSubmit={announceVisit}>
        <h2>{t('announceVisit')}</h2>
        <div className="grid2">
          <Field label={t('cardNumber')}>
            <input
              value={announce.cardNumber}
              onChange={(e) => setAnnounce({ ...announce, cardNumber: e.target.value })}
            />
          </Field>
          <Field label={t('library')}>
            <input
              placeholder="UINMY"
              value={announce.libraryCode}
              onChange={(e) => setAnnounce({ ...announce, libraryCode: e.target.value })}
            />
          </Field>
          <Field label={t('plannedOn')}>
            <input
              type="date"
              value={announce.plannedOn}
              onChange={(e) => setAnnounce({ ...announce, plannedOn: e.target.value })}
            />
          </Field>
          <Field label={t('visitPurpose')}>
            <input value={announce.purpose} onChange={(e) => setAnnounce({ ...announce, purpose: e.target.value })} />
          </Field>
        </div>
        <div className="actions">
          <button type="submit">{t('announceVisit')}</button>
        </div>
      </form>
      {visits.length ? (
        <>
          <h2>{t('visitsMade')}</h2>
          <ul className="plain">
            {visits.map((v) => (
              <li key={v.id}>
                {v.plannedOn ?? v.visitedOn} · {v.holderName} → {v.visitedLibrary.name} · {t(`vstatus.${v.status}`)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** ID-1 size (85.6 × 54 mm), printed one per page; the QR code carries only the card number. */
export function CardPrintPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const [card, setCard] = useState<(VisitingCard & { qrSvg: string }) | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<VisitingCard & { qrSvg: string }>('GET', `/api/v1/visiting-cards/${id}`).then(setCard, setError);
  }, [id]);
  if (!card) return error ? <ErrorBox error={error} /> : <p>{t('loading')}</p>;
  return (
    <section>
      <p className="no-print">
        <Link to="/programs/cards">‹ {t('cards')}</Link>{' '}
        <button type="button" className="primary" onClick={() => window.print()}>
          {t('print')}
        </button>
      </p>
      <div className="idcard" data-testid="idcard">
        <div className="idcard-head">{t('cardTitle')}</div>
        <div className="idcard-body">
          <div>
            <div className="idcard-name">{card.holderName}</div>
            <div>{card.memberNumber}</div>
            <div>{card.homeLibrary.name}</div>
            <div className="idcard-small">
              {t('validAt')}: {card.validLibraries.map((l) => l.name).join(', ')}
            </div>
            <div className="idcard-small">
              {card.validFrom} – {card.validUntil}
            </div>
          </div>
          {/* The SVG is generated by our server from the card number alone. */}
          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: server-made QR SVG of a validated card number */}
          <div className="idcard-qr" dangerouslySetInnerHTML={{ __html: card.qrSvg }} />
        </div>
        <div className="idcard-number">{card.cardNumber}</div>
      </div>
      <p className="muted small no-print">{card.agreementTitle}</p>
    </section>
  );
}

/** Works with a barcode/QR scanner acting as a keyboard: it types the number and presses Enter. */
export function DeskPage() {
  const { t, pick } = useI18n();
  const { me } = useSession();
  const input = useRef<HTMLInputElement>(null);
  const [value, setValue] = useState('');
  const [answer, setAnswer] = useState<CheckInAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  // The scanner types into whatever has focus: keep it on the input after every answer.
  // biome-ignore lint/correctness/useExhaustiveDependencies: refocus whenever a new answer or error shows
  useEffect(() => {
    input.current?.focus();
  }, [answer, error]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const number = value.trim();
    if (!number || busy) return;
    setBusy(true);
    setError(null);
    try {
      setAnswer(await api<CheckInAnswer>('POST', '/api/v1/visits/check-in', { cardNumber: number }));
    } catch (err) {
      setAnswer(null);
      setError(err);
    } finally {
      setBusy(false);
      setValue('');
      input.current?.focus();
    }
  }

  return (
    <section className="desk">
      <h1>
        {t('desk')} · {me?.libraryName}
      </h1>
      <p className="muted">{t('deskHint')}</p>
      <form onSubmit={submit} className="searchbar">
        <input
          ref={input}
          aria-label={t('deskInput')}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onBlur={() => setTimeout(() => input.current?.focus(), 0)}
        />
        <button type="submit" className="primary">
          {t('check')}
        </button>
      </form>
      <ErrorBox error={error} />
      {answer ? (
        <div className={`verdict ${answer.ok ? 'ok' : 'bad'}`} role="status" data-testid="verdict">
          <div className="verdict-word">{t(`outcome.${answer.outcome}`)}</div>
          <div className="verdict-message">{pick(answer.message)}</div>
          <div className="small">
            <code>{answer.cardNumber}</code>
            {answer.card
              ? ` · ${answer.card.holderName} · ${answer.card.homeLibraryName} · ${answer.card.validFrom} – ${answer.card.validUntil}`
              : ''}
          </div>
          {answer.ok ? (
            <>
              <h2>{t('mayUse')}</h2>
              <ul className="privileges">
                {answer.privileges.map((p) => (
                  <li key={p.key} className={p.allowed ? 'yes' : 'no'}>
                    {t(`priv.${p.key}.v`)}:{' '}
                    <span>
                      {p.allowed ? t('allowed') : t('notAllowed')}
                      {p.allowed && p.loanPeriodDays ? ` (${p.loanPeriodDays} ${t('days')})` : ''}
                    </span>
                  </li>
                ))}
              </ul>
              {answer.announced ? <p className="small">{t('announcedVisit')}</p> : null}
            </>
          ) : null}
        </div>
      ) : null}
      <AnnouncedVisits refreshKey={answer} />
    </section>
  );
}
