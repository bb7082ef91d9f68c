import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { start } from './connection.ts';
import { onKey } from './keyboard.ts';
import { pushError } from './store.ts';
import { startUrlSync, startViewportSync } from './sync.ts';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
startViewportSync();
startUrlSync();
window.addEventListener('keydown', onKey);
start().catch((e: unknown) => pushError(String(e)));
