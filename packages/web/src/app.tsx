/**
 * The app's providers, outermost first: the typed API client, React Query (server state: retries only
 * for failures that are not the user's doing), who is signed in (src/session/) and the router (routes per role, src/routes/routes.tsx).
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { apiClient } from './api/client.js';
import { ApiProvider } from './api/api_context.js';
import { routes } from './routes/routes.js';
import { SessionProvider } from './session/session.js';

function newQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      // Calculator answers are pure functions of the request: keep them, never refetch on focus.
      queries: { staleTime: Infinity, refetchOnWindowFocus: false, retry: 1 },
    },
  });
}

export function App() {
  const [queryClient] = useState(newQueryClient);
  const [client] = useState(() => apiClient(window.location.origin));
  const [router] = useState(() => createBrowserRouter(routes));
  return (
    <ApiProvider client={client}>
      <QueryClientProvider client={queryClient}>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </QueryClientProvider>
    </ApiProvider>
  );
}
