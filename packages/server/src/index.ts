export { createApp, type App, type AppOptions } from './app.js';
export { startServer, type Listening } from './serve.js';
export * from './auth/index.js';
