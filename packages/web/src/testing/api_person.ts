/**
 * A tiny HTTP client with its own cookies (one person), for browser tests that set up accounts or an
 * audit over the real API before the browser takes over: it fetches the pre-session CSRF token on its
 * first state-changing call and keeps the session's token from any answer that carries one.
 */
export class ApiPerson {
  private readonly cookies = new Map<string, string>();
  private csrf = '';
  constructor(private readonly base: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    if (this.csrf === '' && method !== 'GET')
      this.csrf = (await this.request<{ csrfToken: string }>('GET', '/api/csrf')).body.csrfToken;
    const res = await fetch(new URL(path, this.base), {
      method,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-csrf-token': this.csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    const parsed = (await res.json()) as T & { csrfToken?: string };
    if (typeof parsed.csrfToken === 'string') this.csrf = parsed.csrfToken;
    return { status: res.status, body: parsed };
  }
}
