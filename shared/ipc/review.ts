/**
 * Routes and events of the review area (filled in by that area's work).
 */
export const reviewRoutes = {} as const;

export const reviewEvents = {} as const;
