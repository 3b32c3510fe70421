// A small client of Boyi's gRPC API in Node.js (@grpc/grpc-js, with this folder's own copy of the protos): it takes a
// token at the token endpoint (client credentials), lists the households of a county and pages through two pages,
// exports them (a server stream), and watches the county's changes (WatchChanges) while it records a household
// event of its own, until that change arrives. Any failure ends it with a message and exit code 1.
//
//   node client.js --client-id ID --client-secret SECRET \
//     [--grpc 127.0.0.1:5081] [--http http://127.0.0.1:5080] [--county counties/450923] [--page-size 20]
//
// Options may also come from the environment: BOYI_CLIENT_ID, BOYI_CLIENT_SECRET, BOYI_GRPC, BOYI_HTTP, BOYI_COUNTY.
'use strict';
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function options() {
  const args = process.argv.slice(2);
  const value = (flag, env, fallback) => {
    const i = args.indexOf(flag);
    if (i >= 0 && i + 1 < args.length) return args[i + 1];
    return process.env[env] || fallback;
  };
  const o = {
    clientId: value('--client-id', 'BOYI_CLIENT_ID'),
    clientSecret: value('--client-secret', 'BOYI_CLIENT_SECRET'),
    grpc: value('--grpc', 'BOYI_GRPC', '127.0.0.1:5081').replace(/^https?:\/\//, ''),
    http: value('--http', 'BOYI_HTTP', 'http://127.0.0.1:5080'),
    county: value('--county', 'BOYI_COUNTY', 'counties/450923'),
    pageSize: Number(value('--page-size', 'BOYI_PAGE_SIZE', '20')),
  };
  if (!o.clientId || !o.clientSecret) fail('--client-id and --client-secret (or BOYI_CLIENT_ID and BOYI_CLIENT_SECRET) are required');
  return o;
}

function fail(message) {
  console.error(`node client: FAILED: ${message}`);
  process.exit(1);
}

/** A gRPC error as one line: the status code's name and the server's message. */
function describe(e) {
  if (!e || e.code === undefined) return String(e);
  return `${grpc.status[e.code] || e.code}: ${e.details}`;
}

async function token(o) {
  const response = await fetch(new URL('/connect/token', o.http), {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || !body.access_token) fail(`token endpoint answered ${response.status}: ${body.error || ''} ${body.error_description || ''}`);
  return body.access_token;
}

function load() {
  const definition = protoLoader.loadSync(['boyi/v1/households.proto', 'boyi/v1/linkages.proto', 'boyi/v1/compliance.proto'], {
    includeDirs: [path.join(__dirname, 'protos')],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  return grpc.loadPackageDefinition(definition).boyi.v1;
}

/** A unary call as a promise, with the deadline and the bearer token. */
function call(client, method, request, auth, seconds = 60) {
  return new Promise((resolve, reject) => {
    client[method](request, auth, { deadline: Date.now() + seconds * 1000 }, (e, response) => (e ? reject(e) : resolve(response)));
  });
}

async function listTwoPages(households, o, auth) {
  const first = await call(households, 'ListHouseholds', { parent: o.county, page_size: o.pageSize }, auth);
  if (!first.households || first.households.length === 0) fail(`ListHouseholds of ${o.county} returned no households`);
  if (!first.next_page_token) fail(`ListHouseholds of ${o.county} has no second page at page_size ${o.pageSize}`);
  const second = await call(households, 'ListHouseholds', { parent: o.county, page_size: o.pageSize, page_token: first.next_page_token }, auth);
  if (!second.households || second.households.length === 0) fail('the second page of ListHouseholds is empty');
  const names = new Set(first.households.map((h) => h.name));
  const repeated = second.households.filter((h) => names.has(h.name));
  if (repeated.length > 0) fail(`the second page repeats ${repeated[0].name}`);
  console.log(`list: ${first.households.length} + ${second.households.length} households on two pages of ${o.county}` +
    `${first.total_size ? ` (of ${first.total_size})` : ''}`);
  return first.households;
}

function exportAll(households, o, auth, atLeast) {
  return new Promise((resolve, reject) => {
    let count = 0;
    const stream = households.ExportHouseholds({ parent: o.county }, auth, { deadline: Date.now() + 300 * 1000 });
    stream.on('data', (batch) => { count += (batch.households || []).length; });
    stream.on('error', reject);
    stream.on('end', () => {
      if (count < atLeast) reject(new Error(`ExportHouseholds streamed ${count} households, fewer than the ${atLeast} listed`));
      else resolve(count);
    });
  });
}

/** China's date today: event dates are the county's calendar days. */
function chinaToday() {
  const d = new Date(Date.now() + 8 * 3600 * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * Opens WatchChanges from now, records a household event once the stream's headers have arrived (so the change is
 * after the stream's start), waits for that very change, and closes the stream.
 */
function watch(linkages, compliance, o, auth, household) {
  return new Promise((resolve, reject) => {
    let expected = null;
    let settled = false;
    const stream = linkages.WatchChanges({ parent: o.county, start_from_now: true }, auth);
    const done = (e, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stream.cancel();
      if (e) reject(e); else resolve(value);
    };
    const timer = setTimeout(() => done(new Error(`no change arrived within 60 s (waiting for ${expected || 'the write'})`)), 60 * 1000);
    stream.on('metadata', async () => {
      try {
        const created = await call(compliance, 'CreateHouseholdEvent', {
          parent: household,
          household_event: { kind: 'HOUSEHOLD_EVENT_KIND_DISPUTE', event_date: chinaToday(), note: 'Recorded by the Node.js client smoke test.' },
          request_id: require('node:crypto').randomUUID(),
        }, auth);
        expected = created.household_event.name;
      } catch (e) {
        done(new Error(`CreateHouseholdEvent failed: ${describe(e)}`));
      }
    });
    stream.on('data', (change) => {
      if (expected && change.object === expected) done(null, change);
    });
    stream.on('error', (e) => {
      if (!settled) done(new Error(`WatchChanges failed: ${describe(e)}`));
    });
    stream.on('end', () => done(new Error('WatchChanges ended before the change arrived')));
  });
}

async function main() {
  const o = options();
  const auth = new grpc.Metadata();
  auth.set('authorization', `Bearer ${await token(o)}`);
  console.log(`token: from ${o.http}/connect/token for client ${o.clientId}`);

  const v1 = load();
  const credentials = grpc.credentials.createInsecure();
  const households = new v1.HouseholdService(o.grpc, credentials);
  const linkages = new v1.LinkageService(o.grpc, credentials);
  const compliance = new v1.ComplianceService(o.grpc, credentials);
  try {
    const page = await listTwoPages(households, o, auth).catch((e) => fail(`ListHouseholds: ${describe(e)}`));
    const exported = await exportAll(households, o, auth, page.length).catch((e) => fail(`ExportHouseholds: ${describe(e)}`));
    console.log(`export: ${exported} households streamed`);
    const change = await watch(linkages, compliance, o, auth, page[0].name).catch((e) => fail(e.message));
    console.log(`watch: received ${change.change} on ${change.object} by ${change.actor} (resume token ${change.resume_token}), stream closed`);
  } finally {
    households.close();
    linkages.close();
    compliance.close();
  }
  console.log('node client: ok');
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
