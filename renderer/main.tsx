/**
 * Renderer entry: picks the bridge (window.echo in Electron, WebSocket in browser mode), wires it
 * into the store (state/bridge.ts), renders the Studio and loads what the host has.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { getBridge } from './bridge/index';
import { connectBridge } from './state/bridge';
import { echoStore } from './state/store';
import { App } from './App';
import './styles.css';

const prefersLight = window.matchMedia?.('(prefers-color-scheme: light)').matches;
const savedTheme = localStorage.getItem('echo.theme');
echoStore.getState().ui.setTheme(savedTheme === 'light' || savedTheme === 'dark' ? savedTheme : prefersLight ? 'light' : 'dark');
// The canvas's focus settings are remembered like the theme (and let a benchmark pick them).
const savedThreshold = Number(localStorage.getItem('echo.focusThreshold'));
if (savedThreshold > 0) echoStore.getState().ui.setFocusThreshold(savedThreshold);
const savedHops = localStorage.getItem('echo.hops');
if (savedHops !== null && Number.isFinite(Number(savedHops))) echoStore.getState().ui.setHops(Number(savedHops));
echoStore.subscribe((s, p) => {
  if (s.ui.theme !== p.ui.theme) localStorage.setItem('echo.theme', s.ui.theme);
  if (s.ui.focusThreshold !== p.ui.focusThreshold) localStorage.setItem('echo.focusThreshold', String(s.ui.focusThreshold));
  if (s.ui.hops !== p.ui.hops) localStorage.setItem('echo.hops', String(s.ui.hops));
});

const controller = connectBridge(echoStore, getBridge());

const container = document.getElementById('root');
if (!container) throw new Error('renderer: #root element missing from index.html');
createRoot(container).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
void controller.init();
