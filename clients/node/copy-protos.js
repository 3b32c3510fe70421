// Keeps this client's own copy of the protos (clients/node/protos) equal to the repository's (protos/).
//   node copy-protos.js           copies them
//   node copy-protos.js --check   exits 1, naming each difference, when the copy has drifted
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const source = path.resolve(__dirname, '..', '..', 'protos');
const copy = path.resolve(__dirname, 'protos');

/** The .proto files under a folder, as paths relative to it, sorted. */
function protoFiles(root) {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true })
    .filter((f) => f.endsWith('.proto'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

const wanted = protoFiles(source);
if (wanted.length === 0) {
  console.error(`copy-protos: no .proto files under ${source}`);
  process.exit(1);
}

if (process.argv.includes('--check')) {
  const have = protoFiles(copy);
  const problems = [];
  for (const f of wanted) {
    if (!have.includes(f)) problems.push(`missing: ${f}`);
    else if (!fs.readFileSync(path.join(source, f)).equals(fs.readFileSync(path.join(copy, f)))) problems.push(`differs: ${f}`);
  }
  for (const f of have) if (!wanted.includes(f)) problems.push(`extra: ${f}`);
  if (problems.length > 0) {
    console.error(`clients/node/protos has drifted from protos/ (run: npm run protos):\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`clients/node/protos equals protos/ (${wanted.length} files)`);
} else {
  fs.rmSync(copy, { recursive: true, force: true });
  for (const f of wanted) {
    fs.mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
    fs.copyFileSync(path.join(source, f), path.join(copy, f));
  }
  console.log(`copied ${wanted.length} files from protos/ to clients/node/protos`);
}
