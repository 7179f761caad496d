/**
 * Routes and events of the backups area.
 */
export const backupsRoutes = {} as const;

export const backupsEvents = {} as const;
