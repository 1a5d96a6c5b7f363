import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { useSession } from '../../session.tsx';
import { ErrorBox } from '../../ui.tsx';
import type { Notice } from './types.ts';

/** The programs' front page: what needs attention, and the ways in. */
export function ProgramsPage() {
  const { t, pick } = useI18n();
  const { me } = useSession();
  const [notices, setNotices] = useState<Notice[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (me) api<{ items: Notice[] }>('GET', '/api/v1/program-notices').then((r) => setNotices(r.items), setError);
  }, [me]);
  return (
    <section>
      <h1>{t('programsTitle')}</h1>
      <p>{t('programsIntro')}</p>
      <p className="actions">
        <Link className="button primary" to="/programs/agreements">
          {t('agreements')}
        </Link>
        {me ? (
          <>
            <Link className="button" to="/programs/cards">
              {t('cards')}
            </Link>
            <Link className="button" to="/programs/desk">
              {t('desk')}
            </Link>
            <Link className="button" to="/programs/deposits">
              {t('deposits')}
            </Link>
            <Link className="button" to="/programs/acquisition">
              {t('acquisition')}
            </Link>
            <Link className="button" to="/programs/mobile">
              {t('mobile')}
            </Link>
            <Link className="button" to="/programs/internships">
              {t('internships')}
            </Link>
            <Link className="button" to="/programs/trainings">
              {t('trainings')}
            </Link>
            <Link className="button" to="/programs/calendar">
              {t('calendar')}
            </Link>
            <Link className="button" to="/programs/exchange">
              {t('exchange')}
            </Link>
            <Link className="button" to="/programs/redistribution">
              {t('redistribution')}
            </Link>
            <Link className="button" to="/programs/figures">
              {t('figures')}
            </Link>
          </>
        ) : null}
      </p>
      {me ? (
        <div className="card">
          <h2>{t('notices')}</h2>
          <ErrorBox error={error} />
          {notices && !notices.length ? <p className="muted">{t('noNotices')}</p> : null}
          <ul className="plain notices" data-testid="notices">
            {notices?.map((n) => (
              <li key={n.id}>
                <span className="tag warn">{n.daysBefore}</span>{' '}
                <Link to={`/programs/agreements/${n.agreementId}`}>{pick(n.message)}</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
