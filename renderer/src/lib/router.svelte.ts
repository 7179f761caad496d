/**
 * Which screen is open, kept in the location hash (`#/review/b_123/45`) so a reload, the back
 * button and a link in a message all land on the same screen. Nothing else stores the screen.
 */

import { hrefFor, parseHash, type Route } from './routes.ts';

export { hrefFor, type Route };

const state = $state<{ route: Route }>({
  route: typeof location === 'undefined' ? { name: 'home' } : parseHash(location.hash),
});

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => {
    state.route = parseHash(location.hash);
  });
}

export const router = {
  get route(): Route {
    return state.route;
  },
};

/** Open a screen. `replace` keeps the back button from returning to a screen that redirected. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = hrefFor(route);
  if (options.replace) history.replaceState(null, '', hash);
  else if (location.hash !== hash) history.pushState(null, '', hash);
  state.route = parseHash(hash);
}
