import { Suspense, lazy, useEffect, useState } from 'react';
import { z } from 'zod';
import { UserSchema } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { BrowserPublisherPage } from '../agent-page/BrowserPublisherPage';
import { AlertSound } from '../alerts/AlertSound';
import { AlertsPage } from '../alerts/AlertsPage';
import { BoardPage } from '../device-pages/BoardPage';
import { KioskPage } from '../device-pages/KioskPage';
import { PanelPage } from '../device-pages/PanelPage';
import { RatingPage } from '../device-pages/RatingPage';
import { LoginPage } from '../login/LoginPage';
import { PressurePage } from '../pressure/PressurePage';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { LiveWall } from '../wall/LiveWall';
import { Header } from './Header';
import { consoleRoute, navigate, usePath, type ConsoleRoute } from './router';
import { ServicesContext, consoleServices } from './services';

// The department panel carries the charting library: loaded when first opened, not with the wall or a kiosk.
const DepartmentsPage = lazy(() =>
  import('../departments/DepartmentsPage').then((m) => ({ default: m.DepartmentsPage })),
);

/** Pages that need no console login (they authenticate otherwise, or not at all). */
const PUBLIC_PAGES: readonly { prefix: string; Page: () => React.JSX.Element }[] = [
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
      return (
        <Suspense fallback={<Loading />}>
          <DepartmentsPage />
        </Suspense>
      );
    case '/pressure':
      return <PressurePage />;
  }
}

function ConsoleApp() {
  const [auth, setAuth] = useState<AuthState>('checking');
  const connectionStatus = useStore((s) => s.connectionStatus);
  const route = consoleRoute(usePath());

  useEffect(() => {
    apiRequest('GET', '/api/v1/auth/me', z.object({ user: UserSchema }))
      .then(({ user }) => {
        useStore.getState().setUser(user);
        setAuth('in');
      })
      .catch(() => setAuth('out'));
  }, []);

  useEffect(() => {
    if (connectionStatus === 'unauthenticated') setAuth('out');
  }, [connectionStatus]);

  // The focus view belongs to the wall: leaving the wall (a link, Back) closes it and its consumers.
  useEffect(() => {
    if (route !== '/') useStore.getState().focusCounter(null);
  }, [route]);

  useEffect(() => {
    if (auth !== 'in') return;
    const { link } = consoleServices();
    useStore.getState().setConnectionStatus('connecting');
    link.start();
    return () => link.stop();
  }, [auth]);

  if (auth === 'checking') return null;
  if (auth === 'out') {
    return (
      <LoginPage
        onLoggedIn={() => {
          navigate('/', true);
          window.location.reload();
        }}
      />
    );
  }
  return (
    <ServicesContext.Provider value={consoleServices()}>
      <div className="app">
        <Header onLoggedOut={() => window.location.assign('/')} />
        <main className="app-main" data-route={route}>
          <ConsolePage route={route} />
        </main>
        <AlertSound />
      </div>
    </ServicesContext.Provider>
  );
}
