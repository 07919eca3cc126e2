import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * The seed's curl example of a prespawned create, run as written (only the base URL differs): its
 * parsed answer.
 */
export async function curlPrespawnedCreate(base: string, env: { PROJECT_ID: string; SERVER_ID: string; HOODY_TOKEN: string }): Promise<{ statusCode: number; data: { id: string } & Record<string, unknown> }> {
  const curl = await promisify(execFile)(
    'bash',
    [
      '-c',
      `curl -s -X POST "${base}/api/v1/projects/$PROJECT_ID/containers" -H "Authorization: Bearer $HOODY_TOKEN" -H "Content-Type: application/json" -d '{ "server_id": "'"$SERVER_ID"'", "name": "prespawned", "hoody_kit": true, "prespawn": true }'`,
    ],
    { env: { ...process.env, ...env } },
  );
  return JSON.parse(curl.stdout);
}
