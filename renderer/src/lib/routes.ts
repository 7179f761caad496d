/** The screens and their hashes (`#/review/b_123/45`): pure, so they can be tested without a page. */

export type Route =
  | { name: 'setup' }
  | { name: 'new' }
  | { name: 'run'; batchId: string }
  | { name: 'review'; batchId: string | null; submissionId: number | null }
  | { name: 'compare'; batchId: string | null }
  | { name: 'history'; batchId: string | null }
  /** Costs and failures; with a submission, its attempts. */
  | { name: 'costs'; submissionId: number | null }
  | { name: 'settings' }
  | { name: 'home' };

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
    case 'history':
      return { name: 'history', batchId: id(first) };
    case 'costs':
      return { name: 'costs', submissionId: first !== undefined && /^\d{1,15}$/.test(first) ? Number(first) : null };
    case 'settings':
      return { name: 'settings' };
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
    case 'history':
      return route.batchId ? `#/history/${encodeURIComponent(route.batchId)}` : '#/history';
    case 'costs':
      return route.submissionId !== null ? `#/costs/${route.submissionId}` : '#/costs';
    case 'home':
      return '#/';
    default:
      return `#/${route.name}`;
  }
}
