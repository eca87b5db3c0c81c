/**
 * An audit board's pages, under /board (guarded by `<RequireRole roles={['audit-board']}>` in
 * routes.tsx): the board's cards one at a time, the list, corrections and sign-off (board_page.tsx);
 * and the board's sign-in page at /audit-board/login (public: `boardLoginRoutes`, login_page.tsx).
 */
import type { RouteObject } from 'react-router';
import { BoardPage } from './board_page.js';
import { BoardLoginPage } from './login_page.js';

export const boardRoutes: RouteObject[] = [{ index: true, element: <BoardPage /> }];
/** Public: a board signs in with its link (decision 0008). */
export const boardLoginRoutes: RouteObject[] = [{ path: 'audit-board/login', element: <BoardLoginPage /> }];
