import type { GradeDeskApi } from '../../../shared/ipc/contract.ts';
import { bridgeUrlFromLocation, createBrowserBridge } from './browser-bridge.ts';

declare global {
  interface Window {
    gradedesk?: GradeDeskApi;
  }
}

/** Electron's preload provides `window.gradedesk`; in browser mode we build the same API over a WebSocket. */
export function getApi(): GradeDeskApi {
  if (window.gradedesk) return window.gradedesk;
  const api = createBrowserBridge(new WebSocket(bridgeUrlFromLocation(window.location)));
  window.gradedesk = api;
  return api;
}
