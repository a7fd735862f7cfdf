// Regenerates reference_random.json by running the real reference on generated triggers.
// Usage: npm i @segment/destination-subscriptions@3.37.0 in some folder, then
//   NODE_PATH=<that folder>/node_modules node tests/trigger/gen_reference.cjs > tests/trigger/reference_random.json
// Seeded, so the output is stable.
const ds = require('@segment/destination-subscriptions');

let seed = 12345;
// mulberry32
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (a) => a[Math.floor(rnd() * a.length)];

const fields = ['type', 'event', 'name', 'userId', 'userId.foo', 'properties', 'properties.price',
  'properties.a.b', 'properties.flag', 'properties.s', 'properties.s.length', 'properties.arr.0',
  'properties.arr.\\0', 'properties.arr.length', 'properties.a\\[0\\]', 'traits.email', 'traits.n',
  'context.app.version', 'context.traits.email', 'properties.n.toFixed', 'properties.constructor',
  'properties.nested.x', 'properties.z.y', 'properties.e.x', 'foo', 'AND', 'not', 'constructor',
  'properties.product\\ 1', 'properties.caf\\é', 'properties.\\and', 'propertiesX', 'traits',
  'properties.a.b.c', 'context', 'properties.s.\\1', 'properties.emoji.\\0'];
const ops = ['=', '!=', '<', '<=', '>', '>=', '==', 'contains', '!', '.', '=', '!=', '='];
const values = ['"track"', '"Order Completed"', "'track'", '100', '"100"', '1.5', '-3', '+3',
  '02134', 'true', 'false', 'null', '"null"', '""', '"a b"', '-', '"x"', '"abc"', '10', '0',
  '"true"', '" 12 "', '"0x10"', '"Infinity"', '99.99', '5', '"😀x"', '"é"', '1e3'];
const fnValues = ['"Order*"', '"*Completed"', '"Order"', '"O*d"', '"*Order*"', '"*"', '""',
  "'x*'", '"😀rder"', '"a"', '5', 'true', '"*@x.com"'];
const fnFields = ['event', 'name', 'userId', 'type', 'properties.s', 'traits.email',
  'context.app.version', 'propertiesX', 'event.x', 'properties'];
const conj = [' and ', ' or ', ' AND ', ' OR ', ' and ', ' or '];

function cond() {
  const r = rnd();
  if (r < 0.2) {
    return `${pick(['', '', '!'])}${pick(['contains', 'match'])}(${pick(fnFields)}, ${pick(fnValues)})`;
  }
  const sp1 = pick([' ', ' ', ' ', '', '\t', '\n']);
  const sp2 = pick([' ', ' ', ' ', '', '  ']);
  return `${pick(fields)}${sp1}${pick(ops)}${sp2}${pick(values)}`;
}
function expr(depth) {
  let n = 1 + Math.floor(rnd() * 3);
  let parts = [];
  for (let i = 0; i < n; i++) {
    let c = cond();
    if (depth < 2 && rnd() < 0.2) c = `(${expr(depth + 1)})`;
    if (rnd() < 0.05) c = `!(${c})`;
    if (rnd() < 0.05) c = `not ${c}`;
    parts.push(c);
  }
  let s = parts[0];
  for (let i = 1; i < parts.length; i++) s += pick(conj) + parts[i];
  return s;
}
// Character-level mutations to exercise the lexer.
const junk = ['(', ')', '"', "'", '\\', '.', ',', '[', ']', '!', '=', '<', '>', '-', '+', ' ', '\r',
  '\n', 'a', 'n', 'o', 'an', 'nul', '$', '~', '*', '1', '.5', 'é'];
function mutate(s) {
  const k = Math.floor(rnd() * 3);
  for (let i = 0; i < k; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const r = rnd();
    if (r < 0.5) s = s.slice(0, at) + pick(junk) + s.slice(at);
    else if (r < 0.8) s = s.slice(0, at) + s.slice(at + 1);
    else s = s.slice(0, at) + pick(junk) + s.slice(at + 1);
  }
  return s;
}

const events = [
  { type: 'track', event: 'Order Completed', userId: 'u1',
    properties: { price: 100, a: { b: 'x' }, flag: true, s: 'abc', arr: ['a'], n: 5, nested: { x: 1 },
      z: 0, e: '', 'product 1': { price: 20 }, café: 'x', and: 'x', emoji: '😀', 'a[0]': 'y' },
    context: { app: { version: '5.2.1' }, traits: { email: 'e@x.com' } } },
  { type: 'identify', userId: 'anon', traits: { email: 'a@x.com', n: 3 },
    properties: { price: '100', flag: 'true', s: '', a: null, arr: [], n: '5' } },
  { type: 'page', name: 'Home', event: 'null', userId: true,
    properties: { price: 99.99, flag: false, s: 'Order', a: { b: 5 }, z: false } },
  { type: 'track', event: 'Border', properties: { price: -3, s: '😀rder', a: 0 } },
];

const out = [];
const seen = new Set();
for (let tries = 0; out.length < 700 && tries < 100000; tries++) {
  let fql = expr(0);
  if (rnd() < 0.35) fql = mutate(fql);
  if (seen.has(fql)) continue;
  seen.add(fql);
  const ast = ds.parseFql(fql);
  const astJson = ast.error ? { error: ast.error.message } : JSON.parse(JSON.stringify(ast));
  const results = events.map((e) => {
    try { return ds.validate(ast, e) ? 'true' : 'false'; } catch (err) { return 'throws: ' + err.message; }
  });
  let generated = null;
  if (!ast.error) {
    try { generated = ds.generateFql(ast); } catch (err) { generated = { throws: err.message }; }
  }
  out.push({ fql, ast: astJson, results, generated });
}
// JSON.stringify writes a lone surrogate as its \uXXXX escape, which the tests read back.
const text = (o) => JSON.stringify(o);
process.stdout.write('{"events":' + JSON.stringify(events) + ',\n"rows":[\n' +
  out.map(text).join(',\n') + '\n]}\n');
