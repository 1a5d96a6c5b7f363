import { type FormEvent, useCallback, useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import { ErrorBox, Field } from '../../ui.tsx';

interface PortalAccess {
  hasPassword: boolean;
  passwordSetAt: string | null;
  passwordSetBy: 'staff' | 'patron' | null;
  activationPending: boolean;
  activationExpiresAt: string | null;
  lastLoginAt: string | null;
}

/** On the staff patron page: give the patron a password/PIN or an activation code, or take access away. */
export function PortalAccessPanel({ patronId }: { patronId: number }) {
  const { t, lang } = useI18n();
  const [access, setAccess] = useState<PortalAccess | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const base = `/api/v1/patrons/${patronId}/portal-access`;

  const load = useCallback(() => {
    api<PortalAccess>('GET', base).then(setAccess, setError);
  }, [base]);
  useEffect(load, [load]);

  const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'id-ID') : '—');

  async function run(f: () => Promise<void>) {
    setError(null);
    setSaved(false);
    try {
      await f();
    } catch (err) {
      setError(err);
    }
  }

  const setPw = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      setAccess(await api<PortalAccess>('POST', `${base}/password`, { password }));
      setPassword('');
      setCode(null);
      setSaved(true);
    });
  };

  return (
    <section className="card stack" data-testid="portal-access">
      <h2>{t('portalAccess')}</h2>
      {access ? (
        <ul className="plain">
          <li>
            {access.hasPassword
              ? t('portalHasPassword')
                  .replace('{by}', t(`setBy.${access.passwordSetBy ?? 'staff'}`))
                  .replace('{at}', when(access.passwordSetAt))
              : t('portalNoAccess')}
          </li>
          {access.activationPending ? (
            <li>{t('portalPending').replace('{at}', when(access.activationExpiresAt))}</li>
          ) : null}
          {access.lastLoginAt ? <li>{t('portalLastLogin').replace('{at}', when(access.lastLoginAt))}</li> : null}
        </ul>
      ) : null}
      <form onSubmit={setPw} className="stack">
        <Field label={t('setPassword')}>
          <input
            name="portalPassword"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <p className="small muted">{t('setPasswordHint')}</p>
        <div className="actions">
          <button type="submit">{t('setPassword')}</button>
          <button
            type="button"
            onClick={() =>
              run(async () => {
                const r = await api<PortalAccess & { code: string }>('POST', `${base}/activation`);
                setCode(r.code);
                setAccess(r);
              })
            }
          >
            {t('issueCode')}
          </button>
          {access?.hasPassword || access?.activationPending ? (
            <button
              type="button"
              onClick={() =>
                run(async () => {
                  setAccess(await api<PortalAccess>('DELETE', base));
                  setCode(null);
                })
              }
            >
              {t('revokeAccess')}
            </button>
          ) : null}
        </div>
      </form>
      {code ? (
        <p className="notice" role="status">
          {t('codeShownOnce')} <code data-testid="activation-code">{code}</code>
        </p>
      ) : null}
      {saved ? <p role="status">{t('portalSaved')}</p> : null}
      <ErrorBox error={error} />
    </section>
  );
}
