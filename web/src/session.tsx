import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { announceSignIn, api, type Me, onOtherSignIn, setCsrf } from './api.ts';
import { useI18n } from './i18n.tsx';

interface Session {
  me: Me | null;
  ready: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(false);
  const { setLang } = useI18n();

  useEffect(() => {
    api<Me>('GET', '/api/v1/auth/me')
      .then((m) => {
        setCsrf(m.csrfToken);
        setMe(m);
      })
      .catch(() => setMe(null))
      .finally(() => setReady(true));
  }, []);

  useEffect(() => onOtherSignIn('staff', () => setMe(null)), []);

  const login = useCallback(
    async (username: string, password: string) => {
      const m = await api<Me>('POST', '/api/v1/auth/login', { username, password });
      setCsrf(m.csrfToken);
      setMe(m);
      announceSignIn('staff');
      if (!localStorage.getItem('simpul.lang')) setLang(m.language);
    },
    [setLang],
  );

  const logout = useCallback(async () => {
    await api('POST', '/api/v1/auth/logout').catch(() => undefined);
    setCsrf(null);
    setMe(null);
  }, []);

  return <Ctx.Provider value={{ me, ready, login, logout }}>{children}</Ctx.Provider>;
}

export function useSession(): Session {
  const v = useContext(Ctx);
  if (!v) throw new Error('SessionProvider missing');
  return v;
}

/** Mirrors the server's rule, only to decide which buttons to show; the server still decides. */
export function canAdminister(me: Me | null, lib: { id: number; networkId: number }): boolean {
  if (!me) return false;
  if (me.role === 'network_coordinator') return me.networkId === lib.networkId;
  return me.role === 'library_admin' && me.libraryId === lib.id;
}

export function canActFor(me: Me | null, lib: { id: number; networkId: number }): boolean {
  if (!me) return false;
  if (me.role === 'network_coordinator') return me.networkId === lib.networkId;
  return me.libraryId === lib.id;
}
