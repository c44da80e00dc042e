// The GraphQL-over-HTTP specification's server audit (graphql-http's auditServer) against a
// running endpoint: node tests/http_audit/audit.mjs http://127.0.0.1:8000/graphql
// Prints one line per audit and exits with 1 when any audit warns or errs (a SHOULD or a MUST
// not met); a MAY not met is a notice, printed and counted apart.
import { auditServer } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs URL");
  process.exit(2);
}
const results = await auditServer({ url });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
for (const result of results) {
  counts[result.status] += 1;
  const line = `${result.status.padEnd(6)} ${result.id} ${result.name}`;
  console.log(result.status === "ok" ? line : `${line}: ${result.reason}`);
}
console.log(
  `${results.length} audits: ${counts.ok} ok, ${counts.notice} notice, ` +
    `${counts.warn} warn, ${counts.error} error`,
);
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
