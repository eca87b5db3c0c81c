/**
 * An audit board's pages, under /board (guarded by `<RequireRole roles={['audit-board']}>` in
 * routes.tsx), and the board's sign-in page at /audit-board/login (public: `boardLoginRoute`).
 */
import type { RouteObject } from 'react-router';
import { usePageTitle } from '../../layout/page_title.js';
import { useSignedIn } from '../../session/session.js';

function BoardHome() {
  usePageTitle('Audit board');
  const me = useSignedIn();
  return <h1>{me.principal.role === 'audit-board' ? me.principal.boardId : 'Audit board'}</h1>;
}

export const boardRoutes: RouteObject[] = [{ index: true, element: <BoardHome /> }];
/** Public: a board signs in with its link (decision 0008). */
export const boardLoginRoutes: RouteObject[] = [];
