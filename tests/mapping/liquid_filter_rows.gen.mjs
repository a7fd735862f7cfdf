// Extra @liquid rows: filters and literals differential fuzzing found differences in or that
// Ampscope added afterwards (truncate's argument coercion, first/last of text, slice,
// truncatewords, url_decode, escape_once, strip_html, the nil literal under json).
// usage: ORACLE=<oracle dir with node_modules> node liquid_filter_rows.gen.mjs liquid_rows.json
import { createRequire } from 'node:module'
import fs from 'node:fs'
const require = createRequire(process.env.ORACLE + '/package.json')
const { evaluateLiquid } = require(process.env.ORACLE + '/node_modules/@segment/actions-core/dist/cjs/mapping-kit/liquid-directive.js')
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const templates = [
  '{{ properties.name | truncate: false }}', '{{ properties.name | truncate: nil }}', '{{ properties.name | truncate: 2.5 }}',
  '{{ properties.name | truncate: -1 }}', '{{ properties.name | truncate: 0, properties.nope }}', '{{ properties.name | truncate: "4" }}',
  '{{ properties.name | truncate: true, "" }}', '{{ properties.name | truncate: 5, "…" }}', '{{ properties.price | truncate: 0 }}',
  '{{ properties.uni | truncate: 3 }}', '{{ properties.name | truncate: properties.nope }}',
  '{{ properties.name | first }}', '{{ properties.name | last }}', '{{ properties.e | first }}', '{{ properties.uni | last }}',
  '{{ properties.name | slice: 1 }}', '{{ properties.name | slice: 1, 3 }}', '{{ properties.name | slice: -3, 2 }}', '{{ properties.name | slice: -30 }}',
  '{{ properties.name | slice: 2.5, 1.5 }}', '{{ properties.name | slice: 0, -1 }}', '{{ properties.words | slice: 1 | join: "+" }}',
  '{{ properties.words | slice: -2, 5 | join: "+" }}', '{{ properties.words | slice: 1.7, 1.2 | join: "+" }}', '{{ properties.n | slice: 1 | size }}',
  '{{ properties.price | slice: 0, 1 }}', '{{ properties.name | slice: nil }}', '{{ properties.words | slice: properties.nope | size }}',
  '{{ properties.name | slice: properties.nope, 3 }}', '{{ properties.uni | slice: 1, 4 }}',
  '{{ properties.name | truncatewords: 1 }}', '{{ properties.spaced | truncatewords: 1, "!" }}', '{{ properties.name | truncatewords: 2 }}',
  '{{ properties.name | truncatewords: 0 }}', '{{ properties.name | truncatewords: 5 }}', '{{ properties.multi | truncatewords: 2 }}',
  '{{ properties.e | truncatewords: 3 }}', '{{ properties.name | truncatewords: 1.5 }}', '{{ properties.name | truncatewords: nil }}',
  '{{ "a%20b+c%2B%C3%A9" | url_decode }}', '{{ properties.email | url_encode | url_decode }}', '{{ "100%" | url_decode }}',
  '{{ properties.html | escape_once }}', '{{ "&amp;lt; &lt;b&gt; &#39;x&#34; & &copy;" | escape_once }}',
  '{{ properties.html | strip_html }}', '{{ "a<script>x</script>b<style>y</style>c<!-- z -->d<e f>g" | strip_html }}',
  '{{ "a<script>never closed <b>bold</b>" | strip_html }}', '{{ "x < y and y > z" | strip_html }}', '{{ "<!-- open <b>t</b>" | strip_html }}',
  '{{ nil | json }}', '{{ null | inspect }}', '{% assign v = nil %}{{ v | json }}', '{% assign v = nil | default: 2 %}{{ v | json }}',
  '{{ nil | default: 1 | json }}', '{{ properties.n | json }}', '{{ properties.nope | json }}',
]
const rows = []
for (const template of templates) {
  try { rows.push({ template, output: evaluateLiquid(template, doc.event) }) }
  catch (e) { rows.push({ template, error: { class: e.name, message: e.message } }) }
}
process.stdout.write(JSON.stringify(rows, null, 1) + '\n')
