import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { announceSignIn, api, onOtherSignIn, setCsrf } from '../../api.ts';
import { useI18n } from '../../i18n.tsx';
import type { PatronMe } from './types.ts';

/** The patron signed in to the portal (GET /api/v1/me), beside the staff session. */
interface PatronSession {
  patron: PatronMe | null;
  ready: boolean;
  login(library: string, memberNumber: string, password: string): Promise<void>;
  activate(library: string, memberNumber: string, code: string, password: string): Promise<void>;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const Ctx = createContext<PatronSession | null>(null);

export function PatronSessionProvider({ children }: { children: ReactNode }) {
  const [patron, setPatron] = useState<PatronMe | null>(null);
  const [ready, setReady] = useState(false);
  const { setLang } = useI18n();

  const refresh = useCallback(async () => {
    try {
      const m = await api<PatronMe>('GET', '/api/v1/me');
      setCsrf(m.csrfToken);
      setPatron(m);
    } catch {
      setPatron(null);
    }
  }, []);

  useEffect(() => {
    refresh().finally(() => setReady(true));
  }, [refresh]);

  useEffect(() => onOtherSignIn('patron', () => setPatron(null)), []);

  const signedIn = useCallback(
    (m: PatronMe) => {
      setCsrf(m.csrfToken);
      setPatron(m);
      announceSignIn('patron');
      if (!localStorage.getItem('simpul.lang')) setLang(m.language);
    },
    [setLang],
  );

  const login = useCallback(
    async (library: string, memberNumber: string, password: string) => {
      signedIn(await api<PatronMe>('POST', '/api/v1/auth/patron/login', { library, memberNumber, password }));
    },
    [signedIn],
  );

  const activate = useCallback(
    async (library: string, memberNumber: string, code: string, password: string) => {
      signedIn(await api<PatronMe>('POST', '/api/v1/auth/patron/activate', { library, memberNumber, code, password }));
    },
    [signedIn],
  );

  const logout = useCallback(async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => undefined);
    setCsrf(null);
    setPatron(null);
  }, []);

  return <Ctx.Provider value={{ patron, ready, login, activate, logout, refresh }}>{children}</Ctx.Provider>;
}

export function usePatron(): PatronSession {
  const v = useContext(Ctx);
  if (!v) throw new Error('PatronSessionProvider missing');
  return v;
}
