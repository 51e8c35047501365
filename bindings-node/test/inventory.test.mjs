// The inventory of images in use from Node: the file sources against the golden document shared with the Rust
// tests (fixtures/inventory), the preview with an inventory equal to the `lifecycle_preview --inventory`
// program, typed option errors, and discovery against the emulator (moto's server: an ECS service on the newer
// of two task definition revisions and an image Lambda function with a version, an alias and a newer $LATEST,
// created with the AWS CLI), followed by the guarded deletion and the registry-wide report. Moto has no
// ListImageReferrers, so discovery here finds referrers by their tags only.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'

import { emulator, root, unique } from './emulator.mjs'
import { assertShape } from './shapes.mjs'

const require = createRequire(import.meta.url)
const { EcrClient, inventory, lifecycle: { LifecyclePolicy } } = require('../index.js')

const INVENTORY = join(root, 'fixtures', 'inventory')
const EXPIRE_ALL = {
  rules: [
    {
      rulePriority: 1,
      description: 'expire everything older than a day',
      selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 1 },
      action: { type: 'expire' },
    },
  ],
}
const digest = (c) => `sha256:${c.repeat(64)}`

test('the fixture files give the golden inventory, and it is checked when read back', () => {
  const cwd = process.cwd()
  process.chdir(root)
  let inv
  try {
    inv = inventory.fromFiles([
      { kind: 'kubernetes', path: 'fixtures/inventory/kubernetes.json' },
      { kind: 'file', path: 'fixtures/inventory/uris.json' },
    ])
  } finally {
    process.chdir(cwd)
  }
  const text = readFileSync(join(INVENTORY, 'expected-offline.json'), 'utf8')
  assert.deepEqual(inv, JSON.parse(text))
  assert.equal(inv.complete, false)
  assert.deepEqual(inv.sources.filter((s) => s.error).map((s) => s.kind), ['ecr'])
  assert.deepEqual(inventory.read(text), inv)
  assert.deepEqual(inventory.read(inv), inv)
  assert.throws(
    () => inventory.read({ ...inv, complete: true }),
    (e) => e.code === 'InvalidArgument' && e.message.includes('at complete'),
  )
  assert.throws(
    () => inventory.read(text.replace('ecr-core/inventory/v1', 'ecr-core/inventory/v0')),
    (e) => e.code === 'InvalidArgument' && e.message.includes('at schema'),
  )
})

test('unreadable files are failed sources, and merging keeps them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-core-inventory-'))
  const good = join(dir, 'good.json')
  writeFileSync(good, JSON.stringify([`123456789012.dkr.ecr.eu-west-1.amazonaws.com/a@${digest('a')}`]))
  const missing = inventory.fromFiles([{ kind: 'file', path: join(dir, 'missing.json') }])
  assert.equal(missing.complete, false)
  assert.equal(missing.sources[0].error.code, 'Io')
  const whole = inventory.fromFiles([{ kind: 'file', path: good }])
  assert.equal(whole.complete, true)
  const merged = inventory.merge([whole, JSON.stringify(missing)])
  assert.equal(merged.complete, false)
  assert.deepEqual(merged.images.map((i) => i.digest), [digest('a')])
})

test('bad options name the field path', async () => {
  assert.throws(
    () => inventory.fromFiles([{ kind: 'file', path: 'a.json' }, { kind: 'helm', path: 'b.json' }]),
    (e) => e.code === 'InvalidArgument' && e.message.includes('files[1].kind') && e.message.includes('helm'),
  )
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  assert.throws(
    () => client.discoverInventory({ taskDefinitionRevisions: 'five' }),
    (e) => e.code === 'InvalidArgument' && e.message.includes('options.taskDefinitionRevisions'),
  )
  assert.throws(
    () => client.discoverInventory({ region: ['eu-west-1'] }),
    (e) => e.code === 'InvalidArgument' && e.message.includes('unknown field `region`'),
  )
  await assert.rejects(
    client.discoverInventory({ services: ['ecs', 'kubernetes'] }),
    (e) => e.code === 'InvalidArgument' && e.message.includes('services[1]'),
  )
})

test('the preview with an inventory equals the lifecycle_preview program', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ecr-core-inventory-'))
  const used = digest('a')
  const uri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/api@${used}`
  writeFileSync(join(dir, 'in-use.json'), JSON.stringify([uri]))
  const inv = inventory.fromFiles([{ kind: 'file', path: join(dir, 'in-use.json') }])
  // The image in use, its cosign signature (legacy tag) and an unused image.
  const images = [
    { imageDigest: used, imageTags: ['1.4.2'], imagePushedAt: '2026-01-01T00:00:00Z' },
    { imageDigest: digest('5'), imageTags: [`sha256-${'a'.repeat(64)}.sig`], imagePushedAt: '2026-01-01T00:00:00Z' },
    { imageDigest: digest('d'), imageTags: ['old'], imagePushedAt: '2026-01-01T00:00:00Z' },
  ]
  const now = '2026-12-01T00:00:00Z'
  const doc = inventory.preview(EXPIRE_ALL, images, inv, { now })
  assert.deepEqual(doc.previewResults.map((r) => r.imageDigest), [digest('d')])
  assert.equal(doc.inventoryComplete, true)
  const hits = Object.fromEntries(doc.inUse[0].images.map((h) => [h.imageDigest, h]))
  assert.deepEqual(hits[used].uses[0], { kind: 'file', name: join(dir, 'in-use.json'), reference: uri })
  assert.equal(hits[digest('5')].uses[0].kind, 'referrer')
  assert.equal(hits[digest('5')].uses[0].via, used)
  assert.deepEqual(inventory.preview(LifecyclePolicy.fromObject(EXPIRE_ALL), JSON.stringify(images), JSON.stringify(inv), { now }), doc)

  const bin = join(process.env.ECR_CORE_BIN_DIR ?? '', 'lifecycle_preview')
  if (!existsSync(bin)) return
  writeFileSync(join(dir, 'policy.json'), JSON.stringify(EXPIRE_ALL))
  writeFileSync(join(dir, 'images.json'), JSON.stringify(images))
  writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inv))
  const out = execFileSync(bin, ['--policy', join(dir, 'policy.json'), '--images', join(dir, 'images.json'),
    '--inventory', join(dir, 'inventory.json'), '--now', now], { encoding: 'utf8' })
  assert.deepEqual(JSON.parse(out), doc)
})

/** The AWS CLI of the project's virtualenv against the emulator; its JSON output. */
function aws(env, ...args) {
  const out = execFileSync(join(root, '.venv', 'bin', 'aws'), [...args, '--output', 'json'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
  return out.trim() ? JSON.parse(out) : null
}

const manifest = (n) =>
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: n, digest: `sha256:${n.toString(16).padStart(64, '0')}` },
    layers: [],
  })

test('discovery, the preview, the guarded deletion and the registry report against the emulator', async () => {
  const env = emulator()
  const client = new EcrClient({ region: env.AWS_REGION, endpointUrl: env.AWS_ENDPOINT_URL })
  // Moto's Lambda finds an image's repository by the last path segment: a name without `/`.
  const repo = unique('node-inventory')
  const { repositoryUri: uri } = await client.createRepository(repo, { tagMutability: 'MUTABLE' })
  const d = {}
  for (const [i, tag] of ['rollback', 'service', 'published', 'latest-code', 'unused'].entries()) {
    const body = manifest(4000 + i)
    d[tag] = `sha256:${createHash('sha256').update(body).digest('hex')}`
    await client.putImage(repo, body, { tag, digest: d[tag] })
  }
  const cluster = unique('node-cluster')
  aws(env, 'ecs', 'create-cluster', '--cluster-name', cluster)
  const family = unique('node-family')
  const revisions = ['rollback', 'service'].map(
    (tag) =>
      aws(env, 'ecs', 'register-task-definition', '--family', family, '--container-definitions',
        JSON.stringify([{ name: 'app', image: `${uri}:${tag}`, memory: 256 }])).taskDefinition.taskDefinitionArn,
  )
  aws(env, 'ecs', 'create-service', '--cluster', cluster, '--service-name', 'api', '--task-definition', revisions[1],
    '--desired-count', '1')
  const role = aws(env, 'iam', 'create-role', '--role-name', unique('node-role'), '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole',
      Principal: { Service: 'lambda.amazonaws.com' } }] })).Role.Arn
  const fn = unique('node-fn')
  aws(env, 'lambda', 'create-function', '--function-name', fn, '--role', role, '--package-type', 'Image',
    '--code', `ImageUri=${uri}:published`)
  const { Version: version } = aws(env, 'lambda', 'publish-version', '--function-name', fn)
  aws(env, 'lambda', 'create-alias', '--function-name', fn, '--name', 'live', '--function-version', version)
  aws(env, 'lambda', 'update-function-code', '--function-name', fn, '--image-uri', `${uri}:latest-code`)

  // ECS and Lambda (what moto has), two rollback revisions, referrers by tag only (moto has no
  // ListImageReferrers), no earlier service deployments (moto has no ListServiceDeployments).
  const options = {
    services: ['ecs', 'lambda'],
    taskDefinitionRevisions: 2,
    referrersApi: false,
    serviceDeployments: false,
  }
  const inv = await client.discoverInventory(options)
  assertShape(inv, 'Inventory')
  assert.ok(inv.complete, JSON.stringify(inv.sources.filter((s) => s.error)))
  const uses = (dg) => {
    const image = inv.images.find((i) => i.digest === dg)
    assert.ok(image, `${dg} is not in use`)
    return image.uses.map((u) => [u.kind, u.name])
  }
  assert.ok(uses(d.service).some(([k, n]) => k === 'ecsService' && n.endsWith('/api')))
  assert.ok(uses(d.rollback).some(([k, n]) => k === 'ecsTaskDefinition' && n === revisions[0]))
  assert.ok(uses(d.published).some(([k, n]) => k === 'lambdaVersion' && n.endsWith(`${fn}:1`)))
  assert.ok(uses(d.published).some(([k, n]) => k === 'lambdaAlias' && n.endsWith(':live')))
  assert.ok(uses(d['latest-code']).some(([k, n]) => k === 'lambdaVersion' && n.endsWith(':$LATEST')))
  assert.ok(!inv.images.some((i) => i.digest === d.unused))
  const newestOnly = await client.discoverInventory({ ...options, taskDefinitionRevisions: 1 })
  assert.ok(!newestOnly.images.some((i) => i.digest === d.rollback))

  const images = await client.describeImagesAllStatuses(repo)
  const newest = Math.max(...images.map((i) => Date.parse(i.imagePushedAt)))
  const now = new Date(newest + 10 * 86400 * 1000)
  const inUse = new Set(['rollback', 'service', 'published', 'latest-code'].map((t) => d[t]))
  const doc = await client.lifecyclePreviewWithInventory(repo, inv, { policy: EXPIRE_ALL, now })
  assert.deepEqual(doc.previewResults.map((r) => r.imageDigest), [d.unused])
  assert.deepEqual(new Set(doc.inUse[0].images.map((h) => h.imageDigest)), inUse)

  // An unguarded preview expires images in use: refused before anything is deleted.
  const unguarded = LifecyclePolicy.fromObject(EXPIRE_ALL).evaluate(images, { now })
  await assert.rejects(client.expireImagesWithInventory(repo, unguarded, inv, { dryRun: false }), (e) => e.code === 'Refused')
  // An incomplete inventory is refused unless told otherwise (a dry run here).
  const incomplete = inventory.merge([inv, inventory.fromFiles([{ kind: 'file', path: '/nonexistent/in-use.json' }])])
  await assert.rejects(client.expireImagesWithInventory(repo, doc, incomplete),
    (e) => e.code === 'Refused' && e.message.includes('incomplete'))
  const dry = await client.expireImagesWithInventory(repo, doc, incomplete, { allowIncomplete: true })
  assert.deepEqual([dry.dryRun, dry.requested], [true, [d.unused]])
  const report = await client.expireImagesWithInventory(repo, doc, inv, { dryRun: false })
  assert.deepEqual(report.deleted, [d.unused])
  assert.equal((await client.describeImagesAllStatuses(repo)).length, images.length - 1)

  // The registry-wide report: the policy on the repository would expire nothing but images in use.
  await client.putLifecyclePolicy(repo, EXPIRE_ALL)
  const registry = await client.registryInUseReport(JSON.stringify(inv), { now, concurrency: 4 })
  assertShape(registry, 'RegistryInUseReport')
  const row = registry.findings.find((r) => r.repository === repo)
  assert.deepEqual([row.expiring, row.inUseHits], [0, inUse.size])
  assert.equal(registry.inventoryComplete, true)
})
