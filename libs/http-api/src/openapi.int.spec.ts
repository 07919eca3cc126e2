import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildOpenApi, registerRoutes } from './index';
import { authenticate, container, PROJECT_ID, reset, routes, SERVER_ID } from './testing/fixtures';

// The document describes what the server really sends: real answers, checked against it.

const doc = buildOpenApi(routes, { title: 'Hoody API', version: '1.0.0' });
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
ajv.addVocabulary(['openapi', 'info', 'servers', 'tags', 'paths', 'components']);
ajv.addSchema({ ...doc, $id: 'openapi.json' });
const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify();
  await registerRoutes(app, routes, { authenticate, openApiDocument: doc });
});
afterAll(() => app.close());
beforeEach(() => reset(3));

/** The schema the document gives for this answer: the operation's envelope, or a shared error response. */
function validatorFor(path: string, method: string, status: number) {
  const responses = doc.paths[path][method].responses;
  const response = responses[String(status)];
  if (!response) throw new Error(`${method} ${path} documents no ${status}`);
  const pointer =
    '$ref' in response
      ? `/components/schemas/Error`
      : `/paths/${esc(path)}/${method}/responses/${status}/content/application~1json/schema`;
  const validate = ajv.getSchema(`openapi.json#${pointer}`);
  if (!validate) throw new Error(`no schema at ${pointer}`);
  return validate;
}

it.each([
  ['get', '/api/v1/containers', '/api/v1/containers?limit=2', undefined, 'hdy_user', 200],
  ['get', '/api/v1/containers/{id}', `/api/v1/containers/${container(1).id}`, undefined, 'hdy_user', 200],
  ['delete', '/api/v1/containers/{id}', `/api/v1/containers/${container(1).id}`, undefined, 'hdy_user', 200],
  ['post', '/api/v1/projects/{project_id}/containers', `/api/v1/projects/${PROJECT_ID}/containers`, { server_id: SERVER_ID }, 'hdy_user', 201],
  ['post', '/api/v1/projects/{project_id}/containers', `/api/v1/projects/${PROJECT_ID}/containers`, { server_id: 'x' }, 'hdy_user', 400],
  ['post', '/api/v1/projects/{project_id}/containers', `/api/v1/projects/nope/containers`, { server_id: SERVER_ID }, 'hdy_user', 400],
  ['post', '/api/v1/users', '/api/v1/users', { username: 'bob' }, 'hdy_user', 403],
  ['post', '/api/v1/users', '/api/v1/users', { username: 'bob' }, 'hdy_admin', 201],
  ['get', '/api/v1/containers/{id}', `/api/v1/containers/${'f'.repeat(24)}`, undefined, 'hdy_user', 404],
  ['get', '/api/v1/containers/{id}', `/api/v1/containers/${'f'.repeat(24)}`, undefined, undefined, 401],
  ['post', '/api/v1/containers/{id}/exec', `/api/v1/containers/${container(1).id}/exec`, { cmd: ['boom'] }, 'hdy_user', 500],
  ['get', '/api/v1/health', '/api/v1/health', undefined, undefined, 200],
])('%s %s answers %#: as documented', async (method, path, url, body, token, status) => {
  const res = await app.inject({
    method: method.toUpperCase() as 'GET',
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body ? { payload: body as object } : {}),
  });
  expect(res.statusCode).toBe(status);
  const validate = validatorFor(path, method, status);
  const json: unknown = res.json();
  expect(validate(json) ? [] : validate.errors).toEqual([]);
});

it('serves the document at /api/v1/openapi.json, as built', async () => {
  const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.json()).toEqual(doc);
  expect((await app.inject({ method: 'POST', url: '/api/v1/openapi.json/' })).headers['allow']).toBe('GET, HEAD');
});
