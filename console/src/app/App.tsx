import { useEffect, useState } from 'react';
import { z } from 'zod';
import { UserSchema } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { BrowserPublisherPage } from '../agent-page/BrowserPublisherPage';
import { LoginPage } from '../login/LoginPage';
import { useStore } from '../store/store';
import { LiveWall } from '../wall/LiveWall';
import { Header } from './Header';
import { navigate, usePath } from './router';
import { ServicesContext, consoleServices } from './services';

/** Pages that need no console login (they authenticate otherwise, or not at all). */
function PublicPage({ path }: { path: string }) {
  if (path.startsWith('/agent')) return <BrowserPublisherPage />;
  return null;
}

export function App() {
  const path = usePath();
  const publicPage = PublicPage({ path });
  if (publicPage) return publicPage;
  return <ConsoleApp />;
}

type AuthState = 'checking' | 'in' | 'out';

function ConsoleApp() {
  const [auth, setAuth] = useState<AuthState>('checking');
  const connectionStatus = useStore((s) => s.connectionStatus);

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
        <main className="app-main">
          <LiveWall />
        </main>
      </div>
    </ServicesContext.Provider>
  );
}
