/**
 * fetch, once more on a closed pooled connection: the harness's synchronous CLI calls (createUser,
 * the admin CLI) can block this process past the server's keep-alive timeout, and undici then reuses
 * a socket the server has already closed. Nothing reached the server, so nothing is done twice.
 */
async function fetchReusing(url: string, init?: RequestInit): Promise<Response> {
  return fetch(url, init).catch((error: unknown) => {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    if (code === 'UND_ERR_SOCKET') return fetch(url, init);
    throw error;
  });
}

/** Logs in over the REST API and returns the session cookie for raw requests and sockets. */
export async function loginCookie(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetchReusing(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

export async function getJson(
  baseUrl: string,
  path: string,
  cookie?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetchReusing(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export async function send(
  baseUrl: string,
  method: string,
  path: string,
  body: string | undefined,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetchReusing(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json', origin: baseUrl, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
