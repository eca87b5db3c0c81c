/** The browser entry: styles (USWDS, bundled with its fonts and icons), then the app. */
import '@uswds/uswds/css/uswds.min.css';
import './layout/app.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
