import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes } from 'react-router-dom';
import { I18nProvider, useI18n } from './i18n.tsx';
import { NotificationBell, NotificationsList, patronInbox, staffInbox } from './notifications.tsx';
import { ImportsPage } from './pages/catalog/Imports.tsx';
import { CatalogRecordPage } from './pages/catalog/Record.tsx';
import { CatalogSearchPage } from './pages/catalog/Search.tsx';
import { SourcesPage } from './pages/catalog/Sources.tsx';
import { IllNewRequestPage } from './pages/ill/NewRequest.tsx';
import { PortalRequestsPage } from './pages/ill/Patron.tsx';
import { IllLabelPage, IllPickSlipPage } from './pages/ill/Print.tsx';
import { IllLendingPage, IllRequestPage } from './pages/ill/Request.tsx';
import { IllWorkspacePage } from './pages/ill/Workspace.tsx';
import { IllFiguresPage, IllMessagesPage, IllPeersPage, IllPolicyPage } from './pages/ill-admin/Admin.tsx';
import { LibrariesPage } from './pages/Libraries.tsx';
import { LibraryPage } from './pages/Library.tsx';
import { LoginPage } from './pages/Login.tsx';
import { PatronPage } from './pages/Patron.tsx';
import { PatronsPage } from './pages/Patrons.tsx';
import {
  PortalAccountPage,
  PortalLayout,
  PortalLoginPage,
  PortalNotificationsPage,
  PortalVisitsPage,
} from './pages/portal/Portal.tsx';
import { PatronSessionProvider, usePatron } from './pages/portal/session.tsx';
import { AgreementFormPage, AgreementPage, AgreementsPage } from './pages/programs/Agreements.tsx';
import { CardPrintPage, CardsPage, DeskPage } from './pages/programs/Cards.tsx';
import { CoopRoutes } from './pages/programs/CoopRoutes.tsx';
import { DepositPage, DepositSetPage, DepositsPage } from './pages/programs/Deposits.tsx';
import {
  ExchangeLedgerPage,
  ExchangeOfferPage,
  ExchangePage,
  ExchangeRequestPage,
} from './pages/programs/Exchange.tsx';
import { FiguresPage } from './pages/programs/Figures.tsx';
import { ProgramsPage } from './pages/programs/Programs.tsx';
import { RedistributionListPage, RedistributionPage } from './pages/programs/Redistribution.tsx';
import { SessionProvider, useSession } from './session.tsx';
import './styles.css';

function Layout() {
  const { t, lang, setLang } = useI18n();
  const { me, ready: staffReady, logout } = useSession();
  const { patron, ready: patronReady, logout: patronLogout } = usePatron();
  const ready = staffReady && patronReady;
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          <span className="dot" aria-hidden="true" /> {t('appName')}
          <small>{t('tagline')}</small>
        </Link>
        <nav className="main">
          <NavLink to="/catalog">{t('navCatalog')}</NavLink>
          <NavLink to="/libraries">{t('navLibraries')}</NavLink>
          {me ? <NavLink to="/patrons">{t('navPatrons')}</NavLink> : null}
          {me ? <NavLink to="/imports">{t('navImports')}</NavLink> : null}
          {me ? <NavLink to="/harvest-sources">{t('navSources')}</NavLink> : null}
          {me ? <NavLink to="/ill">{t('illNav')}</NavLink> : null}
          <NavLink to="/programs">{t('navPrograms')}</NavLink>
          <a href="/api/docs">{t('navApi')}</a>
        </nav>
        <div className="right">
          <fieldset className="lang" aria-label={t('language')}>
            <button type="button" aria-pressed={lang === 'id'} onClick={() => setLang('id')}>
              ID
            </button>
            <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
              EN
            </button>
          </fieldset>
          {me ? (
            <span className="who">
              <NotificationBell inbox={staffInbox} />
              <span title={me.libraryName ?? ''}>
                {me.fullName} · {t(`role.${me.role}`)}
              </span>
              <button type="button" onClick={() => logout()}>
                {t('logout')}
              </button>
            </span>
          ) : patron ? (
            <span className="who">
              <NotificationBell inbox={patronInbox} />
              <NavLink to="/portal">{t('myAccount')}</NavLink>
              <button type="button" onClick={() => patronLogout()}>
                {t('logout')}
              </button>
            </span>
          ) : ready ? (
            <span className="who">
              <NavLink to="/portal/login">{t('portal')}</NavLink>
              <NavLink to="/login">{t('login')}</NavLink>
            </span>
          ) : null}
        </div>
      </header>
      <main>
        {!ready ? (
          <p>{t('loading')}</p>
        ) : (
          <Routes>
            <Route path="/" element={<Home />} />
            <Route path="/login" element={<LoginPage />} />
            <Route path="/catalog" element={<CatalogSearchPage />} />
            <Route path="/catalog/:id" element={<CatalogRecordPage />} />
            <Route path="/libraries" element={<LibrariesPage />} />
            <Route path="/libraries/:code" element={<LibraryPage />} />
            <Route path="/patrons" element={me ? <PatronsPage /> : <Navigate to="/login" replace />} />
            <Route path="/patrons/:id" element={me ? <PatronPage /> : <Navigate to="/login" replace />} />
            <Route path="/imports" element={me ? <ImportsPage /> : <Navigate to="/login" replace />} />
            <Route path="/harvest-sources" element={me ? <SourcesPage /> : <Navigate to="/login" replace />} />
            <Route path="/programs" element={<ProgramsPage />} />
            <Route path="/programs/agreements" element={<AgreementsPage />} />
            <Route
              path="/programs/agreements/new"
              element={me ? <AgreementFormPage /> : <Navigate to="/login" replace />}
            />
            <Route path="/programs/agreements/:id" element={<AgreementPage />} />
            <Route
              path="/programs/agreements/:id/edit"
              element={me ? <AgreementFormPage /> : <Navigate to="/login" replace />}
            />
            <Route path="/programs/cards" element={me ? <CardsPage /> : <Navigate to="/login" replace />} />
            <Route
              path="/programs/cards/:id/print"
              element={me ? <CardPrintPage /> : <Navigate to="/login" replace />}
            />
            <Route path="/programs/desk" element={me ? <DeskPage /> : <Navigate to="/login" replace />} />
            <Route path="/programs/deposits" element={me ? <DepositsPage /> : <Navigate to="/login" replace />} />
            <Route path="/programs/deposits/:id" element={me ? <DepositPage /> : <Navigate to="/login" replace />} />
            <Route
              path="/programs/deposit-sets/:id"
              element={me ? <DepositSetPage /> : <Navigate to="/login" replace />}
            />
            <Route path="/programs/figures" element={me ? <FiguresPage /> : <Navigate to="/login" replace />} />
            {CoopRoutes(Boolean(me))}
            {[
              ['/ill', <IllWorkspacePage key="io" side="outgoing" />],
              ['/ill/incoming', <IllWorkspacePage key="ii" side="incoming" />],
              ['/ill/new', <IllNewRequestPage key="in" />],
              ['/ill/requests/:id', <IllRequestPage key="ir" />],
              ['/ill/requests/:id/return-label', <IllLabelPage key="irl" direction="return" />],
              ['/ill/lending/:id', <IllLendingPage key="il" />],
              ['/ill/lending/:id/pick-slip', <IllPickSlipPage key="ips" />],
              ['/ill/lending/:id/shipping-label', <IllLabelPage key="isl" direction="outbound" />],
              ['/ill/settings', <IllPolicyPage key="iap" />],
              ['/ill/settings/peers', <IllPeersPage key="iapr" />],
              ['/ill/settings/messages', <IllMessagesPage key="iam" />],
              ['/ill/figures', <IllFiguresPage key="iaf" />],
            ].map(([p, el]) => (
              <Route key={p as string} path={p as string} element={me ? el : <Navigate to="/login" replace />} />
            ))}
            <Route
              path="/notifications"
              element={me ? <NotificationsList inbox={staffInbox} /> : <Navigate to="/login" replace />}
            />
            <Route path="/portal/login" element={<PortalLoginPage />} />
            <Route path="/portal" element={<PortalLayout />}>
              <Route index element={<PortalAccountPage />} />
              <Route path="visits" element={<PortalVisitsPage />} />
              <Route path="requests" element={<PortalRequestsPage />} />
              <Route path="notifications" element={<PortalNotificationsPage />} />
            </Route>
            {[
              ['/programs/exchange', <ExchangePage key="x" />],
              ['/programs/exchange/offers/:id', <ExchangeOfferPage key="xo" />],
              ['/programs/exchange/requests/:id', <ExchangeRequestPage key="xr" />],
              ['/programs/exchange/ledger', <ExchangeLedgerPage key="xl" />],
              ['/programs/redistribution', <RedistributionPage key="r" />],
              ['/programs/redistribution/:id', <RedistributionListPage key="rl" />],
            ].map(([p, el]) => (
              <Route key={p as string} path={p as string} element={me ? el : <Navigate to="/login" replace />} />
            ))}
            <Route path="*" element={<p>{t('notFound')}</p>} />
          </Routes>
        )}
      </main>
    </>
  );
}

function Home() {
  const { t } = useI18n();
  const { me } = useSession();
  return (
    <section className="card">
      <h1>
        {t('welcome')}
        {me?.fullName ? `, ${me.fullName}` : ''}
      </h1>
      <p>{t('homeIntro')}</p>
      <p className="actions">
        <Link to="/catalog" className="button primary">
          {t('navCatalog')}
        </Link>
        <Link to="/libraries" className="button">
          {t('navLibraries')}
        </Link>
        {me ? (
          <Link to="/patrons" className="button">
            {t('navPatrons')}
          </Link>
        ) : (
          <Link to="/login" className="button">
            {t('login')}
          </Link>
        )}
      </p>
    </section>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('no #root');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <PatronSessionProvider>
          <BrowserRouter>
            <Layout />
          </BrowserRouter>
        </PatronSessionProvider>
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
