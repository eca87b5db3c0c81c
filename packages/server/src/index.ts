export { createApp, type App } from './app.js';
export { startServer, type Listening } from './serve.js';
