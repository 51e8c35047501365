// Scan gating from Node: the shared fixtures (fixtures/scan/) replayed, outputs equal to the scan_gate
// program's (JSON, SARIF, Markdown), policy errors, and the live gate against the emulator.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')
const { ScanPolicy, ScanDecision, evaluateFindings, gateFindings, parseFindings } = require('../index.js').scan

const SCAN = join(root, 'fixtures', 'scan')
const read = (name) => readFileSync(join(SCAN, name), 'utf8')
const CASES = JSON.parse(read('gate_cases.json'))
const STATUSES = JSON.parse(read('statuses.json'))
const INVALID = JSON.parse(read('policies_invalid.json'))
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json'

function program(name) {
  const dir = process.env.ECR_CORE_BIN_DIR
  assert.ok(dir, 'ECR_CORE_BIN_DIR must name the directory of the built example programs')
  return join(dir, name)
}

const tmp = mkdtempSync(join(tmpdir(), 'ecr-core-node-scan-'))
function scanGate(c, format) {
  const policy = join(tmp, 'policy.json')
  writeFileSync(policy, JSON.stringify(c.policy))
  const out = spawnSync(
    program('scan_gate'),
    ['--findings', join(SCAN, c.findings), '--policy', policy, '--now', c.now, '--format', format, '--full'],
    { encoding: 'utf8' },
  )
  assert.equal(out.status, c.expect.passed ? 0 : 1, out.stderr)
  return out.stdout
}

describe('fixtures/scan/gate_cases.json', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const report = evaluateFindings(read(c.findings), c.policy, { now: c.now })
      assertShape(report, 'ScanGateReport')
      const e = c.expect
      assert.equal(report.passed, e.passed)
      assert.equal(report.reasons.length, e.reasons.length)
      e.reasons.forEach((want, i) => {
        for (const [k, v] of Object.entries(want)) assert.deepEqual(report.reasons[i][k], v, k)
      })
      assert.deepEqual(report.counted, e.counted)
      assert.deepEqual(report.notCounted, e.notCounted)
      assert.deepEqual(report.staleIgnores, e.staleIgnores)
      assert.deepEqual(report.expiredIgnores, e.expiredIgnores)
      assert.deepEqual(report.warnings.map((w) => w.code).sort(), [...e.warnings].sort())
      if (e.ignoreStates) assert.deepEqual(report.ignores.map((i) => i.state), e.ignoreStates)

      // The same decision through a ScanPolicy and gateFindings equals the scan_gate program's outputs.
      const decision = gateFindings(JSON.parse(read(c.findings)), ScanPolicy.fromObject(c.policy), { now: new Date(c.now) })
      assert.ok(decision instanceof ScanDecision)
      assert.equal(decision.passed, e.passed)
      assert.deepEqual(decision.toJSON(), JSON.parse(scanGate(c, 'json')))
      assert.deepEqual(report, decision.toJSON())
      assert.deepEqual(decision.toSarif(), JSON.parse(scanGate(c, 'sarif')))
      assert.equal(decision.toMarkdown() + '\n', scanGate(c, 'markdown'))
    })
  }
})

test('pages may be text, one response object, or an array of pages', () => {
  const text = read('enhanced_pages_cli.json')
  const fromText = parseFindings(text)
  assert.deepEqual(parseFindings(JSON.parse(text)), fromText)
  const one = parseFindings(read('enhanced_page.json'))
  assert.ok(fromText.pages > 1)
  assert.equal(one.pages, 1)
  assert.deepEqual(fromText.findings.map((f) => f.id), one.findings.map((f) => f.id))
})

test('statuses fail closed', () => {
  for (const c of STATUSES) {
    const r = evaluateFindings(c.response, {}, { now: '2026-06-01T00:00:00Z' })
    assert.equal(r.passed, c.gate.passed, c.status)
    if (c.gate.reason) assert.equal(r.reasons[0].code, c.gate.reason, c.status)
  }
})

test('JSON and TOML policies are the same; load reads files', () => {
  const j = ScanPolicy.fromJson(read('policy.json'))
  assert.deepEqual(ScanPolicy.fromToml(read('policy.toml')).toJSON(), j.toJSON())
  assert.deepEqual(ScanPolicy.load(join(SCAN, 'policy.toml')).toJSON(), j.toJSON())
  assert.deepEqual(j.toJSON().failOn, { CRITICAL: 0, HIGH: 5 })
  assert.throws(() => ScanPolicy.load(join(SCAN, 'missing.json')), { code: 'Io' })
})

test('invalid policies name the path', () => {
  for (const c of INVALID) {
    assert.throws(
      () => ScanPolicy.fromObject(c.policy),
      (err) => err.code === 'PolicyValidation' && err.errors.some((e) => e.path === c.path),
      c.name,
    )
    assert.throws(() => evaluateFindings(read('basic_page.json'), JSON.stringify(c.policy)), { code: 'PolicyValidation' })
  }
})

test('bad findings and dates are typed errors', () => {
  assert.throws(() => evaluateFindings('[]', {}), { code: 'InvalidArgument' })
  assert.throws(() => evaluateFindings(read('basic_page.json'), {}, { now: 'yesterday' }), { code: 'InvalidArgument' })
  assert.throws(() => evaluateFindings(read('basic_page.json'), {}, { now: new Date(NaN) }), { code: 'InvalidArgument' })
})

// ------------------------------------------------------------------ live gate against the emulator
// Moto gaps (as in ecr-core/tests/scan_emulator.rs): findings are queued through
// POST {endpoint}/moto-api/static/ecr/scan-finding-results, and a queued result sticks to the first request
// that takes it; to see IN_PROGRESS -> COMPLETE the progress callback (which the wait pauses for) deletes and
// re-pushes the image and queues the COMPLETE result, synchronously, through a child process.

const CHILD = `
const [endpoint, steps] = [process.argv[1], JSON.parse(process.argv[2])]
;(async () => {
  for (const [path, target, body] of steps) {
    const headers = target
      ? { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.' + target,
          authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/ecr/aws4_request, SignedHeaders=host, Signature=0' }
      : { 'content-type': 'application/json' }
    const res = await fetch(endpoint.replace(/\\/$/, '') + path, { method: 'POST', headers, body: JSON.stringify(body) })
    if (res.status >= 300) throw new Error(path + ' ' + target + ': ' + res.status + ' ' + (await res.text()))
  }
})().catch((e) => { console.error(e); process.exit(1) })`

function moto(steps) {
  execFileSync(process.execPath, ['-e', CHILD, emulator().AWS_ENDPOINT_URL, JSON.stringify(steps)], { stdio: 'inherit' })
}
const queue = (results) =>
  moto([['/moto-api/static/ecr/scan-finding-results', null, { results, region: emulator().AWS_REGION }]])
const response = (repo, digest, status, findings) => ({
  registryId: '123456789012',
  repositoryName: repo,
  imageId: { imageDigest: digest },
  imageScanStatus: { status, description: `${status} (emulated)` },
  imageScanFindings: findings,
})
const fixtureFindings = (name) => JSON.parse(read(name)).imageScanFindings
const QUICK = { timeout: 20, pollInterval: 0.1, maxPollInterval: 0.4 }

function manifest(seed) {
  const config = 'sha256:' + createHash('sha256').update(seed).digest('hex')
  const text = JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST_TYPE,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', size: 2, digest: config },
    layers: [],
  })
  return [text, 'sha256:' + createHash('sha256').update(text).digest('hex')]
}

describe('scan gate against the emulator', () => {
  let client
  before(() => {
    const env = emulator()
    client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  })

  async function repoWithImage(prefix) {
    const repo = unique(prefix)
    await client.createRepository(repo, { tagMutability: 'MUTABLE' })
    const [text, digest] = manifest(repo)
    await client.putImage(repo, text, { mediaType: MANIFEST_TYPE, tag: 'v1', digest })
    await client.startImageScan(repo, digest)
    return [repo, digest, text]
  }

  test('IN_PROGRESS then COMPLETE, with a progress callback', async () => {
    const [repo, digest, text] = await repoWithImage('node-scan-progress')
    queue([response(repo, digest, 'IN_PROGRESS', {})])
    const seen = []
    const onProgress = (p) => {
      seen.push(p.status)
      assert.equal(typeof p.elapsed, 'number')
      if (p.status === 'IN_PROGRESS' && seen.length === 1) {
        moto([
          ['/', 'BatchDeleteImage', { repositoryName: repo, imageIds: [{ imageDigest: digest }] }],
          ['/moto-api/static/ecr/scan-finding-results', null,
            { results: [response(repo, digest, 'COMPLETE', fixtureFindings('basic_page.json'))], region: emulator().AWS_REGION }],
          ['/', 'PutImage', { repositoryName: repo, imageManifest: text, imageTag: 'v1', imageManifestMediaType: MANIFEST_TYPE, imageDigest: digest }],
          ['/', 'StartImageScan', { repositoryName: repo, imageId: { imageDigest: digest } }],
        ])
      }
    }
    const decision = await client.gateImage(repo, 'v1', { failOn: { CRITICAL: 0 } }, { ...QUICK, onProgress })
    assert.deepEqual(seen, ['IN_PROGRESS', 'COMPLETE'])
    assert.equal(decision.passed, false)
    const doc = decision.toJSON()
    assert.equal(doc.images[0].digest, digest)
    assert.equal(doc.images[0].status, 'COMPLETE')
    assert.deepEqual(doc.reasons[0].findingIds, ['CVE-2023-45871'])
    assert.equal(doc.findings.length, 2)
    assert.ok(decision.toMarkdown().length > 0)
    const findings = await client.describeScanFindings(repo, { imageDigest: digest })
    assert.equal(findings.findings.length, 2)
    const outcome = await client.waitForScan(repo, digest, { ...QUICK, scanType: 'basic' })
    assertShape(outcome, 'ScanWaitOutcome')
    assert.equal(outcome.scan.status, 'COMPLETE')
    await assert.rejects(client.startImageScan(repo, digest), { code: 'LimitExceeded' })
  })

  test('a FAILED scan fails the gate; onScanError warn passes it', async () => {
    const [repo, digest] = await repoWithImage('node-scan-failed')
    queue([response(repo, digest, 'FAILED', {})])
    const d = await client.gateImage(repo, 'v1', ScanPolicy.fromJson('{}'), QUICK)
    assert.equal(d.passed, false)
    assert.equal(d.toJSON().reasons[0].code, 'scanError')
    assert.equal((await client.gateImage(repo, 'v1', '{"onScanError": "warn"}', QUICK)).passed, true)
    const resolved = await client.resolveImage(repo, 'v1')
    assert.deepEqual(resolved, { repository: repo, digest, mediaType: MANIFEST_TYPE, children: [] })
    assert.ok([null, 'BASIC', 'ENHANCED'].includes(await client.registryScanType()))
  })

  test('a real finding set passes with an ignore after two stable enhanced polls', async () => {
    const [repo, digest] = await repoWithImage('node-scan-active')
    queue([response(repo, digest, 'ACTIVE', fixtureFindings('enhanced_page.json'))])
    const polls = []
    const policy = { failOn: { CRITICAL: 0 }, ignore: [{ id: 'CVE-2024-0001', reason: 'accepted' }] }
    const d = await client.gateImage(repo, digest, policy, { ...QUICK, scanType: 'enhanced', onProgress: (p) => polls.push(p.polls) })
    assert.deepEqual(polls, [1, 2])
    assert.equal(d.passed, true)
    assert.equal(d.toJSON().images[0].scanType, 'ENHANCED')
    assert.equal(d.toJSON().findings.length, 6)
  })

  test('an error thrown by the callback rejects the Promise with that error', async () => {
    const [repo, digest] = await repoWithImage('node-scan-throw')
    queue([response(repo, digest, 'IN_PROGRESS', {})])
    const calls = []
    const boom = new RangeError('enough')
    await assert.rejects(
      client.gateImage(repo, 'v1', {}, { ...QUICK, onProgress: (p) => { calls.push(p.status); throw boom } }),
      (err) => err === boom,
    )
    assert.deepEqual(calls, ['IN_PROGRESS'])
  })

  test('timeout rejects with code ScanTimeout; bad options are refused', async () => {
    const [repo, digest] = await repoWithImage('node-scan-timeout')
    queue([response(repo, digest, 'IN_PROGRESS', {})])
    await assert.rejects(client.gateImage(repo, 'v1', {}, { timeout: 0.5, pollInterval: 0.1, maxPollInterval: 0.1 }), {
      code: 'ScanTimeout',
    })
    assert.throws(() => client.gateImage(repo, 'v1', {}, { scanType: 'deep' }), { code: 'InvalidArgument' })
    assert.throws(() => client.gateImage(repo, 'v1', {}, { timeout: -1 }), { code: 'InvalidArgument' })
    await assert.rejects(client.gateImage(unique('node-missing'), 'v1', {}, { ...QUICK, scanType: 'basic' }), {
      code: 'RepositoryNotFound',
    })
  })
})
