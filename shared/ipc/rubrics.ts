/**
 * Routes and events of the rubrics area (filled in by that area's work).
 */
export const rubricsRoutes = {} as const;

export const rubricsEvents = {} as const;
