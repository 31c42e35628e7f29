import { randomBytes } from 'node:crypto';

export interface KeyRequest {
  role: string;
  supplierId?: string;
  siteIds?: string[];
  label?: string;
}

export function testAdminKey(): string {
  return `dp_admin_test_${randomBytes(24).toString('hex')}`;
}

/** Issues an API key through the API, as an operator would. */
export async function issueKey(
  baseUrl: string,
  adminKey: string,
  request: KeyRequest,
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label: `test ${request.role}`, ...request }),
  });
  if (res.status !== 201)
    throw new Error(`issuing a ${request.role} key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { apiKey: string }).apiKey;
}
