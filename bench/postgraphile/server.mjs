// PostGraphile 5 (amber preset) on OneWindow's database: the benchmark's peer (bench/versus.py).
//
// One Node process, grafserv on node:http. Every request must carry `Authorization: Bearer
// <JWT>` signed (HS256) with the bench's key; its `tenant_id` claim becomes `app.tenant_id` and
// the transaction runs as the app role, so the same row-level security policies apply as to
// OneWindow (migrations/rls.py). The server connects as that app role (non-owner, not a
// superuser), and pgSettings also sets `role` to it, as a PostGraphile deployment would.
//
// Environment: PGL_DATABASE_URL (the app role), PGL_APP_ROLE, PGL_JWT_SECRET, PGL_PORT,
// PGL_SCHEMAS (comma-separated; default "public,bench_pgl"), PGL_POOL_SIZE (default 10),
// PGL_QUERY_COUNT_FILE (on SIGUSR2 the number of queries sent to PostgreSQL so far is written
// there: each is one round trip, BEGIN and COMMIT included; counting is one increment).

import { writeFileSync } from "node:fs";
import { createServer } from "node:http";

import jwt from "jsonwebtoken";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`bench/postgraphile/server.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

const databaseUrl = required("PGL_DATABASE_URL");
const appRole = required("PGL_APP_ROLE");
const secret = required("PGL_JWT_SECRET");
const port = Number(required("PGL_PORT"));
const schemas = (process.env.PGL_SCHEMAS || "public,bench_pgl").split(",");
const poolSize = Number(process.env.PGL_POOL_SIZE || 10);

// The tenant comes only from a verified token: a bare header naming the tenant would let any
// caller read any county, which no deployment of either server would accept.
function tenantOf(req) {
  const header = req?.headers?.authorization ?? "";
  const match = /^Bearer (.+)$/.exec(header);
  if (!match) {
    throw new Error("missing bearer token");
  }
  const claims = jwt.verify(match[1], secret, { algorithms: ["HS256"] });
  if (typeof claims.tenant_id !== "string") {
    throw new Error("token without tenant_id");
  }
  return claims.tenant_id;
}

const preset = {
  extends: [PostGraphileAmberPreset],
  // Order and filter by any column, not only indexed ones (the workloads sort small sets the
  // way OneWindow does: by division code and name).
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: databaseUrl,
      schemas,
      poolConfig: { max: poolSize },
      pgSettings(requestContext) {
        return { role: appRole, "app.tenant_id": tenantOf(requestContext.node?.req) };
      },
    }),
  ],
  grafserv: { port, graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: { explain: false },
};

let queries = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  queries += 1;
  return query.apply(this, args);
};
const countFile = process.env.PGL_QUERY_COUNT_FILE;
if (countFile) {
  process.on("SIGUSR2", () => writeFileSync(countFile, `${queries}\n`));
}

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.keepAliveTimeout = 60_000;
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).catch((error) => {
  console.error(error);
  process.exit(1);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`postgraphile listening on http://127.0.0.1:${port}/graphql`);
});

async function shutdown() {
  server.close();
  await pgl.release();
  process.exit(0);
}
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
