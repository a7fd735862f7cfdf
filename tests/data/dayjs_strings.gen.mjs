// dayjs goldens: for every string of js_date_parse.txt (plus dayjs-shaped ones), the
// actions-core `date-like` format's answer and amplitude's `dayjs.utc(s).valueOf()`.
// Run from anywhere with ORACLE=<oracle dir with node_modules> and TZ=UTC.
import { createRequire } from 'node:module'
import fs from 'node:fs'
const require = createRequire(process.env.ORACLE + '/package.json')
const dayjs = require('dayjs')
const adayjs = require('@segment/action-destinations/dist/lib/dayjs').default
const dateLike = (data) => {
  let date = dayjs(data)
  if (String(Number(data)) === data) {
    if (data.length === 13) date = dayjs(Number(data))
    date = dayjs.unix(Number(data))
  }
  return date.isValid()
}
const strings = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l)[0])
const extra = ['2024-03-15 14:22:33', '2024031514', '2024-3-5', '2024/03/15T10', '2024-03-15\u0085', '2024-03-15 \u0085',
  '1710512553', '1710512553456', '1.5', '-1', '1e3', '0x10', ' 12', '12 ', '2024-03-15T14:22:33.4567', '2024-03-15T1:2:3',
  '2024-03-15tt14', '2024-03-15 \t 14:22', '2024-03-15\u00a0\u00a014', '20240315 142233', '2024-03-15T14:22:33:123',
  '2024-03-15T14:22:33.', '2024-03-15.5', '2024--03', '2024//03', '9999-99-99', '0000-00-00', '2024-02-30 25:61:61']
const out = []
for (const s of [...strings, ...extra]) {
  const v = adayjs.utc(s).valueOf()
  out.push(JSON.stringify([s, dateLike(s), Number.isNaN(v) ? null : v]))
}
process.stdout.write(out.join('\n') + '\n')
