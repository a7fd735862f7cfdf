// Number(string) goldens: [string, String(Number(string)) with -0 kept]. Node 20.
let seed = 7;
const rnd = (n) => { seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) % n; };
const pick = (a) => a[rnd(a.length)];
const out = new Set(['', ' ', '0', '-0', '+0', '00', '007', '1.', '.5', '+.5', '-.5', '.', '+', '-', 'e5', '1e', '1e+', '1e-', '1e5', '1E5', '1e+5', '1e-5',
  '1.5e3', '.5e1', '5.e1', 'Infinity', '-Infinity', '+Infinity', 'infinity', 'INFINITY', 'Inf', 'NaN', '0x10', '0X1f', '0x', '-0x10', '+0x10', '0xg',
  '0o17', '0O8', '0b101', '0b2', '0b', '1_000', '1,000', '1 000', ' 12 ', '\t12\n', '\u00a012\ufeff', '\u008512', '12\u0085', '\u2028 12 \u2029', '\u180e12',
  '\u303012', '12abc', 'abc', '0.1', '0.30000000000000004', '9007199254740993', '9007199254740992.5', '1e308', '1e309', '-1e309', '2e-324', '3e-324', '5e-324',
  '123456789012345678901234567890', '0.000001', '0.0000001', '1e21', '1e-7', '0x1fffffffffffff', '0x20000000000001', '0x20000000000003', '0xfffffffffffffffff',
  '0b11111111111111111111111111111111111111111111111111111', '0b100000000000000000000000000000000000000000000000000001', '00x10', '0x-1', '١٢', '１２', '12e', '--1', '+-1', '1.2.3', '1e1.5',
  '0.5e-0', '1e0000000000000000001', '1e-0000000000400', '.0e9999', '0e9999', '1' + '0'.repeat(400), '0.' + '0'.repeat(400) + '1', '4.9406564584124654e-324', '2.4703282292062328e-324',
  '2.4703282292062327e-324', '1.7976931348623158e308', '1.7976931348623159e308'])
const parts = ['0', '1', '9', '12', '007', '.', 'e', 'E', '+', '-', 'x', 'X', 'o', 'b', 'f', 'a', ' ', '_', '5', '3', '99999999', 'Infinity', '\u00a0', '\u0085']
for (let i = 0; i < 4000; i++) { let s = ''; for (let j = 1 + rnd(7); j > 0; j--) s += pick(parts); out.add(s) }
for (let i = 0; i < 2000; i++) {
  const digits = () => { let d = ''; for (let j = rnd(25); j >= 0; j--) d += String(rnd(10)); return d }
  let s = pick(['', '-', '+', ' ']) + digits() + pick(['', '.' + digits()]) + pick(['', 'e' + pick(['', '-', '+']) + String(rnd(400))]) + pick(['', ' ', '\n'])
  out.add(s)
}
const lines = []
for (const s of out) { const v = Number(s); lines.push(JSON.stringify([s, Object.is(v, -0) ? '-0' : String(v)])) }
process.stdout.write(lines.join('\n') + '\n')
