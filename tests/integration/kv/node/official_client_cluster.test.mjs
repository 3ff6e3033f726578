// Two remora-kvd processes splitting the 4096 partitions statically
// (`static-cluster`, docs/kv.md), driven by the official Aerospike Node.js
// client seeded with one of them: it must discover the other through
// `peers-clear-std`, learn each node's share from `replicas`, and send every
// key straight to its owner (so neither node proxies anything).
//
// Run: REMORA_KVD=build/kv/node/remora-kvd node --test tests/integration/kv/node/

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import net from 'node:net'

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
const skip = !Aerospike || !kvdPath
  ? (!Aerospike ? 'npm package aerospike not installed' : 'REMORA_KVD not set')
  : false

let dir
let client
const nodes = []

// A port nothing listens on right now (the nodes need each other's ports in
// their configs before either starts).
function freePort () {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

function startKvd (config) {
  return new Promise((resolve, reject) => {
    const proc = spawn(kvdPath, ['-c', config, '--threads', '2'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    const timer = setTimeout(() => reject(new Error('remora-kvd did not start in 10 s')), 10000)
    proc.stdout.on('data', (chunk) => {
      out += chunk.toString()
      if (/listening on port (\d+)/.test(out)) {
        clearTimeout(timer)
        resolve(proc)
      }
    })
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`remora-kvd exited with ${code}`)) })
  })
}

function statistic (text, name) {
  const m = text.match(new RegExp(`(?:^|[;\\t])${name}=(\\d+)`))
  return m ? Number(m[1]) : 0
}

before(async () => {
  if (skip) return
  dir = mkdtempSync(join(tmpdir(), 'remora-kv-cluster-'))
  const ports = [await freePort(), await freePort()]
  const ids = ['A1', 'B2']
  const list = ids.map((id, i) =>
    `    - { node-id: ${id}, address: "127.0.0.1:${ports[i]}" }`).join('\n')
  for (let i = 0; i < 2; i++) {
    const file = join(dir, `node-${i}.yaml`)
    writeFileSync(file, [
      `service: { address: 127.0.0.1, port: ${ports[i]}, node-id: ${ids[i]} }`,
      `fabric: { port: ${ports[i] + 1} }`,
      `heartbeat: { port: ${ports[i] + 2} }`,
      'namespaces:',
      '  - { name: test, replication-factor: 1 }',
      'static-cluster:',
      '  nodes:',
      list,
      ''
    ].join('\n'))
    nodes.push({ proc: await startKvd(file), port: ports[i] })
  }
  client = await Aerospike.connect({
    hosts: [{ addr: '127.0.0.1', port: nodes[0].port }],
    policies: {
      read: new Aerospike.ReadPolicy({ totalTimeout: 2000 }),
      write: new Aerospike.WritePolicy({ totalTimeout: 2000 })
    },
    log: { level: Aerospike.log.OFF }
  })
})

after(async () => {
  if (client) client.close()
  for (const n of nodes) {
    n.proc.removeAllListeners('exit')
    const exited = new Promise((resolve) => n.proc.on('exit', resolve))
    process.kill(n.proc.pid, 'SIGTERM')
    await exited
  }
  if (dir) rmSync(dir, { recursive: true, force: true })
})

test('a client seeded with one node finds both and routes each key to its owner', { skip }, async () => {
  assert.equal(client.getNodes().length, 2)
  for (let i = 0; i < 200; i++) {
    const key = new Aerospike.Key('test', 'cluster', `k-${i}`)
    await client.put(key, { i })
    const rec = await client.get(key)
    assert.equal(rec.bins.i, i)
  }
  let writes = 0
  for (const n of nodes) {
    const stats = await client.infoNode('statistics', { name: n.port === nodes[0].port ? 'A1' : 'B2' })
    assert.equal(statistic(stats, 'proxied'), 0, stats)
    const w = statistic(stats, 'client_write_success')
    assert.ok(w > 0, `node ${n.port} got no writes`)
    writes += w
  }
  assert.equal(writes, 200)
})

test('batch reads and a scan over both nodes see every record once', { skip }, async () => {
  const keys = []
  for (let i = 0; i < 40; i++) {
    const key = new Aerospike.Key('test', 'cluster-bs', `b-${i}`)
    keys.push(key)
    if (i % 4 !== 3) await client.put(key, { i })
  }
  const results = await client.batchRead(keys.map((key) => ({ key, readAllBins: true })))
  assert.equal(results.length, keys.length)
  results.forEach((r, i) => {
    if (i % 4 === 3) {
      assert.equal(r.status, Aerospike.status.ERR_RECORD_NOT_FOUND, `row ${i}`)
    } else {
      assert.equal(r.status, Aerospike.status.OK, `row ${i}`)
      assert.equal(r.record.bins.i, i)
    }
  })
  const seen = new Map()
  const scan = client.scan('test', 'cluster-bs')
  await new Promise((resolve, reject) => {
    const stream = scan.foreach()
    stream.on('data', (rec) => seen.set(rec.bins.i, (seen.get(rec.bins.i) || 0) + 1))
    stream.on('error', reject)
    stream.on('end', resolve)
  })
  assert.equal(seen.size, 30)
  for (const count of seen.values()) assert.equal(count, 1)
})
