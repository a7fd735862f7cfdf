// @liquid rows for the date filter with a time zone given by name: names in any case, aliases,
// ICU's old three-letter and SystemV IDs, names Intl refuses, and instants at the zones'
// changes (from tests/mapping/tz_offsets.json), across the whole Date range, in the years a
// `toLocaleString` round trip reads in another century, and in the years after 2100 that the
// zones' rules rule. Appends the rows it does not have yet to liquid_rows.json.
// usage: ORACLE=<oracle dir with node_modules> TZ=UTC node liquid_tz_rows.gen.mjs liquid_rows.json tz_offsets.json
import { createRequire } from 'node:module'
import fs from 'node:fs'
const require = createRequire(process.env.ORACLE + '/package.json')
const { evaluateLiquid } = require(process.env.ORACLE + '/node_modules/@segment/actions-core/dist/cjs/mapping-kit/liquid-directive.js')
const [rowsFile, offsetsFile] = process.argv.slice(2)
const doc = JSON.parse(fs.readFileSync(rowsFile, 'utf8'))
const samples = JSON.parse(fs.readFileSync(offsetsFile, 'utf8')).samples
const q = JSON.stringify
const templates = [
  '{{ "2024-03-15T14:22:33Z" | date: "%H:%M %z", "America/New_York" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%Y-%m-%d %H:%M:%S %z %Z", "America/New_York" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%Y-%m-%d %H:%M:%S %z %Z", "america/NEW_york" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %:z %Z", "US/Eastern" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "utc" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "UTC" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Etc/GMT+5" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "EST" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "PST" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "SystemV/EST5EDT" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Asia/Kolkata" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Asia/Calcutta" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Asia/Kathmandu" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Pacific/Chatham" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%c", "Europe/Paris" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%s %N", "Pacific/Kiritimati" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "+08:00" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "+0800" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Foo/Bar" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "300" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Z" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "UTC+1" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", " UTC" }}',
  '{{ "2024-03-15T14:22:33.456Z" | date: "%H:%M %z %Z", "Europe/Kyiv" }}',
  '{{ "not a date" | date: "%H:%M", "Foo/Bar" }}',
  '{{ "not a date" | date: "%H:%M", "Europe/Paris" }}',
  '{{ properties.n | date: "%H:%M", "Foo/Bar" }}',
  '{{ "now" | date: "%H:%M", "Foo/Bar" }}',
  '{{ "1850-03-15T14:22:33Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "0049-12-31T23:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "Asia/Tokyo" }}',
  '{{ "0050-01-01T02:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "0099-12-31T23:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "Asia/Tokyo" }}',
  '{{ "0100-01-01T02:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "0001-01-01T03:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "-000001-06-01T00:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "Asia/Tokyo" }}',
  '{{ "-271821-04-20T00:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "+275760-09-13T00:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "Asia/Tokyo" }}',
  '{{ "+275760-09-13T00:00:00Z" | date: "%Y-%m-%d %H:%M:%S %z", "America/New_York" }}',
  '{{ "2199-07-15T14:22:33Z" | date: "%Y-%m-%d %H:%M:%S %z", "Australia/Sydney" }}',
  '{{ "2024-03-10T06:59:59Z" | date: "%H:%M:%S %z", "America/New_York" }}',
  '{{ "2024-03-10T07:00:00Z" | date: "%H:%M:%S %z", "America/New_York" }}',
  '{{ "2024-03-10T06:59:59.999Z" | date: "%H:%M:%S.%L %z", "America/New_York" }}',
  '{{ "2024-10-27T00:59:59Z" | date: "%H:%M:%S %z", "Europe/London" }}',
  '{{ "2024-10-27T01:00:00Z" | date: "%H:%M:%S %z", "Europe/London" }}',
  '{% assign zone = "Asia/Tokyo" %}{{ timestamp | date: "%H:%M %Z", zone }}',
]
// Seeded random rows: a sampled instant (most of them at a zone's change) in a format, as
// seconds or as an ISO text, in a name of that zone written in some case.
let seed = 7
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const pick = (xs) => xs[Math.floor(rand() * xs.length)]
const formats = ['%Y-%m-%d %H:%M:%S %z', '%F %T %:z %Z', '%c %z', '%s %j %U %z']
const iso = (s) => {
  const d = new Date(s * 1000)
  return isNaN(d) ? String(s) : d.toISOString()
}
const cased = (n) => pick([n, n.toLowerCase(), n.toUpperCase()])
for (let k = 0; k < 160; k++) {
  const [zone, t] = pick(samples)
  const value = rand() < 0.5 ? String(t) : q(iso(t))
  templates.push(`{{ ${value} | date: ${q(pick(formats))}, ${q(cased(zone))} }}`)
}
const have = new Set(doc.rows.map((r) => r.template))
let added = 0
for (const template of templates) {
  if (have.has(template)) continue
  have.add(template)
  try { doc.rows.push({ template, output: evaluateLiquid(template, doc.event) }) }
  catch (e) { doc.rows.push({ template, error: { class: e.name, message: e.message } }) }
  added++
}
doc.source = doc.source.replace(/( and time zone rows from [^;]*)?$/, ' and time zone rows from tests/mapping/liquid_tz_rows.gen.mjs')
fs.writeFileSync(rowsFile, JSON.stringify(doc, null, 1) + '\n')
console.error(`${added} rows added`)
