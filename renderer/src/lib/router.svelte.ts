/**
 * Which screen is open, kept in the location hash (`#/review/b_123/45`) so a reload, the back
 * button and a link in a message all land on the same screen. Nothing else stores the screen.
 */

export type Route =
  | { name: 'setup' }
  | { name: 'new' }
  | { name: 'run'; batchId: string }
  | { name: 'review'; batchId: string | null; submissionId: number | null }
  | { name: 'compare'; batchId: string | null }
  | { name: 'home' };

export type RouteName = Route['name'];

const ID = /^[A-Za-z0-9_-]{1,200}$/;

/** The route a hash names; anything unknown is home. */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [name, first, second] = parts;
  const id = (value: string | undefined): string | null => (value !== undefined && ID.test(value) ? value : null);
  switch (name) {
    case 'setup':
      return { name: 'setup' };
    case 'new':
      return { name: 'new' };
    case 'run': {
      const batchId = id(first);
      return batchId ? { name: 'run', batchId } : { name: 'home' };
    }
    case 'review': {
      const submission = second !== undefined && /^\d{1,15}$/.test(second) ? Number(second) : null;
      return { name: 'review', batchId: id(first), submissionId: submission };
    }
    case 'compare':
      return { name: 'compare', batchId: id(first) };
    default:
      return { name: 'home' };
  }
}

/** The hash for a route: what links put in `href`. */
export function hrefFor(route: Route): string {
  switch (route.name) {
    case 'run':
      return `#/run/${encodeURIComponent(route.batchId)}`;
    case 'review': {
      if (!route.batchId) return '#/review';
      const tail = route.submissionId !== null ? `/${route.submissionId}` : '';
      return `#/review/${encodeURIComponent(route.batchId)}${tail}`;
    }
    case 'compare':
      return route.batchId ? `#/compare/${encodeURIComponent(route.batchId)}` : '#/compare';
    case 'home':
      return '#/';
    default:
      return `#/${route.name}`;
  }
}

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
