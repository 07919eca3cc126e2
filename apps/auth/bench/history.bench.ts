/**
 * `npm run bench:history` (its second part) — does a user's token and project list cost the same
 * after a long history as on a new platform? The auth read model keeps revoked tokens and deleted
 * projects. Built through the real projection, it times the read-model queries of `GET /tokens`,
 * `GET /projects` and the realm counts of a user's projects, before and after HISTORY revoked
 * tokens and HISTORY deleted projects of that same user (a CI job that mints a token or a project
 * per run) and OTHERS other users with OTHERS_LIVE live tokens and projects each. No ANALYZE, as
 * read models run. Target: every path within 2× of its time without history. Last line: one JSON
 * object of the figures.
 */
import { benchReadModel, timePaths } from '@hoody/test-support';
import { authProjection } from '../src/read-model/auth-projection';
import { AuthQueries } from '../src/read-model/auth-queries';

const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const OTHERS = 50;
const OTHERS_LIVE = 20;
const LIVE = 5;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 20);
const RUN_MS = 500;

const readModel = benchReadModel(authProjection);
const { db, apply } = readModel;

const at = () => new Date().toISOString();
const user = 'a0000000000000000000000a';
let n = 0;
const nextId = () => (n++).toString(16).padStart(24, '0');
const tokenSettings = { name: 'ci', realmIds: [], allowNoRealm: true, permissions: [], expiresAt: null };
const token = (userId: string, revoked: boolean) => {
  const id = nextId();
  apply(`token-${id}`, 'TokenCreated', { tokenId: id, userId, secretHash: `h${id}`, createdByTokenId: null, settings: tokenSettings, createdAt: at() });
  if (revoked) apply(`token-${id}`, 'TokenRevoked', { revokedAt: at() });
};
const project = (userId: string, deleted: boolean) => {
  const id = nextId();
  apply(`project-${id}`, 'ProjectCreated', { userId, settings: { alias: `p-${id}`, color: null, maxContainers: null, realmIds: ['r1'] }, isDefault: false, createdAt: at() });
  if (deleted) apply(`project-${id}`, 'ProjectDeleted', { deletedAt: at() });
};

apply(`user-${user}`, 'UserCreated', { username: 'bench', isAdmin: false, createdAt: at() });
for (let i = 0; i < LIVE; i++) {
  token(user, false);
  project(user, false);
}

const queries = new AuthQueries(db);
const everything = { sql: '1 = 1', params: [] };
const page = { page: 1, limit: 20, sortBy: 'created_at', sortOrder: 'DESC' } as const;
/** The read-model queries of each path, as the auth service runs them. */
const paths: Record<string, () => unknown> = {
  list_tokens: () => queries.tokens(user, page as never, () => true),
  list_projects: () => queries.projects(user, page as never, everything, ''),
  project_realm_counts: () => queries.projectRealmCounts(user, everything),
};

const time = () => timePaths(paths, { samples: SAMPLES, runMs: RUN_MS });

function main(): void {
  const fresh = time();
  const built = performance.now();
  db.transaction(() => {
    for (let i = 0; i < HISTORY; i++) {
      token(user, true);
      project(user, true);
    }
    for (let u = 0; u < OTHERS; u++) {
      const other = `1${u}`.padStart(24, '0');
      apply(`user-${other}`, 'UserCreated', { username: `other-${u}`, isAdmin: false, createdAt: at() });
      for (let i = 0; i < OTHERS_LIVE; i++) {
        token(other, false);
        project(other, false);
      }
    }
  })();
  const buildS = (performance.now() - built) / 1000;
  const long = time();
  readModel.remove();

  const mark = (ratio: number) => (ratio <= 2 ? '✓' : '✗ (target ≤ 2×)');
  console.log(
    `auth read model: ${HISTORY} revoked tokens and ${HISTORY} deleted projects of the user, and ${OTHERS} other users with ${OTHERS_LIVE} live tokens and projects each, built through the projection in ${buildS.toFixed(1)} s; the user's own: ${LIVE} live tokens and projects`,
  );
  const ratios: Record<string, number> = {};
  for (const path of Object.keys(paths)) {
    ratios[path] = +(long[path] / fresh[path]).toFixed(2);
    console.log(`  ${path.padEnd(20)} new platform ${fresh[path].toFixed(3)} ms, after the history ${long[path].toFixed(3)} ms: ${ratios[path]}× ${mark(ratios[path])}`);
  }
  console.log(JSON.stringify({ auth_read_model: { history: HISTORY, others: OTHERS, others_live: OTHERS_LIVE, live: LIVE, new_platform_ms: fresh, after_history_ms: long, ratio: ratios } }));
}

main();
