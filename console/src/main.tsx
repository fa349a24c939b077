import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/queryClient';
import { App } from './app/App';
import { consoleServices } from './app/services';
import { useStore } from './store/store';
import './styles.css';
// After the base styles: the header's and the narrow screens' rules override them.
import './app/header.css';
import './responsive.css';

document.documentElement.lang = useStore.getState().lang;

// Diagnostics for operators and the end-to-end tests: receive statistics per consumer.
Object.assign(window, {
  counterwatch: {
    mediaStats: () => consoleServices().media.stats(),
    state: () => useStore.getState(),
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={createQueryClient()}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
