// Opens compdiff's Arrow and Parquet outputs with readers that are not Arrow Go (arrow-js,
// polars, DuckDB) and compares what they read with what Arrow Go read (expect.json from
// tools/arrowsummary): row counts, column names and types, first and last values exactly.
// Usage: node readers.mjs expect.json results.parquet
import { readFileSync } from 'node:fs';
import { tableFromIPC, compressionRegistry, CompressionType } from 'apache-arrow';
import * as fzstd from 'fzstd';
import pl from 'nodejs-polars';
import { DuckDBInstance } from '@duckdb/node-api';

// A zstd codec for the cache's artifacts (results.* are uncompressed and need none).
// fzstd returns a view at a byte offset that is not a multiple of 8, and arrow-js builds
// Float64Array/BigInt64Array views straight on a codec's output, so the codec hands arrow-js
// an aligned copy: the fix belongs to the reader, the files are aligned (TestIPCAligned).
compressionRegistry.set(CompressionType.ZSTD, {
  decode: (b) => { const out = fzstd.decompress(b); return out.byteOffset % 8 ? out.slice() : out; },
});

const [expectPath, parquetPath] = process.argv.slice(2);
const expected = JSON.parse(readFileSync(expectPath, 'utf8'));
let failures = 0, checks = 0;
const check = (ok, what) => { checks++; if (!ok) { failures++; console.error('FAIL: ' + what); } };

const dv = new DataView(new ArrayBuffer(8));
function key(type, v) {
  if (v === null || v === undefined) return 'null';
  switch (type) {
    case 'float64': dv.setFloat64(0, Number(v), true); return dv.getBigUint64(0, true).toString(16);
    case 'float32': dv.setFloat32(0, Number(v), true); return dv.getUint32(0, true).toString(16);
    case 'int64': return BigInt(v).toString();
    default: return String(v);
  }
}
const arrowType = { float64: 'Float64', float32: 'Float32', int64: 'Int64', utf8: 'Utf8' };

for (const want of expected) {
  const name = want.path.split('/').slice(-2).join('/');
  let t;
  try {
    t = tableFromIPC(readFileSync(want.path));
  } catch (e) {
    check(false, `arrow-js cannot open ${name}: ${e.message}`);
    continue;
  }
  check(t.numRows === want.rows, `arrow-js ${name}: ${t.numRows} rows, Arrow Go read ${want.rows}`);
  check(t.schema.fields.length === want.cols.length, `arrow-js ${name}: ${t.schema.fields.length} columns, want ${want.cols.length}`);
  for (const c of want.cols) {
    const col = t.getChild(c.name);
    if (!col) { check(false, `arrow-js ${name}: no column ${c.name}`); continue; }
    check(String(col.type) === arrowType[c.type], `arrow-js ${name}: column ${c.name} is ${col.type}, want ${c.type}`);
    col.toArray(); // materialises every buffer: alignment errors surface here
    check(col.nullCount === c.nulls, `arrow-js ${name}: column ${c.name} has ${col.nullCount} nulls, Arrow Go read ${c.nulls}`);
    if (want.rows > 0) {
      check(key(c.type, col.get(0)) === c.first, `arrow-js ${name}: ${c.name}[0] = ${col.get(0)}, Arrow Go read ${c.first}`);
      check(key(c.type, col.get(want.rows - 1)) === c.last, `arrow-js ${name}: ${c.name}[last] differs (Arrow Go read ${c.last})`);
    }
  }
  for (const [k, v] of Object.entries(want.meta ?? {})) {
    check(t.schema.metadata.get(k) === v, `arrow-js ${name}: metadata ${k} differs`);
  }
}

// results.arrow (the first file) and results.parquet in polars and DuckDB.
const results = expected[0];
const byName = Object.fromEntries(results.cols.map((c) => [c.name, c]));
// nodejs-polars 0.25's readIPC(path) fails on every IPC file, its own included
// (InvalidFooter); reading from bytes and scanIPC(path) work.
for (const [what, df] of [
  ['polars IPC (bytes)', () => pl.readIPC(readFileSync(results.path))],
  ['polars IPC (scan)', () => pl.scanIPC(results.path).collectSync()],
  ['polars Parquet', () => pl.readParquet(parquetPath)],
]) {
  try {
    const d = df();
    check(d.height === results.rows, `${what}: ${d.height} rows, want ${results.rows}`);
    for (const c of ['value', 'K', 'setting', 'lambda']) {
      const v = d.getColumn(c).get(0);
      check(key(byName[c].type, v) === byName[c].first, `${what}: ${c}[0] = ${v}, want ${byName[c].first}`);
    }
    // A value that does not apply is a null, not a NaN: lambda for every model but CoInD.
    check(d.getColumn('lambda').nullCount() === byName.lambda.nulls, `${what}: lambda has ${d.getColumn('lambda').nullCount()} nulls, want ${byName.lambda.nulls}`);
  } catch (e) {
    check(false, `${what} cannot open the file: ${e.message}`);
  }
}
try {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const q = (sql) => con.runAndReadAll(sql).then((r) => r.getRowObjects());
  const [n] = await q(`SELECT count(*)::INTEGER AS n FROM read_parquet('${parquetPath}')`);
  check(n.n === results.rows, `DuckDB Parquet: ${n.n} rows, want ${results.rows}`);
  const [first] = await q(`SELECT value, K, setting FROM read_parquet('${parquetPath}') LIMIT 1`);
  for (const c of ['value', 'K', 'setting']) {
    check(key(byName[c].type, first[c]) === byName[c].first, `DuckDB Parquet: ${c}[0] = ${first[c]}, want ${byName[c].first}`);
  }
  // lambda is a keyword of DuckDB's SQL (lambda functions): the column name is quoted.
  const [nl] = await q(`SELECT CAST(count(*) FILTER (WHERE "lambda" IS NULL) AS INTEGER) AS n, CAST(count(*) FILTER (WHERE isnan("lambda")) AS INTEGER) AS nan FROM read_parquet('${parquetPath}')`);
  check(nl.n === byName.lambda.nulls && nl.nan === 0, `DuckDB Parquet: lambda IS NULL finds ${nl.n} rows, want ${byName.lambda.nulls} (and no NaN: ${nl.nan})`);
  const [av] = await q(`SELECT avg("lambda") AS a FROM read_parquet('${parquetPath}')`);
  check(av.a === null || Number.isFinite(Number(av.a)), `DuckDB Parquet: avg(lambda) = ${av.a}, want a number (or null without CoInD rows)`);
  const [md] = await q(`SELECT decode(value) AS v FROM parquet_kv_metadata('${parquetPath}') WHERE decode(key) = 'profile'`);
  check(md && md.v === results.meta.profile, `DuckDB Parquet: profile metadata ${md && md.v}, want ${results.meta.profile}`);
} catch (e) {
  check(false, `DuckDB cannot read the Parquet file: ${e.message}`);
}

console.log(`readers: ${expected.length} Arrow files (arrow-js), results in polars (IPC, Parquet) and DuckDB (Parquet)`);
console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
