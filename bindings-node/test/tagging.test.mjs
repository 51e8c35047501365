// Tagging: the shared fixtures (28 plan cases, 12 CI environments), the tag_plan program, bad input, and the
// plan checked against the local ECR emulator.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient } = require('../index.js')
const { TagStrategy, buildContextFromEnv } = require('../index.js').tagging

const fixtures = join(root, 'fixtures', 'tagging')
const cases = (dir) =>
  readdirSync(join(fixtures, dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(join(fixtures, dir, f), 'utf8'))])

function plan(c) {
  const strategy = TagStrategy.fromJson(JSON.stringify(c.strategy))
  const repo = c.repository ?? {}
  return strategy.plan(c.context, {
    policy: c.policy,
    existing: repo.imageDetails,
    mutability: repo.mutability,
    exclusions: repo.exclusionFilters,
    digest: c.digest,
  })
}

describe('tagging fixtures', () => {
  const plans = cases('plans')
  test('every fixture is replayed', () => {
    assert.equal(plans.length, 28)
    assert.equal(cases('env').length, 12)
  })
  for (const [name, c] of plans) {
    test(name, () => {
      if (c.expectedError) {
        assert.throws(
          () => plan(c),
          (err) => {
            assert.equal(err.code, c.expectedError.code, err.message)
            assert.deepEqual((err.errors ?? []).map((f) => f.path), c.expectedError.paths, err.message)
            return true
          },
        )
        return
      }
      const report = plan(c)
      assertShape(report, 'PlanReport')
      assert.deepEqual(report, c.expected)
      // Same key order as the program's JSON.
      assert.equal(JSON.stringify(report), JSON.stringify(c.expected))
    })
  }

  test('CI environments give the expected contexts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ecr-core-node-env-'))
    const cis = new Set()
    for (const [name, c] of cases('env')) {
      const env = { ...c.env }
      if (c.eventPayload) {
        const path = join(dir, name)
        writeFileSync(path, JSON.stringify(c.eventPayload))
        env.GITHUB_EVENT_PATH = path
      }
      const ctx = buildContextFromEnv(env)
      assert.deepEqual(ctx, c.expected, name)
      cis.add(ctx.ci)
    }
    assert.equal(cis.size, 5)
  })

  test('outside a CI the context is refused', () => {
    assert.throws(() => buildContextFromEnv({ HOME: '/root' }), { code: 'InvalidArgument' })
  })

  test('same report as the tag_plan program', (t) => {
    const program = join(process.env.ECR_CORE_BIN_DIR ?? '', 'tag_plan')
    if (!process.env.ECR_CORE_BIN_DIR || !existsSync(program)) return t.skip('ECR_CORE_BIN_DIR/tag_plan not built')
    const demo = join(fixtures, 'demo')
    const out = spawnSync(
      program,
      ['--context', join(demo, 'context.json'), '--strategy', join(demo, 'strategy.json'), '--existing',
        join(demo, 'existing.json'), '--policy', 'production'],
      { encoding: 'utf8' },
    )
    assert.ok(out.status === 0 || out.status === 1, out.stderr)
    const report = TagStrategy.fromJson(readFileSync(join(demo, 'strategy.json'), 'utf8')).plan(
      readFileSync(join(demo, 'context.json'), 'utf8'),
      { policy: 'production', existing: readFileSync(join(demo, 'existing.json'), 'utf8') },
    )
    assert.equal(JSON.stringify(report, null, 2), out.stdout.trimEnd())
    assert.equal(out.status, report.violations.length ? 1 : 0)
  })

  const CONTEXT = { sha: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39', ref: 'refs/tags/v1.2.3', created: '2026-03-04T05:06:07Z' }
  test('bad arguments throw typed errors', () => {
    const s = TagStrategy.fromJson('{"tags": ["type=semver,pattern={{version}}"]}')
    assert.throws(() => s.plan(CONTEXT, { mutability: 'SOMETIMES' }), { code: 'InvalidArgument' })
    assert.throws(() => s.plan(CONTEXT, { policy: 'lenient' }), { code: 'InvalidArgument' })
    assert.throws(() => s.plan(CONTEXT, { policy: { maxTagsPerImage: 0 } }), { code: 'PolicyValidation' })
    assert.throws(() => s.plan(CONTEXT, { existing: [{ imageTags: ['x'] }] }), { code: 'InvalidArgument' })
    assert.throws(() => s.plan({ sha: 5 }), (e) => typeof e.code === 'string' && e.code !== 'Internal')
    assert.throws(() => TagStrategy.fromJson('not json'), (e) => typeof e.code === 'string' && e.code !== 'Internal')
  })
})

const MEDIA = 'application/vnd.oci.image.manifest.v1+json'
function manifest(seed) {
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA,
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: 'sha256:' + createHash('sha256').update(seed).digest('hex'),
      size: 2,
    },
    layers: [],
  })
  return [body, 'sha256:' + createHash('sha256').update(body).digest('hex')]
}

describe('tag plans against the emulator', () => {
  test('checkTagPlan and repositoryTagState', async () => {
    const env = emulator()
    const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
    const name = unique('node-tagging')
    await client.createRepository(name, { tagMutability: 'MUTABLE' })
    const [body, digest] = manifest(name)
    await client.putImage(name, body, { mediaType: MEDIA, tag: '1.2.3', digest })
    const state = await client.repositoryTagState(name)
    assert.equal(state.mutability, 'MUTABLE')
    assert.deepEqual(state.imageDetails.map((i) => i.imageTags), [['1.2.3']])
    const strategy = TagStrategy.fromJson('{"tags": ["type=semver,pattern={{version}}"]}')
    const context = { sha: '4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39', ref: 'refs/tags/v1.2.3', created: '2026-03-04T05:06:07Z' }
    const [, rebuilt] = manifest(name + '-rebuilt')
    const bad = await client.checkTagPlan(name, strategy, context, { digest: rebuilt })
    assert.deepEqual(bad.violations.map((v) => v.code), ['retag-immutable'])
    const same = await client.checkTagPlan(name, strategy, JSON.stringify(context), { digest })
    assert.deepEqual(same.violations, [])
    const offline = strategy.plan(context, { existing: state.imageDetails, mutability: 'MUTABLE', digest })
    assert.deepEqual(offline, same)
    const prod = await client.checkTagPlan(name, strategy, context, { policy: 'production', digest })
    assert.deepEqual(prod.violations.map((v) => v.code), ['latest-forbidden'])
    await assert.rejects(client.repositoryTagState(unique('node-tagging-missing')), { code: 'RepositoryNotFound' })
    await assert.rejects(client.checkTagPlan(unique('node-tagging-missing'), strategy, context), {
      code: 'RepositoryNotFound',
    })
    assert.throws(() => client.checkTagPlan(name, strategy, context, { policy: 'lenient' }), { code: 'InvalidArgument' })
  })
})


describe('planTags then checkPlan', () => {
  const { checkPlan } = require('../index.js').tagging
  for (const [name, c] of cases('plans')) {
    test(`${name}: the two halves of plan() give the same report`, () => {
      if (c.expectedError) {
        assert.throws(() => {
          const strategy = TagStrategy.fromJson(JSON.stringify(c.strategy))
          checkPlan(strategy.planTags(c.context), { policy: c.policy, repository: c.repository, digest: c.digest })
        }, (e) => typeof e.code === 'string' && e.code !== 'Internal')
        return
      }
      const strategy = TagStrategy.fromJson(JSON.stringify(c.strategy))
      const existing = (c.repository?.imageDetails ?? []).flatMap((i) => i.imageTags ?? [])
      const p = strategy.planTags(c.context, existing)
      assert.deepEqual([p.tags, p.labels], [c.expected.tags, c.expected.labels])
      const check = checkPlan(p, { policy: c.policy, repository: c.repository, digest: c.digest })
      assert.deepEqual(check, { violations: c.expected.violations, warnings: c.expected.warnings })
    })
  }

  test('bad input', () => {
    assert.throws(() => checkPlan({ tags: 'nope', labels: {} }), { code: 'InvalidArgument' })
    const p = { tags: [{ value: 'latest', kind: 'rolling', rule: 'flavor.latest=true' }], labels: {} }
    const codes = new Set(checkPlan(p, { policy: 'production' }).violations.map((v) => v.code))
    assert.ok(codes.has('latest-forbidden') && codes.has('no-immutable-tag'), [...codes].join())
    assert.throws(() => checkPlan(p, { digest: 'sha256:nothex' }), { code: 'InvalidArgument' })
    assert.throws(() => checkPlan(p, { repository: { mutability: 'SOMETIMES' } }), (e) => e.code !== 'Internal')
  })
})
