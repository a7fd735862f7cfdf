// The time zones @liquid's date filter takes by name, as the reference's node (its ICU) knows
// them: every name Intl accepts, the UTC offset of each zone from 1800 to 2100 read from Intl
// itself (a scan by day, each change found to the second), and after 2100 the zone's rule (the
// POSIX TZ string at the end of its TZif file). Each rule, the time before 1800 and every alias
// are checked against Intl at sampled instants. Writes src/engine/mapping/liquid/tz_data.rs
// and, for the Rust test, tests/mapping/tz_offsets.json (sampled offsets from Intl).
// usage: node tests/mapping/tz_data.gen.mjs   (from the repository's root; reads /usr/share/zoneinfo)
import fs from 'node:fs'
import path from 'node:path'

const ZONEINFO = '/usr/share/zoneinfo'
const OUT_RS = 'src/engine/mapping/liquid/tz_data.rs'
const OUT_JSON = 'tests/mapping/tz_offsets.json'
const T0 = Date.UTC(1800, 0, 1) / 1000
const T1 = Date.UTC(2100, 0, 1) / 1000
const DAY = 86400

// --- candidate names: the tz database's files, Intl's own list, ICU's extra and old IDs
const candidates = new Set(Intl.supportedValuesOf('timeZone'))
;(function walk(dir, prefix) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (prefix === '' && ['posix', 'right'].includes(e.name)) continue
    const name = prefix + e.name
    if (e.isDirectory()) walk(path.join(dir, e.name), name + '/')
    else candidates.add(name)
  }
})(ZONEINFO, '')
for (const n of ['ACT', 'AET', 'AGT', 'ART', 'AST', 'BET', 'BST', 'CAT', 'CNT', 'CST', 'CTT', 'EAT',
  'ECT', 'IET', 'IST', 'JST', 'MIT', 'NET', 'NST', 'PLT', 'PNT', 'PRT', 'PST', 'SST', 'VST',
  'SystemV/AST4', 'SystemV/AST4ADT', 'SystemV/CST6', 'SystemV/CST6CDT', 'SystemV/EST5',
  'SystemV/EST5EDT', 'SystemV/HST10', 'SystemV/MST7', 'SystemV/MST7MDT', 'SystemV/PST8',
  'SystemV/PST8PDT', 'SystemV/YST9', 'SystemV/YST9YDT', 'US/Pacific-New',
  'Canada/East-Saskatchewan', 'America/Montreal', 'Asia/Chongqing', 'Asia/Harbin',
  'Asia/Kashgar', 'Pacific/Johnston', 'Antarctica/South_Pole', 'Europe/Belfast',
  'America/Shiprock', 'Etc/Unknown', 'Z', 'GMT+0', 'GMT-0']) candidates.add(n)

const formatters = new Map()
const fmt = (zone) => {
  let f = formatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset', year: 'numeric' })
    formatters.set(zone, f)
  }
  return f
}
// Seconds east of UTC at second `t`.
const offsetAt = (zone, t) => {
  const s = fmt(zone).format(t * 1000)
  const m = s.match(/GMT(?:([+-])(\d\d):(\d\d)(?::(\d\d))?)?$/)
  if (!m) throw new Error(`${zone}: ${s}`)
  if (!m[1]) return 0
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 3600 + +m[3] * 60 + +(m[4] ?? 0))
}

const accepted = []
for (const name of [...candidates].sort()) {
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone
    accepted.push([name, canonical])
  } catch {}
}
const groups = new Map()
for (const [name, canonical] of accepted) {
  if (!groups.has(canonical)) groups.set(canonical, [])
  groups.get(canonical).push(name)
}
console.error(`${accepted.length} names, ${groups.size} zones`)

// --- POSIX TZ rules ("EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30", …)
function footer(names) {
  for (const n of names) {
    const file = path.join(ZONEINFO, n)
    if (!fs.existsSync(file)) continue
    const text = fs.readFileSync(file, 'latin1').replace(/\n$/, '')
    return text.slice(text.lastIndexOf('\n') + 1)
  }
  // ICU's SystemV zones have no TZif file: those with daylight time follow the US rule.
  const m = names[0].match(/^SystemV\/[A-Z]{3}(\d+)[A-Z]{3}$/)
  return m ? `<S>${m[1]}<D>,M4.5.0,M10.5.0` : null
}
function parseTz(s) {
  let i = 0
  const name = () => {
    if (s[i] === '<') { const j = s.indexOf('>', i); i = j + 1 } else { while (i < s.length && /[A-Za-z]/.test(s[i])) i++ }
  }
  const hms = () => {
    let sign = 1
    if (s[i] === '+' || s[i] === '-') { if (s[i] === '-') sign = -1; i++ }
    const m = s.slice(i).match(/^(\d+)(?::(\d+))?(?::(\d+))?/)
    i += m[0].length
    return sign * (+m[1] * 3600 + +(m[2] ?? 0) * 60 + +(m[3] ?? 0))
  }
  const date = () => {
    const m = s.slice(i).match(/^M(\d+)\.(\d)\.(\d)/)
    if (!m) throw new Error(`rule date not M-form: ${s}`)
    i += m[0].length
    let time = 7200
    if (s[i] === '/') { i++; time = hms() }
    return [+m[1], +m[2], +m[3], time]
  }
  name()
  const std = -hms()
  if (i >= s.length) return { std }
  name()
  let dst = std + 3600
  if (s[i] !== ',') dst = -hms()
  if (s[i] !== ',') throw new Error(`no rule: ${s}`)
  i++
  const start = date()
  if (s[i] !== ',') throw new Error(`no end: ${s}`)
  i++
  const end = date()
  return { std, dst, start, end }
}
// Seconds of the transition `[month, week, weekday, time]` of year `y` (after 2100), local
// time at `off`: the `week`th `weekday` of the month (5: the last).
function ruleInstant(y, [month, week, weekday, time], off) {
  const first = new Date(Date.UTC(y, month - 1, 1)).getUTCDay()
  const len = new Date(Date.UTC(y, month, 0)).getUTCDate()
  let day = 1 + ((weekday - first + 7) % 7) + (week - 1) * 7
  while (day > len) day -= 7
  return Date.UTC(y, month - 1, day) / 1000 + time - off
}
function ruleOffset(rule, t) {
  if (rule.dst === undefined) return rule.std
  const d = new Date(t * 1000)
  const y = d.getUTCFullYear()
  const s = ruleInstant(y, rule.start, rule.std)
  const e = ruleInstant(y, rule.end, rule.dst)
  const inDst = s < e ? t >= s && t < e : !(t >= e && t < s)
  return inDst ? rule.dst : rule.std
}

// --- scan each zone
const zones = []
let rng = 12345
const rand = () => ((rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648)
const samples = []
let problems = 0
for (const [canonical, names] of [...groups].sort(([a], [b]) => (a < b ? -1 : 1))) {
  const initial = offsetAt(canonical, T0)
  const changes = []
  let prev = initial
  for (let t = T0 + DAY; t <= T1; t += DAY) {
    const off = offsetAt(canonical, t)
    if (off === prev) continue
    // The first second with the new offset.
    let lo = t - DAY, hi = t
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (offsetAt(canonical, mid) === prev) lo = mid; else hi = mid
    }
    if (offsetAt(canonical, hi) !== off) { console.error(`${canonical}: two changes in a day at ${hi}`); problems++ }
    changes.push([hi, off])
    prev = off
  }
  const tz = footer([canonical, ...names])
  let rule = tz ? parseTz(tz) : { std: prev }
  // The rule takes over at T1: its offset there must be the scan's.
  if (ruleOffset(rule, T1) !== prev) { console.error(`${canonical}: rule ${tz} gives ${ruleOffset(rule, T1)} at 2100, scan ${prev}`); problems++ }
  // The changes the rule foretells, from the last back, are left to it: it rules from the
  // first of them on.
  let ruleFrom = T1
  while (rule.dst !== undefined && changes.length) {
    const [t, off] = changes[changes.length - 1]
    const before = changes.length > 1 ? changes[changes.length - 2][1] : initial
    if (ruleOffset(rule, t) !== off || ruleOffset(rule, t - 1) !== before) break
    ruleFrom = t
    changes.pop()
  }
  const zone = { canonical, names, initial, changes, rule, tz, ruleFrom }
  zones.push(zone)
  // Checks: the rule after 2100 (random instants and around each transition of 40 years),
  // before 1800, and every alias the same as the zone.
  const check = (t, want, what) => {
    const got = offsetAt(canonical, t)
    if (got !== want) { console.error(`${canonical} ${what} at ${t}: Intl ${got}, table ${want}`); problems++ }
  }
  for (let k = 0; k < 300; k++) { const t = Math.floor(T1 + rand() * (8.64e12 - T1)); check(t, ruleOffset(rule, t), 'rule') }
  if (rule.dst !== undefined) for (let y = 2100; y < 2140; y++) for (const [r, off] of [[rule.start, rule.std], [rule.end, rule.dst]]) {
    const at = ruleInstant(y, r, off)
    for (const t of [at - 1, at, at + 1]) check(t, ruleOffset(rule, t), 'rule edge')
  }
  for (let k = 0; k < 100; k++) { const t = Math.floor(-8.64e12 + rand() * (T0 + 8.64e12)); check(t, initial, 'before 1800') }
  for (const n of names) for (let k = 0; k < 40; k++) {
    const t = Math.floor(-8.64e12 + rand() * 1.728e13)
    if (offsetAt(n, t) !== offsetAt(canonical, t)) { console.error(`alias ${n} differs from ${canonical} at ${t}`); problems++ }
  }
  // Samples for the Rust test: random instants, and both sides of some changes.
  for (let k = 0; k < 6; k++) { const t = Math.floor(-8.64e12 + rand() * 1.728e13); samples.push([names[k % names.length], t, offsetAt(canonical, t)]) }
  for (let k = 0; k < 4 && changes.length; k++) {
    const [t] = changes[Math.floor(rand() * changes.length)]
    samples.push([canonical, t - 1, offsetAt(canonical, t - 1)], [canonical, t, offsetAt(canonical, t)])
  }
  // And both sides of the rule's transitions in two years it rules.
  for (let k = 0; k < 2 && rule.dst !== undefined; k++) {
    const y = Math.max(new Date(zone.ruleFrom * 1000).getUTCFullYear() + 1, 2026) + Math.floor(rand() * 400)
    for (const [r, off] of [[rule.start, rule.std], [rule.end, rule.dst]]) {
      const at = ruleInstant(y, r, off)
      samples.push([canonical, at - 1, offsetAt(canonical, at - 1)], [canonical, at, offsetAt(canonical, at)])
    }
  }
}
console.error(`${zones.reduce((n, z) => n + z.changes.length, 0)} changes, ${problems} problems`)
console.error(`changes off the minute: ${zones.reduce((n, z) => n + z.changes.filter(([t]) => t % 60).length, 0)}`)

// --- the Rust table
// Zones with the same data (ICU keeps some links as zones of their own) are written once.
const dataOf = (z) => JSON.stringify([z.initial, z.changes, z.ruleFrom, z.rule])
const unique = []
const slot = new Map()
for (const z of zones) {
  const key = dataOf(z)
  if (!slot.has(key)) {
    slot.set(key, unique.length)
    unique.push({ ...z, sharedBy: [] })
  }
  unique[slot.get(key)].sharedBy.push(z.canonical)
}
const names = accepted.map(([n, c]) => [n.toLowerCase(), slot.get(dataOf(zones.find((z) => z.canonical === c)))])
names.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
const ruleRs = (r) => r.dst === undefined ? `None` : `Some(Rule { dst: ${r.dst}, start: ${JSON.stringify(r.start).replace(/\[/g, '(').replace(/\]/g, ')')}, end: ${JSON.stringify(r.end).replace(/\[/g, '(').replace(/\]/g, ')')} })`
let rs = `//! Generated by tests/mapping/tz_data.gen.mjs from node ${process.version} (ICU ${process.versions.icu}, tz ${process.versions.tz}) and the TZif rules of tzdata: do not edit.
//! Every time zone name \`Intl\` accepts (lower case, sorted) with its zone; each zone's offset
//! before 1800, its changes to 2100 (seconds since the epoch, seconds east of UTC), and its
//! rule after that.
use super::tz::{Rule, Zone};

#[rustfmt::skip]
pub(super) static NAMES: [(&str, u16); ${names.length}] = [
${names.map(([n, i]) => `    (${JSON.stringify(n)}, ${i}),`).join('\n')}
];

#[rustfmt::skip]
pub(super) static ZONES: [Zone; ${unique.length}] = [
`
for (const z of unique) {
  rs += `    // ${z.sharedBy.join(', ')}${z.tz ? ` (${z.tz})` : ''}
    Zone {
        initial: ${z.initial},
        changes: &[${z.changes.map(([t, o]) => `(${t}, ${o})`).join(', ')}],
        rule_from: ${z.ruleFrom},
        std: ${z.rule.std},
        rule: ${ruleRs(z.rule)},
    },
`
}
rs += '];\n'
fs.writeFileSync(OUT_RS, rs)
fs.writeFileSync(OUT_JSON, JSON.stringify({ source: `Intl.DateTimeFormat offsets (seconds east of UTC) at second t, node ${process.version}, ICU ${process.versions.icu}, tz ${process.versions.tz}; generated by tests/mapping/tz_data.gen.mjs`, samples }) + '\n')
if (problems) process.exitCode = 1
