#!/usr/bin/env node
// Reference side of the mapping-kit differential fuzzer (see fuzz_mapping.py).
//
// Usage: node tests/mapping/fuzz_transform.mjs ROWS.json OUT.json
//   ROWS.json: [{"mapping": M, "input": I}, ...]   (or {"rows": [...]})
//   OUT.json:  one entry per row, in order:
//     {"output_text": JSON.stringify(transform(M, I))}
//     {"undefined": true}                 when the result is undefined
//     {"error": {"name", "message", "messages"}}   when transform throws
//
// Loads @segment/actions-core 3.170.0 from $ORACLE_DIR/node_modules (default: ../shared/oracle
// beside the repository)
// (override the directory with ORACLE_DIR). The clock is NOT mocked.
import { createRequire } from 'node:module'
import fs from 'node:fs'
import path from 'node:path'

const oracleDir =
  process.env.ORACLE_DIR || path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'shared', 'oracle')
const require = createRequire(path.join(oracleDir, 'package.json'))
const core = require('@segment/actions-core')

// Passive observer (does not change any result): flag rows whose path lookups
// (§3, get.js) reach an inherited prototype member such as "".big or
// (5).toFixed. The spec recommends the port answer `undefined` there (P22/P25),
// so differences on such rows are a known, documented deviation.
const getMod = require(path.join(path.dirname(require.resolve('@segment/actions-core')), 'get.js'))
const origGet = getMod.get
let protoLeak = false
const arrayRe = /\[(?="|'|\d)|\.|(?<="|'|\d)]+/g
getMod.get = function (obj, p) {
  try {
    if (typeof p === 'string' && p !== '' && p !== '.') {
      const segs = p.split(arrayRe).filter((f) => f).map((s) => s.replace(/'|"/g, ''))
      let cur = obj
      for (const k of segs) {
        if (!cur) break
        if (!Object.prototype.hasOwnProperty.call(Object(cur), k) && cur[k] !== undefined) protoLeak = true
        cur = cur[k]
      }
    }
  } catch (e) {}
  return origGet.apply(this, arguments)
}

const [rowsPath, outPath] = process.argv.slice(2)
if (!rowsPath || !outPath) {
  console.error('usage: node fuzz_transform.mjs ROWS.json OUT.json')
  process.exit(64)
}
let rows = JSON.parse(fs.readFileSync(rowsPath, 'utf8'))
if (!Array.isArray(rows)) rows = rows.rows

// Rows are re-parsed from their own JSON text so every row gets fresh objects
// (@replace writes defaults back into its options object).
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)))

const out = []
for (const row of rows) {
  let entry
  protoLeak = false
  try {
    const result = core.transform(clone(row.mapping), clone(row.input))
    const text = JSON.stringify(result)
    entry = text === undefined ? { undefined: true } : { output_text: text }
  } catch (e) {
    const name = e && e.name
    const message = e && e.message
    // actions-core throws the `aggregate-error` package's AggregateError, whose
    // items are reachable by iteration (._errors), not always as .errors.
    let items = e && (Array.isArray(e.errors) ? e.errors : Array.isArray(e._errors) ? e._errors : undefined)
    if (!items && e && name === 'AggregateError' && typeof e[Symbol.iterator] === 'function') items = [...e]
    const messages = items ? items.map((x) => x && x.message) : undefined
    let msg = typeof message === 'string' ? message : String(message)
    if (messages && msg.length > 300) msg = msg.slice(0, 300) + '…' // stack-trace dump, see spec §5.2
    entry = { error: { name, message: msg, messages } }
  }
  if (protoLeak) entry.proto_leak = true
  out.push(entry)
}
fs.writeFileSync(outPath, JSON.stringify(out))
