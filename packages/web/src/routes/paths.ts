/** The app's paths, in one place, for routes and links. */
export const PATHS = {
  home: '/',
  plan: '/plan',
} as const;
