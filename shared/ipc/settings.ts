/**
 * Routes and events of the settings area.
 */
export const settingsRoutes = {} as const;

export const settingsEvents = {} as const;
