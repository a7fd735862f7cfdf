// Extra @liquid rows: white space other than ASCII around tags, trims and expressions.
import { createRequire } from 'node:module'
import fs from 'node:fs'
const require = createRequire(process.env.ORACLE + '/package.json')
const { evaluateLiquid } = require(process.env.ORACLE + '/node_modules/@segment/actions-core/dist/cjs/mapping-kit/liquid-directive.js')
const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))
const spaces = ['\u00a0', '\u0085', '\ufeff', '\u180e', '\u2003', '\u2028', '\u3000', '\u000b', '\u000c']
const shapes = [
  (w) => `a${w}{%- if true -%}${w}b${w}{%- endif -%}${w}c`,
  (w) => `a${w}{{- properties.name -}}${w}c`,
  (w) => `{{${w}properties.name${w}}}`,
  (w) => `{{ properties.name${w}|${w}upcase }}`,
  (w) => `{%${w}if properties.t${w}%}y{%${w}endif${w}%}`,
  (w) => `{% if${w}properties.t %}y{% endif %}`,
  (w) => `{{ properties.price${w}| plus:${w}1 }}`,
  (w) => `{{ "${w}x${w}" | strip }}|{{ "${w}x" | lstrip }}|{{ "x${w}" | rstrip }}`,
  (w) => `{% assign v${w}=${w}1 %}{{ v }}`,
  (w) => `{{ properties.price${w}}}`,
]
const rows = []
for (const shape of shapes) for (const w of spaces) {
  const template = shape(w)
  try { rows.push({ template, output: evaluateLiquid(template, doc.event) }) }
  catch (e) { rows.push({ template, error: { class: e.name, message: e.message } }) }
}
process.stdout.write(JSON.stringify(rows, null, 1) + '\n')
