import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api } from './api.ts';
import { useI18n } from './i18n.tsx';
import type { Notification } from './pages/portal/types.ts';
import { ErrorBox, Pager } from './ui.tsx';

/** Staff read /api/v1/notifications, patrons /api/v1/me/notifications; the page is /notifications or /portal/notifications. */
export interface Inbox {
  api: string;
  page: string;
}
export const staffInbox: Inbox = { api: '/api/v1/notifications', page: '/notifications' };
export const patronInbox: Inbox = { api: '/api/v1/me/notifications', page: '/portal/notifications' };

const listeners = new Set<() => void>();
/** Pages that mark notifications read tell the bell to count again. */
function changed() {
  for (const l of listeners) l();
}

/** The bell in the header with the unread count; counts again every minute and after changes. */
export function NotificationBell({ inbox }: { inbox: Inbox }) {
  const { t } = useI18n();
  const [unread, setUnread] = useState<number | null>(null);
  const load = useCallback(() => {
    api<{ unread: number }>('GET', `${inbox.api}/unread-count`)
      .then((r) => setUnread(r.unread))
      .catch(() => setUnread(null));
  }, [inbox.api]);
  useEffect(() => {
    load();
    listeners.add(load);
    const timer = setInterval(load, 60_000);
    return () => {
      listeners.delete(load);
      clearInterval(timer);
    };
  }, [load]);
  const label = `${t('notifications')}: ${t('unreadCount').replace('{n}', String(unread ?? 0))}`;
  return (
    <Link to={inbox.page} className="bell" aria-label={label} title={label} data-testid="bell">
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z"
        />
      </svg>
      {unread ? <span className="count">{unread > 99 ? '99+' : unread}</span> : null}
    </Link>
  );
}

interface ListReply {
  items: Notification[];
  total: number;
  page: number;
  pageSize: number;
  unread: number;
}

export function NotificationsList({ inbox }: { inbox: Inbox }) {
  const { t, pick, lang } = useI18n();
  const navigate = useNavigate();
  const [data, setData] = useState<ListReply | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [page, setPage] = useState(1);

  const load = useCallback(() => {
    api<ListReply>('GET', `${inbox.api}?page=${page}&pageSize=20${unreadOnly ? '&unread=true' : ''}`)
      .then(setData)
      .catch(setError);
  }, [inbox.api, page, unreadOnly]);
  useEffect(load, [load]);

  async function read(n: Notification, follow: boolean) {
    try {
      if (!n.readAt) await api('POST', `${inbox.api}/${n.id}/read`);
      changed();
      if (follow && n.link) navigate(n.link);
      else load();
    } catch (err) {
      setError(err);
    }
  }

  async function readAll() {
    try {
      await api('POST', `${inbox.api}/read-all`);
      changed();
      load();
    } catch (err) {
      setError(err);
    }
  }

  const when = (iso: string) => new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID');
  return (
    <section className="card stack">
      <h1>{t('notifications')}</h1>
      <div className="actions">
        <label className="check">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              setUnreadOnly(e.target.checked);
              setPage(1);
            }}
          />{' '}
          {t('unreadOnly')}
        </label>
        {data?.unread ? (
          <button type="button" onClick={readAll}>
            {t('markAllRead')} ({data.unread})
          </button>
        ) : null}
      </div>
      <ErrorBox error={error} />
      {data && data.items.length === 0 ? <p className="muted">{t('noNotifications')}</p> : null}
      <ul className="notifications">
        {data?.items.map((n) => (
          <li key={n.id} className={n.readAt ? 'read' : 'unread'} data-testid="notification">
            <div className="subject">{pick(n.subject)}</div>
            <div>{pick(n.body)}</div>
            <div className="small muted">
              {when(n.createdAt)}
              {n.email === 'sent' ? ` · ${t('emailSent')}` : ''}
            </div>
            <div className="actions">
              {n.link ? (
                <button type="button" className="small" onClick={() => read(n, true)}>
                  {t('open')}
                </button>
              ) : null}
              {!n.readAt ? (
                <button type="button" className="small" onClick={() => read(n, false)}>
                  {t('markRead')}
                </button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      {data && data.total > data.pageSize ? (
        <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
      ) : null}
    </section>
  );
}
