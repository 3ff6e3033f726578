// Drives remora-kvd with the official Aerospike Node.js client (npm package
// `aerospike`, a wrapper around the Aerospike C client). The test starts its
// own remora-kvd on a free loopback port (REMORA_KVD = path of the binary)
// and stops it by PID at the end.
//
// Run: REMORA_KVD=build/kv/node/remora-kvd node --test tests/integration/kv/node/

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

let Aerospike
try {
  Aerospike = require('aerospike')
} catch (e) {
  Aerospike = null
  console.log(`# SKIP: the npm package 'aerospike' is not installed here (${e.message}); ` +
    'run `npm ci --ignore-scripts` in tests/integration/kv/node')
}

const kvdPath = process.env.REMORA_KVD
let kvd
let client
const ns = 'test'
const set = 'nodejs'

function startKvd () {
  return new Promise((resolve, reject) => {
    const proc = spawn(kvdPath, ['--port', '0', '--threads', '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error('remora-kvd did not start in 10 s')), 10000)
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString()
      const m = out.match(/listening on port (\d+)/)
      if (m) {
        clearTimeout(timer)
        resolve({ proc, port: Number(m[1]) })
      }
    })
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`remora-kvd exited with ${code}`)) })
  })
}

const skip = !Aerospike || !kvdPath
  ? (!Aerospike ? 'npm package aerospike not installed' : 'REMORA_KVD not set')
  : false

before(async () => {
  if (skip) return
  kvd = await startKvd()
  client = await Aerospike.connect({
    hosts: [{ addr: '127.0.0.1', port: kvd.port }],
    policies: {
      read: new Aerospike.ReadPolicy({ totalTimeout: 2000 }),
      write: new Aerospike.WritePolicy({ totalTimeout: 2000 }),
      batch: new Aerospike.BatchPolicy({ totalTimeout: 2000 }),
      scan: new Aerospike.ScanPolicy({ totalTimeout: 10000 })
    },
    log: { level: Aerospike.log.OFF }
  })
})

after(async () => {
  if (client) client.close()
  if (kvd) {
    kvd.proc.removeAllListeners('exit')
    const exited = new Promise((resolve) => kvd.proc.on('exit', resolve))
    process.kill(kvd.proc.pid, 'SIGTERM')
    await exited
  }
})

const key = (k) => new Aerospike.Key(ns, set, k)

async function errorCode (promise) {
  try {
    await promise
  } catch (e) {
    return e.code
  }
  return 0
}

test('put and get integer, double, string and bytes bins', { skip }, async () => {
  const k = key('types')
  await client.put(k, { i: 42, d: new Aerospike.Double(1.5), s: 'hello', b: Buffer.from([1, 2, 3, 255]) })
  const rec = await client.get(k)
  assert.equal(rec.bins.i, 42)
  assert.equal(rec.bins.d, 1.5)
  assert.equal(rec.bins.s, 'hello')
  assert.deepEqual(rec.bins.b, Buffer.from([1, 2, 3, 255]))
  assert.equal(rec.gen, 1)
})

test('integer keys and selected bins', { skip }, async () => {
  const k = key(7)
  await client.put(k, { a: 1, b: 2, c: 3 })
  const rec = await client.select(k, ['a', 'c'])
  assert.deepEqual(rec.bins, { a: 1, c: 3 })
})

test('exists, remove and not-found errors', { skip }, async () => {
  const k = key('gone')
  await client.put(k, { x: 1 })
  assert.equal(await client.exists(k), true)
  await client.remove(k)
  assert.equal(await client.exists(k), false)
  assert.equal(await errorCode(client.get(k)), Aerospike.status.ERR_RECORD_NOT_FOUND)
  assert.equal(await errorCode(client.remove(k)), Aerospike.status.ERR_RECORD_NOT_FOUND)
})

test('exists policies: create-only, update-only, replace', { skip }, async () => {
  const k = key('policies')
  const create = new Aerospike.WritePolicy({ exists: Aerospike.policy.exists.CREATE })
  const update = new Aerospike.WritePolicy({ exists: Aerospike.policy.exists.UPDATE })
  const replace = new Aerospike.WritePolicy({ exists: Aerospike.policy.exists.REPLACE })
  assert.equal(await errorCode(client.put(k, { a: 1 }, {}, update)), Aerospike.status.ERR_RECORD_NOT_FOUND)
  await client.put(k, { a: 1 }, {}, create)
  assert.equal(await errorCode(client.put(k, { a: 2 }, {}, create)), Aerospike.status.ERR_RECORD_EXISTS)
  await client.put(k, { b: 2 }, {}, replace)
  const rec = await client.get(k)
  assert.deepEqual(rec.bins, { b: 2 })
})

test('generation checks', { skip }, async () => {
  const k = key('gen')
  await client.put(k, { v: 1 })
  await client.put(k, { v: 2 })
  const eq = new Aerospike.WritePolicy({ gen: Aerospike.policy.gen.EQ })
  assert.equal(await errorCode(client.put(k, { v: 3 }, { gen: 1 }, eq)),
    Aerospike.status.ERR_RECORD_GENERATION)
  await client.put(k, { v: 3 }, { gen: 2 }, eq)
  const rec = await client.get(k)
  assert.equal(rec.gen, 3)
  assert.equal(rec.bins.v, 3)
})

test('ttl: explicit, never expire and touch', { skip }, async () => {
  const k = key('ttl')
  await client.put(k, { v: 1 }, { ttl: 1000 })
  let rec = await client.get(k)
  assert.ok(rec.ttl > 990 && rec.ttl <= 1000, `ttl ${rec.ttl}`)
  await client.put(k, { v: 2 }, { ttl: Aerospike.ttl.NEVER_EXPIRE })
  rec = await client.get(k)
  assert.equal(rec.ttl, -1)
  await client.operate(k, [Aerospike.operations.touch()], { ttl: 500 })
  rec = await client.get(k)
  assert.ok(rec.ttl > 490 && rec.ttl <= 500, `ttl ${rec.ttl}`)
  assert.equal(rec.gen, 3)
})

test('operate: incr, append, prepend, read in one command', { skip }, async () => {
  const op = Aerospike.operations
  const k = key('operate')
  await client.put(k, { n: 10, s: 'mid' })
  const rec = await client.operate(k, [
    op.incr('n', 5),
    op.append('s', '-end'),
    op.prepend('s', 'start-'),
    op.read('n'),
    op.read('s')
  ])
  assert.equal(rec.bins.n, 15)
  assert.equal(rec.bins.s, 'start-mid-end')
  assert.equal(await errorCode(client.operate(k, [op.incr('s', 1)])),
    Aerospike.status.ERR_BIN_INCOMPATIBLE_TYPE)
})

test('batch read, exists and select', { skip }, async () => {
  const keys = [key('b1'), key('b2'), key('b-missing')]
  await client.put(keys[0], { v: 1 })
  await client.put(keys[1], { v: 2 })
  const results = await client.batchRead(keys.map((k) => ({ key: k, readAllBins: true })))
  assert.equal(results.length, 3)
  assert.equal(results[0].status, Aerospike.status.OK)
  assert.equal(results[0].record.bins.v, 1)
  assert.equal(results[1].record.bins.v, 2)
  assert.equal(results[2].status, Aerospike.status.ERR_RECORD_NOT_FOUND)
  const exists = await client.batchExists(keys)
  assert.deepEqual(exists.map((r) => r.status), [0, 0, 2])
})

test('batch write and remove', { skip }, async () => {
  const op = Aerospike.operations
  const k1 = key('bw1')
  const k2 = key('bw2')
  await client.put(k2, { v: 0 })
  const results = await client.batchWrite([
    { type: Aerospike.batchType.BATCH_WRITE, key: k1, ops: [op.write('v', 11)] },
    { type: Aerospike.batchType.BATCH_REMOVE, key: k2 }
  ])
  assert.deepEqual(results.map((r) => r.status), [0, 0])
  assert.equal((await client.get(k1)).bins.v, 11)
  assert.equal(await client.exists(k2), false)
})

test('scan returns every record of a set', { skip }, async () => {
  const scanSet = 'scanset'
  for (let i = 0; i < 30; i++) await client.put(new Aerospike.Key(ns, scanSet, i), { i })
  const scan = client.scan(ns, scanSet)
  const seen = new Set()
  await new Promise((resolve, reject) => {
    const stream = scan.foreach()
    stream.on('data', (rec) => seen.add(rec.bins.i))
    stream.on('error', reject)
    stream.on('end', resolve)
  })
  assert.equal(seen.size, 30)
})

test('truncate empties a set', { skip }, async () => {
  const tset = 'truncset'
  await client.put(new Aerospike.Key(ns, tset, 1), { v: 1 })
  await client.truncate(ns, tset, 0)
  assert.equal(await client.exists(new Aerospike.Key(ns, tset, 1)), false)
})

test('info commands and unknown-namespace errors', { skip }, async () => {
  const build = await client.infoAny('build')
  assert.equal(build.trim(), 'build\t8.0.0.0')
  const status = await client.infoAny('status')
  assert.equal(status, 'status\tok\n')
  assert.equal(await errorCode(client.get(new Aerospike.Key('nosuchns', set, 'k'))),
    Aerospike.status.ERR_NAMESPACE_NOT_FOUND)
})
