/**
 * Roles and who may act on what (ARCHITECTURE.md, "Who uses it"): the state audit administrator acts
 * on every jurisdiction; a jurisdiction administrator on their own jurisdiction only; an audit board on
 * the cards of its own board in its own round only. The public has no session and reaches only the
 * public routes (the calculator, the planner, published results).
 */
import { z } from 'zod';

export const ROLES = ['state-admin', 'jurisdiction-admin', 'audit-board'] as const;
/** A role held by a session. "public" is the absence of a session. */
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** Roles of accounts that sign in with an email and a password. */
export type UserRole = Exclude<Role, 'audit-board'>;

/** Who is acting, as the session says. */
export type Principal =
  | { readonly role: 'state-admin'; readonly userId: string }
  | { readonly role: 'jurisdiction-admin'; readonly userId: string; readonly jurisdiction: string }
  | {
      readonly role: 'audit-board';
      readonly credentialId: string;
      readonly boardId: string;
      readonly jurisdiction: string;
      readonly round: number;
    };

/** Whether the principal may read or change the data of `jurisdiction`. */
export function canActOnJurisdiction(options: {
  readonly principal: Principal;
  readonly jurisdiction: string;
}): boolean {
  const { principal, jurisdiction } = options;
  switch (principal.role) {
    case 'state-admin':
      return true;
    case 'jurisdiction-admin':
    case 'audit-board':
      return principal.jurisdiction === jurisdiction;
    default:
      return unreachable(principal);
  }
}

/** A card an audit board is asked to look at: the board and round it was assigned to. */
export interface BoardAssignment {
  readonly jurisdiction: string;
  readonly boardId: string;
  readonly round: number;
}

/**
 * Whether the principal may record or review the interpretation of a card assigned to a board in a
 * round: that board itself in that round; the jurisdiction's administrator and the state administrator
 * may look (they oversee), but only a board records what the voter marked.
 */
export function canActOnCard(options: {
  readonly principal: Principal;
  readonly card: BoardAssignment;
  readonly action: 'read' | 'record';
}): boolean {
  const { principal, card, action } = options;
  switch (principal.role) {
    case 'audit-board':
      return (
        principal.boardId === card.boardId &&
        principal.round === card.round &&
        principal.jurisdiction === card.jurisdiction
      );
    case 'jurisdiction-admin':
    case 'state-admin':
      return action === 'read' && canActOnJurisdiction({ principal, jurisdiction: card.jurisdiction });
    default:
      return unreachable(principal);
  }
}

export function unreachable(value: never): never {
  throw new Error(`auth: unexpected value ${JSON.stringify(value)}`);
}
