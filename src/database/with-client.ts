import { Client, ClientConfig } from 'pg';

/** A connection of its own for one piece of work (outside the app's pool), closed whatever happens. */
export async function withClient<T>(
  config: string | ClientConfig,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client(typeof config === 'string' ? { connectionString: config } : config);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
