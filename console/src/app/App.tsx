import { useQueryClient } from '@tanstack/react-query';
import { Suspense, lazy, useEffect, useState } from 'react';
import { type ConsolePage, SessionStateSchema } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { BrowserPublisherPage } from '../agent-page/BrowserPublisherPage';
import { AlertSound } from '../alerts/AlertSound';
import { AlertsPage } from '../alerts/AlertsPage';
import { BoardPage } from '../device-pages/BoardPage';
import { KioskPage } from '../device-pages/KioskPage';
import { PanelPage } from '../device-pages/PanelPage';
import { RatingPage } from '../device-pages/RatingPage';
import { InspectionBanner } from '../inspections/InspectionBanner';
import { useInspectionGuards } from '../inspections/useInspectionGuards';
import { LoginPage } from '../login/LoginPage';
import { PressurePage } from '../pressure/PressurePage';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { LiveWall } from '../wall/LiveWall';
import { useFocusInUrl } from '../wall/focusUrl';
import { Header } from './Header';
import { consoleRoute, navigate, usePath, type ConsoleRoute } from './router';
import { ServicesContext, consoleServices } from './services';
import { can, canUseRoute, landingPath } from './roles';

// The department panel carries the charting library: loaded when first opened, not with the wall or a kiosk.
const DepartmentsPage = lazy(() =>
  import('../departments/DepartmentsPage').then((m) => ({ default: m.DepartmentsPage })),
);
// Supervision pages are used by few roles and rarely: each is its own chunk.
const InspectionsPage = lazy(() =>
  import('../inspections/InspectionsPage').then((m) => ({ default: m.InspectionsPage })),
);
const ReviewsPage = lazy(() => import('../reviews/ReviewsPage').then((m) => ({ default: m.ReviewsPage })));
const AuditPage = lazy(() => import('../audit/AuditPage').then((m) => ({ default: m.AuditPage })));
const ReportsPage = lazy(() => import('../reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));
const StaffingPage = lazy(() =>
  import('../staffing/StaffingPage').then((m) => ({ default: m.StaffingPage })),
);
const AdminPage = lazy(() => import('../admin/AdminPage').then((m) => ({ default: m.AdminPage })));

/** Pages that need no console login (they authenticate otherwise, or not at all). */
const PUBLIC_PAGES: readonly { prefix: ConsolePage; Page: () => React.JSX.Element }[] = [
  { prefix: '/agent', Page: BrowserPublisherPage },
  { prefix: '/kiosk', Page: KioskPage },
  { prefix: '/panel', Page: PanelPage },
  { prefix: '/rating', Page: RatingPage },
  { prefix: '/board', Page: BoardPage },
];

function publicPage(path: string): (() => React.JSX.Element) | null {
  const match = PUBLIC_PAGES.find((p) => path === p.prefix || path.startsWith(`${p.prefix}/`));
  return match?.Page ?? null;
}

export function App() {
  const path = usePath();
  const Page = publicPage(path);
  if (Page) return <Page />;
  return <ConsoleApp />;
}

type AuthState = 'checking' | 'in' | 'out';

function Loading() {
  const t = useT();
  return <p className="muted">{t('common.loading')}</p>;
}

function ConsolePage({ route }: { route: ConsoleRoute }) {
  switch (route) {
    case '/':
      return <LiveWall />;
    case '/alerts':
      return <AlertsPage />;
    case '/departments':
      return <DepartmentsPage />;
    case '/pressure':
      return <PressurePage />;
    case '/inspections':
      return <InspectionsPage />;
    case '/reviews':
      return <ReviewsPage />;
    case '/reports':
      return <ReportsPage />;
    case '/staffing':
      return <StaffingPage />;
    case '/audit':
      return <AuditPage />;
    case '/admin':
      return <AdminPage />;
  }
}

function ConsoleApp() {
  const t = useT();
  const [auth, setAuth] = useState<AuthState>('checking');
  const connectionStatus = useStore((s) => s.connectionStatus);
  const user = useStore((s) => s.user);
  const watchesLive = can(user, 'watchLive');
  const route = consoleRoute(usePath());
  const allowed = canUseRoute(user, route);
  useInspectionGuards();

  // A page this role cannot use (a bookmark, `/` for an auditor): to the role's own landing page.
  useEffect(() => {
    if (auth !== 'in' || allowed) return;
    const landing = landingPath(user);
    if (landing !== null && landing !== route) navigate(landing, true, true);
  }, [auth, allowed, user, route]);

  useEffect(() => {
    apiRequest('GET', '/api/v1/auth/session', SessionStateSchema)
      .then(({ user }) => {
        if (!user) {
          setAuth('out');
          return;
        }
        useStore.getState().setUser(user);
        setAuth('in');
      })
      .catch(() => setAuth('out'));
  }, []);

  useEffect(() => {
    if (connectionStatus === 'unauthenticated') setAuth('out');
  }, [connectionStatus]);

  // Logged out (or the session ended): nothing cached for this user outlives it.
  const queries = useQueryClient();
  useEffect(() => {
    if (auth === 'out') queries.clear();
  }, [auth, queries]);

  // The focused counter is in the URL: Back closes the focus view, reload and links open it.
  // It belongs to the wall: leaving the wall (a link, Back) closes it and its consumers.
  useFocusInUrl();

  // The live socket is for roles that watch; the auditor's and admin's pages are plain REST.
  useEffect(() => {
    if (auth !== 'in' || !watchesLive) return;
    const { link } = consoleServices();
    useStore.getState().setConnectionStatus('connecting');
    link.start();
    return () => link.stop();
  }, [auth, watchesLive]);

  if (auth === 'checking') return null;
  if (auth === 'out') {
    return (
      <LoginPage
        onLoggedIn={() => {
          // A deep link (a review, a report) opened while logged out is still where the user goes.
          if (window.location.pathname.startsWith('/login')) navigate('/', true, true);
          window.location.reload();
        }}
      />
    );
  }
  return (
    <ServicesContext.Provider value={consoleServices()}>
      <div className="app">
        <Header onLoggedOut={() => window.location.assign('/')} />
        {watchesLive && <InspectionBanner />}
        <main className="app-main" data-route={route}>
          {allowed ? (
            <Suspense fallback={<Loading />}>
              <ConsolePage route={route} />
            </Suspense>
          ) : (
            landingPath(user) === null && <p className="empty">{t('app.noPages')}</p>
          )}
        </main>
        {watchesLive && <AlertSound />}
      </div>
    </ServicesContext.Provider>
  );
}
