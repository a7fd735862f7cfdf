// Records what the reference's user-agent parser (@amplitude/ua-parser-js 0.7.33, the version
// @segment/action-destinations runs) makes of each user agent, in the shape of
// tests/amplitude_useragents.json.
//
// usage: node tests/amplitude_useragents.gen.mjs UAS.json OUT.json [ORACLE_DIR]
//   UAS.json: a JSON array of user-agent strings; ORACLE_DIR: a copy of ../shared/oracle with
//   `npm ci` done (default: $ORACLE_DIR, else ../shared/oracle beside the repository).
//
// The vectors beyond the first 170: a seeded sample of the user agents in Matomo's
// device-detector fixtures (PyPI `device_detector` 6.5.1, tests/fixtures/**/*.yml, 38,368
// distinct strings), of the same strings with tokens and multi-byte characters inserted, and of
// random splices of them (long ones included, for the 350-character limit). On the whole sets
// the parser agrees with these outputs on every field: 38,368 of 38,368, 38,368 of 38,368
// mutated, and 19,999 of 20,000 spliced (the odd one cuts an emoji in half at the limit, which
// a Rust string cannot hold). See README.md.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const here = path.dirname(new URL(import.meta.url).pathname)
const [uasFile, outFile, oracle = process.env.ORACLE_DIR || path.join(here, '..', '..', 'shared', 'oracle')] =
  process.argv.slice(2)
const require = createRequire(path.join(oracle, 'package.json'))
const UAParser = require('@amplitude/ua-parser-js')
const uas = JSON.parse(fs.readFileSync(uasFile, 'utf8'))
const out = uas.map((ua) => {
  const p = new UAParser(ua)
  const d = p.getDevice()
  const o = p.getOS()
  const b = p.getBrowser()
  return {
    ua,
    browser_name: b.name ?? null,
    browser_major: b.major ?? null,
    os_name: o.name ?? null,
    device_vendor: d.vendor ?? null,
    device_model: d.model ?? null,
    device_type: d.type ?? null
  }
})
fs.writeFileSync(outFile, JSON.stringify(out))
