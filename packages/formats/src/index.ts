export {};
export * from './read_public.js';
