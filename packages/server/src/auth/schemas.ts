/** The shapes of the account routes' request bodies (zod), beside the interfaces they produce. */
import type { Context, Next } from 'hono';
import { validator } from 'hono/validator';
import { z } from 'zod';
import { errorResponse } from './http.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './secrets.js';

const email = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .transform((s) => s.toLowerCase());
const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must have at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH);
const personName = z.string().trim().min(1, 'must not be empty').max(200);
const jurisdiction = z.string().trim().min(1, 'must not be empty').max(200);

export const setupSchema = z.object({ email, name: personName, password });
export type SetupRequest = z.infer<typeof setupSchema>;

export const loginSchema = z.object({ email, password: z.string().min(1).max(MAX_PASSWORD_LENGTH) });
export type LoginRequest = z.infer<typeof loginSchema>;

export const newUserSchema = z.discriminatedUnion('role', [
  z.object({ role: z.literal('jurisdiction-admin'), email, name: personName, password, jurisdiction }),
  z.object({ role: z.literal('state-admin'), email, name: personName, password }),
]);
export type NewUserRequest = z.infer<typeof newUserSchema>;

export const issueCredentialsSchema = z.object({
  round: z.number().int().min(1).max(1000),
  /** The board's jurisdiction; a jurisdiction administrator's own by default. */
  jurisdiction: jurisdiction.optional(),
});
export type IssueCredentialsRequest = z.infer<typeof issueCredentialsSchema>;

export const boardIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, dots, dashes and underscores only');

export const boardMemberSchema = z.object({
  name: personName,
  /** Party affiliation as the state names it (e.g. "Democratic", "Republican", "Unaffiliated"). */
  party: z.string().trim().min(1, 'must not be empty').max(100),
});

export const boardLoginSchema = z.object({
  boardId: boardIdSchema,
  passphrase: z.string().min(1).max(500),
  members: z.array(boardMemberSchema).min(1, 'name at least one member').max(10),
});
export type BoardLoginRequest = z.infer<typeof boardLoginSchema>;

/**
 * A hono validator for a JSON body: a 400 `request.invalid` with the first problem's field; a body that
 * is not JSON at all is a 400 `request.invalid` too (hono's own answer would be plain text).
 */
export function jsonBody<S extends z.ZodType>(schema: S) {
  const validate = validator('json', (value: unknown, c: Context) => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
      return errorResponse(c, {
        status: 400,
        error: { kind: 'request.invalid', message: issue?.message ?? 'invalid request', field },
      });
    }
    return parsed.data as z.infer<S>;
  });
  const guarded = async (c: Context, next: Next): Promise<Response | void> => {
    if (/^application\/([\w.-]+\+)?json/i.test(c.req.header('content-type') ?? '')) {
      try {
        await c.req.json(); // parsed once and cached: the validator reads the same value
      } catch {
        return errorResponse(c, {
          status: 400,
          error: { kind: 'request.invalid', message: 'The request body is not valid JSON.', field: '(body)' },
        });
      }
    }
    return (await validate(c, next)) as Response | void;
  };
  return guarded as unknown as typeof validate;
}
